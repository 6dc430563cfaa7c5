"""Reading discussions: thread pages as trees, in a fixed number of queries,
and the posts of search results.

A thread page is paginated by top-level branches (the replies to the
opening post, each with everything under it), so a permalink always
finds its post whole, in context, on one page.
"""
from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, case, func, over, select
from sqlalchemy.orm import aliased, joinedload

from ..notifications import notify, watching
from . import held_pages, tracking
from ..core.extensions import db
from ..models import GuestExpert, PanelQuestion, Post, Theme, Thread, User
from ..models.discussions import PostState
from ..models.themes import month_label

# Sorts after "." and every base-36 digit: the end of a branch's path range.
_PATH_END = "~"


@dataclass(frozen=True, slots=True)
class PageAuthor:
    display_name: str
    position: str
    # The panelist's name when the author is a guest expert of the thread's theme (forum.panel.guests).
    panelist: str | None = None


# Every column of posts but those a page never shows: a column added to
# posts reaches the thread page's template with no change here.
_NOT_ON_PAGE = frozenset({"thread_id", "path", "body", "markup_version", "hidden_by_id"})
_PAGE_POST_COLUMNS = tuple(column.name for column in Post.__table__.columns if column.name not in _NOT_ON_PAGE)

PagePost = make_dataclass(
    "PagePost", [*((name, Any) for name in _PAGE_POST_COLUMNS), ("author", PageAuthor)],
    bases=(PostState,), slots=True,
    namespace={"__doc__": """What a thread page shows of a post: plain values, not an ORM object.

    At a million posts, building 150 Post and User objects (with their
    identity map and attribute instrumentation) took longer than running
    the query and rendering the page together. Its fields are the columns
    of _PAGE_POST_COLUMNS, in the order the page's query selects them, then
    the author."""},
)


@dataclass(slots=True)
class Node:
    """A post as the page shows it; `placeholder` is set for deleted or hidden posts kept for their replies."""

    post: PagePost
    children: list["Node"] = field(default_factory=list)
    placeholder: str | None = None
    parent: "Node | None" = None
    # Set by the thread page for its viewer, once per post in Python (forum.discussions.page_posts):
    gone: bool = False  # shown as a placeholder to this viewer
    new: bool = False  # posted since the member last read the thread
    html: str = ""  # its markup, from <article> to its footer's Reply (the template closes them)
    more: bool = False  # its footer takes more than the page's actions: one's own Edit and Delete, Unhide
    question: bool = False  # a published panel question's post
    panel_answer: bool = False  # a guest expert's reply somewhere under a panel question


@dataclass
class ThreadPage:
    thread: Thread
    opening: Node | None
    branches: list[Node]
    page: int
    pages: int
    branch_count: int
    # What its rows are kept under in this process (held_pages); None for a page made otherwise.
    held: tuple | None = None


def branches_per_page() -> int:
    return current_app.config["THREAD_BRANCHES_PER_PAGE"]


def load_thread(thread_id: int) -> Thread | None:
    return db.session.scalar(_thread_with_theme(), {"thread_id": thread_id})


@cache
def _thread_with_theme():
    return select(Thread).options(joinedload(Thread.theme)).where(Thread.id == bindparam("thread_id"))


@cache
def _member_state():
    user_id, thread_id = bindparam("user_id"), bindparam("thread_id")
    return select(*tracking.reading_state_columns(user_id, thread_id),
                  *watching.thread_level_columns(user_id, thread_id, bindparam("theme_id")),
                  notify.unread_count_column(user_id))


@dataclass(frozen=True, slots=True)
class MemberState:
    """What a thread page shows one member alone."""

    last_read: int | None  # the newest post they had seen; None before their first visit
    first_new: int | None  # the first post after it by someone else
    watch_level: str


def member_state(user: User, thread: Thread) -> MemberState:
    """The member's place in the thread, how closely they follow it and the bell's
    count, in one query: each is a scalar subquery of its own module."""
    row = db.session.execute(_member_state(), {"user_id": user.id, "thread_id": thread.id,
                                                "theme_id": thread.theme_id}).one()
    notify.unread_known(row.unread)
    return MemberState(row.last_read, row.first_new, watching.level_of(row.thread_watch, row.theme_watch))


@cache
def _page_branches():
    return (
        select(Post.path, over(func.count()))
        .where(Post.thread_id == bindparam("thread_id"), Post.depth == 1)
        .order_by(Post.path)
        .limit(bindparam("per_page"))
        .offset(bindparam("skip"))
    )


