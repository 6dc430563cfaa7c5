"""Members replying over HTTP, all at once, as bench/concurrent_writes.py measures them.

Each member is a client of its own (cookies, CSRF token) on plain http.client:
redirects are not followed, so a reply answered 302 was posted and any other
answer, or a connection that failed, is a failed reply, counted by status.
"""
from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from urllib.parse import urlencode, urlsplit

from .run import BENCH_PASSWORD


class Member:
    """One member's HTTP session: its cookies, as a browser keeps them. Redirects are not followed:
    a reply answered 302 was posted, anything else failed."""

    def __init__(self, base: str, email: str, thread: int) -> None:
        self.port, self.cookies, self.thread = urlsplit(base).port, {}, thread
        _, page = self.send("GET", "/login")
        status, _ = self.send("POST", "/login", {"csrf_token": csrf_token(page), "email": email,
                                                 "password": BENCH_PASSWORD})
        if status != 302:
            raise SystemExit(f"{email} could not log in: {status}")
        _, page = self.send("GET", f"/threads/{thread}")
        self.token = csrf_token(page)

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=urlencode(form) if form is not None else None, headers=headers)
            response = connection.getresponse()
            page = response.read().decode(errors="replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, page

    def reply(self, n: int) -> int | str:
        """The status of one reply, or the name of the error that stopped it."""
        try:
            return self.send("POST", f"/threads/{self.thread}/posts",
                             {"csrf_token": self.token, "body": f"Concurrent reply number {n}."})[0]
        except (OSError, http.client.HTTPException) as error:
            return type(error).__name__


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*? value="([^"]+)"', page)
    if not found:
        raise SystemExit("no CSRF token on the page: is the member logged in?")
    return found.group(1)


def post_for(members: list[Member], seconds: float) -> tuple[list[float], Counter, float]:
    """Every member replying as fast as answers come, all starting at once, for `seconds`:
    (ms of each reply posted, failures by status, seconds from the start to the last answer)."""
    latencies: list[list[float]] = [[] for _ in members]
    failed = [Counter() for _ in members]
    start, stop = threading.Barrier(len(members) + 1), threading.Event()

    def client(n: int) -> None:
        start.wait()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not stop.is_set():
            began = time.perf_counter()
            status = members[n].reply(len(latencies[n]) + sum(failed[n].values()))
            if status == 302:
                latencies[n].append((time.perf_counter() - began) * 1000)
            else:
                failed[n][status] += 1

    clients = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(len(members))]
    for thread in clients:
        thread.start()
    start.wait()
    began = time.perf_counter()
    try:
        for thread in clients:
            thread.join()
    finally:
        stop.set()  # Ctrl-C: the clients stop after their reply in flight
    return [ms for kept in latencies for ms in kept], sum(failed, Counter()), time.perf_counter() - began
