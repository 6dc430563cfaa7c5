"""Commands for attached files: flask --app app uploads ..."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup


uploads_group = AppGroup("uploads", help="Attached files, and where their bytes are kept (UPLOAD_STORE).")


@uploads_group.command("copy")
@click.option("--to", "target", type=click.Choice(["folder", "database"]), required=True,
              help="The store to copy every file into.")
def uploads_copy(target: str):
    """Copy every attached file from the store in use into another, before UPLOAD_STORE names it."""
    from . import stores

    if target == current_app.config["UPLOAD_STORE"]:
        raise click.ClickException(f"UPLOAD_STORE is {target!r} already: name the store to copy into.")
    copied, present, missing = stores.copy_all(target)
    click.echo(f"Copied {copied} file{'' if copied == 1 else 's'} into the {target} store "
               f"({present} there already).")
    if missing:
        raise click.ClickException(f"{len(missing)} file{'' if len(missing) == 1 else 's'} listed in the database "
                                   f"had no bytes to copy: {', '.join(missing[:20])}")
    click.echo(f'Now set UPLOAD_STORE = "{target}" on every app server.')
