"""@mentions: which members a post names, and the rule that decides it.

The rule, as members are told on the help line under the reply box:
- `@` starts a mention when it does not follow a letter, digit, `.` or
  another `@` (so `name@school.org` is an address, not a mention);
- what follows is up to four words separated by single spaces, and the
  longest run of them that names exactly one member wins: `@Maria Lopez`,
  `@maria lopez`, `@MariaLopez`, `@maria_lopez` and `@Maria Lopez's`
  all name Maria Lopez;
- names are compared by their letters and digits only, case-folded,
  with accents set aside, so `@Jose Garcia` names José García;
  letters from other scripts that look alike stay different (a
  Cyrillic "а" is not a Latin "a"), so a look-alike never names
  another member;
- a name two members share names neither: the mention stays text.
Mentions inside code, and inside a link's text, stay text.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from ..core.extensions import db
from ..core.text import name_key

MAX_WORDS = 4
_START = re.compile(r"(?<![\w.@])@(?=\w)")
_WORD = re.compile(r"[\w'’.\-]+")
_TRAILING = re.compile(r"(?:['’]s)?[.'’\-]*$")
_MENTION_LINK = re.compile(r'<a\b[^>]*\bclass="mention"[^>]*>')
_MEMBER_HREF = re.compile(r'href="/members/(\d+)"')


def _candidates(text: str) -> list[list[str]]:
    """For each `@` in the text, the runs of words after it, shortest first."""
    found = []
    for start in _START.finditer(text):
        runs, pos = [], start.end()
        for _ in range(MAX_WORDS):
            word = _WORD.match(text, pos)
            if word is None:
                break
            run = _TRAILING.sub("", text[start.end():word.end()])
            if run:
                runs.append(run)
            pos = word.end()
            if not text.startswith(" ", pos):
                break
            pos += 1
        if runs:
            found.append(runs)
    return found


def find(text: str) -> dict[str, tuple[int, str]]:
    """The mentions in `text` that name one member each: {as written: (member id, name)}. One query."""
    candidates = _candidates(text)
    keys = {name_key(run) for runs in candidates for run in runs} - {""}
    if not keys:
        return {}
    from ..models import User

    members: dict[str, list[tuple[int, str]]] = {}
    for member_id, display_name, key in db.session.execute(
            select(User.id, User.display_name, User.name_key).where(User.name_key.in_(keys))):
        members.setdefault(key, []).append((member_id, display_name))
    named = {}
    for runs in candidates:
        for run in reversed(runs):  # the longest run that names exactly one member
            matches = members.get(name_key(run), [])
            if len(matches) == 1:
                named[run] = matches[0]
                break
    return named


def mentioned_in(html: str) -> set[int]:
    """The members a rendered post links as mentions."""
    ids = set()
    for tag in _MENTION_LINK.finditer(html):
        href = _MEMBER_HREF.search(tag.group(0))
        if href:
            ids.add(int(href.group(1)))
    return ids
