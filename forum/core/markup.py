"""Markdown to safe HTML: the only place user text becomes markup.

Posts are rendered once, when written, and the HTML is stored with
MARKUP_VERSION; change the policy here, bump the version, and run
`flask --app app posts rerender` to bring stored posts up to date.

markdown-it-py is used because it is linear on hostile input (nested
brackets, long runs of emphasis markers) and caps nesting depth
(`maxNesting`) instead of recursing until the interpreter gives up.
"""
from __future__ import annotations

import re
import secrets
from functools import lru_cache

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.footnote import footnote_plugin

from .text import without_bidi_overrides

# 2: @mentions of members become links to their profiles.
# 3: bidi override, embedding and isolate characters are dropped.
# 4: images attached to posts (forum/uploads/files.py) are shown; any other image is a link.
MARKUP_VERSION = 4

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "sub", "section",
        "table", "thead", "tbody", "tr", "th", "td", "img",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# The footnote plugin's own markup, and nothing else, may carry classes and ids.
_FOOTNOTE_CLASSES = frozenset(
    {"footnote-ref", "footnotes-sep", "footnotes", "footnotes-list", "footnote-item", "footnote-backref"}
)
_FOOTNOTE_ID = re.compile(r"^fn(ref)?-[a-z0-9]{8}-\d{1,4}(:\d{1,4})?$")
_FOOTNOTE_HREF = re.compile(r"^#fn(ref)?-[a-z0-9]{8}-\d{1,4}(:\d{1,4})?$")
_ABSOLUTE_HREF = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_MEMBER_HREF = re.compile(r"^/members/\d{1,12}$")  # a mention: a member's profile, a page anyone may read
# Files members attached, served by this site (forum/uploads/views.py): the only images a post shows,
# so that no post can load a tracking pixel or a huge picture from elsewhere.
_UPLOAD_IMAGE = re.compile(r"^/uploads/[A-Za-z0-9_-]{16,32}\.(jpg|png)$")
_UPLOAD_FILE = re.compile(r"^/uploads/[A-Za-z0-9_-]{16,32}\.(jpg|png|pdf)$")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return value in _FOOTNOTE_CLASSES or (tag == "a" and value == "mention")
    if name == "id":
        return tag in ("a", "li") and bool(_FOOTNOTE_ID.match(value))
    if tag == "a" and name == "href":
        # Relative links could point at this site's own actions; only
        # absolute web and mail links, footnote anchors, members and attached files survive.
        return bool(_ABSOLUTE_HREF.match(value) or _FOOTNOTE_HREF.match(value) or _MEMBER_HREF.match(value)
                    or _UPLOAD_FILE.match(value))
    if tag == "img":
        return (name == "src" and bool(_UPLOAD_IMAGE.match(value))) or name == "alt" \
            or (name == "loading" and value == "lazy")
    if tag == "a" and name in ("title", "rel"):
        return True
    if tag in ("th", "td") and name == "align":
        return value in ("left", "right", "center")
    if tag == "ol" and name == "start":
        return value.isdigit() and len(value) < 7
    return False


def _set_rel(attrs: dict, new: bool = False) -> dict:
    href = attrs.get((None, "href"), "")
    if href.startswith("#"):
        return attrs  # an in-page footnote anchor, not an outside link
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _mention(state, silent: bool) -> bool:
    """`@Name` as a link to the member, for the names forum.discussions.mentions found (passed in env)."""
    src, pos = state.src, state.pos
    named = state.env.get("mentions")
    if not named or src[pos] != "@" or state.linkLevel > 0:
        return False
    if pos > 0 and (src[pos - 1].isalnum() or src[pos - 1] in "_.@"):
        return False
    for written in sorted(named, key=len, reverse=True):
        end = pos + 1 + len(written)
        if src.startswith(written, pos + 1) and not (end < len(src) and (src[end].isalnum() or src[end] == "_")):
            if not silent:
                link = state.push("link_open", "a", 1)
                link.attrs = {"href": f"/members/{named[written][0]}", "class": "mention"}
                state.push("text", "", 0).content = "@" + written
                state.push("link_close", "a", -1)
            state.pos = end
            return True
    return False


def _image(renderer, tokens, idx, options, env) -> str:
    """An attached image as an image; any other as a link to it, its words as the link's text."""
    token = tokens[idx]
    src = token.attrGet("src") or ""
    words = renderer.renderInlineAsText(token.children or [], options, env)
    if _UPLOAD_IMAGE.match(src):
        return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(words)}" loading="lazy">'
    return f'<a href="{escapeHtml(src)}">{escapeHtml(words or src)}</a>'


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False)
    md.inline.ruler.push("mention", _mention)
    md.add_render_rule("image", _image)
    return md


@lru_cache(maxsize=1)
def _cleaner() -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[
            lambda source: LinkifyFilter(
                source, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False
            )
        ],
    )


def render_markdown(source: str, mentions: dict[str, tuple[int, str]] | None = None) -> str:
    """Turn Markdown into sanitised HTML, safe to store and show as is.

    `mentions` ({as written: (member id, name)}, from forum.discussions.mentions.find)
    says which `@names` become links to members.
    """
    if not source:
        return ""
    source = without_bidi_overrides(source)  # posts written before input dropped them
    # Each rendering gets its own footnote prefix so ids stay unique on a page.
    env = {"docId": secrets.token_hex(4), "mentions": mentions or {}}
    html = _markdown().render(source, env)
    return _cleaner().clean(html).strip()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&@])")


def escape_markdown(text: str) -> str:
    """Text to appear as itself inside Markdown: a name can't become a link, a mention or emphasis.

    (A bare web address in it is still linked, as everywhere in posts:
    shown as itself, so it can't pass for something else.)
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
