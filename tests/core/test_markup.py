"""The sanitiser: what Markdown may become, and what it never may."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from forum.core.markup import ALLOWED_TAGS, MARKUP_VERSION, render_markdown
from tests.conftest import XSS_PAYLOADS

# Families of attack, each written for this suite.


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.found.append(("!--", {}))


def assert_harmless(html: str) -> None:
    for tag, attrs in Elements(html).found:
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", f"{name}= survived in {html!r}"
            if name == "href":
                assert re.match(r"^(https?://|mailto:|#fn)", value), f"href={value!r} in {html!r}"


@pytest.mark.parametrize("name", XSS_PAYLOADS)
def test_xss_payloads_are_neutralised(name):
    assert_harmless(render_markdown(XSS_PAYLOADS[name]))


def test_allowed_markdown_survives():
    html = render_markdown(
        "**bold** _em_ `code` ~~gone~~\n\n> quoted\n\n- one\n- two\n\n1. first\n\n"
        "```\nblock\n```\n\n[site](https://example.org) and mailto <mailto:a@example.org>"
    )
    for fragment in ["<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<s>gone</s>",
                     "<blockquote>", "<ul>", "<ol>", "<pre><code>block",
                     '<a href="https://example.org" rel="nofollow ugc noopener">site</a>',
                     'href="mailto:a@example.org"']:
        assert fragment in html


def test_bare_urls_become_nofollow_links():
    html = render_markdown("See https://example.org/paper.pdf for more")
    assert '<a href="https://example.org/paper.pdf" rel="nofollow ugc noopener">' in html


def test_relative_links_lose_their_href():
    html = render_markdown("[log out](/logout) [rel](../x)")
    assert "href" not in html and "log out" in html


def test_footnotes_get_unique_ids_per_render():
    source = "A claim[^1].\n\n[^1]: The source."
    first, second = render_markdown(source), render_markdown(source)
    ids = re.findall(r'id="(fn[^"]+)"', first)
    assert ids and not set(ids) & set(re.findall(r'id="(fn[^"]+)"', second))
    assert 'class="footnote-ref"' in first and "The source." in first


def test_no_html_comments_survive():
    assert "<!--" not in render_markdown("text <!-- hidden -->")


def test_markup_version_is_stored_with_posts(app, make_user, make_theme, make_thread):
    from forum.core.extensions import db
    from forum.models import Post

    make_theme()
    _, opening = make_thread("finding-time", make_user())
    with app.app_context():
        assert db.session.get(Post, opening).markup_version == MARKUP_VERSION


def test_rerender_command_updates_stale_posts(app, runner, make_user, make_theme, make_thread):
    from forum.core.extensions import db
    from forum.models import Post

    make_theme()
    _, opening = make_thread("finding-time", make_user(), body="**strong**")
    with app.app_context():
        post = db.session.get(Post, opening)
        post.html, post.markup_version = "<b>stale</b>", 0
        db.session.commit()
    result = runner.invoke(args=["posts", "rerender"])
    assert result.exit_code == 0 and "Re-rendered 1 posts" in result.output
    with app.app_context():
        post = db.session.get(Post, opening)
        assert post.html == "<p><strong>strong</strong></p>" and post.markup_version == MARKUP_VERSION
