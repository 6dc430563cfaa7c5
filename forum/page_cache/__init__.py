"""Pages kept for visitors: when a kept page is stale (freshness: versions bumped by each commit)
and the cache that keeps them (cache; emptied by cli). docs/page-cache.md tells how."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The cache command."""
    from . import cli

    app.cli.add_command(cli.cache_group)
