"""Personalized recommendations: a hybrid of item-kNN, content and popularity.

See docs/recommendations.md for the method and its measured quality.
"""

from movierec.recommend.blend import BlendWeights
from movierec.recommend.evaluate import EvalReport, MethodResult, evaluate, evaluate_sync
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.service import Recommender
from movierec.recommend.types import (
    Dismissed,
    RecommendationItem,
    RecommendationList,
    RefreshReport,
)

__all__ = [
    "BlendWeights",
    "Dismissed",
    "EvalReport",
    "HybridModel",
    "MethodResult",
    "ModelParams",
    "RecommendationItem",
    "RecommendationList",
    "Recommender",
    "RefreshReport",
    "evaluate",
    "evaluate_sync",
]
