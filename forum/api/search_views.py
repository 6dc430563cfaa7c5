"""The API's search: the search page's query language and filters (forum.searching.finding)."""
from __future__ import annotations

from flask import request, url_for

import search

from ..searching import finding
from .blueprint import bp
from .errors import ApiError
from .http import answer
from .pagination import cursor_arg, page
from .shapes import when


@bp.route("/search")
def search_posts():
    """Posts matching `q` (words, "phrases", OR, -word, author:, theme:) and the filters `theme`,
    `author`, `thread`, `from`, `to` (YYYY-MM-DD) and `sort` (relevance or newest)."""
    position = cursor_arg(page=int)
    number = position["page"] if position else 1
    if not 1 <= number <= search.MAX_PAGE:
        raise ApiError(400, "invalid_cursor", "That cursor is not one this API gave: start again without it.")
    found = finding.find(request.args, number)
    if not found.searching:
        raise ApiError(422, "validation_failed", "Say what to search for: q, or one of the filters.",
                       fields={"q": "Give words to search for, or a theme, author, thread or dates."})
    if found.lost is not None:
        raise ApiError(503, "search_unavailable", "Search isn’t available right now (its index is missing); "
                       "nothing posted is lost. Try again later.", headers={"Retry-After": "300"})
    results = found.results
    hits = []
    for hit in results.hits:
        post = found.posts.get(hit.post_id)
        if post is None:  # hidden or gone since it was indexed, as on the page
            continue
        hits.append({
            "post_id": post.id, "snippet_html": hit.snippet, "created_at": when(post.created_at),
            "author_name": post.author_name, "in_reply_to_name": post.replying_to,
            "thread": {"id": post.thread_id, "title": post.thread_title},
            "theme": {"slug": post.theme_slug, "title": post.theme_title, "month": post.theme_month},
            "url": url_for("threads.permalink", post_id=post.id, _external=True),
        })
    more = number < min(results.pages, search.MAX_PAGE)
    body, headers = page(hits, {"page": number + 1} if more else None, "results",
                         total=results.total, estimated=results.estimated,
                         notices=found.notices + found.problems, unanswered=found.unanswered)
    return answer(body, headers=headers)
