"""What each post of a thread page shows its viewer, made once in Python (issue 36).

A 200-post page spent 42% of its time in the template's per-post macro,
about 5,000 attribute lookups and 2,000 escapes a page, most of them the
same author's name and links again and again. Here each post's markup,
from `<article>` to its Reply link, is one string (`Node.html`), made of
pieces made once per author; the template adds what few posts take (one's
own Edit and Delete, a hidden post's Unhide) and closes it. Names and a
hidden post's reason are escaped by markupsafe, as Jinja's autoescaping
would; the post's text is its sanitised HTML (forum.core.markup), as the
template's `|safe` showed it; the rest is made from ids, datetimes and
url_for's addresses.

What repeats on every post but needs no data of its own (Permalink,
Report, a moderator's Edit and Hide) is not in each post at all: it is
written once, in the page's `<template id="post-actions">`, and the page's
script places it in each post's footer. A post says which of those it
takes (`data-can`) only where it differs from the page's `data-can` (one's
own posts, hidden ones). Every action's POST still asks
forum/permissions.py; these flags only decide which links show.

Most of a post's markup is the same for every member who reads it
(`Parts`: all but the classes, the "New" mark, the Reply and the links
without a script, which are the viewer's own). It is made once and kept
in the process (forum.discussions.held_pages) beside what it was made of:
a member's view then only joins each post's parts with what is theirs.
What it was made of is compared, not the page's version, so the first
view after a reply or an edit makes the markup of the posts that changed
and keeps the rest. The replies' nested lists are laid out here too
(`branches`).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ..core import timefmt
from ..page_cache.cache import span_of_dates
from . import held_pages
from .reading import Node, PageAuthor, ThreadPage
from .urls import ID_SLOT, address_parts


def _roots(view: ThreadPage) -> list[Node]:
    # The page's branches are the opening post's replies: from the opening post, each node once.
    return [view.opening] if view.opening else list(view.branches)


def nodes(view: ThreadPage) -> Iterable[Node]:
    """Every post of the page, once each, in the page's order: a post before its replies."""
    todo = list(reversed(_roots(view)))
    while todo:
        node = todo.pop()
        yield node
        todo.extend(reversed(node.children))


class Parts(NamedTuple):
    """What a post shows every viewer alike, around what is theirs (PostMarkup.article)."""

    opening: str  # its classes before "post--new" and "post--own"
    state: str  # and after them
    gone: bool  # shown as a placeholder: `rest` is all the rest
    byline: str  # the author's link, position and badges
    rest: str  # from its time to its <footer>, its text included


_NEW = ' <span class="post__new">New</span>'


