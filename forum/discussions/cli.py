"""Commands for stored posts: flask --app app posts ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup


posts = AppGroup("posts", help="Maintenance of stored posts.")


@posts.command("rerender")
@click.option("--all", "everything", is_flag=True, help="Re-render every post, not only stale ones.")
def rerender(everything: bool):
    """Re-render stored HTML after the Markdown or sanitising policy changed."""
    from .posting import rerender_stale
    from ..themes.months import rerender_blog_posts

    done = rerender_stale(everything=everything)
    themes = rerender_blog_posts()
    click.echo(f"Re-rendered {done} posts and {themes} theme blog posts.")
