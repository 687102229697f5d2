"""Personalized recommendations: a hybrid of item-kNN, content and popularity.

See docs/recommendations.md for the method and its measured quality.
"""

from movierec.recommend.blend import BlendWeights
from movierec.recommend.compute import LIST_SIZE
from movierec.recommend.evaluate import EvalReport, MethodResult, evaluate, evaluate_sync
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.published import ModelInfo
from movierec.recommend.service import MAX_RECOMMENDATIONS_PAGE_SIZE, Recommender
from movierec.recommend.types import (
    Dismissed,
    RecommendationItem,
    RecommendationList,
    RefreshReport,
)

__all__ = [
    "LIST_SIZE",
    "MAX_RECOMMENDATIONS_PAGE_SIZE",
    "BlendWeights",
    "Dismissed",
    "EvalReport",
    "HybridModel",
    "MethodResult",
    "ModelInfo",
    "ModelParams",
    "RecommendationItem",
    "RecommendationList",
    "Recommender",
    "RefreshReport",
    "evaluate",
    "evaluate_sync",
]
