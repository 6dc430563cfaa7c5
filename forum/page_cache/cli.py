"""Commands for the page cache: flask --app app cache ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup


cache_group = AppGroup("cache", help="The page cache for visitors (forum/page_cache/cache.py).")


@cache_group.command("clear")
def cache_clear():
    """Empty the page cache. Never needed for pages to be right: a change gives pages new keys."""
    from .cache import cache

    cache.clear()
    click.echo("The page cache is empty.")
