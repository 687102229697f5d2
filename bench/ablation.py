"""The engine's ablation: one change from the served parameters at a time, same split.

Run: ``python bench/ablation.py /work/shared/data/ml-latest-small`` (figures in
docs/recommendations.md). The collaborative model is fitted once per distinct collaborative
setting (EASE is fitted once and shared); each variant ranks every evaluated user.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from movierec.recommend.content import ItemFeatures
from movierec.recommend.ease import fit_ease
from movierec.recommend.evaluate import engine_lists, measure
from movierec.recommend.matrix import item_counts
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.movielens import read_movielens
from movierec.recommend.protocol import split_favorites
from movierec.recommend.ranking import BlendWeights, log_popularity


def main() -> None:
    """Print a Markdown table of the variants."""
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    data = read_movielens(args.folder)
    split = split_favorites(data, seed=42)
    features = [data.features.get(m, ItemFeatures()) for m in split.items.ids]
    pop = log_popularity(item_counts(split.train))
    served = ModelParams()
    ease = fit_ease(split.train, served.ease_lambda, max_items=served.ease_max_items)
    w = served.weights
    variants: list[tuple[str, ModelParams]] = [
        ("served defaults", served),
        ("item-kNN instead of EASE (50 neighbours)", replace(served, ease_max_items=0)),
        ("item-kNN, 200 neighbours", replace(served, ease_max_items=0, neighbours=200)),
        ("EASE on the 1,000 most favorited + kNN tail", replace(served, ease_max_items=1000)),
        ("EASE on the 2,500 most favorited + kNN tail", replace(served, ease_max_items=2500)),
        ("EASE, 50 weights kept per movie", replace(served, ease_neighbours=50)),
        ("no MMR (diversity 1.0)", replace(served, diversity=1.0)),
        ("no recency weighting", replace(served, recency_half_life=0.0)),
        ("no content signal", replace(served, weights=replace(w, content=0.0))),
        ("popularity prior 0.05", replace(served, weights=replace(w, popularity=0.05))),
        ("content only", replace(served, weights=BlendWeights(0.0, 1.0, 0.0))),
    ]
    print(f"| variant | NDCG@{args.k} | Recall@20 | coverage | fit s |")
    print("|---|---|---|---|---|")
    for name, params in variants:
        started = time.perf_counter()
        shared = ease if params.ease_max_items >= len(ease.items) else None
        model = HybridModel.fit(
            split.items, split.train, features, popularity=pop, params=params, ease=shared
        )
        fitted = time.perf_counter() - started
        lists = engine_lists(model, split, params, max(args.k, 20))
        r = measure(name, split, lists, args.k, fitted)
        print(f"| {name} | {r.ndcg:.4f} | {r.recall:.4f} | {r.coverage:.1%} | {fitted:.1f} |")


if __name__ == "__main__":
    main()
