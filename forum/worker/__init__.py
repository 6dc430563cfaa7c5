"""The background worker: its jobs and loop (loop), its sign of life (heartbeat) and its command (cli)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The worker command."""
    from . import cli

    app.cli.add_command(cli.worker_command)
