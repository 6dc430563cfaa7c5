"""The search page: what people type in, results in rank order with snippets and facets."""
from __future__ import annotations

from urllib.parse import quote_plus

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

import search

from . import finding
from ..themes import months
from ..discussions import reading
from ..models import Theme
from ..core.pagination import page_arg
from ..permissions import may

bp = Blueprint("search", __name__)
# The themes with the most matches are listed to narrow by; the rest are in
# the form's theme menu (a long archive has over a hundred themes).
THEME_FACETS = 12


@bp.route("/search")
def search_page():
    """Search the archive: words, "phrases", OR, -word, author: and theme:."""
    found = finding.find(request.args, page_arg())
    wanted, scope, results, searching = found.wanted, found.scope, found.results, found.searching
    notices = found.notices
    if found.lost is not None:
        notices.append(_index_missing_notice(found.lost))
    if searching and found.lost is None and _admin() and not search.index_exists():
        notices.append(search.REBUILD_NEEDED)
    theme_menu = months.menu()
    return render_template(
        "search/search.html", wanted=wanted, raw_q=request.args.get("q", "")[:search.MAX_QUERY_LENGTH * 2],
        results=results, unanswered=found.unanswered, posts=found.posts, searching=searching,
        notices=notices + found.problems, scope=scope,
        discussion=found.discussion, marked_words=scope.request.text if scope else "",
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


def _tip_author() -> str | None:
    """A name the tips can use as their example: whoever posted last, a member people know."""
    latest = reading.recent_posts(limit=1)
    return latest[0].author.display_name if latest else None


def _recent_themes() -> list[Theme]:
    return months.newest_first(6)
