"""The published model: fit once, every process loads the newest version, damage falls back."""

from __future__ import annotations

import json
import logging
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import sparse
from typer.testing import CliRunner

from movierec import ManualClock, ModelUnavailable, MovieRec, Settings
from movierec.db.models import CatalogRating, ModelVersion
from movierec.recommend.artifact import MAGIC, decode, encode
from movierec.recommend.model import HybridModel
from movierec.recommend.training import load_training
from movierec_cli.app import app as cli_app
from movierec_server import create_app
from tests.conftest import MakeMovieRec
from tests.helpers.cli_env import point_cli_at
from tests.helpers.factories import add_favorites, bearer, signed_in, stored_principal
from tests.helpers.taste_data import action_ids

ROOT = Path(__file__).resolve().parents[2]

SECOND_PROCESS = """
import asyncio, json, sys
from movierec import MovieRec, Principal
from tests.helpers.factories import add_favorites, bearer, signed_in, stored_principal

async def main() -> None:
    async with MovieRec() as mr:
        user = Principal(user_id=int(sys.argv[1]), username=sys.argv[2])
        page = await mr.recommend.for_user(user, size=20)
        held = mr.recommend.models.held
        print(json.dumps({"ids": [i.movie.id for i in page.items], "version": held.version}))

asyncio.run(main())
"""


async def _published_mr(make_mr: MakeMovieRec, taste: Path, tmp_path: Path, **kw: Any) -> MovieRec:
    """A ``MovieRec`` that never fits on demand, on a database a second process can open."""
    overrides: dict[str, Any] = {"model_fit_on_demand": "no", **kw}
    probe = await make_mr(**overrides)
    if probe.db.kind == "sqlite":
        await probe.close()
        overrides["database_url"] = f"sqlite://{tmp_path / 'shared.sqlite3'}"
        probe = await make_mr(**overrides)
    await probe.catalog.import_movielens(taste)
    return probe


def _assert_same_model(a: HybridModel, b: HybridModel) -> None:
    assert list(a.items.ids) == list(b.items.ids)
    assert a.titles == b.titles
    np.testing.assert_array_equal(a.popularity, b.popularity)
    for left, right in (
        (a.knn.similarity, b.knn.similarity),
        (a.content.vectors, b.content.vectors),
        (a.content.genre_vectors, b.content.genre_vectors),
    ):
        assert isinstance(right, sparse.csr_matrix)
        assert left.dtype == right.dtype
        assert (left != right).nnz == 0
    assert a.content.vocabulary == b.content.vocabulary


async def test_a_fit_round_trips_through_the_artifact_exactly(
    make_mr: MakeMovieRec, taste_dir: Path
) -> None:
    mr = await make_mr()
    await mr.catalog.import_movielens(taste_dir)
    user = await stored_principal()
    await add_favorites(mr, user, action_ids()[:4])
    await mr.recommend.fit_model()
    model = await mr.recommend.model()
    copy, meta = decode(encode(model, {"ratings": 7}))
    assert meta == {"ratings": 7}
    assert isinstance(copy, HybridModel)
    _assert_same_model(model, copy)
    profile = model.items.positions(action_ids()[:4])
    params = mr.recommend.params
    assert copy.rank(profile, 30, params) == model.rank(profile, 30, params)


