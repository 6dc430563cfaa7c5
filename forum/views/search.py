"""The search page: what people type in, results in rank order with snippets and facets."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

import search
from search.documents import plain_text

from ..extensions import db
from ..models import Post, Theme, Thread
from ..pagination import page_arg
from ..themes import visible_posts

bp = Blueprint("search", __name__)


def _date_arg(name: str, problems: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"“{raw[:20]}” isn't a date: use YYYY-MM-DD, e.g. 2024-03-15. That limit was left out.")
        return None


def _load_posts(post_ids: list[int]) -> dict[int, Post]:
    """The result posts with what a result shows, in one query; hidden ones dropped."""
    if not post_ids:
        return {}
    posts = db.session.scalars(
        select(Post)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.theme),
                 joinedload(Post.parent).joinedload(Post.author))
        .where(Post.id.in_(post_ids), *visible_posts())
    ).unique().all()
    return {post.id: post for post in posts}


@bp.route("/search")
def search_page():
    """Search the archive: words, "phrases", OR, -word, author: and theme:."""
    problems: list[str] = []
    text, notices = search.tidy(request.args.get("q", ""))
    wanted = search.SearchRequest(
        text=text,
        theme=request.args.get("theme", "").strip()[:80],
        author=" ".join(request.args.get("author", "").split())[:80],
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
    posts: dict[int, Post] = {}

    def bodies(post_ids: list[int]) -> dict[int, str]:
        posts.update(_load_posts(post_ids))
        return {pid: plain_text(post.html) for pid, post in posts.items()}

    searching = bool(text or wanted.theme or wanted.author or wanted.date_from or wanted.date_to)
    results = search.query(wanted, bodies) if searching else search.SearchResults()
    theme_titles = dict(db.session.execute(
        select(Theme.slug, Theme.title).where(Theme.slug.in_([slug for slug, _ in results.by_theme]))
    ).all()) if results.by_theme else {}
    return render_template(
        "search/search.html", wanted=wanted, raw_q=request.args.get("q", "")[:search.MAX_QUERY_LENGTH * 2],
        results=results, posts=posts, searching=searching, notices=notices + problems,
        theme_titles=theme_titles, recent_themes=_recent_themes() if not searching else [],
        themes=db.session.execute(select(Theme.slug, Theme.title).order_by(Theme.month.desc())).all(),
        narrow=_narrow_url,
    )


def _narrow_url(**changes) -> str:
    """This search with some parameters changed, back on page 1."""
    args = {key: value for key, value in request.args.items() if value and key != "page"}
    args.update({key: value for key, value in changes.items()})
    return url_for("search.search_page", **{k: v for k, v in args.items() if v})


def _recent_themes() -> list[Theme]:
    return db.session.scalars(select(Theme).order_by(Theme.month.desc()).limit(6)).all()
