"""The Whoosh side: schema, analyzers, where the index lives, writers and searchers.

Layout of SEARCH_INDEX_DIR: generations `gen-000001`, `gen-000002`, ...
and a `current` symlink naming the live one. A rebuild fills a new
generation and swaps the link with one rename, so searches keep working
while it runs.

Lessons measured on this machine, each a rule here:
- every writer uses compound=False: compound segments are copied into
  memory when a searcher opens them (hundreds of MB at 100k posts);
- one writer at a time, taken with a short timeout; web workers read;
- searchers are kept per process and refreshed, never reopened per query.
"""
from __future__ import annotations

import os
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from whoosh import index as whoosh_index
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.analysis import Composable, Token
from whoosh.fields import BOOLEAN, DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from .. import analysis
from ..request import IndexMissing
from .scoring import KeptLengthsBM25F

CURRENT = "current"
REBUILDING = "rebuilding"  # a marker file, there while `search rebuild` runs
STALE_REBUILD_SECONDS = 6 * 3600
RANKING = KeptLengthsBM25F()
# Bump when the schema or what goes into documents changes: `init-db`
# (and so `make run`) rebuilds an index of another version.
SCHEMA_VERSION = f"4.{analysis.VERSION}"
VERSION_FILE = "schema-version"
_GEN = re.compile(r"^gen-(\d{6})$")
WRITER_SETTINGS = {"limitmb": 128}


class ForumAnalyzer(Composable):
    """search.analysis as a Whoosh analyzer, so the index holds the same terms as every query.

    Whoosh asks with no_morph=True (its writer) or nomorph=True (its
    spelling field) for the words of its spelling field ("did you mean"):
    they are the words as people spell them.
    """

    is_morph = True

    def __call__(self, value, mode="", no_morph=False, nomorph=False, **kwargs):
        if no_morph or nomorph:
            for word in sorted(analysis.spellings(value)):
                yield self._token(word, 0, 0, 0, mode)
            return
        for found in analysis.analyse(value):
            yield self._token(found.term, found.position, found.start, found.end, mode)

    @staticmethod
    def _token(text: str, position: int, start: int, end: int, mode: str) -> Token:
        token = Token(positions=True, chars=True, mode=mode)
        token.text, token.pos, token.startchar, token.endchar = text, position, start, end
        token.boost, token.stopped = 1.0, False
        return token


def make_schema() -> Schema:
    return Schema(
        post_id=ID(stored=True, unique=True),
        thread_id=NUMERIC(stored=True),
        thread_title=TEXT(analyzer=ForumAnalyzer(), field_boost=1.5),
        theme=ID(stored=True, sortable=True),  # the theme's slug
        month=ID(sortable=True),  # "2019-12", when the post was written: fast date filters
        year=ID(stored=True, sortable=True),
        author_id=ID(stored=True),
        body=TEXT(analyzer=ForumAnalyzer(), spelling=True),
        created=DATETIME(stored=True, sortable=True),
        is_question=BOOLEAN(stored=True),
        asked_by=TEXT(analyzer=ForumAnalyzer(), stored=True),
        reply=STORED(),
    )


def _generations(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if _GEN.match(p.name)) if root.exists() else []


def current_dir(root: Path) -> Path | None:
    link = root / CURRENT
    return link.resolve() if link.exists() else None


def is_current_version(generation: Path) -> bool:
    try:
        return (generation / VERSION_FILE).read_text().strip() == SCHEMA_VERSION
    except FileNotFoundError:
        return False


def create_generation(root: Path):
    """A new, empty index in a new generation folder (not yet live)."""
    generation = new_generation(root)
    ix = whoosh_index.create_in(str(generation), make_schema())
    (generation / VERSION_FILE).write_text(SCHEMA_VERSION)
    return generation, ix


def rebuild_running(root: Path) -> bool:
    """A rebuild's marker; one left by a crashed rebuild stops counting after a while."""
    marker = root / REBUILDING
    try:
        started = float(marker.read_text() or 0)
    except (OSError, ValueError):  # none, or no folder to hold one
        return False
    return time.time() - started < STALE_REBUILD_SECONDS


def never() -> bool:
    """For open_or_create: an index that is missing is never made empty."""
    return False


def open_or_create(root: Path, may_create: Callable[[], bool] = never):
    """The live index; IndexMissing when there is none or it can't be read.

    An empty one is created only when `may_create()` says it would miss
    nothing (a new forum): an index folder deleted or lost must never be
    replaced by an empty one, or every older post silently stops being found.
    """
    live = current_dir(root)
    if live is None:
        if not may_create():
            raise IndexMissing(f"there is no search index in {root}", rebuilding=rebuild_running(root))
        return _create_first(root)
    try:
        return whoosh_index.open_dir(str(live))
    except (whoosh_index.IndexError, OSError) as error:
        raise IndexMissing(f"the search index in {live} can't be read ({error})",
                           rebuilding=rebuild_running(root)) from None


