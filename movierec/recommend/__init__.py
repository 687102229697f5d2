"""Personalized recommendations: a hybrid of item-kNN, content and popularity.

See docs/recommendations.md for the method and its measured quality.
"""

from movierec.recommend.blend import BlendWeights
from movierec.recommend.evaluate import EvalReport, MethodResult, evaluate, evaluate_sync
from movierec.recommend.model import HybridModel, ModelParams

__all__ = [
    "BlendWeights",
    "EvalReport",
    "HybridModel",
    "MethodResult",
    "ModelParams",
    "evaluate",
    "evaluate_sync",
]