class PostMarkup:
    """The markup of each post of one page, for one viewer.

    Built with f-strings from pieces that are safe already: ids, times made
    from datetimes, addresses from url_for, and names escaped once per author
    (markupsafe's Markup.format costs several times an f-string, per post).
    """

    def __init__(self, theme_title: str, reply: list[str] | None) -> None:
        self.clock = timefmt.Clock()
        self.theme_title = theme_title
        # The Reply link's address cut where the post's id goes (address_parts), escaped once ("&").
        self.reply = [str(escape(part)) for part in reply] if reply else None
        self.profile = address_parts("members.profile", user_id=ID_SLOT)
        self.permalink = address_parts("threads.permalink", post_id=ID_SLOT)
        self.history = address_parts("threads.history", post_id=ID_SLOT)
        self.report = address_parts("threads.report", post_id=ID_SLOT)
        self.edit = address_parts("threads.edit", post_id=ID_SLOT)
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

    def head(self, node: Node) -> str:
        """The post's <header> after its author and badges: time as its permalink, edited, whom it answers."""
        post = node.post
        moment = post.created_at
        human = self.clock.human(moment)
        # To the minute, with a Z: the seconds, microseconds and "+00:00" were 15 bytes a post that nobody read.
        stamp = f"{moment.astimezone(timezone.utc):%Y-%m-%dT%H:%M}Z"
        # The exact time in the reader's zone ("Thursday, December 3, 2026, 3:28 pm EST") is made by the
        # page's script from this datetime and the zone the page names once (zone_data): its title on
        # hover, read after the relative time, and the post's accessible name. Written here it was 50
        # bytes a post. The link is found as the header's link holding a <time>: no class.
        html = (f' <a href="{self.permalink[0]}{post.id}{self.permalink[1]}">'
                f'<time datetime="{stamp}">{human}</time></a>')
        if post.edited_at:
            html += (f' <a href="{self.history[0]}{post.id}{self.history[1]}" class="post__edited" '
                     f'title="Edited {self.clock.exact(post.edited_at)}: see its history">'
                     f'{"(edited by a moderator)" if post.edited_by_moderator else "(edited)"}</a>')
        if post.depth > 1:
            parent = node.parent
            # The header's only paragraph: no class. The name is isolated by CSS, as <bdi> would.
            if parent is None or parent.gone:
                html += '<p>In reply to a removed post</p>'
            else:
                name = self.author(parent.post.author_id, parent.post.author)[1]
                html += f'<p>In reply to <a href="#post-{parent.post.id}">{name}</a></p>'
        return html + "</header>"

    def parts(self, node: Node) -> Parts:
        """What the post shows every viewer alike: made of what _made_of() names, and of what
        _held_parts() keeps them under."""
        post = node.post
        opening = " post--opening" if post.depth == 0 else ""
        if node.gone:
            kind = "deleted" if node.placeholder == "deleted" else "hidden by a moderator"
            return Parts(opening, " post--gone", True, "",
                         f'" id="post-{post.id}" aria-label="A removed post"><p class="post__placeholder">[{kind}]</p>')
        byline = self.author(post.author_id, post.author)[0]
        if node.panel_answer:
            byline += ' <span class="badge badge--answer">The panel\'s answer</span>'
        rest = self.head(node)
        if post.is_hidden:
            reason = f": {escape(post.hidden_reason)}" if post.hidden_reason else ""
            rest += f'<p class="post__moderation">Hidden by a moderator{reason}</p>'
        # The text as written, sanitised when it was saved (forum.core.markup): the article's only <div>.
        rest += f'<div>{post.html}</div><footer>'
        return Parts(opening, " post--hidden" if post.is_hidden else "", False, byline, rest)

    def article(self, node: Node, parts: Parts, can: str, differs: bool, own: bool) -> Markup:
        """The post from <article> to its footer's Reply (the template closes both); a placeholder's
        <article> and its line. `parts`: what every viewer sees of it; `can`: the template's actions
        this post takes; `differs`: whether that is not the page's data-can, so the post names its own."""
        classes = f'post{parts.opening}{" post--new" if node.new else ""}{" post--own" if own else ""}{parts.state}'
        if parts.gone:
            return Markup(f'<article class="{classes}{parts.rest}')
        post_id = node.post.id
        named = f' data-can="{can}"' if differs else ""
        new = _NEW if node.new else ""
        html = f'<article class="{classes}" id="post-{post_id}"{named}><header>{parts.byline}{new}{parts.rest}'
        # Without JavaScript a member's Reply opens this page again with the box under the post; a
        # visitor's goes through the login and back to it. A hidden post takes no reply. It is the
        # footer's link whose address holds "reply_to": no class.
        if self.reply and not node.post.is_hidden:
            html += f'<a href="{str(post_id).join(self.reply)}">Reply</a>'
        return Markup(html + self.without_script(post_id, can.split()) if can else html)

    def without_script(self, post_id: int, can: list[str]) -> str:
        """The template's actions that are a page of their own (Report, Edit), for a browser that
        runs no script and so never places the template's: hiding, a form, is done from the
        reports queue there. About 50 bytes a post, only on pages with actions."""
        links = []
        if REPORT in can:
            links.append(f'<a href="{self.report[0]}{post_id}{self.report[1]}">Report</a>')
        if EDIT in can:
            links.append(f'<a href="{self.edit[0]}{post_id}{self.edit[1]}">Edit</a>')
        return f"<noscript>{' '.join(links)}</noscript>" if links else ""


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
            last_read: int | None, reply: list[str] | None) -> tuple[set[int], str]:
    """Fill each node for this viewer (`reply`: the Reply link's address_parts, None for no link);
    (the ids on the page when the viewer is a member, since only a member's page marks what is new;
    the page's data-can). branches() then lays the page's replies out."""
    markup = PostMarkup(theme_title, reply)
    default = page_actions(viewer_id, moderator, archived)
    on_page = set()
    held = _held_parts(view, markup, theme_title, moderator)
    span = span_of_dates(markup.clock.now)
    # Parents before their replies: a reply's header says whether its parent is gone.
    for node in nodes(view):
        post = node.post
        own = post.author_id == viewer_id
        node.gone = node.placeholder == "deleted" or (node.placeholder == "hidden" and not moderator)
        node.new = last_read is not None and post.id > last_read and not own and not node.gone
        can = post_actions(node, viewer_id, moderator, archived)
        made_of = _made_of(node, span)
        found = held.get(post.id)
        if found is None or found[0] != made_of:
            parts = markup.parts(node)
            held[post.id] = (made_of, parts)
        else:
            parts = found[1]
            if found[0][0] is not post:  # equal rows of a newer version: kept, so the next views compare at once
                held[post.id] = (made_of, parts)
        node.html = markup.article(node, parts, can, not node.gone and can != default, own)
        # What the template adds to the footer: one's own Edit and Delete, a moderator's Unhide and Files.
        node.more = not node.gone and (own or (moderator and (post.is_hidden or "/uploads/" in post.html)))
        if viewer_id is not None:
            on_page.add(post.id)
    return on_page, default


