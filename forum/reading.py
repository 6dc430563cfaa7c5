"""Reading discussions: thread pages as trees, in a fixed number of queries.

A thread page is paginated by top-level branches (the replies to the
opening post, each with everything under it), so a permalink always
finds its post whole, in context, on one page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, over, select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Post, Thread

# Sorts after "." and every base-36 digit: the end of a branch's path range.
_PATH_END = "~"


@dataclass
class Node:
    """A post as the page shows it; `placeholder` is set for deleted or hidden posts kept for their replies."""

    post: Post
    children: list["Node"] = field(default_factory=list)
    placeholder: str | None = None
    parent: "Node | None" = None


@dataclass
class ThreadPage:
    thread: Thread
    opening: Node | None
    branches: list[Node]
    page: int
    pages: int
    branch_count: int


def branches_per_page() -> int:
    return current_app.config["THREAD_BRANCHES_PER_PAGE"]


def load_thread(thread_id: int) -> Thread | None:
    return db.session.scalar(
        select(Thread).options(joinedload(Thread.theme)).where(Thread.id == thread_id)
    )


def load_page(thread: Thread, page: int, show_hidden: bool) -> ThreadPage:
    """The opening post and one page of top-level branches, as a tree."""
    per_page = branches_per_page()
    rows = db.session.execute(
        select(Post.path, over(func.count()))
        .where(Post.thread_id == thread.id, Post.depth == 1)
        .order_by(Post.path)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    branch_count = rows[0][1] if rows else _count_branches(thread, page)
    pages = max(1, -(-branch_count // per_page))

    in_range = Post.depth == 0
    if rows:
        in_range = in_range | Post.path.between(rows[0][0], rows[-1][0] + _PATH_END)
    posts = db.session.scalars(
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.thread_id == thread.id, in_range)
        .order_by(Post.path)
    ).all()
    opening, branches = _build_tree(posts, show_hidden)
    return ThreadPage(thread, opening, branches, page, pages, branch_count)


def _count_branches(thread: Thread, page: int) -> int:
    # Only reached for an empty page: past the end, or a thread with no replies.
    if page == 1:
        return 0
    return db.session.scalar(
        select(func.count(Post.id)).where(Post.thread_id == thread.id, Post.depth == 1)
    )


def _build_tree(posts: list[Post], show_hidden: bool) -> tuple[Node | None, list[Node]]:
    nodes = {post.id: Node(post) for post in posts}
    opening = None
    for post in posts:  # path order: parents come before their replies
        node = nodes[post.id]
        parent = nodes.get(post.parent_id) if post.parent_id else None
        if post.parent_id is None:
            opening = node
        elif parent is not None:
            node.parent = parent
            parent.children.append(node)
    # Children before parents: prune gone posts that have nothing left under them.
    for post in reversed(posts):
        node = nodes[post.id]
        gone = post.is_deleted or (post.is_hidden and not show_hidden)
        if gone:
            node.placeholder = "deleted" if post.is_deleted else "hidden"
            if not node.children and node.parent is not None:
                node.parent.children.remove(node)
    branches = opening.children if opening else []
    return opening, branches


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


def descendant_count(node: Node) -> int:
    return sum(1 + descendant_count(child) for child in node.children)

