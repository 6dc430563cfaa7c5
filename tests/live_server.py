"""Talking to a forum served by a real server process (gunicorn) over HTTP, as a browser without JavaScript does."""
from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after a reply is its acknowledgement; the page behind it is not needed


def session(base: str, email: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    try:
        opener.open(f"{base}/login", data=urlencode({"csrf_token": token, "email": email,
                                                      "password": password}).encode(), timeout=30)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302, redirect.code
    return opener, token


def wait_until_serving(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn never answered 200")


def stop(process: subprocess.Popen | None) -> None:
    """SIGTERM, as a deployment stops a server or a worker; SIGKILL if it is still there after 30 seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
