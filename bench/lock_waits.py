"""How long PostgreSQL's backends waited for locks, read from the server's own log.

With `log_lock_waits = on`, a backend that has waited `deadlock_timeout`
for a lock logs "still waiting", and logs "acquired" (or "failed to
acquire") with the whole wait when it ends; with `deadlock_timeout =
1ms`, every wait longer than a millisecond is in the log with its exact
length, and a run that waits for nothing logs nothing. Both settings are
set on the measured database only (ALTER DATABASE), which needs a
superuser and the log file: the benchmark's own throwaway cluster.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# The settings each measured database gets; new connections read them.
SETTINGS = {"log_lock_waits": "on", "deadlock_timeout": "1ms"}

_WAIT = re.compile(r"process (\d+) (still waiting for|acquired|failed to acquire|detected deadlock while waiting for"
                   r"|avoided deadlock for) \S+ on (.+?) (?:by rearranging queue order )?after ([\d.]+) ms")


def kind(lock: str) -> str:
    """The forum's write lock, a row's (its transaction or its tuple), or anything else (a table...)."""
    if lock.startswith("advisory lock"):
        return "advisory"
    if lock.startswith(("transaction ", "tuple ")):
        return "row"
    return "other"


@dataclass
class Waits:
    """The lock waits of one measurement: how many, and milliseconds in all, by kind of lock."""
    count: int = 0
    ms: dict[str, float] = field(default_factory=lambda: {"advisory": 0.0, "row": 0.0, "other": 0.0})

    @property
    def total_ms(self) -> float:
        return sum(self.ms.values())

    def add(self, lock: str, ms: float) -> None:
        self.count += 1
        self.ms[kind(lock)] += ms


def parse(text: str) -> Waits:
    """The waits a stretch of the log records. A backend waits for one lock at a time: its
    "still waiting" opens a wait, its next line about a lock closes it with the whole length."""
    waits, open_waits = Waits(), {}
    for pid, what, lock, ms in _WAIT.findall(text):
        if what == "still waiting for":
            if pid in open_waits:  # its end was not logged: count what was
                waits.add(*open_waits.pop(pid))
            open_waits[pid] = (lock, float(ms))
        else:
            open_waits.pop(pid, None)
            waits.add(lock, float(ms))
    for lock, ms in open_waits.values():  # still waiting when the stretch ended
        waits.add(lock, ms)
    return waits


class LogWatch:
    """The lines the server logs between start() and stop(); None everywhere without a log."""

    def __init__(self, log: Path | None) -> None:
        self.log, self.offset = log, 0

    def start(self) -> None:
        if self.log:
            self.offset = self.log.stat().st_size

    def stop(self) -> Waits | None:
        if not self.log:
            return None
        with self.log.open("rb") as file:
            file.seek(self.offset)
            return parse(file.read().decode(errors="replace"))


def log_waits_sql(database: str) -> list[str]:
    """The statements that make a database's new connections log their lock waits."""
    return [f'ALTER DATABASE "{database}" SET {name} = \'{value}\'' for name, value in SETTINGS.items()]
