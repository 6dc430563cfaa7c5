"""A throwaway redis-server for the tests that share a cache between app servers.

Debian's `redis-server`, started on a free port of 127.0.0.1 with its files
in a temporary folder, nothing saved to disk, and stopped when the run ends.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.mailserver import free_port


class RedisUnavailable(RuntimeError):
    """No redis-server program on this machine."""


class RedisServer:
    def __init__(self) -> None:
        program = shutil.which("redis-server") or ("/usr/bin/redis-server"
                                                   if Path("/usr/bin/redis-server").exists() else None)
        if program is None:
            raise RedisUnavailable("redis-server was not found; install it with "
                                   "`sudo apt-get install -y redis-server`")
        self.folder = Path(tempfile.mkdtemp(prefix="forum-redis-"))
        self.port = free_port()
        self.process = subprocess.Popen(
            [program, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_answering()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer within 30 seconds")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
