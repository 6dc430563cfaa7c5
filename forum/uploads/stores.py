"""Where attached files' bytes are kept, chosen by UPLOAD_STORE, behind one small interface.

- "folder" (the default): files under UPLOAD_FOLDER on this machine's disk,
  served by send_file. One app server, or a folder every server mounts.
- "database": the bytes in the forum's own database (upload_contents),
  written in the same transaction as the upload's row and served in
  chunks, so every app server has every file with no service to add.

forum/uploads/files.py decides what is kept and counts the quota; a store only
puts, serves and discards bytes.
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator, NoReturn, Protocol
from urllib.parse import quote

from flask import Response, abort, current_app, request, send_file, stream_with_context
from sqlalchemy import func, select
from werkzeug.datastructures import ContentRange
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import is_resource_modified

from ..core.extensions import db
from ..models import Upload, UploadContent

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
MAX_AGE = 86400


class Store(Protocol):
    def put(self, upload: Upload, content: bytes) -> None:
        """Keep a new file's bytes; before its row commits (`discard` it if the commit fails)."""

    def serve(self, upload: Upload) -> Response:
        """The file as a response: its type, ETag (the key), conditional and range requests."""

    def read(self, upload: Upload) -> bytes | None:
        """The whole file, or None when its bytes are missing."""

    def has(self, upload: Upload) -> bool:
        """Whether its bytes are here."""

    def discard(self, filenames: Iterable[str]) -> None:
        """Forget files whose rows are gone (after the commit that deleted them)."""


class FolderStore:
    """Files under UPLOAD_FOLDER, two levels deep so no folder grows large."""

    def path(self, filename: str) -> Path:
        return Path(current_app.config["UPLOAD_FOLDER"]) / filename[:2] / filename

    def put(self, upload: Upload, content: bytes) -> None:
        # Whole or nothing: a crash never leaves half an image under its final name.
        path = self.path(upload.filename)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(content)
        os.replace(partial, path)

    def serve(self, upload: Upload) -> Response:
        path = self.path(upload.filename)
        if not path.is_file():
            return _missing(upload)
        return send_file(path, mimetype=CONTENT_TYPES[upload.extension], as_attachment=not upload.is_image,
                         download_name=upload.name, conditional=True, max_age=MAX_AGE, etag=upload.key)

    def read(self, upload: Upload) -> bytes | None:
        path = self.path(upload.filename)
        return path.read_bytes() if path.is_file() else None

    def has(self, upload: Upload) -> bool:
        return self.path(upload.filename).is_file()

    def discard(self, filenames: Iterable[str]) -> None:
        for filename in filenames:
            self.path(filename).unlink(missing_ok=True)


class DatabaseStore:
    """Bytes in upload_contents, beside the row that describes them."""

    # One statement reads this much of a download; a file of UPLOAD_MAX_BYTES is 32 of them.
    CHUNK = 256 * 1024

    def put(self, upload: Upload, content: bytes) -> None:
        db.session.add(UploadContent(upload=upload, data=content))

    def serve(self, upload: Upload) -> Response:
        size = upload.byte_size
        response = Response(mimetype=CONTENT_TYPES[upload.extension])
        response.set_etag(upload.key)
        response.accept_ranges = "bytes"
        response.headers.set("Content-Disposition", "inline" if upload.is_image else "attachment",
                             **_download_names(upload.name))
        if not is_resource_modified(request.environ, etag=upload.key):
            response.status_code = 304
            return response
        if not self.has(upload):
            return _missing(upload)
        start, stop = self._wanted(upload)
        if (start, stop) != (0, size):
            response.status_code = 206
            response.content_range = ContentRange("bytes", start, stop, size)
        response.content_length = stop - start
        response.response = stream_with_context(self._chunks(upload.id, start, stop))
        return response

    def _wanted(self, upload: Upload) -> tuple[int, int]:
        """The bytes a Range header asks for (when it names this version of the file), else all of them."""
        asked = request.range
        if asked is None or (request.if_range.etag and request.if_range.etag != upload.key):
            return 0, upload.byte_size
        wanted = asked.range_for_length(upload.byte_size)
        if wanted is None:
            raise RequestedRangeNotSatisfiable(length=upload.byte_size)
        return wanted

    def has(self, upload: Upload) -> bool:
        return db.session.scalar(select(UploadContent.upload_id).where(UploadContent.upload_id == upload.id)) \
            is not None

    def _chunks(self, upload_id: int, start: int, stop: int) -> Iterator[bytes]:
        for offset in range(start, stop, self.CHUNK):
            yield bytes(db.session.scalar(
                select(func.substr(UploadContent.data, offset + 1, min(self.CHUNK, stop - offset)))
                .where(UploadContent.upload_id == upload_id)))

    def read(self, upload: Upload) -> bytes | None:
        data = db.session.scalar(select(UploadContent.data).where(UploadContent.upload_id == upload.id))
        return bytes(data) if data is not None else None

    def discard(self, filenames: Iterable[str]) -> None:
        pass  # the bytes went with their rows (ON DELETE CASCADE)


# Stores keep nothing of their own between calls: one of each serves every app.
STORES: dict[str, Store] = {"folder": FolderStore(), "database": DatabaseStore()}


class UploadStoreError(RuntimeError):
    """UPLOAD_STORE names no store."""


def init_app(app) -> None:
    name = app.config["UPLOAD_STORE"]
    if name not in STORES:
        raise UploadStoreError(f"UPLOAD_STORE={name!r}: use one of {', '.join(sorted(STORES))}.")


def current() -> Store:
    return STORES[current_app.config["UPLOAD_STORE"]]


def copy_all(target_name: str, batch: int = 50) -> tuple[int, int, list[str]]:
    """Copy every file from the current store into another: (copied, there already, names missing).

    For moving a forum to a second app server: copy, then set UPLOAD_STORE.
    Safe to run again; the current store is left as it was.
    """
    source, target = current(), STORES[target_name]
    copied, present, missing = 0, 0, []
    for upload in db.session.scalars(select(Upload).order_by(Upload.id)).all():
        if target.has(upload):
            present += 1
            continue
        content = source.read(upload)
        if content is None:
            missing.append(upload.filename)
            continue
        target.put(upload, content)
        copied += 1
        if copied % batch == 0:
            db.session.commit()
    db.session.commit()
    return copied, present, missing


def _download_names(name: str) -> dict[str, str]:
    """A file's name as Content-Disposition carries it: plain ASCII, plus RFC 6266's UTF-8 form when needed."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {"filename": plain, "filename*": "UTF-8''" + quote(name, safe="!#$&+^`|")}
    return {"filename": name}


def _missing(upload: Upload) -> NoReturn:
    current_app.logger.warning("attached file %s has a row but no bytes in the %s store", upload.filename,
                               current_app.config["UPLOAD_STORE"])
    abort(404)
