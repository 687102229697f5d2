"""EASE, RP3beta, the engine's collaborative signal, and cross-validated tuning."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from typer.testing import CliRunner

from movierec.errors import InvalidInput
from movierec.recommend import ModelParams, evaluate_sync
from movierec.recommend.content import ItemFeatures
from movierec.recommend.ease import ease_neighbours, fit_ease, head_items
from movierec.recommend.matrix import item_counts
from movierec.recommend.model import HybridModel
from movierec.recommend.movielens import read_movielens
from movierec.recommend.protocol import Split, split_favorites, user_folds
from movierec.recommend.ranking import log_popularity
from movierec.recommend.similarity import fit_collaborative, fit_item_knn, fit_rp3beta
from movierec.recommend.tune import GRID, coordinate_ascent, cross_validate
from movierec_cli.app import app
from tests.helpers.taste_data import write_movielens


def _matrix(rows: list[list[int]]) -> sparse.csr_matrix:
    return sparse.csr_matrix(np.asarray(rows, dtype=np.float64))


def test_ease_matches_the_hand_computed_two_item_case() -> None:
    # users like {0, 1}, {0}, {1}; item 2 is never liked.
    # G + lam I = [[3, 1], [1, 3]] (lam = 1), P = [[3, -1], [-1, 3]] / 8,
    # B[0, 1] = -P[0, 1] / P[1, 1] = (1/8) / (3/8) = 1/3, and symmetrically B[1, 0].
    x = _matrix([[1, 1, 0], [1, 0, 0], [0, 1, 0]])
    ease = fit_ease(x, 1.0)
    assert ease.items.tolist() == [0, 1]
    assert ease.weights == pytest.approx(np.asarray([[0.0, 1 / 3], [1 / 3, 0.0]]), abs=1e-6)
    scores = ease.scores(_matrix([[1, 0, 0]]))
    assert scores[0, 1] == pytest.approx(1 / 3, abs=1e-6)
    assert scores[0, 2] == -np.inf  # outside the head: EASE knows nothing of it


def test_ease_of_a_three_item_chain_matches_its_closed_form() -> None:
    # {0,1}, {1,2}: G + 1 I = [[2,1,0],[1,3,1],[0,1,2]]; its inverse is
    # [[5,-2,1],[-2,4,-2],[1,-2,5]] / 8, so B[0,1] = 2/4, B[0,2] = -1/5, B[1,0] = 2/5.
    ease = fit_ease(_matrix([[1, 1, 0], [0, 1, 1]]), 1.0)
    expected = np.asarray([[0.0, 0.5, -0.2], [0.4, 0.0, 0.4], [-0.2, 0.5, 0.0]])
    assert ease.weights == pytest.approx(expected, abs=1e-6)
    kept = ease_neighbours(ease, 2).toarray()
    # negative weights are never kept as neighbours
    assert kept == pytest.approx(np.asarray([[0, 0.5, 0], [0.4, 0, 0.4], [0, 0.5, 0]]), abs=1e-6)
    assert ease_neighbours(ease, 1).nnz == 3


def test_ease_rejects_a_non_positive_penalty() -> None:
    with pytest.raises(InvalidInput):
        fit_ease(_matrix([[1, 1]]), 0.0)


def test_head_items_are_the_most_favorited_with_enough_support() -> None:
    counts = np.asarray([3.0, 0.0, 5.0, 1.0, 5.0])
    assert head_items(counts, 10).tolist() == [0, 2, 3, 4]
    assert head_items(counts, 2).tolist() == [2, 4]
    assert head_items(counts, 10, min_support=3).tolist() == [0, 2, 4]


def test_rp3beta_walks_two_steps_and_damps_popular_targets() -> None:
    # users {0,1}, {1,2}: P(0->1) = 1 * 1/2, P(1->0) = 1/2 * 1/2; beta = 1 divides by count
    sim = fit_rp3beta(_matrix([[1, 1, 0], [0, 1, 1]]), alpha=1.0, beta=1.0).toarray()
    assert sim[0, 1] == pytest.approx(0.25)
    assert sim[1, 0] == pytest.approx(0.25)
    assert sim[1, 2] == pytest.approx(0.25)
    assert sim[0, 2] == 0.0
    assert np.diag(sim).tolist() == [0.0, 0.0, 0.0]
    undamped = fit_rp3beta(_matrix([[1, 1, 0], [0, 1, 1]]), alpha=1.0, beta=0.0).toarray()
    assert undamped[0, 1] == pytest.approx(0.5)


def test_collaborative_signal_is_ease_on_the_head_and_knn_beyond_it() -> None:
    rng = np.random.default_rng(5)
    x = sparse.csr_matrix((rng.random((60, 12)) < 0.3).astype(np.float64))
    counts = item_counts(x)
    knn = fit_item_knn(x, k=5, shrink=1.0).similarity
    plain = fit_collaborative(
        x, neighbours=5, ease_neighbours=3, shrink=1.0, ease_lambda=10.0, ease_max_items=0
    )
    assert (plain.similarity != knn).nnz == 0
    full = fit_collaborative(
        x, neighbours=5, ease_neighbours=3, shrink=1.0, ease_lambda=10.0, ease_max_items=50
    )
    expected = ease_neighbours(fit_ease(x, 10.0), 3)
    assert abs(full.similarity - expected).max() < 1e-9
    mixed = fit_collaborative(
        x, neighbours=5, ease_neighbours=3, shrink=1.0, ease_lambda=10.0, ease_max_items=4
    )
    head = set(head_items(counts, 4).tolist())
    tail = [i for i in range(12) if i not in head and counts[i] > 0]
    assert tail
    for item in tail:  # a tail item's neighbours are its kNN neighbours, rescaled
        row = mixed.similarity[item].toarray().ravel()
        assert set(np.flatnonzero(row)) == set(np.flatnonzero(knn[item].toarray().ravel()))


def test_user_folds_are_disjoint_cover_everyone_and_follow_the_seed() -> None:
    folds = user_folds(range(10), 3, seed=1)
    assert sorted(u for f in folds for u in f) == list(range(10))
    assert sorted(len(f) for f in folds) == [3, 3, 4]
    assert user_folds(range(10), 3, seed=1) == folds
    with pytest.raises(InvalidInput):
        user_folds(range(2), 3, seed=1)


def _fitted(folder: Path) -> tuple[HybridModel, Split]:
    data = read_movielens(folder)
    split = split_favorites(data, seed=42)
    features = [data.features.get(m, ItemFeatures()) for m in split.items.ids]
    pop = log_popularity(item_counts(split.train))
    return HybridModel.fit(split.items, split.train, features, popularity=pop), split


def test_the_tuner_never_sees_the_users_it_reports_on(tmp_path: Path) -> None:
    model, split = _fitted(write_movielens(tmp_path / "ml", users=12))
    seen: list[set[int]] = []

    def watching(
        model: HybridModel, tuning: Split, start: ModelParams, k: int
    ) -> tuple[ModelParams, float]:
        seen.append(set(tuning.held_out) | set(tuning.profiles))
        return coordinate_ascent(model, tuning, start, k, passes=1)

    zero = dict.fromkeys(split.profiles, 0.0)
    report = cross_validate(
        model, split, ModelParams(), baselines={"none": zero}, k=5, folds=3, seed=9, tuner=watching
    )
    groups = user_folds(split.profiles, 3, 9)
    assert len(seen) == 3
    for users, reported, fold in zip(seen, groups, report.folds, strict=True):
        assert users.isdisjoint(reported)
        assert users | set(reported) == set(split.profiles)
        assert fold.report_users == len(reported)
        assert fold.tune_users == len(users)
    assert set(report.chosen) == set(GRID)
    for name, value in report.chosen.items():
        assert value in GRID[name]
        assert value in [f.chosen[name] for f in report.folds]  # a fold's choice, not a new one


def test_eval_tune_reports_each_fold_and_the_served_choice_as_json(tmp_path: Path) -> None:
    folder = write_movielens(tmp_path / "ml", users=16)
    result = CliRunner().invoke(
        app, ["eval", str(folder), "--k", "5", "--tune", "--folds", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    tuning = json.loads(result.stdout)["tuning"]
    assert [f["fold"] for f in tuning["folds"]] == [1, 2]
    assert sum(f["report_users"] for f in tuning["folds"]) == 16
    assert {"EASE", "item-kNN"} <= set(tuning["baselines"])
    assert set(tuning["chosen"]) == set(GRID)
    table = CliRunner().invoke(app, ["eval", str(folder), "--tune", "--folds", "2"])
    assert table.exit_code == 0, table.output
    assert "served choice" in table.output


def test_eval_skips_ease_with_a_note_above_its_size_limit(tmp_path: Path) -> None:
    report = evaluate_sync(write_movielens(tmp_path / "ml"), k=5, ease_max_items=10)
    assert "EASE" not in {r.method for r in report.results}
    assert report.notes
    assert report.notes[0].startswith("EASE skipped")
