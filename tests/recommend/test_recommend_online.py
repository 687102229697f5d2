"""Online quality: served items favorited within a window, against a popularity control."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from movierec import Forbidden, InvalidInput, ManualClock, MovieRec
from movierec.db.models import CatalogRating, Favorite, Recommendation, User
from movierec_server import create_app
from tests.helpers.factories import bearer, signed_in, signed_in_admin, stored_user

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
D1 = datetime(2026, 3, 1, tzinfo=UTC)
D2 = datetime(2026, 3, 19, tzinfo=UTC)


async def _serve(user: User, movies: list[int], at: datetime) -> None:
    await Recommendation.bulk_create(
        [
            Recommendation(user=user, movie_id=m, score=1.0, reason="test", created_at=at)
            for m in movies
        ]
    )


async def _favorite(user: User, movie: int, at: datetime) -> None:
    await Favorite.create(user=user, movie_id=movie, movie_title=f"movie {movie}", created_at=at)


async def synthetic_log() -> None:
    """The log worked through by hand in the test below."""
    for movie, raters in {900: 5, 901: 4, 902: 3, 903: 2, 904: 1, 905: 1}.items():
        for rater in range(raters):
            await CatalogRating.create(rater=rater, movie_id=movie, rating=4.5, rated_at=D1)
    alice = await stored_user("alice")
    bob = await stored_user("bob")
    await _favorite(alice, 901, D1 - timedelta(days=10))  # before anything was shown
    await _serve(alice, [10, 11, 12, 13], D1 + timedelta(hours=9))
    await _serve(alice, [10], D1 + timedelta(hours=15))  # shown again the same day: once
    await _serve(bob, [10, 20], D1 + timedelta(hours=10))
    await _serve(alice, [99], datetime(2026, 1, 1, tzinfo=UTC))  # before the period
    await _favorite(alice, 11, D1 + timedelta(days=2))  # hit
    await _favorite(alice, 12, D1 + timedelta(days=9))  # too late: not a hit
    await _favorite(bob, 20, D1 + timedelta(hours=11))  # hit
    await _favorite(alice, 902, D1 + timedelta(days=1))  # control hit (alice's list)
    await _favorite(bob, 900, D1 + timedelta(days=3))  # control hit (bob's list)
    await _serve(alice, [30], D2 + timedelta(hours=8))
    await _favorite(alice, 30, D2 + timedelta(hours=9))


@pytest.fixture
async def clocked(make_mr: Any) -> MovieRec:
    mr: MovieRec = await make_mr(clock=ManualClock(NOW.timestamp()))
    return mr


async def test_online_quality_of_a_synthetic_log_gives_the_hand_computed_shares(
    clocked: MovieRec,
) -> None:
    await synthetic_log()
    _, admin = await signed_in_admin(clocked)
    report = await clocked.recommend.quality(admin, days=30, window=7)
    assert (report.since, report.until, len(report.days)) == (date(2026, 2, 19), NOW.date(), 30)
    days = {row.day: row for row in report.days}
    first = days[D1.date()].tally
    # served: alice 10, 11, 12, 13 and bob 10, 20; favorited within 7 days: alice 11, bob 20
    assert (first.served, first.favorited, first.share) == (6, 2, 0.3333)
    # popularity at D1 (ratings + earlier favorites): 900 (5), 901 (5), 902, 903, 904, 905;
    # alice (4 shown, 901 already hers): 900, 902, 903, 904 -> 902 favorited;
    # bob (2 shown): 900, 901 -> 900 favorited
    assert (first.control_served, first.control_favorited, first.control_share) == (6, 2, 0.3333)
    assert days[D1.date()].complete
    second = days[D2.date()].tally
    # alice shown 30 and favorited it; control 900 (now 6 with bob's favorite), not favorited
    assert (second.served, second.favorited, second.share) == (1, 1, 1.0)
    assert (second.control_served, second.control_favorited, second.control_share) == (1, 0, 0.0)
    assert not days[D2.date()].complete  # its window is still open
    quiet = days[date(2026, 3, 2)].tally
    assert (quiet.served, quiet.share, quiet.control_share) == (0, None, None)
    # totals count complete days only
    totals = report.totals
    assert (totals.served, totals.favorited, totals.share) == (6, 2, 0.3333)
    assert (totals.control_served, totals.control_favorited) == (6, 2)


async def test_a_shorter_window_counts_fewer_hits(clocked: MovieRec) -> None:
    await synthetic_log()
    _, admin = await signed_in_admin(clocked)
    report = await clocked.recommend.quality(admin, days=30, window=1)
    first = next(row.tally for row in report.days if row.day == D1.date())
    # alice's favorite of 11 came 2 days after the showing: only bob's 20 is a hit now
    assert (first.served, first.favorited) == (6, 1)
    # 902 came 15 h after alice's first showing (a hit), 900 three days after bob's (not)
    assert first.control_favorited == 1


async def test_online_quality_is_for_admins_and_checks_its_arguments(clocked: MovieRec) -> None:
    pair = await signed_in(clocked, "pleb")
    viewer = await clocked.auth.authenticate(pair.access_token)
    with pytest.raises(Forbidden):
        await clocked.recommend.quality(viewer)
    _, admin = await signed_in_admin(clocked)
    for bad in ({"days": 0}, {"days": 400}, {"window": 0}, {"window": True}):
        with pytest.raises(InvalidInput):
            await clocked.recommend.quality(admin, **bad)


async def test_quality_over_http_is_the_library_report_and_admin_only(clocked: MovieRec) -> None:
    await synthetic_log()
    pair, admin = await signed_in_admin(clocked)
    user = await signed_in(clocked, "pleb")
    app = create_app(movierec=clocked)
    _, response = await app.asgi_client.get(
        "/admin/recommendations/quality?days=30", headers=bearer(pair.access_token)
    )
    assert response.status == 200, response.json
    expected = await clocked.recommend.quality(admin, days=30)
    assert response.json == expected.model_dump(mode="json")
    _, refused = await app.asgi_client.get(
        "/admin/recommendations/quality", headers=bearer(user.access_token)
    )
    assert refused.status == 403
    _, bad = await app.asgi_client.get(
        "/admin/recommendations/quality?window=0", headers=bearer(pair.access_token)
    )
    assert bad.status == 400
    assert "window" in bad.json["error"]["details"]["fields"]
