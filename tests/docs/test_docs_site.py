"""The mkdocs site: snippets resolve (or the build fails), roles do not show as text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import mkdocs_hooks  # noqa: E402

SNIPPET = re.compile(r"^-+8<-+\s+\"([^\"]+)\"\s*$")
MANGLED = re.compile(r"^-+\s*8\s*<\s*-+")


def test_every_snippet_marker_is_well_formed_and_points_at_a_file() -> None:
    problems = []
    for page in (ROOT / "docs").rglob("*.md"):
        for number, line in enumerate(page.read_text().splitlines(), 1):
            stripped = line.strip()
            if not MANGLED.match(stripped):
                continue
            found = SNIPPET.match(stripped)
            if found is None:
                problems.append(f"{page.name}:{number}: malformed snippet marker {stripped!r}")
            elif not (ROOT / found.group(1)).is_file():
                problems.append(f"{page.name}:{number}: no such file {found.group(1)}")
    assert problems == []


def test_the_build_fails_on_an_unresolved_snippet() -> None:
    class Loader(yaml.SafeLoader):  # type: ignore[misc]  # yaml has no stubs here
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    extensions = config["markdown_extensions"]
    snippets = next(e for e in extensions if isinstance(e, dict) and "pymdownx.snippets" in e)
    assert snippets["pymdownx.snippets"]["check_paths"] is True


def test_sphinx_roles_are_dropped_from_rendered_pages() -> None:
    html = "Use :class:<code>Settings</code> and :meth:<code>Favorites.add</code>."
    assert mkdocs_hooks.on_page_content(html) == (
        "Use <code>Settings</code> and <code>Favorites.add</code>."
    )


def test_help_on_movierec_names_the_services_users_need() -> None:
    import pydoc

    from movierec import MovieRec

    text = pydoc.render_doc(MovieRec, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    for service in ("movies:", "auth:", "favorites:", "recommend:"):
        assert service in text
