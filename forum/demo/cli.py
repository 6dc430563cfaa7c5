"""Commands for the demo community: flask --app app demo ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import demo

demo_group = AppGroup("demo", help="The demo community.")


@demo_group.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the forum already has themes.")
def load_demo(if_empty: bool):
    """Load a believable demo community: members, themes, discussions."""
    if not demo.is_empty():
        if if_empty:
            return
        raise click.ClickException("The forum already has themes; the demo loads only into an empty one.")
    loaded = demo.load()
    click.echo(f"Loaded the demo community: {loaded.users} members, {loaded.themes} themes and "
               f"{loaded.posts} posts.")
    if not if_empty:  # `make run` (--if-empty) names the accounts once the forum is up
        click.echo(f"Every demo account's password is {demo.DEMO_PASSWORD}; log in as "
                   + ", ".join(f"{email} ({role})" for email, role in demo.showcase_accounts()) + ".")


@demo_group.command("remove")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove_demo(yes: bool):
    """Take the demo community out: its themes, discussions, questions and members."""
    if not yes:
        click.confirm("Delete the demo's themes with every post in them, and its members?", abort=True)
    counts = demo.remove()
    kept = (f"; {counts['members_kept']} demo member{'s' if counts['members_kept'] != 1 else ''} kept, "
            "as something outside the demo is theirs") if counts["members_kept"] else ""
    click.echo(f"Removed {counts['themes']} themes, {counts['posts']} posts and {counts['members']} members{kept}.")