def _create_first(root: Path):
    """An empty index made live, unless another process made one first (then theirs)."""
    root.mkdir(parents=True, exist_ok=True)
    new, ix = create_generation(root)
    link = root / CURRENT
    if link.is_symlink() and not link.exists():
        link.unlink(missing_ok=True)  # it named a generation that is gone
    try:
        os.symlink(new.name, link)  # unlike swap_in, never replaces a live index made meanwhile
    except FileExistsError:
        return whoosh_index.open_dir(str(current_dir(root)))
    return ix


def new_generation(root: Path) -> Path:
    existing = _generations(root)
    number = int(_GEN.match(existing[-1].name).group(1)) + 1 if existing else 1
    while True:
        path = root / f"gen-{number:06d}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            number += 1


def swap_in(root: Path, generation: Path) -> None:
    """Point `current` at a generation in one atomic rename."""
    temporary = root / f".current-{os.getpid()}-{threading.get_ident()}"
    os.symlink(generation.name, temporary)
    os.replace(temporary, root / CURRENT)


def remove_old_generations(root: Path, keep: int = 1) -> None:
    """Delete generations behind the live one; open searchers keep their files (POSIX)."""
    import shutil

    live = current_dir(root)
    old = [g for g in _generations(root) if g != live]
    for generation in old[: max(0, len(old) - keep)]:
        shutil.rmtree(generation, ignore_errors=True)


@contextmanager
def writer(ix, timeout: float = 5.0) -> Iterator:
    """A writer that never builds compound segments, committed on success."""
    w = ix.writer(timeout=timeout, compound=False, **WRITER_SETTINGS)
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    # Merge small segments only once they pile up: a merge on every commit is
    # what made a single-post commit cost tens of milliseconds at 100k posts.
    w.commit(merge=len(w.segments) > 12)


def segment_key(segment) -> tuple[str, int]:
    """What a segment's matches depend on: its id (its files never change) and its deletions."""
    return segment.segment_id(), segment.deleted_count()


def reopened(searcher) -> Searcher:
    """A searcher of the index as it is now, keeping the readers of segments that haven't changed.

    Whoosh's own Searcher.refresh() matches segments by id alone, so a
    segment that has had documents deleted since (an edited or hidden
    post) kept its old deletions, and segments merged away since stayed
    in the reader: an edited post still matched its old words, and after
    a merge every post was found twice.
    """
    ix = searcher._ix
    toc = ix._read_toc()
    reusable = {segment_key(reader.segment()): reader for reader, _ in searcher.reader().leaf_readers()
                if reader.segment() is not None}
    readers = [reusable.pop(segment_key(segment), None)
               or SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
               for segment in toc.segments]
    for reader in reusable.values():
        reader.close()
    if not readers:
        return ix.searcher(weighting=RANKING)
    return Searcher(MultiReader(readers, generation=toc.generation), fromindex=ix, weighting=RANKING)


class SearcherCache:
    """One searcher per process per index folder, refreshed before each use.

    A Whoosh reader's open files are not safe to share between threads,
    so a search holds the lock while it runs: a gunicorn sync worker has
    one thread anyway, and the threaded development server is not where
    throughput matters. One cache per process (not per thread) also means
    short-lived request threads never leave searchers open behind them.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Path | None, object]] = {}

    @contextmanager
    def using(self, root: Path, may_create: Callable[[], bool] = never) -> Iterator:
        """A searcher of the live index (see open_or_create for `may_create`)."""
        with self._lock:
            yield self._fresh(root, may_create)

    def _fresh(self, root: Path, may_create: Callable[[], bool]):
        live = current_dir(root)
        entry = self._entries.get(str(root))
        if entry is not None and entry[0] == live:
            searcher = entry[1]
            if searcher.up_to_date():
                return searcher
            fresh = reopened(searcher)
            self._entries[str(root)] = (live, fresh)
            return fresh
        if entry is not None:
            # Rebuilt into a new generation, or gone (its open files would still answer: POSIX).
            del self._entries[str(root)]
            entry[1].close()
        ix = open_or_create(root, may_create)
        try:
            searcher = ix.searcher(weighting=RANKING)
        except OSError as error:  # a segment's file is gone
            raise IndexMissing(f"the search index in {current_dir(root)} can't be read ({error})",
                               rebuilding=rebuild_running(root)) from None
        self._entries[str(root)] = (current_dir(root), searcher)
        return searcher

    def close_all(self) -> None:
        with self._lock:
            for _, searcher in self._entries.values():
                searcher.close()
            self._entries.clear()


searchers = SearcherCache()
