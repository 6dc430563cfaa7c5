"""The search page: what people type in, results in rank order with snippets and facets."""
from __future__ import annotations

from datetime import date
from urllib.parse import quote_plus

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

import search
from search.documents import plain_text

from . import indexing
from ..themes import months
from ..discussions import reading
from ..models import Theme, Thread
from ..core.pagination import page_arg
from ..permissions import may
from ..views.lookups import id_arg

bp = Blueprint("search", __name__)
# The themes with the most matches are listed to narrow by; the rest are in
# the form's theme menu (a long archive has over a hundred themes).
THEME_FACETS = 12


# Dates a search may be limited to: wide enough for any post, narrow enough
# that a day more or less stays a valid date.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def _date_arg(name: str, problems: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
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


@bp.route("/search")
def search_page():
    """Search the archive: words, "phrases", OR, -word, author: and theme:."""
    problems: list[str] = []
    text, notices = search.tidy(request.args.get("q", ""))
    discussion = _discussion(problems)
    wanted = search.SearchRequest(
        text=text,
        theme=request.args.get("theme", "").strip()[:80],
        author=" ".join(request.args.get("author", "").split())[:80],
        thread_id=discussion.id if discussion else None,
        date_from=_date_arg("from", problems),
        date_to=_date_arg("to", problems),
        newest_first=request.args.get("sort") == "newest",
        page=page_arg(),
    )
    if wanted.date_from and wanted.date_to and wanted.date_to < wanted.date_from:
        wanted.date_from, wanted.date_to = wanted.date_to, wanted.date_from
        notices.append("The end date was before the start date, so the two were swapped.")
    if wanted.page > search.MAX_PAGE:
        notices.append(f"Results stop at page {search.MAX_PAGE}; add words to narrow the search.")
    posts: dict[int, reading.ResultPost] = {}

    def bodies(post_ids: list[int]) -> dict[int, str]:
        posts.update(reading.result_posts(post_ids))
        return {pid: plain_text(post.html) for pid, post in posts.items()}

    searching = bool(text or wanted.theme or wanted.author or wanted.date_from or wanted.date_to or discussion)
    results, unanswered, lost = search.SearchResults(), False, None
    scope = search.resolve(wanted) if searching else None
    if searching and (scope.request.text or scope.request.author_ids or scope.request.theme_slugs
                      or wanted.date_from or wanted.date_to or discussion):
        try:
            results = search.query(scope.request, bodies)
        except search.SearchTimedOut:
            unanswered = True
            notices.append("This search took too long and was stopped. Try fewer words or alternatives "
                           "(OR), or narrow it by theme, author or dates.")
        except search.TooManyAlternatives as broad:
            unanswered = True
            notices.append(f"This search joins {broad.count} words or phrases with OR; at most "
                           f"{search.MAX_ALTERNATIVES} can be searched at once, so it was not run. "
                           "Remove some, or search for them in turns.")
        except search.IndexMissing as gone:
            unanswered, lost = True, gone
            notices.append(_index_missing_notice(gone))
        # An engine that keeps the text makes its own snippets and never asks for bodies.
        missing = [hit.post_id for hit in results.hits if hit.post_id not in posts]
        posts.update(reading.result_posts(missing))
    if searching and indexing.changes_waiting():
        notices.append("The newest posts are still being added to search; if one is missing, "
                       "search again in a moment.")
    if searching and lost is None and _admin() and not search.index_exists():
        notices.append(search.REBUILD_NEEDED)
    theme_menu = months.menu()
    return render_template(
        "search/search.html", wanted=wanted, raw_q=request.args.get("q", "")[:search.MAX_QUERY_LENGTH * 2],
        results=results, unanswered=unanswered, posts=posts, searching=searching, notices=notices + problems,
        scope=scope,
        discussion=discussion, marked_words=scope.request.text if scope else "",
        chosen_themes=set(scope.request.theme_slugs or ()) if scope else set(),
        choices=search.filters.CHOICES,
        theme_facets=results.by_theme[:THEME_FACETS], more_themes=max(0, len(results.by_theme) - THEME_FACETS),
        theme_titles=dict(theme_menu), recent_themes=_recent_themes() if not searching else [],
        tip_author=_tip_author() if not searching else None,
        themes=theme_menu, narrow=_Narrowing(),
    )


AUTHOR_SUGGESTIONS = 8


@bp.route("/search/authors")
def author_suggestions():
    """Names of members with posts that what was typed begins: for the author field, as one types."""
    typed = " ".join(request.args.get("q", "").split())[:80]
    found = search.filters.members_named(typed, authors_only=True) if len(typed) >= 2 else []
    return jsonify(names=sorted({member.name for member in found})[:AUTHOR_SUGGESTIONS])


class _Narrowing:
    """Links to this search with some parameters changed, back on page 1.

    A page links every theme that matched; url_for, or urlencode of the
    whole query, for each link was a tenth of the request.
    """

    def __init__(self):
        self.encoded = {key: f"{quote_plus(key)}={quote_plus(value)}" for key, value in request.args.items()
                        if value and key != "page"}

    def __call__(self, **changes) -> str:
        encoded = dict(self.encoded)
        for key, value in changes.items():
            encoded[key] = f"{quote_plus(key)}={quote_plus(str(value))}" if value else ""
        query = "&".join(pair for pair in encoded.values() if pair)
        return f"{request.path}?{query}" if query else request.path


def _admin() -> bool:
    return current_user.is_authenticated and may(current_user, "view_admin")


def _index_missing_notice(missing: search.IndexMissing) -> str:
    """What a search with no index to answer from tells an admin (what to do), or anyone else."""
    if _admin():
        return search.INDEX_REBUILDING if missing.rebuilding else f"{search.INDEX_MISSING} ({missing}.)"
    return "Search isn’t available right now (its index is missing); nothing posted is lost. Try again later."


def _discussion(problems: list[str]) -> Thread | None:
    """The thread a search is limited to ("find in this discussion"), if the visitor may read it."""
    if not request.args.get("thread"):
        return None
    thread_id = id_arg("thread")
    thread = reading.load_thread(thread_id) if thread_id is not None else None
    if thread is None or not may(current_user, "view_thread", thread):
        problems.append("That discussion isn’t one you can search, so every discussion was searched.")
        return None
    return thread


def _tip_author() -> str | None:
    """A name the tips can use as their example: whoever posted last, a member people know."""
    latest = reading.recent_posts(limit=1)
    return latest[0].author.display_name if latest else None


def _recent_themes() -> list[Theme]:
    return months.newest_first(6)
