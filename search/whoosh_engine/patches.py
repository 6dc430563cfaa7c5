"""Whoosh, patched where version 2.7.5 misbehaved here, and the check that it still is 2.7.5.

Each patch replaces one function of Whoosh's with a version that fixes
what was measured or seen on this project (see each docstring). They are
written against Whoosh 2.7.5's internals, so apply() refuses any other
version: after an upgrade, a clear error at start-up instead of patches
silently changing code they were not written for. Re-check each patch
against the new version, then change WRITTEN_FOR.
"""
from __future__ import annotations

import contextlib
import os
import time
from importlib import metadata
from pathlib import Path

from whoosh import index as whoosh_index

WRITTEN_FOR = "2.7.5"
DISTRIBUTION = "whoosh-reloaded"


class WrongWhooshVersion(RuntimeError):
    """The installed Whoosh is not the one the patches were written for."""


def installed_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        import whoosh

        return whoosh.versionstring()


def check_version() -> None:
    found = installed_version()
    if found != WRITTEN_FOR:
        raise WrongWhooshVersion(
            f"search/whoosh_engine patches Whoosh {WRITTEN_FOR} but {found} is installed. "
            f"Install {DISTRIBUTION}=={WRITTEN_FOR} (pyproject.toml pins it), or re-check the "
            f"patches in {__name__} against {found} and update WRITTEN_FOR.")


def apply() -> None:
    """Check the version, then patch (once per process; applying again changes nothing)."""
    check_version()
    _remember_missing_columns()
    _keep_unreferenced_files_for_a_while()
    _bisect_within_a_block()


def _bisect_within_a_block() -> None:
    """skip_to() finds its place in a posting block by bisection, not one next() at a time.

    Ranking a few known matches (candidates.py) moves each word's matcher
    from one match to the next; Whoosh 2.7.5 stepped through up to 128
    postings of a block with next(), two Python calls each: most of a
    phrase's search at 100,000 posts. A block's ids are sorted, so bisect
    lands on the same posting, and at the block's end moves on as next() does.
    """
    from bisect import bisect_left

    from whoosh.codec import whoosh3
    from whoosh.matching import ReadTooFar

    if getattr(whoosh3.W3LeafMatcher.skip_to, "bisects", False):
        return

    def skip_to(self, targetid):
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        block_max_id = self.block_max_id
        if targetid > block_max_id():
            self._skip_to_block(lambda: targetid > block_max_id())
        if not self.is_active():
            return
        if self._ids is None:
            self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i, self._blocklength)
        if self._i == self._blocklength:
            self._next_block()

    skip_to.bisects = True
    whoosh3.W3LeafMatcher.skip_to = skip_to


def _remember_missing_columns() -> None:
    """Let Whoosh's per-document reader remember that a column is absent.

    Whoosh 2.7.5 caches the length columns it finds but not the ones it
    doesn't, so fields without lengths (ids, keywords, the spelling field)
    cost a filesystem stat for every posting written: 12 of 77 profiled
    seconds of a 10,000-post rebuild. A segment's files never change once
    written, so remembering "absent" is safe.
    """
    from whoosh.codec import whoosh3

    original = whoosh3.W3PerDocReader._cached_reader
    if getattr(original, "remembers_missing", False):
        return

    def cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            self._readers[fieldname] = original(self, fieldname, column)
        return self._readers[fieldname]

    cached_reader.remembers_missing = True
    whoosh3.W3PerDocReader._cached_reader = cached_reader


# How long a file no commit refers to any more stays on disk.
UNREFERENCED_GRACE_SECONDS = 120
UNREFERENCED_LIST = ".unreferenced"  # Whoosh leaves files starting with "." alone


def _keep_unreferenced_files_for_a_while() -> None:
    """Delete the files of merged-away segments two minutes after, not at once.

    A searcher reads the table of contents, then opens a segment's column
    files only when a search first needs them. Whoosh deletes the files of
    segments a commit merged away as part of that commit, so a searcher
    that read the previous table a moment before found the stored fields
    gone: Whoosh returned None for them and the search page answered 500
    (seen under load with the worker committing several times a second).
    Files opened already survive deletion on POSIX; the grace period
    covers the ones not opened yet, since every search refreshes its
    searcher and one search takes well under a second. Runs under the
    index's write lock, so one writer at a time updates the list.
    """
    if getattr(whoosh_index.clean_files, "keeps_unreferenced", False):
        return
    original = whoosh_index.clean_files

    def clean_files(storage, indexname, gen, segments):
        held = _DeletionsHeld(storage)
        original(held, indexname, gen, segments)  # Whoosh still decides what is unreferenced
        listed = Path(storage.folder) / UNREFERENCED_LIST
        seen: dict[str, float] = {}
        with contextlib.suppress(FileNotFoundError, ValueError):
            for line in listed.read_text().splitlines():
                name, _, when = line.rpartition(" ")
                seen[name] = float(when)
        now, waiting = time.time(), {}
        for name in held.names:
            since = seen.get(name, now)
            if now - since < UNREFERENCED_GRACE_SECONDS:
                waiting[name] = since
            else:
                with contextlib.suppress(OSError):
                    storage.delete_file(name)
        written = listed.with_name(f"{UNREFERENCED_LIST}.{os.getpid()}")
        written.write_text("".join(f"{name} {since}\n" for name, since in sorted(waiting.items())))
        written.replace(listed)

    clean_files.keeps_unreferenced = True
    whoosh_index.clean_files = clean_files


class _DeletionsHeld:
    """The index's storage as Whoosh's clean_files sees it, noting the files it would delete."""

    def __init__(self, storage):
        self._storage = storage
        self.names: list[str] = []

    def __iter__(self):
        return iter(self._storage)

    def delete_file(self, name: str) -> None:
        self.names.append(name)
