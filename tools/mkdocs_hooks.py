"""mkdocs hooks: docstrings written with Sphinx roles read well on the site too.

The library's docstrings say :class:`Settings` and :meth:`Favorites.add` (what ``help()``
and editors show); mkdocstrings renders the role's name as text before the code span.
This hook drops the role names from rendered pages, keeping the code span.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|meth|func|mod|attr|data|exc|obj|const):(?=<code>)")


def on_page_content(html: str, **_: Any) -> str:
    """Strip ``:class:`` and friends in front of rendered code spans."""
    return _ROLE.sub("", html)
