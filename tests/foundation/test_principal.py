"""The acting user is always a ``Principal``: checked on the services' signatures (#17).

The rule (docs/architecture.md, "The acting user is a Principal"): a public service method
that acts for the caller takes ``principal: Principal`` first; a user it acts on is
``target_id``; no public method takes a bare ``user_id``.
"""

from __future__ import annotations

import inspect

import pytest

from movierec import Jobs, Principal
from movierec.accounts import Admin, Audit, Auth, Profiles
from movierec.catalog import Catalog
from movierec.discovery import MovieService
from movierec.favorites import Favorites
from movierec.operations import Maintenance, Monitoring
from movierec.recommend import Recommender

SERVICES: list[type] = [
    Admin,
    Audit,
    Auth,
    Catalog,
    Favorites,
    Jobs,
    Maintenance,
    MovieService,
    Monitoring,
    Profiles,
    Recommender,
]


def _takes_principal(parameter: inspect.Parameter) -> bool:
    annotation = parameter.annotation
    return annotation is Principal or annotation in ("Principal", "Principal | None")


def violations(cls: type) -> list[str]:
    """Each public method of ``cls`` that names its acting user any other way."""
    found = []
    for name, method in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_"):
            continue
        parameters = list(inspect.signature(method).parameters.values())[1:]  # after self
        where = f"{cls.__name__}.{name}"
        for index, parameter in enumerate(parameters):
            if parameter.name == "user_id":
                found.append(f"{where}: takes user_id (the caller is a principal, else target_id)")
            if _takes_principal(parameter) and (parameter.name != "principal" or index != 0):
                found.append(f"{where}: its Principal is {parameter.name!r}, parameter {index + 1}")
    return found


def methods_acting_for_a_caller() -> set[str]:
    """Every ``Class.method`` whose first parameter is the caller's principal."""
    acting = set()
    for cls in SERVICES:
        for name, method in inspect.getmembers(cls, inspect.isfunction):
            parameters = list(inspect.signature(method).parameters.values())[1:]
            if not name.startswith("_") and parameters and _takes_principal(parameters[0]):
                acting.add(f"{cls.__name__}.{name}")
    return acting


@pytest.mark.parametrize("service", SERVICES, ids=lambda cls: cls.__name__)
def test_every_service_takes_its_caller_as_a_principal(service: type) -> None:
    assert violations(service) == []


def test_the_user_facing_methods_are_seen_through_the_error_guard() -> None:
    acting = methods_acting_for_a_caller()
    expected = {
        *(
            f"Favorites.{name}"
            for name in ("add", "add_title", "remove", "get", "is_favorite", "list")
        ),
        *(f"Favorites.{name}" for name in ("list_query", "page_json", "all", "export")),
        *(f"Favorites.{name}" for name in ("import_", "version")),
        *(f"Recommender.{name}" for name in ("for_user", "page_json", "dismiss", "quality")),
        *(f"Profiles.{name}" for name in ("get", "update", "change_password", "delete")),
        *(f"Admin.{name}" for name in ("list_users", "get_user", "update_user", "set_role")),
        *(f"Admin.{name}" for name in ("deactivate", "reactivate", "find")),
        "Audit.search",
        "Auth.logout",
        "Monitoring.usage",
    }
    assert expected <= acting, sorted(expected - acting)


def test_the_check_fails_on_a_bare_user_id_or_a_misplaced_principal() -> None:
    class Drifted:
        async def add(self, user_id: int, movie_id: int) -> None: ...

        async def usage(self, days: int, viewer: Principal) -> None: ...

        async def fine(self, principal: Principal, target_id: int) -> None: ...

    assert violations(Drifted) == [
        "Drifted.add: takes user_id (the caller is a principal, else target_id)",
        "Drifted.usage: its Principal is 'viewer', parameter 2",
    ]
