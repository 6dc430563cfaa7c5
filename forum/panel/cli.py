"""Commands for panel questions: flask --app app panel ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup


panel = AppGroup("panel", help="Panel questions.")


@panel.command("publish-due")
def publish_due():
    """Publish scheduled panel questions whose time has come (for a cron job)."""
    import search

    from . import questions

    count = questions.publish_due()
    if count:
        try:
            search.apply_pending()  # no request ends here to do it
        except search.IndexMissing as missing:  # published all the same; the rows wait for a rebuild
            click.echo(f"Warning: {missing}. {search.INDEX_MISSING}", err=True)
    click.echo(f"Published {count} panel question{'' if count == 1 else 's'}.")
