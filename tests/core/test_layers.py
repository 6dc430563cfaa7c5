"""The layers, read from the source: core imports no model and no package above it; models import only core."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORUM = ROOT / "forum"
# Which of forum's packages each layer may import from.
ALLOWED = {"core": {"core"}, "models": {"core", "models"}}


def forum_imports(path: Path) -> set[str]:
    """The forum packages (core, models, discussions, ...) a module imports, relative imports resolved."""
    here = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - node.level + 1]
                parts = base + tuple((node.module or "").split(".") if node.module else ())
                names = [parts + (alias.name,) for alias in node.names] if not node.module else [parts]
            else:
                names = [tuple((node.module or "").split("."))]
        elif isinstance(node, ast.Import):
            names = [tuple(alias.name.split(".")) for alias in node.names]
        else:
            continue
        for name in names:
            if len(name) >= 2 and name[0] == "forum":
                found.add(name[1])
    return found


@pytest.mark.sqlite_only  # reads files: once is enough
@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_nothing_above_it(layer):
    above = {str(path.relative_to(ROOT)): sorted(forum_imports(path) - ALLOWED[layer])
             for path in (FORUM / layer).glob("*.py")}
    assert {module: packages for module, packages in above.items() if packages} == {}


# A view reads the request, calls its package's service and renders: the unit of work (a session's
# reads and writes, its commit or rollback, a transaction of its own) is the service's.
VIEW_MODULES = sorted({*FORUM.rglob("views.py"), *FORUM.rglob("*_views.py")})
SESSION_WORK = ("db.session", "commit(", "rollback(", "_transaction(")


@pytest.mark.sqlite_only  # reads files: once is enough
def test_no_view_touches_the_session():
    assert FORUM / "moderation" / "views.py" in VIEW_MODULES  # the search found the views
    touching = {str(path.relative_to(ROOT)): [word for word in SESSION_WORK if word in path.read_text(encoding="utf-8")]
                for path in VIEW_MODULES}
    assert {module: words for module, words in touching.items() if words} == {}
