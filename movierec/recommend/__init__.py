"""Personalized recommendations: a hybrid of EASE/item-kNN, content and popularity.

See docs/recommendations.md for the method and its measured quality.
"""

from movierec.recommend.compute import LIST_SIZE
from movierec.recommend.evaluate import EvalReport, MethodResult, evaluate, evaluate_sync
from movierec.recommend.model import HybridModel, ModelParams
from movierec.recommend.online import online_quality
from movierec.recommend.published import ModelInfo
from movierec.recommend.ranking import BlendWeights
from movierec.recommend.service import Recommender
from movierec.recommend.tune import FoldResult, TuneReport
from movierec.recommend.types import (
    Dismissed,
    QualityDay,
    QualityReport,
    QualityTally,
    RecommendationItem,
    RecommendationList,
    RefreshReport,
)

__all__ = [
    "LIST_SIZE",
    "BlendWeights",
    "Dismissed",
    "EvalReport",
    "FoldResult",
    "HybridModel",
    "MethodResult",
    "ModelInfo",
    "ModelParams",
    "QualityDay",
    "QualityReport",
    "QualityTally",
    "RecommendationItem",
    "RecommendationList",
    "Recommender",
    "RefreshReport",
    "TuneReport",
    "evaluate",
    "evaluate_sync",
    "online_quality",
]
