"""What each post of a thread page shows its viewer, worked out once in Python (issue 36).

A 200-post page spent 42% of its time in the template's per-post macro:
about 5,000 attribute lookups and 2,000 escapes a page, most of them the
same author's name and links again and again. Here a post's header (its
author, badges, time, "In reply to") is made once, as one string, from
pieces made once per author; the template joins it with the post's text
and its Reply link. Names are escaped by markupsafe, as Jinja's
autoescaping would; everything else is made from ids and datetimes.

What repeats on every post but needs no data of its own (Permalink,
Report, a moderator's Edit and Hide) is not in each post at all:
it is written once, in the page's `<template id="post-actions">`, and the
page's script places it in each post's footer. A post says which of
those it takes (`data-can`) only where it differs from the page's
`data-can` (one's own posts, hidden ones). Every action's POST still asks
forum/permissions.py; these flags only decide which links show.
"""
from __future__ import annotations

from datetime import timezone
from typing import Iterable

from markupsafe import Markup, escape

from ..core import timefmt
from .reading import Node, PageAuthor, ThreadPage
from .urls import ID_SLOT, address_parts


def nodes(view: ThreadPage) -> Iterable[Node]:
    todo = ([view.opening] if view.opening else []) + list(view.branches)
    while todo:
        node = todo.pop()
        yield node
        todo.extend(node.children)


class PostHeads:
    """The header of each post of one page, for one viewer.

    Built with f-strings from pieces that are safe already: ids, times made
    from datetimes, addresses from url_for, and names escaped once per author
    (markupsafe's Markup.format costs several times an f-string, per post).
    """

    def __init__(self, theme_title: str) -> None:
        self.clock = timefmt.Clock()
        self.theme_title = theme_title
        self.profile = address_parts("members.profile", user_id=ID_SLOT)
        self.permalink = address_parts("threads.permalink", post_id=ID_SLOT)
        self.history = address_parts("threads.history", post_id=ID_SLOT)
        self._authors: dict[int, tuple[str, str]] = {}

    def author(self, author_id: int, author: PageAuthor) -> tuple[str, str]:
        """(The author's link, position and guest expert badge; their name, escaped): once per author."""
        found = self._authors.get(author_id)
        if found is None:
            name = str(escape(author.display_name))
            # No <bdi>: the author's link is isolated like one by CSS (unicode-bidi: plaintext), 11 bytes a post.
            html = f'<a href="{self.profile[0]}{author_id}{self.profile[1]}">{name}</a>'
            if author.position:
                html += f" <small>{escape(author.position)}</small>"
            if author.panelist:
                html += (f' <span class="badge badge--panelist" title="{escape(author.panelist)}, a guest expert '
                         f"of this theme's panel\">Panelist, {escape(self.theme_title)}</span>")
            found = self._authors[author_id] = (html, name)
        return found

    def head(self, node: Node) -> Markup:
        """The post's <header>: author, badges, time as its permalink, edited, whom it answers."""
        post = node.post
        moment = post.created_at
        human, exact = self.clock.human_and_exact(moment)
        # To the minute, with a Z: the seconds, microseconds and "+00:00" were 15 bytes a post that nobody read.
        stamp = f"{moment.astimezone(timezone.utc):%Y-%m-%dT%H:%M}Z"
        html = "<header>" + self.author(post.author_id, post.author)[0]
        if node.panel_answer:
            html += ' <span class="badge badge--answer">The panel\'s answer</span>'
        if node.new:
            html += ' <span class="post__new">New</span>'
        # The exact time is written once, on hover; the page's script makes the post's accessible name
        # of it ("Post by <author>, <exact time>") and reads it after the relative time, where the
        # page wrote it twice more for every post.
        html += (f' <a href="{self.permalink[0]}{post.id}{self.permalink[1]}" class="post__time">'
                 f'<time datetime="{stamp}" title="{exact}">{human}</time></a>')
        if post.edited_at:
            html += (f' <a href="{self.history[0]}{post.id}{self.history[1]}" class="post__edited" '
                     f'title="Edited {self.clock.exact(post.edited_at)}: see its history">'
                     f'{"(edited by a moderator)" if post.edited_by_moderator else "(edited)"}</a>')
        if post.depth > 1:
            parent = node.parent
            if parent is None or parent.gone:
                html += '<p class="post__context">In reply to a removed post</p>'
            else:
                name = self.author(parent.post.author_id, parent.post.author)[1]
                html += (f'<p class="post__context">In reply to <a href="#post-{parent.post.id}">'
                         f'<bdi>{name}</bdi></a></p>')
        return Markup(html + "</header>")


# The actions of <template id="post-actions">, by the names data-can lists.
REPORT, EDIT, HIDE = "report", "edit", "hide"


def page_actions(viewer_id: int | None, moderator: bool, archived: bool) -> str:
    """What most posts of the page take for this viewer: the template's data-can."""
    if viewer_id is None:
        return ""
    if not moderator:
        return REPORT  # members report posts; moderators hide them themselves
    # Moderators edit members' posts too, but not in an archived discussion: it stays as it was read.
    return HIDE if archived else f"{EDIT} {HIDE}"


def post_actions(node: Node, viewer_id: int | None, moderator: bool, archived: bool) -> str:
    """The actions of the template this post takes (the rules the template applied per post before)."""
    post = node.post
    if viewer_id is None or node.gone:
        return ""
    own = post.author_id == viewer_id
    if not moderator:
        return "" if own else REPORT
    can = []
    if not archived and not own and not post.is_hidden:
        can.append(EDIT)
    if not post.is_hidden:
        can.append(HIDE)
    return " ".join(can)


def prepare(view: ThreadPage, theme_title: str, archived: bool, moderator: bool, viewer_id: int | None,
            last_read: int | None) -> tuple[set[int], str]:
    """Fill each node for this viewer; (the ids on the page when the viewer is a member, since only
    a member's page marks what is new; the page's data-can)."""
    heads = PostHeads(theme_title)
    default = page_actions(viewer_id, moderator, archived)
    on_page = set()
    # Parents before their replies: a reply's header says whether its parent is gone.
    for node in _parents_first(view):
        post = node.post
        node.gone = node.placeholder == "deleted" or (node.placeholder == "hidden" and not moderator)
        node.new = last_read is not None and post.id > last_read and post.author_id != viewer_id \
            and not node.gone
        if not node.gone:
            node.head = heads.head(node)
        can = post_actions(node, viewer_id, moderator, archived)
        node.can = None if node.gone or can == default else can  # a placeholder has no footer
        if viewer_id is not None:
            on_page.add(post.id)
    return on_page, default


def _parents_first(view: ThreadPage) -> Iterable[Node]:
    todo = list(reversed(([view.opening] if view.opening else []) + list(view.branches)))
    while todo:
        node = todo.pop()
        yield node
        todo.extend(reversed(node.children))