@cache
def _page_posts(with_branches: bool):
    """The statement for a page's posts, built once per shape.

    With branches, the opening post is picked by its path, not by
    depth = 0, so that SQLite answers the whole condition from the
    (thread_id, path) index and reads only the rows it returns, not
    every post of the thread (a thousand rows for 150 at a million posts).
    """
    if with_branches:
        wanted = (Post.path == bindparam("opening_path")) | Post.path.between(
            bindparam("first"), bindparam("last"))
    else:
        wanted = Post.depth == 0
    # Guest experts' badges and the panel's questions come with the posts, by two unique
    # lookups per row: they cost the page no statement of their own.
    return (
        select(*(getattr(Post, name) for name in _PAGE_POST_COLUMNS), User.display_name, User.position,
               GuestExpert.panelist.label("panelist"), PanelQuestion.id.label("question_id"))
        .join(User, User.id == Post.author_id)
        .outerjoin(GuestExpert, (GuestExpert.user_id == Post.author_id)
                   & (GuestExpert.theme_id == bindparam("theme_id")))
        .outerjoin(PanelQuestion, PanelQuestion.post_id == Post.id)
        .where(Post.thread_id == bindparam("thread_id"), wanted)
        .order_by(Post.path)
    )


def load_page(thread: Thread, page: int, show_hidden: bool) -> ThreadPage:
    """The opening post and one page of top-level branches, as a tree (of nodes of its own: the
    rows may be shared with other views of this process, forum.discussions.held_pages)."""
    per_page = branches_per_page()
    key = (thread.id, thread.page_version, page, per_page)
    posts, questions, branch_count = held_pages.recall(key, lambda: _page_rows(thread, page, per_page))
    pages = max(1, -(-branch_count // per_page))
    opening, branches = _build_tree(posts, show_hidden, questions)
    return ThreadPage(thread, opening, branches, page, pages, branch_count, key)


def _page_rows(thread: Thread, page: int, per_page: int) -> tuple[tuple, frozenset[int], int]:
    """(The page's posts in path order, the ids of those that are published panel questions, the
    thread's count of branches), in two queries whatever the number of posts."""
    # Through the session's connection, not the ORM's execute: plain rows need none of its loading, a
    # fifth of the posts statement's time for a 114-post page.
    connection = db.session.connection()
    rows = connection.execute(
        _page_branches(), {"thread_id": thread.id, "per_page": per_page, "skip": (page - 1) * per_page}
    ).all()
    branch_count = rows[0][1] if rows else _count_branches(thread, page)

    params = {"thread_id": thread.id, "theme_id": thread.theme_id}
    if rows:
        # A branch's path starts with the opening post's.
        params.update(opening_path=rows[0][0].split(".", 1)[0], first=rows[0][0],
                      last=rows[-1][0] + _PATH_END)
    authors: dict[int, PageAuthor] = {}
    posts, questions = [], set()
    for row in connection.execute(_page_posts(bool(rows)), params):
        author = authors.get(row.author_id)
        if author is None:
            author = authors[row.author_id] = PageAuthor(row.display_name, row.position, row.panelist)
        posts.append(PagePost(*row[:-4], author))  # _PAGE_POST_COLUMNS, in PagePost's order
        if row.question_id is not None and posts[-1].is_visible:  # as answered_by_panel: not under a hidden one
            questions.add(row.id)
    return tuple(posts), frozenset(questions), branch_count


def _count_branches(thread: Thread, page: int) -> int:
    # Only reached for an empty page: past the end, or a thread with no replies.
    if page == 1:
        return 0
    return db.session.scalar(
        select(func.count(Post.id)).where(Post.thread_id == thread.id, Post.depth == 1)
    )


def _build_tree(posts: list[PagePost], show_hidden: bool,
                questions: set[int] = frozenset()) -> tuple[Node | None, list[Node]]:
    opening, nodes = build_tree(posts, show_hidden)
    if questions:
        for post_id in questions:
            nodes[post_id].question = True
        _mark_panel_answers(nodes.values())
    branches = opening.children if opening else []
    return opening, branches


def build_tree(posts, show_hidden: bool) -> tuple[Node | None, dict[int, Node]]:
    """Posts in path order as a tree: the opening post's node, and every node by its post's id.

    The posts may be PagePosts or rows with id, parent_id, deleted_at and hidden_at (the JSON
    API's). A deleted post, or a hidden one this viewer may not see, stays as a placeholder while
    replies hang under it and goes when none do: the thread page's rule and the API's.
    """
    nodes = {post.id: Node(post) for post in posts}
    opening = None
    for node in nodes.values():  # path order: parents come before their replies
        parent_id = node.post.parent_id
        if parent_id is None:
            opening = node
        else:
            parent = nodes.get(parent_id)
            if parent is not None:
                node.parent = parent
                parent.children.append(node)
    # Children before parents: prune gone posts that have nothing left under them.
    for node in reversed(nodes.values()):
        post = node.post
        deleted = post.deleted_at is not None
        if deleted or (post.hidden_at is not None and not show_hidden):
            node.placeholder = "deleted" if deleted else "hidden"
            if not node.children and node.parent is not None:
                node.parent.children.remove(node)
    return opening, nodes


def _mark_panel_answers(nodes) -> None:
    """A guest expert's visible reply anywhere under a panel question is the panel's answer
    (the rule of forum.panel.guests.answered_by_panel, read from the page's own rows)."""
    for node in nodes:
        if node.post.author.panelist is None or not node.post.is_visible:
            continue
        above = node.parent
        while above is not None and not above.question:
            above = above.parent
        node.panel_answer = above is not None


def post_in(thread: Thread, post_id: int | None) -> Post | None:
    """A post of this thread by its id (a form's parent_id), or None."""
    post = db.session.get(Post, post_id) if post_id else None
    return post if post is not None and post.thread_id == thread.id else None


def page_of_post(post: Post) -> int:
    """The page of its thread that shows this post."""
    if post.depth == 0:
        return 1
    branch_path = post.path.split(".")[1]
    opening_segment = post.path.split(".")[0]
    branch_start = f"{opening_segment}.{branch_path}"
    before = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.thread_id == post.thread_id, Post.depth == 1, Post.path < branch_start
        )
    )
    return before // branches_per_page() + 1


