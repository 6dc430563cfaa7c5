"""Running a search as people ask it: the search page and the JSON API share this, so that the
query language, filters, dates and notices are one implementation.

`find(args, page)` reads the search page's parameters (q, theme, author, thread, from, to, sort)
from any mapping and answers with what the page and the API show.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping

from flask_login import current_user

import search
from search.documents import plain_text

from . import indexing
from ..core.database import id_from
from ..discussions import reading
from ..models import Thread
from ..permissions import may

# Dates a search may be limited to: wide enough for any post, narrow enough
# that a day more or less stays a valid date.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


@dataclass
class Found:
    """A search's outcome: what was asked, the results with their posts, and what to tell the reader."""

    wanted: search.SearchRequest
    searching: bool  # something was asked (else the page shows its tips)
    scope: object | None  # search.filters.Scope: what author: and theme: named
    discussion: Thread | None
    results: search.SearchResults = field(default_factory=search.SearchResults)
    posts: dict[int, reading.ResultPost] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # changes made to the query, problems of the search
    problems: list[str] = field(default_factory=list)  # parameters left out
    unanswered: bool = False  # the search was not run, or stopped: notices say why
    lost: search.IndexMissing | None = None


def _date_arg(args: Mapping[str, str], name: str, problems: list[str]) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        problems.append(f"“{raw[:20]}” isn't a date: use YYYY-MM-DD, e.g. 2024-03-15. That limit was left out.")
        return None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        problems.append(f"{value.isoformat()} is outside the years the forum can hold "
                        f"({EARLIEST_DATE.year} to {LATEST_DATE.year}). That limit was left out.")
        return None
    return value


def _discussion(args: Mapping[str, str], problems: list[str]) -> Thread | None:
    """The thread a search is limited to ("find in this discussion"), if the reader may read it."""
    if not args.get("thread"):
        return None
    thread_id = id_from(args.get("thread"))
    thread = reading.load_thread(thread_id) if thread_id is not None else None
    if thread is None or not may(current_user, "view_thread", thread):
        problems.append("That discussion isn’t one you can search, so every discussion was searched.")
        return None
    return thread


def find(args: Mapping[str, str], page: int) -> Found:
    """Search as the page does, for the current user, on page `page` of the results."""
    problems: list[str] = []
    text, notices = search.tidy(args.get("q") or "")
    discussion = _discussion(args, problems)
    wanted = search.SearchRequest(
        text=text,
        theme=(args.get("theme") or "").strip()[:80],
        author=" ".join((args.get("author") or "").split())[:80],
        thread_id=discussion.id if discussion else None,
        date_from=_date_arg(args, "from", problems),
        date_to=_date_arg(args, "to", problems),
        newest_first=args.get("sort") == "newest",
        page=page,
    )
    if wanted.date_from and wanted.date_to and wanted.date_to < wanted.date_from:
        wanted.date_from, wanted.date_to = wanted.date_to, wanted.date_from
        notices.append("The end date was before the start date, so the two were swapped.")
    if wanted.page > search.MAX_PAGE:
        notices.append(f"Results stop at page {search.MAX_PAGE}; add words to narrow the search.")
    searching = bool(text or wanted.theme or wanted.author or wanted.date_from or wanted.date_to or discussion)
    found = Found(wanted, searching, search.resolve(wanted) if searching else None, discussion,
                  notices=notices, problems=problems)
    if searching and (found.scope.request.text or found.scope.request.author_ids or found.scope.request.theme_slugs
                      or wanted.date_from or wanted.date_to or discussion):
        _run(found)
    if searching and indexing.changes_waiting():
        notices.append("The newest posts are still being added to search; if one is missing, "
                       "search again in a moment.")
    return found


def bodies_into(posts: dict) -> Callable[[list[int]], dict[int, str]]:
    """What search.query asks for snippets: the plain text of these posts, read once and kept in
    `posts` for the page's rows."""
    def bodies(post_ids: list[int]) -> dict[int, str]:
        posts.update(reading.result_posts(post_ids))
        return {pid: plain_text(post.html) for pid, post in posts.items()}
    return bodies


def _run(found: Found) -> None:
    posts, notices = found.posts, found.notices
    try:
        found.results = search.query(found.scope.request, bodies_into(posts))
    except search.SearchTimedOut:
        found.unanswered = True
        notices.append("This search took too long and was stopped. Try fewer words or alternatives "
                       "(OR), or narrow it by theme, author or dates.")
    except search.TooManyAlternatives as broad:
        found.unanswered = True
        notices.append(f"This search joins {broad.count} words or phrases with OR; at most "
                       f"{search.MAX_ALTERNATIVES} can be searched at once, so it was not run. "
                       "Remove some, or search for them in turns.")
    except search.IndexMissing as gone:
        found.unanswered, found.lost = True, gone
    # An engine that keeps the text makes its own snippets and never asks for bodies.
    missing = [hit.post_id for hit in found.results.hits if hit.post_id not in posts]
    posts.update(reading.result_posts(missing))
