"""A throwaway PostgreSQL cluster for the test run, from Debian's packages.

initdb makes it in a temporary folder; it listens on a Unix socket in that
folder only (no TCP port to collide with) and is stopped and removed when
the run ends. Durability is switched off: a crash loses nothing a test
needs, and it makes CREATE DATABASE and commits several times faster (the
benchmark asks for a durable one).
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "forum"
SERVER_SETTINGS = {"listen_addresses": "''", "max_connections": "300", "shared_buffers": "128MB"}
NOT_DURABLE = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server programs on this machine."""


def server_programs() -> Path:
    """The folder with initdb and pg_ctl: Debian's newest, else whatever PATH has."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                    key=lambda path: int(Path(path).parts[-3]))
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL's initdb was not found; install it with `sudo apt-get install -y postgresql`")


class Cluster:
    """One server process with its data and socket in a temporary folder."""

    def __init__(self, durable: bool = False) -> None:
        """durable: keep PostgreSQL's crash safety, as a benchmark must; tests go without."""
        self.settings = SERVER_SETTINGS if durable else {**SERVER_SETTINGS, **NOT_DURABLE}
        self.bin = server_programs()
        self.folder = Path(tempfile.mkdtemp(prefix="forum-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        # PostgreSQL refuses to run as root; Debian's package made a user for it.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self.start()

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin / program), *args]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed:\n{done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        options = " ".join(f"-c {name}={value}" for name, value in self.settings.items())
        self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log),
                  "-o", f"-k {self.folder} {options}")

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data))

    def uri(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.folder}"

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