def test_a_damaged_or_foreign_artifact_is_refused_with_a_clear_error() -> None:
    model = {"weights": np.arange(5, dtype=np.float64)}
    blob = encode(model, {})
    flipped = bytearray(blob)
    flipped[-40] ^= 0xFF
    for bad, words in (
        (bytes(flipped), "checksum"),
        (b"not a model at all", "magic"),
        (blob[: len(blob) // 2], "checksum"),
    ):
        with pytest.raises(ModelUnavailable, match=words) as caught:
            decode(bad)
        assert caught.value.code == "model_unavailable"
        assert caught.value.http_status == 503
    start = len(MAGIC) + 4
    (length,) = struct.unpack(">I", blob[len(MAGIC) : start])
    header = json.loads(blob[start : start + length])
    header["tree"] = {"t": "dc", "cls": "os:system", "f": {}}
    raw = json.dumps(header).encode()
    foreign = MAGIC + struct.pack(">I", len(raw)) + raw + blob[start + length :]
    with pytest.raises(ModelUnavailable, match="foreign class os:system"):
        decode(foreign)


def _renamed(blob: bytes, old: str, new: str) -> bytes:
    """``blob`` with class paths in its header renamed (the arrays and checksum untouched)."""
    start = len(MAGIC) + 4
    (length,) = struct.unpack(">I", blob[len(MAGIC) : start])
    raw = blob[start : start + length].replace(old.encode(), new.encode())
    return MAGIC + struct.pack(">I", len(raw)) + raw + blob[start + length :]


def test_a_model_published_before_the_recommend_modules_merged_still_loads() -> None:
    from movierec.recommend.ranking import BlendWeights
    from movierec.recommend.similarity import ItemKNN

    knn = ItemKNN(sparse.csr_matrix(np.eye(3)))
    model = {"knn": knn, "weights": BlendWeights(collaborative=0.7)}
    blob = encode(model, {})
    assert b"movierec.recommend.similarity:ItemKNN" in blob
    older = _renamed(
        _renamed(blob, "recommend.similarity:", "recommend.itemknn:"),
        "recommend.ranking:",
        "recommend.blend:",
    )
    assert b"movierec.recommend.itemknn:ItemKNN" in older
    loaded, _ = decode(older)
    loaded_knn = loaded["knn"]
    assert isinstance(loaded_knn, ItemKNN)
    assert (loaded_knn.similarity != knn.similarity).nnz == 0
    assert loaded["weights"] == BlendWeights(collaborative=0.7)


async def test_fit_publishes_and_a_second_process_serves_the_same_list(
    make_mr: MakeMovieRec, taste_dir: Path, tmp_path: Path, settings: Settings
) -> None:
    mr = await _published_mr(make_mr, taste_dir, tmp_path)
    user = await stored_principal()
    await add_favorites(mr, user, action_ids()[:5])
    info = await mr.recommend.fit_model()
    assert info.items > 0
    assert info.ratings > 0
    assert info.size_bytes > 0
    here = await mr.recommend.for_user(user, size=20)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOVIEREC_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]),
        MOVIEREC_DATABASE_URL=str(mr.settings.database_url),
        MOVIEREC_DATA_DIR=str(tmp_path / "second"),
        MOVIEREC_CONFIG_DIR=str(tmp_path / "second-config"),
        MOVIEREC_JWT_SECRET=str(settings.jwt_secret),
        MOVIEREC_TMDB_BASE_URL=settings.tmdb_base_url,
        MOVIEREC_MODEL_FIT_ON_DEMAND="no",
    )
    done = subprocess.run(  # noqa: ASYNC221 - the second process is the point
        [sys.executable, "-c", SECOND_PROCESS, str(user.user_id), user.username],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    there = json.loads(done.stdout.strip().splitlines()[-1])
    assert there["version"] == info.id
    assert there["ids"] == [item.movie.id for item in here.items]
    assert len(there["ids"]) == 20


async def test_a_newer_version_is_picked_up_at_the_next_check_without_restart(
    make_mr: MakeMovieRec, taste_dir: Path, tmp_path: Path
) -> None:
    publisher = await _published_mr(make_mr, taste_dir, tmp_path)
    first = await publisher.recommend.fit_model()
    clock = ManualClock()
    server = await make_mr(
        clock=clock,
        model_fit_on_demand="no",
        model_check_seconds=30,
        database_url=publisher.settings.database_url,
    )
    await server.recommend.model()
    assert server.recommend.models.held is not None
    assert server.recommend.models.held.version == first.id
    second = await publisher.recommend.fit_model()
    clock.advance(10)
    await server.recommend.model()
    assert server.recommend.models.held.version == first.id  # not looked yet
    clock.advance(25)
    await server.recommend.model()
    assert server.recommend.models.held.version == second.id


async def test_a_damaged_newest_version_falls_back_to_the_previous_one(
    make_mr: MakeMovieRec, taste_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    publisher = await _published_mr(make_mr, taste_dir, tmp_path)
    good = await publisher.recommend.fit_model()
    holder_clock = ManualClock()
    holding = await make_mr(
        clock=holder_clock, model_fit_on_demand="no", database_url=publisher.settings.database_url
    )
    await holding.recommend.model()
    bad = await publisher.recommend.fit_model()
    await ModelVersion.filter(id=bad.id).update(blob=b"MRMODEL\x00garbage")
    caplog.set_level(logging.ERROR, logger="movierec.recommend.serving")
    fresh = await make_mr(model_fit_on_demand="no", database_url=publisher.settings.database_url)
    await fresh.recommend.model()
    assert fresh.recommend.models.held is not None
    assert fresh.recommend.models.held.version == good.id
    assert f"model version {bad.id} cannot be used" in caplog.text
    holder_clock.advance(60)
    await holding.recommend.model()
    assert holding.recommend.models.held is not None
    assert holding.recommend.models.held.version == good.id


async def test_without_a_usable_version_serving_says_model_unavailable_and_never_fits(
    make_mr: MakeMovieRec, taste_dir: Path, tmp_path: Path
) -> None:
    mr = await _published_mr(make_mr, taste_dir, tmp_path)
    user = await stored_principal()
    with pytest.raises(ModelUnavailable, match="movierec model fit") as caught:
        await mr.recommend.for_user(user)
    assert caught.value.to_dict()["error"]["code"] == "model_unavailable"
    assert await ModelVersion.all().count() == 0  # nothing fitted behind the caller's back
    info = await mr.recommend.fit_model()
    await ModelVersion.filter(id=info.id).update(blob=b"damaged")
    fresh = await make_mr(model_fit_on_demand="no", database_url=mr.settings.database_url)
    with pytest.raises(ModelUnavailable, match="damaged"):
        await fresh.recommend.for_user(user)


async def test_old_versions_are_pruned_and_status_lists_the_rest(
    make_mr: MakeMovieRec, taste_dir: Path, tmp_path: Path
) -> None:
    mr = await _published_mr(make_mr, taste_dir, tmp_path, model_keep_versions=2)
    published = [await mr.recommend.fit_model() for _ in range(3)]
    listed = await mr.recommend.model_versions()
    assert [v.id for v in listed] == [published[2].id, published[1].id]
    assert all(v.ratings == published[0].ratings and v.fit_seconds > 0 for v in listed)


def test_embedded_sqlite_fits_on_demand_and_postgresql_does_not() -> None:
    sqlite = Settings(database_url="sqlite://:memory:")
    postgres = Settings(database_url="postgres://u@127.0.0.1/db")
    assert sqlite.fits_on_demand is True
    assert postgres.fits_on_demand is False
    assert postgres.model_copy(update={"model_fit_on_demand": "yes"}).fits_on_demand is True


async def test_the_embedded_default_fits_on_first_use_and_says_so(
    make_mr: MakeMovieRec, taste_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mr = await make_mr(model_fit_on_demand="yes")
    await mr.catalog.import_movielens(taste_dir)
    caplog.set_level(logging.WARNING, logger="movierec.recommend.serving")
    await mr.recommend.model()
    assert "fitting one in this process" in caplog.text
    assert mr.recommend.models.held is not None
    assert mr.recommend.models.held.version is None
    assert await ModelVersion.all().count() == 0


async def test_a_server_with_no_published_model_answers_503_model_unavailable(
    make_mr: MakeMovieRec, taste_dir: Path, tmp_path: Path
) -> None:
    mr = await _published_mr(make_mr, taste_dir, tmp_path)
    app = create_app(movierec=mr)
    pair = await signed_in(mr)
    _, reply = await app.asgi_client.get(
        "/movies/recommendations", headers=bearer(pair.access_token)
    )
    assert reply.status == 503
    assert reply.json["error"]["code"] == "model_unavailable"
    assert "movierec model fit" in reply.json["error"]["message"]
    await mr.recommend.fit_model()
    _, served = await app.asgi_client.get(
        "/movies/recommendations", headers=bearer(pair.access_token)
    )
    assert served.status == 200, served.body
    assert served.json["items"]


def test_the_cli_fits_and_lists_versions(
    mr: MovieRec,
    taste_dir: Path,
    tmp_path: Path,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point_cli_at(monkeypatch, tmp_path, settings, redis=False)
    runner = CliRunner()
    imported = runner.invoke(cli_app, ["catalog", "import", "movielens", str(taste_dir), "--json"])
    assert imported.exit_code == 0, imported.output
    empty = runner.invoke(cli_app, ["model", "status"])
    assert empty.exit_code == 0, empty.output
    assert "no model published yet" in empty.output
    fitted = runner.invoke(cli_app, ["model", "fit", "--json"])
    assert fitted.exit_code == 0, fitted.output
    info = json.loads(fitted.output)
    assert info["items"] > 0
    assert info["ratings"] > 0
    status = runner.invoke(cli_app, ["model", "status", "--json"])
    assert status.exit_code == 0, status.output
    listed = json.loads(status.output)
    assert [v["id"] for v in listed] == [info["id"]]
    assert set(listed[0]) >= {"id", "created_at", "ratings", "items", "size_bytes", "fit_seconds"}
    table = runner.invoke(cli_app, ["model", "status"])
    assert "Published models" in table.output


async def test_a_fit_reads_exactly_the_positive_ratings_and_favorites(
    make_mr: MakeMovieRec, taste_dir: Path
) -> None:
    mr = await make_mr()
    await mr.catalog.import_movielens(taste_dir)
    user = await stored_principal()
    await add_favorites(mr, user, action_ids()[:3])
    data = await load_training(mr.db.connection(), mr.db.kind)
    assert isinstance(data.raters, np.ndarray)
    assert data.raters.dtype == np.int64
    expected = sorted(
        [
            (int(r), int(m))
            for r, m in await CatalogRating.filter(rating__gte=4).values_list("rater", "movie_id")
        ]
        + [(-user.user_id, m) for m in action_ids()[:3]]
    )
    assert sorted(zip(data.raters.tolist(), data.items.tolist(), strict=True)) == expected
    assert len(expected) > 100
