"""author: and theme: as people type them, turned into members and themes before any engine runs.

A member types a name as it is shown, with or without quotes, or part
of it: `author:Jackie Wheeler plants`, `author:wheeler`, `author:"Ana M"`.
Without quotes, the longest run of words after `author:` that names
somebody is the name, and the rest are searched. Each typed word must
begin a word of the name; a whole name typed exactly means that member
alone. A theme is named by its address, a word of its title or its month:
`theme:makerspaces`, `theme:2019-12`, `theme:december 2019`.

Engines only ever see member ids and theme slugs. A filter that names
nothing is left out and the page says so, rather than finding nothing.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from forum.core.extensions import db
from forum.discussions.mentions import name_key
from forum.models import Post, Theme, User
from forum.models.themes import month_label

from .analysis import iter_terms
from .request import OPERATORS, SearchRequest

LONGEST_NAME_WORDS = 4  # how far `author:` without quotes reaches
CANDIDATES = 50
CHOICES = 8  # members or themes offered when a filter names several
_FIELD = re.compile(r'(?<![\w-])(author|theme):(?:"([^"]*)"|(?=\S))', re.IGNORECASE)
_WORD = re.compile(r'\S+')
_MONTH_NUMBER = re.compile(r"(\d{4})-(\d{1,2})")
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | \
          {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}


@dataclass(frozen=True)
class Member:
    id: int
    name: str


@dataclass(frozen=True)
class ThemeChoice:
    slug: str
    title: str
    month: str

    @property
    def month_label(self) -> str:
        return month_label(self.month)


@dataclass
class Named:
    """What one filter was typed as and what it names (empty: nobody, nothing)."""

    typed: str
    found: list = field(default_factory=list)


@dataclass
class Scope:
    """A request with its filters resolved, and what they named, for the page to say."""

    request: SearchRequest
    author: Named | None = None
    theme: Named | None = None
    text_without_author: str = ""  # the typed words with author: taken out: for links choosing one member
    text_without_theme: str = ""


def _words_of(name: str) -> list[str]:
    return [key for key in (name_key(word) for word in name.split()) if key]


def members_named(typed: str, *, authors_only: bool = False) -> list[Member]:
    """Members whose names the typed words begin (every word), or the one named exactly.

    `authors_only`: members with a post anyone may read (names a visitor
    can already see), for suggesting names as someone types.
    """
    typed_words = _words_of(typed)
    if not typed_words:
        return []
    whole = "".join(typed_words)
    # Every typed word in the key, not only the longest: with a common surname,
    # the member meant could sort past the first CANDIDATES that share it. An
    # exact name holds every word too, and sorts first.
    stmt = select(User.id, User.display_name, User.name_key).where(
        *(User.name_key.contains(word, autoescape=True) for word in typed_words)
    ).order_by(User.name_key != whole, User.name_key, User.id).limit(CANDIDATES)
    if authors_only:
        stmt = stmt.where(select(Post.id).where(Post.author_id == User.id, Post.is_visible).exists())
    rows = db.session.execute(stmt).all()
    exact = [Member(member_id, name) for member_id, name, key in rows if key == whole]
    if exact:
        return exact
    found = []
    for member_id, name, _ in rows:
        name_words = _words_of(name)
        if all(any(word.startswith(typed_word) for word in name_words) for typed_word in typed_words):
            found.append(Member(member_id, name))
    return found


def _month_of(typed: str) -> str | None:
    """"2019-12", "december 2019", "Dec 2019", "2019 december" as "2019-12"."""
    number = _MONTH_NUMBER.fullmatch(typed.strip())
    if number and 1 <= int(number.group(2)) <= 12:
        return f"{number.group(1)}-{int(number.group(2)):02d}"
    words = typed.lower().replace(",", " ").split()
    if len(words) == 2:
        for name, year in (words, reversed(words)):
            if name.rstrip(".") in _MONTHS and year.isdigit() and len(year) == 4:
                return f"{year}-{_MONTHS[name.rstrip('.')]:02d}"
    return None


def themes_named(typed: str, themes: list[ThemeChoice] | None = None) -> list[ThemeChoice]:
    """Themes with this address, in this month, or with these words in their title."""
    if themes is None:
        themes = [ThemeChoice(*row) for row in db.session.execute(
            select(Theme.slug, Theme.title, Theme.month).order_by(Theme.month.desc(), Theme.id.desc()))]
    typed = typed.strip()
    if not typed:
        return []
    by_slug = [theme for theme in themes if theme.slug == typed.lower()]
    if by_slug:
        return by_slug
    month = _month_of(typed)
    if month:
        return [theme for theme in themes if theme.month == month]
    wanted = set(iter_terms(typed))
    if not wanted:
        return []
    return [theme for theme in themes
            if wanted <= set(iter_terms(theme.title)) | set(iter_terms(theme.slug.replace("-", " ")))]


def _take(text: str, kind: str, lookup) -> tuple[str, Named | None]:
    """The text without the first `kind:` filter, and what that filter named.

    Quoted, the filter is what is inside the quotes; unquoted, the longest
    run of following words (up to LONGEST_NAME_WORDS) that names something,
    or its first word when none does.
    """
    for match in _FIELD.finditer(text):
        if match.group(1).lower() != kind:
            continue
        before = text[:match.start()]
        if match.group(2) is not None:
            return " ".join(f"{before} {text[match.end():]}".split()), Named(match.group(2), lookup(match.group(2)))
        words = []
        for word in _WORD.finditer(text, match.end()):
            value = word.group()
            if value in OPERATORS or value.startswith(('"', "(", "-")) or _FIELD.match(value) or \
                    len(words) == LONGEST_NAME_WORDS:
                break
            words.append(word)
        if not words:
            return " ".join(f"{before} {text[match.end():]}".split()), None
        for count in range(len(words), 0, -1):
            typed = text[match.end():words[count - 1].end()]
            found = lookup(typed)
            if found or count == 1:
                rest = text[words[count - 1].end():]
                return " ".join(f"{before} {rest}".split()), Named(typed, found)
    return text, None


def resolve(request: SearchRequest) -> Scope:
    """The request as engines run it: words only in its text, and ids and slugs for its filters."""
    without_author, typed_author = _take(request.text, "author", members_named)
    without_both, typed_theme = _take(without_author, "theme", themes_named)
    theme_only, _ = _take(request.text, "theme", themes_named)
    author = typed_author
    if request.author:
        author = Named(request.author, members_named(request.author)) if typed_author is None else \
            Named(f"{request.author} {typed_author.typed}", members_named(f"{request.author} {typed_author.typed}"))
    theme = typed_theme if typed_theme is not None else \
        Named(request.theme, themes_named(request.theme)) if request.theme else None
    resolved = replace(
        request, text=without_both, resolved=True,
        author_ids=tuple(member.id for member in author.found) if author and author.found else None,
        theme_slugs=tuple(theme.slug for theme in theme.found) if theme and theme.found else None)
    return Scope(resolved, author, theme, text_without_author=without_author,
                 text_without_theme=theme_only if typed_theme is not None else request.text)
