"""The curated public API: what ``movierec`` and its area packages export, and nothing else.

In the spirit of httpx's ``test_exported_members``: a name added to a package's namespace
without being listed in ``__all__`` (or listed without existing) fails here, and so do two
areas exporting different objects under one name.
"""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

import movierec

AREAS = [
    "movierec.accounts",
    "movierec.cache",
    "movierec.catalog",
    "movierec.db",
    "movierec.discovery",
    "movierec.favorites",
    "movierec.operations",
    "movierec.recommend",
    "movierec.tmdb",
]
PRIVATE_BUT_EXPORTED = {"__version__"}


def _public_members(module: types.ModuleType) -> list[str]:
    for name in getattr(module, "__all__", []):
        getattr(module, name, None)  # resolve names the package loads on first use
    return sorted(
        name
        for name, value in vars(module).items()
        if (not name.startswith("_") or name in PRIVATE_BUT_EXPORTED)
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    )


@pytest.mark.parametrize("name", ["movierec", *AREAS])
def test_every_public_member_is_exported_and_every_export_exists(name: str) -> None:
    module = importlib.import_module(name)
    assert sorted(module.__all__) == _public_members(module)


@pytest.mark.parametrize("name", ["movierec", *AREAS])
def test_all_is_sorted_so_additions_merge_cleanly(name: str) -> None:
    exported = importlib.import_module(name).__all__
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), n))


def test_no_two_areas_export_different_things_under_one_name() -> None:
    seen: dict[str, tuple[str, object]] = {}
    for name in AREAS:
        module = importlib.import_module(name)
        for member in module.__all__:
            value = getattr(module, member)
            if member in seen:
                first_area, first_value = seen[member]
                assert value is first_value, f"{member}: {first_area} and {name} differ"
            else:
                seen[member] = (name, value)


def test_the_top_level_reexports_the_areas_objects_not_copies() -> None:
    for member in movierec.__all__:
        value = getattr(movierec, member)
        for area in AREAS:
            module = importlib.import_module(area)
            if member in module.__all__:
                assert getattr(module, member) is value, f"{member} differs in {area}"


@pytest.mark.parametrize("name", ["movierec", *AREAS])
def test_the_page_size_bound_has_one_name(name: str) -> None:
    """The favorites and recommendations bounds were copies of ``MAX_PAGE_SIZE`` (removed)."""
    module = importlib.import_module(name)
    copies = [
        c
        for c in ("MAX_FAVORITES_PAGE_SIZE", "MAX_RECOMMENDATIONS_PAGE_SIZE")
        if hasattr(module, c)
    ]
    assert not copies, f"{name} exports {copies}: use movierec.MAX_PAGE_SIZE"


def _type_checking_imports() -> dict[str, str]:
    """Name -> module of the ``if TYPE_CHECKING:`` imports of ``movierec/__init__.py``."""
    tree = ast.parse(Path(movierec.__file__).read_text())
    return {
        alias.name: statement.module or ""
        for block in tree.body
        if isinstance(block, ast.If)
        for statement in block.body
        if isinstance(statement, ast.ImportFrom)
        for alias in statement.names
    }


def test_every_top_level_name_has_one_source_and_resolves_from_it() -> None:
    """``movierec.__getattr__`` (PEP 562) takes each name from the module ``_WHERE`` names,
    the same module type checkers read it from; nothing searches."""
    where = movierec._WHERE
    assert sorted(movierec.__all__) == sorted([*where, "__version__"])
    assert where == _type_checking_imports()
    for name, source in where.items():
        assert getattr(movierec, name) is getattr(importlib.import_module(source), name), name
    with pytest.raises(AttributeError):
        movierec.no_such_name  # noqa: B018
