"""Import and export of the archive format (docs/archive-format.md): a community as one JSON document.

- export(out, with_password_hashes=False): write the whole forum, deterministically.
- check(path, progress) -> Facts: pass 1 of an import; finds every problem, changes nothing.
- load(path, facts, progress) -> Loaded: pass 2; inserts everything in one transaction.

Both import passes stream the file, so memory follows the largest thread,
not the file. The caller rebuilds the search index once afterwards: the `archive import`
command (cli) does.
"""
from __future__ import annotations

from flask import Flask

from .checking import ArchiveInvalid, Facts, check
from .exporting import ArchiveWriter, export
from .loading import Loaded, load

__all__ = ["ArchiveInvalid", "ArchiveWriter", "Facts", "Loaded", "check", "export", "load"]


def register(app: Flask) -> None:
    """The archive commands."""
    from . import cli

    app.cli.add_command(cli.archive_group)
