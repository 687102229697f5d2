"""Choosing the served weights by cross-validation over user folds, so they cannot overfit.

The evaluated users are dealt into ``folds`` groups (:func:`~.holdout.user_folds`). For each
fold, the tuner sees only the *other* folds' users (``split.only(...)``: the report users'
held-out favorites are not even in the object it gets), climbs the grid one parameter at a
time from the current settings until a pass changes nothing (:func:`coordinate_ascent`),
and the chosen parameters are then scored on the fold's own users, beside the baselines on
the same users. Every user is reported exactly once, by parameters chosen without them.

The served choice is the median, parameter by parameter, of the folds' choices: a value
the folds agree on, never the best figure over all users.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np
from pydantic import BaseModel

from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.protocol import Split, ndcg_at_k, user_folds
from movierec.recommend.ranking import BlendWeights

__all__ = [
    "GRID",
    "FoldResult",
    "TuneReport",
    "Tuner",
    "coordinate_ascent",
    "cross_validate",
    "params_from_row",
    "params_row",
]

GRID: dict[str, tuple[float, ...]] = {
    "weight_content": (0.2, 0.4, 0.6, 0.8),
    "weight_popularity": (0.0, 0.05, 0.1),
    "recency_half_life": (2.5, 5.0, 10.0, 20.0),
    "diversity": (0.8, 0.9, 1.0),
}
"""Rank-time parameters the tuner moves (the collaborative weight stays 1: the scale)."""

Tuner = Callable[[HybridModel, Split, ModelParams, int], tuple[ModelParams, float]]
"""``tuner(model, tuning_split, start, k) -> (chosen params, their NDCG on tuning_split)``."""


class FoldResult(BaseModel):
    """One fold: parameters chosen on the other users, scored on this fold's users."""

    fold: int
    tune_users: int
    report_users: int
    chosen: dict[str, float]
    tune_ndcg: float
    report_ndcg: float
    baselines: dict[str, float]


class TuneReport(BaseModel):
    """Cross-validated choice: per-fold figures, pooled report figures, the served choice."""

    folds: list[FoldResult]
    grid: dict[str, list[float]]
    chosen: dict[str, float]
    report_ndcg: float
    baselines: dict[str, float]


def params_row(params: ModelParams) -> dict[str, float]:
    """The parameters as a flat table row."""
    return {
        "weight_collaborative": params.weights.collaborative,
        "weight_content": params.weights.content,
        "weight_popularity": params.weights.popularity,
        "recency_half_life": params.recency_half_life,
        "diversity": params.diversity,
        "neighbours": float(params.neighbours),
        "ease_neighbours": float(params.ease_neighbours),
        "shrink": params.shrink,
        "ease_lambda": params.ease_lambda,
        "ease_max_items": float(params.ease_max_items),
    }


def params_from_row(base: ModelParams, row: Mapping[str, float]) -> ModelParams:
    """``base`` with the rank-time parameters of ``row`` (the :data:`GRID` keys)."""
    weights = BlendWeights(
        collaborative=row.get("weight_collaborative", base.weights.collaborative),
        content=row.get("weight_content", base.weights.content),
        popularity=row.get("weight_popularity", base.weights.popularity),
    )
    return replace(
        base,
        weights=weights,
        recency_half_life=row.get("recency_half_life", base.recency_half_life),
        diversity=row.get("diversity", base.diversity),
    )


def user_ndcg(model: HybridModel, split: Split, params: ModelParams, k: int) -> dict[int, float]:
    """NDCG@k of the engine for each evaluated user of ``split``."""
    return {
        user: ndcg_at_k([r.item for r in model.rank(p, k, params)], split.held_out[user], k)
        for user, p in split.profiles.items()
    }


def _mean(values: Mapping[int, float]) -> float:
    return float(np.mean(list(values.values()))) if values else 0.0


def coordinate_ascent(
    model: HybridModel, split: Split, start: ModelParams, k: int, passes: int = 3
) -> tuple[ModelParams, float]:
    """Passes over :data:`GRID`, each parameter moved to its best value in turn, until a pass
    changes nothing (at most ``passes``); ties keep the current value."""
    row = {name: params_row(start)[name] for name in GRID}
    best = _mean(user_ndcg(model, split, start, k))
    for _ in range(passes):
        before = dict(row)
        for name, values in GRID.items():
            for value in values:
                if value == row[name]:
                    continue
                trial = {**row, name: value}
                score = _mean(user_ndcg(model, split, params_from_row(start, trial), k))
                if score > best:
                    best, row = score, trial
        if row == before:
            break
    return params_from_row(start, row), best


def cross_validate(
    model: HybridModel,
    split: Split,
    start: ModelParams,
    *,
    baselines: Mapping[str, Mapping[int, float]],
    k: int = 10,
    folds: int = 3,
    seed: int = 42,
    tuner: Tuner = coordinate_ascent,
) -> TuneReport:
    """Tune on all folds but one, report on that one, for each fold (see the module docstring).

    ``baselines`` holds each baseline's per-user NDCG@k, averaged here over the same report
    users as the engine.
    """
    groups = user_folds(split.profiles, folds, seed)
    results: list[FoldResult] = []
    reported: dict[int, float] = {}
    choices: list[dict[str, float]] = []
    for index, report_users in enumerate(groups):
        held = set(report_users)
        tuning = split.only(u for u in split.profiles if u not in held)
        chosen, tuned = tuner(model, tuning, start, k)
        scores = user_ndcg(model, split.only(report_users), chosen, k)
        reported.update(scores)
        row = {name: params_row(chosen)[name] for name in GRID}
        choices.append(row)
        results.append(
            FoldResult(
                fold=index + 1,
                tune_users=len(tuning.profiles),
                report_users=len(report_users),
                chosen=row,
                tune_ndcg=round(tuned, 4),
                report_ndcg=round(_mean(scores), 4),
                baselines={
                    name: round(float(np.mean([per[u] for u in report_users])), 4)
                    for name, per in baselines.items()
                },
            )
        )
    chosen_row = {name: float(statistics.median_low([c[name] for c in choices])) for name in GRID}
    return TuneReport(
        folds=results,
        grid={name: list(values) for name, values in GRID.items()},
        chosen=chosen_row,
        report_ndcg=round(_mean(reported), 4),
        baselines={
            name: round(float(np.mean([per[u] for u in reported])), 4)
            for name, per in baselines.items()
        },
    )
