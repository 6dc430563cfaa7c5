"""Index files outlive the commit that stopped using them, so a reader that just read the
old table of contents can still open them (a search answered 500 when it lost that race)."""
from __future__ import annotations

import os
import time
from pathlib import Path

from search.whoosh_engine import patches
from search.whoosh_engine.index import open_or_create, writer
from search.whoosh_engine.patches import UNREFERENCED_GRACE_SECONDS

patches.apply()  # what create_app does before any index is opened


def _post(w, post_id: int, body: str) -> None:
    w.add_document(post_id=str(post_id), body=body)


def test_a_reader_opened_before_a_merge_still_reads_the_merged_away_segments(tmp_path):
    ix = open_or_create(tmp_path, may_create=lambda: True)
    for post_id in range(3):  # three commits, three segments
        with writer(ix) as w:
            _post(w, post_id, f"segment number {post_id}")
    reader = ix.reader()  # has read the table of contents, has not opened stored fields yet
    w = ix.writer()
    _post(w, 9, "merge them all")
    w.commit(optimize=True)  # one segment now: the other three are unreferenced
    assert sorted(reader.stored_fields(n)["post_id"] for n in range(3)) == ["0", "1", "2"]
    reader.close()


def test_unreferenced_files_are_removed_after_the_grace_period(tmp_path):
    ix = open_or_create(tmp_path, may_create=lambda: True)
    for post_id in range(2):
        with writer(ix) as w:
            _post(w, post_id, "words")
    w = ix.writer()
    w.commit(optimize=True)
    folder = Path(ix.storage.folder)
    live = [segment.segment_id() for segment in ix._segments()]
    old = [name for name in os.listdir(folder)
           if name.endswith(".col") and not any(segment in name for segment in live)]
    assert old, "the merged-away segments' files are still there"
    later = time.time() - UNREFERENCED_GRACE_SECONDS - 1
    marks = folder / ".unreferenced"
    marks.write_text("".join(f"{name} {later}\n" for name in sorted(old)))
    with writer(ix) as w:  # the next commit cleans up
        _post(w, 5, "more words")
    left = set(os.listdir(folder))
    assert not left & set(old)
