"""What people type, read once into a small tree of terms that every engine compiles.

The language: words (all must match), "quoted phrases", OR between two
things, NOT, ANDNOT or a leading minus before one, AND (the same as a
space), parentheses for grouping. OR binds closer than the space between
words, so `lesson study OR rounds` is lesson AND (study OR rounds).
Operators count only in capitals; in lower case they are words. Nothing
here raises: a stray operator or an empty group is skipped.

Words become terms with search.analysis, as posts did, so a word that
gives nothing (a stop word) is dropped, and a compound typed as one word
("K-2", "co-teaching") matches its joined form or its parts as a phrase.
A search made only of exclusions searches nothing: it would be every
post but some, which nobody means.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from .analysis import chunks, fold
from .request import OPERATORS

_TOKEN = re.compile(r'-?"[^"]*"|[()]|[^\s()"]+')


@dataclass(frozen=True)
class Word:
    term: str


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Either:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Without:
    wanted: Node
    unwanted: Node


Node = Union[Word, Phrase, All, Either, Without]


@dataclass(frozen=True)
class _Not:  # only while parsing: resolved by the All around it
    node: Node


def _typed(text: str) -> Node | None:
    """A typed word as a node: each compound in it is its joined form, or its parts in a row."""
    nodes: list[Node] = []
    for chunk in chunks(text):
        parts = tuple(token.term for token in chunk.parts)
        if chunk.joined is None:
            nodes.append(Word(parts[0]))
        elif not parts:
            nodes.append(Word(chunk.joined.term))
        elif len(parts) == 1:  # "hands-on": the "on" is a stop word
            nodes.append(Either((Word(chunk.joined.term), Word(parts[0]))))
        elif any(len(part) == 1 or part.isdigit() for part in parts):
            # K-2, 3-D, 6-8, HS-LS1-1: written apart ("K 2") they rarely mean the
            # compound, and as a phrase of such common parts they cost ten times
            # a word; every way of writing them joined gives the joined term.
            nodes.append(Word(chunk.joined.term))
        else:
            nodes.append(Either((Word(chunk.joined.term), Phrase(parts))))
    return _all(nodes)


def _phrase(text: str) -> Node | None:
    """A quoted phrase: its words in a row (a compound by its parts)."""
    terms = []
    for chunk in chunks(text):
        terms.extend(token.term for token in chunk.parts) if chunk.parts else terms.append(chunk.joined.term)
    if not terms:
        return None
    return Word(terms[0]) if len(terms) == 1 else Phrase(tuple(terms))


def _all(nodes: list) -> Node | _Not | None:
    """Nodes that must all match, with the excluded ones (_Not) taken out of the rest."""
    wanted = [node for node in nodes if node is not None and not isinstance(node, _Not)]
    unwanted = [node.node for node in nodes if isinstance(node, _Not)]
    if not wanted:
        return None
    found = wanted[0] if len(wanted) == 1 else All(tuple(wanted))
    if unwanted:
        found = Without(found, unwanted[0] if len(unwanted) == 1 else Either(tuple(unwanted)))
    return found


class _Reader:
    """A recursive descent over the typed tokens that skips what it can't use."""

    def __init__(self, text: str):
        self.tokens = _TOKEN.findall(text)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        self.at += 1
        return self.tokens[self.at - 1]

    def sequence(self, closing: bool = False) -> Node | None:
        """Things in a row, all to match, up to a closing parenthesis or the end."""
        nodes: list = []
        while (token := self.peek()) is not None:
            if token == ")":
                if closing:
                    break
                self.take()  # a parenthesis closing nothing
                continue
            if token in ("AND", "ANDMAYBE", "OR"):
                self.take()  # AND is a space; OR with nothing before it joins nothing
                continue
            if token in ("NOT", "ANDNOT"):
                self.take()
                negated = self.alternatives()
                if negated is not None:
                    nodes.append(_Not(negated))
                continue
            nodes.append(self.alternatives())
        return _all(nodes)

    def alternatives(self) -> Node | _Not | None:
        """One thing, or several joined by OR."""
        options = [self.unit()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, ")"):
                break
            options.append(self.unit())
        # An exclusion among alternatives means nothing sure ("a OR -b"): it is dropped.
        kept = [node for node in options if node is not None and not isinstance(node, _Not)]
        if len(options) == 1:
            return options[0]
        return None if not kept else kept[0] if len(kept) == 1 else Either(tuple(kept))

    def unit(self) -> Node | _Not | None:
        token = self.peek()
        if token is None or token == ")":
            return None
        self.take()
        if token in ("NOT", "ANDNOT") or token == "-" and self.peek() == "(":
            negated = self.unit()
            return _Not(negated) if negated is not None and not isinstance(negated, _Not) else None
        if token in OPERATORS:
            return None
        if token == "(":
            inside = self.sequence(closing=True)
            if self.peek() == ")":
                self.take()
            return inside
        if token.startswith("-") and len(token) > 1:
            rest = token[1:]
            negated = _phrase(rest[1:-1]) if rest.startswith('"') else _typed(rest)
            return _Not(negated) if negated is not None else None
        if token.startswith('"'):
            return _phrase(token[1:-1])
        return _typed(token.lstrip("+"))


def parse(text: str) -> Node | None:
    """The typed words as a tree, or None when nothing in them can be searched for."""
    return _Reader(fold(text)).sequence()


def wanted_terms(node: Node | None) -> frozenset[str]:
    """The terms a search looks for (not those it excludes): what a snippet marks."""
    if node is None:
        return frozenset()
    if isinstance(node, Word):
        return frozenset({node.term})
    if isinstance(node, Phrase):
        return frozenset(node.terms)
    if isinstance(node, Without):
        return wanted_terms(node.wanted)
    return frozenset().union(*(wanted_terms(part) for part in node.parts))


def alternatives(node: Node | None) -> int:
    """How many of the words and phrases a search looks for are options of an OR (what makes it broad)."""
    if isinstance(node, Either):
        return sum(_leaves(part) for part in node.parts)
    if isinstance(node, All):
        return sum(alternatives(part) for part in node.parts)
    if isinstance(node, Without):  # what is left out only narrows
        return alternatives(node.wanted)
    return 0


def _leaves(node: Node) -> int:
    if isinstance(node, (Word, Phrase)):
        return 1
    if isinstance(node, Without):
        return _leaves(node.wanted)
    return sum(_leaves(part) for part in node.parts)
