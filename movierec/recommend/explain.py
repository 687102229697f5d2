"""Reasons shown next to each recommendation.

Three kinds, in order of preference:

- ``liked``: the favorite that contributes most to the item's collaborative evidence
  ("because you liked The Matrix");
- ``genre``: the user's leading genre that the item has ("popular in Science Fiction");
- ``trending``: the cold-start fallback ("trending this week").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from movierec.recommend.types import ReasonKind

__all__ = ["Reason", "explain"]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an item is recommended."""

    kind: ReasonKind
    text: str
    because_of: int | None = None


def explain(
    *,
    anchor: int | None,
    anchor_titles: Mapping[int, str],
    item_genres: Sequence[int],
    user_genres: Sequence[int],
    genre_names: Mapping[int, str],
    trending: bool = False,
) -> Reason:
    """The reason for one item.

    ``anchor`` is the favorite behind its collaborative evidence (if any), ``user_genres``
    the user's genres strongest first (preferred ones first), ``trending`` whether it came
    from the trending list. A genre of the user's beats "trending"; any genre of the item
    beats the generic "popular right now".
    """
    if anchor is not None and anchor in anchor_titles:
        return Reason("liked", f"because you liked {anchor_titles[anchor]}", anchor)
    owned = set(item_genres)
    for genre in user_genres:
        if genre in owned and genre in genre_names:
            return Reason("genre", f"popular in {genre_names[genre]}")
    if trending:
        return Reason("trending", "trending this week")
    for genre in item_genres:
        if genre in genre_names:
            return Reason("genre", f"popular in {genre_names[genre]}")
    return Reason("trending", "popular right now")
