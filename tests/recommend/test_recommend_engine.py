"""The recommender's math: metrics, the hold-out split, item-kNN, MMR, and the harness."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from movierec import Settings
from movierec.catalog import movielens_folder
from movierec.errors import NotFound
from movierec.recommend import ModelParams, evaluate, evaluate_sync
from movierec.recommend.content import ItemFeatures, build_content_model
from movierec.recommend.evaluate import split_favorites
from movierec.recommend.matrix import IdMap, interaction_matrix
from movierec.recommend.model import HybridModel, _spread_anchors, recency_weights
from movierec.recommend.movielens import read_movielens
from movierec.recommend.protocol import coverage, ndcg_at_k, recall_at_k
from movierec.recommend.ranking import franchise_key, mmr
from movierec.recommend.similarity import fit_item_knn
from movierec_cli.app import app
from tests.helpers.taste_data import write_movielens


def test_ndcg_of_one_hit_at_rank_two_is_one_over_log2_of_three() -> None:
    assert ndcg_at_k([7, 2, 9], {2}, 3) == pytest.approx(1 / math.log2(3))


def test_ndcg_of_a_perfect_list_is_one_and_of_a_miss_is_zero() -> None:
    assert ndcg_at_k([1, 2, 3], {1, 2}, 3) == pytest.approx(1.0)
    assert ndcg_at_k([4, 5, 6], {1, 2}, 3) == 0.0


def test_ndcg_normalises_by_the_ideal_list_for_two_relevant_items() -> None:
    # hits at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3))
    expected = (1 + 1 / 2) / (1 + 1 / math.log2(3))
    assert ndcg_at_k([1, 9, 2], {1, 2}, 3) == pytest.approx(expected)


def test_recall_counts_hits_over_the_smaller_of_k_and_relevant() -> None:
    assert recall_at_k([5, 1, 7], {1, 2}, 3) == pytest.approx(0.5)
    assert recall_at_k([1, 2], {1, 2, 3, 4}, 2) == pytest.approx(1.0)


def test_coverage_is_the_share_of_the_catalogue_in_any_top_list() -> None:
    assert coverage([[1, 2, 3], [2, 3, 4]], 10, 2) == pytest.approx(0.3)


def test_hold_out_takes_each_users_latest_favorites_and_is_deterministic(
    tmp_path: Path,
) -> None:
    data = read_movielens(write_movielens(tmp_path / "ml"))
    first = split_favorites(data, seed=3)
    again = split_favorites(data, seed=3)
    assert first.held_out == again.held_out
    assert (first.train != again.train).nnz == 0
    # every user liked 8 movies: 20% held out rounds to 2, the two rated last
    user_row = 0
    held = first.held_out[user_row]
    assert len(held) == 2
    mask = (data.users == 1) & (data.ratings >= 4)
    latest = data.movies[mask][np.argsort(data.timestamps[mask])][-2:]
    assert {first.items.external(p) for p in held} == {int(m) for m in latest}
    assert not held & set(first.profiles[user_row].tolist())


def test_item_knn_finds_the_item_always_liked_together() -> None:
    # users x items: items 0 and 1 always together, item 2 with item 3
    rows = np.array([0, 0, 1, 1, 2, 2, 3, 3, 4])
    cols = np.array([0, 1, 0, 1, 2, 3, 2, 3, 1])
    knn = fit_item_knn(interaction_matrix(rows, cols, (5, 4)), k=2, shrink=0.0)
    neighbours, sims = knn.neighbours(0)
    assert neighbours[0] == 1
    assert sims[0] == pytest.approx(2 / math.sqrt(2 * 3))
    assert 2 not in neighbours.tolist()
    assert knn.similarity.getrow(2).nnz <= 2


def test_item_knn_keeps_at_most_k_neighbours_per_item() -> None:
    rng = np.random.default_rng(0)
    dense = rng.random((40, 30)) > 0.5
    rows, cols = np.nonzero(dense)
    knn = fit_item_knn(interaction_matrix(rows, cols, (40, 30)), k=5, block=7)
    assert np.diff(knn.similarity.indptr).max() <= 5


def test_mmr_moves_a_different_genre_up_the_list() -> None:
    features = [ItemFeatures(genres=("Horror",))] * 3 + [ItemFeatures(genres=("Comedy",))]
    content = build_content_model(features)
    items = np.arange(4)
    relevance = np.array([1.0, 0.95, 0.9, 0.6])
    plain = mmr(relevance, content.genre_similarity(items), 4, 1.0)
    diverse = mmr(relevance, content.genre_similarity(items), 4, 0.5)
    assert plain.tolist() == [0, 1, 2, 3]
    assert diverse.tolist()[:2] == [0, 3]


def test_franchise_key_groups_sequels() -> None:
    assert franchise_key("Toy Story 2") == franchise_key("Toy Story") == "toy story"
    assert franchise_key("Star Wars: Episode IV") == franchise_key("Star Wars: The Last Jedi")
    assert franchise_key("The Matrix Reloaded") != franchise_key("The Matrix")


def test_recency_weights_halve_every_half_life() -> None:
    assert recency_weights(3, 1.0).tolist() == [0.25, 0.5, 1.0]
    assert recency_weights(2, 0.0).tolist() == [1.0, 1.0]


def test_id_map_is_a_stable_bijection() -> None:
    ids = IdMap([30, 10, 30, 20])
    assert len(ids) == 3
    assert ids.positions([20, 99, 30]).tolist() == [2, 0]
    assert ids.external(1) == 10


def test_harness_reports_engine_and_every_baseline(tmp_path: Path) -> None:
    report = evaluate_sync(write_movielens(tmp_path / "ml"), k=5)
    methods = {r.method: r for r in report.results}
    assert set(methods) == {"most-popular", "item-kNN", "RP3beta", "EASE", "engine"}
    assert report.users == 30
    assert report.notes == []
    # tastes are clear-cut: personalised methods beat popularity
    for personal in ("engine", "item-kNN", "RP3beta", "EASE"):
        assert methods[personal].ndcg > methods["most-popular"].ndcg, personal
    assert all(0.0 <= r.coverage <= 1.0 for r in report.results)


async def test_harness_runs_off_the_event_loop_and_rejects_a_missing_folder(
    tmp_path: Path,
) -> None:
    report = await evaluate(write_movielens(tmp_path / "ml"), params=ModelParams(diversity=1.0))
    assert report.results
    with pytest.raises(NotFound):
        await evaluate(tmp_path / "nowhere")


def test_cli_eval_prints_json_and_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = write_movielens(tmp_path / "ml")
    result = runner.invoke(app, ["eval", str(folder), "--k", "5", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["method"] for r in report["results"]] == [
        "most-popular",
        "item-kNN",
        "RP3beta",
        "EASE",
        "engine",
    ]
    assert set(report["results"][0]) == {"method", "ndcg", "recall", "coverage", "seconds"}
    assert report["k"] == 5
    missing = runner.invoke(app, ["eval", str(tmp_path / "nope")])
    assert missing.exit_code == 2  # a usage error, like catalog import (test_cli_surface)
    assert "Traceback" not in missing.output


def test_one_favorite_does_not_explain_the_whole_list_when_others_contribute_too() -> None:
    # two favorites contribute almost equally to three items: reasons alternate
    contributions = np.array([[1.0, 0.9, 1.0], [0.8, 1.0, 0.7]])
    assert _spread_anchors(contributions) == [0, 1, 0]
    # a favorite contributing under half the best is never named
    assert _spread_anchors(np.array([[1.0], [0.4]])) == [0]
    assert _spread_anchors(np.zeros((2, 1))) == [-1]


def test_a_model_extended_with_new_movies_ranks_them_by_content() -> None:
    features = [ItemFeatures(genres=(28,), title="A"), ItemFeatures(genres=(35,), title="B")]
    rows, cols = np.array([0, 0, 1]), np.array([0, 1, 0])
    model = HybridModel.fit(
        IdMap([10, 20]), interaction_matrix(rows, cols, (2, 2)), features, known_genres=(28, 35)
    )
    bigger = model.extended(
        [30, 40, 10],
        [ItemFeatures(genres=(28,), title="C"), ItemFeatures(genres=(35,), title="D"), features[0]],
        np.array([0.1, 0.1, 0.1]),
    )
    assert len(bigger.items) == 4
    assert len(model.items) == 2
    ranked = bigger.rank(bigger.items.positions([10]), 3, ModelParams(diversity=1.0))
    ids = [bigger.items.external(r.item) for r in ranked]
    assert 10 not in ids
    assert ids.index(30) < ids.index(40)


def test_the_ratings_reader_parses_titles_like_the_catalog(tmp_path: Path) -> None:
    folder = tmp_path / "ml"
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,5.0,1\n1,2,4.0,2\n")
    (folder / "movies.csv").write_text(
        "movieId,title,genres\n"
        '1,"Matrix, The (1999)",Action|Sci-Fi\n'
        '2,"Office, The (2005-2013)",Comedy\n'
    )
    features = read_movielens(folder).features
    assert (features[1].title, features[1].year) == ("The Matrix", 1999)
    assert (features[2].title, features[2].year) == ("The Office", 2005)


def test_cli_eval_without_a_path_uses_the_data_set_catalog_import_downloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVIEREC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVIEREC_CONFIG_DIR", str(tmp_path / "config"))
    write_movielens(movielens_folder(Settings(data_dir=tmp_path / "data")))
    result = CliRunner().invoke(app, ["eval", "--k", "5", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["k"] == 5
