"""Atom feeds, answering conditional GETs with 304 when nothing changed."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request

from . import atom
from ..mail.emails import absolute_url
from ..views.lookups import get_theme_or_404, get_thread_or_404

bp = Blueprint("feeds", __name__)

# Shared caches may keep a feed a few minutes; readers poll far less often.
CACHE_CONTROL = "public, max-age=300"


def _respond(feed: atom.Feed):
    if feed.etag in request.if_none_match:  # asked again, nothing new: not even rendered
        response = current_app.response_class(status=304)
    else:
        response = make_response(render_template(
            "feeds/atom.xml", feed=feed, entry_updated=atom.entry_updated,
            permalink=lambda post: absolute_url("threads.permalink", post_id=post.id)))
        response.mimetype = "application/atom+xml"
    response.set_etag(feed.etag)
    response.last_modified = feed.updated
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response.make_conditional(request)


@bp.route("/feeds/posts.atom")
def latest():
    """The newest posts of the whole forum."""
    return _respond(atom.Feed(
        f"Latest posts · {_community()}", absolute_url("themes.home"), absolute_url("feeds.latest"),
        atom.latest_posts(), atom.NOTHING_YET))


@bp.route("/feeds/questions.atom")
def questions():
    """Panel questions as they are published into the discussions."""
    return _respond(atom.Feed(
        f"Panel questions · {_community()}", absolute_url("themes.archive"), absolute_url("feeds.questions"),
        atom.question_posts(), atom.NOTHING_YET))


@bp.route("/themes/<slug>/feed.atom")
def theme(slug: str):
    """The newest posts of one theme."""
    found = get_theme_or_404(slug)
    return _respond(atom.Feed(
        f"{found.title} · {_community()}", absolute_url("themes.show", slug=found.slug),
        absolute_url("feeds.theme", slug=found.slug),
        atom.theme_posts(found),
        found.created_at))


@bp.route("/threads/<int:thread_id>/feed.atom")
def thread(thread_id: int):
    """The newest posts of one thread."""
    found = get_thread_or_404(thread_id)
    return _respond(atom.Feed(
        f"{found.title} · {_community()}", absolute_url("threads.show", thread_id=found.id),
        absolute_url("feeds.thread", thread_id=found.id),
        atom.thread_posts(found), found.created_at))


def _community() -> str:
    return current_app.config["COMMUNITY_NAME"]
