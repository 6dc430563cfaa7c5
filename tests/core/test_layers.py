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


# Module-level imports only: an import inside a function runs when called, after every module is loaded.
def _module_imports(name: str, path: Path, modules: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join(base + (node.module.split(".") if node.module else []))
            for alias in node.names:  # `from . import posting` names the module, not its package
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return (found & modules) - {name}


def _forum_modules() -> dict[str, Path]:
    modules = {}
    for path in FORUM.rglob("*.py"):
        if "migrations" not in path.parts:
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if path.name == "__init__.py" else parts)] = path
    return modules


@pytest.mark.sqlite_only  # reads files: once is enough
def test_no_two_modules_import_each_other_even_through_others():
    modules = _forum_modules()
    graph = {name: _module_imports(name, path, set(modules)) for name, path in modules.items()}
    cycles, state = [], {}

    def walk(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [name, target] if target in trail else [name, target])
            elif target not in state:
                walk(target, trail + [name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            walk(name, [])
    assert cycles == []


# What follows from a post's change learns of it from its PostEvent (forum/models/post_events.py):
# the search index, the page versions, notifications and mail. The modules that write posts
# import none of them, so nothing calls back up from a post's write.
POST_WRITERS = ("discussions/posting.py", "discussions/post_rows.py")
FOLLOWERS = ("forum.searching", "forum.page_cache", "forum.notifications.notify", "forum.mail")


@pytest.mark.sqlite_only  # reads files: once is enough
def test_a_post_s_writers_import_nothing_that_follows_from_it():
    modules = _forum_modules()
    imports = {writer: sorted(name for name in _module_imports(
                   ".".join(("forum", *writer.removesuffix(".py").split("/"))), FORUM / writer, set(modules))
               if name.startswith(FOLLOWERS)) for writer in POST_WRITERS}
    assert imports == {writer: [] for writer in POST_WRITERS}