def _made_of(node: Node, span: Callable[[datetime], str]) -> tuple:
    """All a post's Parts are made of but what _held_parts() keeps them under: its row (its author
    with it), whether it shows as gone, the panel's answer badge, for a reply to a reply the post it
    answers (its id, author and whether it is gone), and how long its relative date reads the same.
    Compared for each post of a view: the same row object (a held page's) compares at once."""
    post = node.post
    parent = node.parent if post.depth > 1 else None
    answers = (parent.post.id, parent.post.author, parent.gone) if parent is not None else None
    return post, node.gone, node.panel_answer, answers, span(post.created_at)


def _held_parts(view: ThreadPage, markup: PostMarkup, theme_title: str, moderator: bool) -> dict[int, tuple]:
    """(What they were made of, Parts) by post id, kept in the process (held_pages) for every viewer of this
    page of the thread who sees its posts alike: whether they moderate (hidden posts), their zone and date
    order, and the theme's title (a badge). Not by the page's version: an entry is used only while what it
    was made of is still what the post is (prepare), so one version's entries serve the next for the posts
    that did not change. Two views of one process may fill it at once: each checks what it reads."""
    if view.held is None:  # a page not loaded by load_page
        return {}
    thread_id, _version, *page = view.held
    clock = markup.clock
    return held_pages.recall((thread_id, *page, "parts", moderator, clock.zone.key, clock.month_first,
                              theme_title), dict)


def zone_data() -> dict[str, str]:
    """What the page's script needs to write each post's exact time as timefmt.Clock.exact does:
    the reader's zone, their date order, and the zone's abbreviations by UTC offset in minutes
    (the browser's Intl names zones its own way: "GMT+1" where Python says "CET")."""
    clock = timefmt.Clock()
    return {"data-zone": clock.zone.key, "data-month-first": "1" if clock.month_first else "",
            "data-zone-names": _abbreviations(clock.zone.key)}


@lru_cache(maxsize=64)
def _abbreviations(zone_name: str) -> str:
    """{"-300": "EST", "-240": "EDT"}: the zone's names in winter and summer of each year forums have
    posts in; a name the zone gave up since is replaced by its newer one at the same offset."""
    zone = ZoneInfo(zone_name)
    names = {}
    for year in range(2000, 2041):
        for month in (1, 7):
            moment = datetime(year, month, 15, 12, tzinfo=zone)
            names[str(int(moment.utcoffset().total_seconds() // 60))] = moment.tzname()
    return json.dumps(names, separators=(",", ":"))


def branches(view: ThreadPage, open_under: int | None) -> list:
    """The page's replies as nested lists, from its top <ul>'s first <li> to its last </li>: strings,
    joined where they follow each other, and between them the nodes the template ends itself
    (threads/show.html's post_end: one's own Edit and Delete, a moderator's Unhide, the reply box
    opened under `open_under`). Each node was prepared.

    Made here, not by a recursive Jinja loop: for a 200-post page that loop, its calls and its
    attribute lookups were a sixth of a member's view. Nothing here is user text but the authors'
    names, escaped as the template escaped them.
    """
    pieces, run = [], []
    todo: list = list(reversed(view.branches))
    while todo:
        node = todo.pop()
        if type(node) is str:  # a closing tag, once the node's replies are done
            run.append(node)
            continue
        run.append("<li>")
        run.append(node.html)
        if node.more or node.post.id == open_under:
            pieces.append(Markup("".join(run)))
            pieces.append(node)
            run = []
        else:
            run.append("</article>" if node.gone else "</footer></article>")
        todo.append("</li>")
        if node.children:
            whose = "a removed post" if node.gone else escape(node.post.author.display_name)
            run.append(f'<ul class="replies" aria-label="Replies to {whose}">')
            todo.append("</ul>")
            todo.extend(reversed(node.children))
    if run:
        pieces.append(Markup("".join(run)))
    return pieces