# What a search result shows of its post ----------------------------------------------

@dataclass(frozen=True)
class ResultPost:
    """What a search result shows of its post."""

    id: int
    html: str
    created_at: datetime
    author_name: str
    replying_to: str | None  # the parent post's author, for a reply to a reply
    thread_id: int
    thread_title: str
    theme_slug: str
    theme_title: str
    theme_month: str

    @property
    def month_label(self) -> str:
        return month_label(self.theme_month)


@cache
def _result_rows():
    """The statement of result_posts, built once: building it took longer than running it."""
    parent, parent_author = aliased(Post), aliased(User)
    return (
        # Labelled with ResultPost's fields: rows become results by name.
        select(Post.id.label("id"), Post.html.label("html"), Post.created_at.label("created_at"),
               User.display_name.label("author_name"),
               case((Post.depth > 1, parent_author.display_name), else_=None).label("replying_to"),
               Thread.id.label("thread_id"), Thread.title.label("thread_title"), Theme.slug.label("theme_slug"),
               Theme.title.label("theme_title"), Theme.month.label("theme_month"))
        .join(User, User.id == Post.author_id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Theme, Theme.id == Thread.theme_id)
        .outerjoin(parent, parent.id == Post.parent_id)
        .outerjoin(parent_author, parent_author.id == parent.author_id)
        .where(Post.id.in_(bindparam("post_ids", expanding=True)), Post.is_visible)
    )


def result_posts(post_ids: list[int]) -> dict[int, ResultPost]:
    """The result posts with what a result shows, in one query; hidden ones dropped.

    Plain rows, not ORM objects: building twenty posts with their author,
    thread, theme and parent as objects took more time than the search
    on a small archive.
    """
    if not post_ids:
        return {}
    rows = db.session.execute(_result_rows(), {"post_ids": post_ids})
    return {row.id: ResultPost(**row._mapping) for row in rows}


def recent_posts(limit: int = 8, author: User | None = None) -> list[Post]:
    """The latest visible posts, across the site or by one member, with thread and theme."""
    stmt = (
        select(Post)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.theme))
        .where(Post.is_visible)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    if author is not None:
        stmt = stmt.where(Post.author_id == author.id)
    return db.session.scalars(stmt).all()


def post_count_of(member: User) -> int:
    return db.session.scalar(
        select(func.count(Post.id)).where(Post.author_id == member.id, Post.is_visible)
    )
