"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1, in a thread.

It keeps every message it accepts, parsed, and can be told to refuse some
recipients (550, given up at once; 451, tried again later) or to stop
answering altogether, as a mail server does on a bad day.
"""
from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Callable

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server: "MailServer"):
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        refusal = self.server.refusals.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.sender_port = session.peer[1]  # which process sent it: see sending_process()
        with self.server.lock:
            self.server.received.append(message)
        if self.server.on_message is not None:
            self.server.on_message(message)
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self):
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.refusals: dict[str, str] = {}
        self.on_message: Callable[[EmailMessage], None] | None = None
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
        self.refusals.clear()
        self.on_message = None
        if self.controller is None:
            self.start()

    def refuse(self, address: str, answer: str = "550 5.1.1 No such mailbox here") -> None:
        self.refusals[address.lower()] = answer

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if address.lower() in m["To"].lower()]


def sending_process(message: EmailMessage, pids: list[int]) -> int | None:
    """Which of these processes holds the connection a message came in on (Linux's /proc)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == message.sender_port:
                inode = fields[9]
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:  # gone meanwhile
            continue
        if f"socket:[{inode}]" in links:
            return pid
    return None
