"""Commands that move the community in or out: flask --app app archive ..."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import archive

archive_group = AppGroup("archive", help="Move the whole community in or out as one JSON document.")


@archive_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--with-password-hashes", is_flag=True, help="Include password hashes: keep such a file secret.")
def archive_export(file: str, with_password_hashes: bool):
    """Write members, themes, discussions and panel questions to FILE (- for standard output)."""
    import os

    # Written aside and renamed when complete: a failed export never leaves half a backup.
    with click.open_file(file, "w", encoding="utf-8", atomic=file != "-") as out:
        counts = archive.export(out, with_password_hashes=with_password_hashes)
    if file != "-":
        os.chmod(file, 0o600)  # members' emails, maybe password hashes: for its owner only
    click.echo(f"Exported {counts['users']} members, {counts['themes']} themes, {counts['threads']} "
               f"threads and {counts['posts']} posts.", err=file == "-")


@archive_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def archive_import(file: str):
    """Load an archive FILE (- for standard input): all of it, or, if anything is wrong, nothing."""
    import os
    import shutil
    import tempfile
    import time

    import search

    with tempfile.NamedTemporaryFile(suffix=".json") as spool:
        if file == "-":  # read twice (check, then load), so standard input is kept aside first
            with click.open_file("-", "rb") as stdin:
                shutil.copyfileobj(stdin, spool)
            spool.flush()
            file = spool.name
        try:
            with click.progressbar(length=os.path.getsize(file), label="Checking") as bar:
                facts = archive.check(file, progress=bar.update)
            with click.progressbar(length=facts.posts, label="Importing posts") as bar:
                loaded = archive.load(file, facts, progress=bar.update)
        except archive.ArchiveInvalid as invalid:
            problems = invalid.problems
            for message in problems.messages:
                click.echo(message, err=True)
            if problems.count > len(problems.messages):
                click.echo(f"... and {problems.count - len(problems.messages):,} more.", err=True)
            if invalid.already_imported:
                click.echo("Every theme in this archive is in the forum already: "
                           "it looks imported already.", err=True)
            raise click.ClickException(f"Nothing was imported: {problems.count:,} "
                                       f"problem{'' if problems.count == 1 else 's'} in the archive.")
    started = time.perf_counter()
    with click.progressbar(length=loaded.posts, label="Indexing posts") as bar:
        search.rebuild(progress=bar.update)
    indexing = time.perf_counter() - started
    total = loaded.seconds["total"] + indexing
    matched = f" ({loaded.users_matched} already members)" if loaded.users_matched else ""
    click.echo(f"Imported {loaded.users} members{matched}, {loaded.themes} themes, {loaded.threads} threads, "
               f"{loaded.posts} posts and {loaded.questions} panel questions"
               f"{' (posts kept their ids)' if loaded.ids_kept else ''}.")
    click.echo(f"Took {total:.1f} s: Markdown {loaded.seconds['markdown']:.1f} s, "
               f"search index {indexing:.1f} s.")
