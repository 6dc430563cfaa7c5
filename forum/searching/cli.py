"""Commands for the full-text search index: flask --app app search ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.extensions import db


search_group = AppGroup("search", help="The full-text search index.")


@search_group.command("rebuild")
def search_rebuild():
    """Build a fresh index from the database and swap it in (search keeps working)."""
    import search
    from sqlalchemy import func, select

    from ..models import Post

    total = db.session.scalar(select(func.count(Post.id)))
    # click draws the bar only on a terminal; under cron or CI it stays quiet.
    try:
        with click.progressbar(length=total, label="Indexing posts") as bar:
            count = search.rebuild(progress=bar.update)
    except search.RebuildRunning as running:
        raise click.ClickException(str(running)) from None
    click.echo(f"Indexed {count} visible posts of {total}.")


@search_group.command("sync")
def search_sync():
    """Apply changes still waiting in the outbox (after a crash or a busy index)."""
    import search

    try:
        click.echo(f"Applied {search.apply_pending(timeout=30)} waiting changes.")
    except search.IndexMissing as missing:
        raise click.ClickException(f"{missing}. {search.INDEX_MISSING}") from None
    if not search.index_exists():  # nothing was waiting, so nothing above looked for the index
        raise click.ClickException(search.REBUILD_NEEDED)
