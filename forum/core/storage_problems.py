"""Faults that last until someone acts: a full disk, a read-only file or folder.

An outage (a server restarting, a lock not granted in time) passes by
itself and is answered "try again in a minute"; these do not, so the
member is told plainly and the operator's log says what to fix.
"""
from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class StorageProblem:
    for_member: str
    for_operator: str


FULL = StorageProblem(
    "The disk where the forum keeps its data is full.",
    "the disk is full: free some space (the instance folder, or the database server's disk)",
)
READ_ONLY = StorageProblem(
    "The forum's data cannot be written to at the moment.",
    "the database or a folder is read-only: check the instance folder's permissions and mount",
)
UNREADABLE = StorageProblem(
    "The forum cannot reach the files it keeps its data in.",
    "a database file or folder cannot be opened or read: check that the instance folder "
    "exists and its permissions",
)

# SQLite's primary result codes (an extended code keeps them in its low byte).
_SQLITE = {8: READ_ONLY, 13: FULL, 14: UNREADABLE, 10: UNREADABLE}
# PostgreSQL's SQLSTATEs: disk full, an I/O error.
_POSTGRES = {"53100": FULL, "58030": UNREADABLE}
_ERRNO = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY,
          errno.EACCES: READ_ONLY, errno.EPERM: READ_ONLY}


def problem_of(error: BaseException) -> StorageProblem | None:
    """The lasting problem behind a database or file error, or None for a passing one."""
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, sqlite3.Error) and getattr(cause, "sqlite_errorcode", None) is not None:
        return _SQLITE.get(cause.sqlite_errorcode & 0xFF)
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return _POSTGRES.get(sqlstate)
    if isinstance(cause, OSError):
        return _ERRNO.get(cause.errno)
    return None
