"""The recommendation jobs: refresh (in-process and on a real Celery worker) and notify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from movierec import MovieRec, Settings
from movierec.operations.notify import LogNotifier
from movierec.operations.tasks import TASK_NAME, create_celery_app
from tests.helpers.factories import add_favorites, stored_principal
from tests.helpers.taste_data import action_ids


async def test_the_refresh_job_recomputes_one_users_list(taste_mr: MovieRec) -> None:
    alice = await stored_principal("alice")
    await add_favorites(taste_mr, alice, action_ids()[:3])
    before = await taste_mr.recommend.for_user(alice)
    result = await taste_mr.jobs.run("refresh-recommendations", target_id=alice.user_id)
    after = await taste_mr.recommend.for_user(alice)
    assert result.result["refreshed"] == 1
    assert after.cached is True
    assert after.generated_at >= before.generated_at


async def test_notify_sends_each_user_their_picks_once(taste_mr: MovieRec) -> None:
    alice = await stored_principal("alice")
    await add_favorites(taste_mr, alice, action_ids()[:3])
    await stored_principal("bob")  # cold start: still gets picks
    notifier = LogNotifier()
    taste_mr.notifier = notifier
    first = await taste_mr.jobs.run("notify-recommendations")
    assert first.result == {"sent": 2, "unchanged": 0, "empty": 0, "failed": 0}
    to_alice = next(n for n in notifier.sent if n.username == "alice")
    assert to_alice.email == "alice@example.org"
    assert to_alice.subject == "New recommendations for you"
    assert to_alice.body.count("\n- ") == 5
    again = await taste_mr.jobs.run("notify-recommendations")
    assert again.result == {"sent": 0, "unchanged": 2, "empty": 0, "failed": 0}
    assert len(notifier.sent) == 2


@pytest.mark.services_only
async def test_a_real_worker_refreshes_the_users_cached_lists(
    worker: Settings, taste_mr: MovieRec, tmp_path: Path
) -> None:
    alice = await stored_principal("alice")
    bob = await stored_principal("bob")
    await add_favorites(taste_mr, alice, action_ids()[:3])
    before = await taste_mr.recommend.for_user(alice)
    celery = create_celery_app(worker)
    try:
        sent = celery.send_task(
            TASK_NAME, args=("refresh-recommendations", None), queue=worker.celery_queue
        )
        outcome: dict[str, Any] = sent.get(timeout=120)
    except Exception:
        pytest.fail("worker did not answer:\n" + (tmp_path / "worker.log").read_text()[-3000:])
    finally:
        celery.close()
    assert outcome["result"]["users"] == outcome["result"]["refreshed"] == 2
    after = await taste_mr.recommend.for_user(alice)
    assert after.cached is True
    assert after.generated_at > before.generated_at
    assert (await taste_mr.recommend.for_user(bob)).cached is True
