"""What a member wrote in a reply by email: the new text, without what their mail client added.

Pure functions over a parsed message (email.message.EmailMessage), no
database. The text/plain part is read when there is one; an HTML-only
message is turned into text here, dropping what mail clients mark as the
quoted message (<blockquote>, Gmail's div.gmail_quote, Outlook's
divRplyFwdMsg and all after it). Then, in the text, everything from the
first of these lines on goes: "On <date>, <name> wrote:" (Gmail and Apple
Mail, also when the client wrapped it over two lines), Outlook's
"-----Original Message-----" or its "From: ... Sent: ..." block, a
signature's "-- " line, a phone's "Sent from my iPhone"; and "> " quoted
lines left at the end.
"""
from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

# "On Mon, Dec 7, 2026 at 9:14 AM Maria Lopez <maria@example.org> wrote:" and its translations
# into the clients' other common languages.
_ATTRIBUTION = re.compile(
    r"^\s*(On\s.{1,300}\swrote|Le\s.{1,300}\sa\s+écrit|Am\s.{1,300}\sschrieb|El\s.{1,300}\sescribió)\s*:\s*$",
    re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$", re.IGNORECASE)
_OUTLOOK_RULE = re.compile(r"^\s*_{20,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(From|De|Von)\s*:\*?\s", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?(Sent|Date|Envoyé|Gesendet)\s*:\*?\s", re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$")
_PHONE = re.compile(r"^\s*(Sent from my \S.*|Sent from (Mail|Outlook|Yahoo Mail)\b.*|Get Outlook for \S.*"
                    r"|Envoyé de mon \S.*)$", re.IGNORECASE)


def body_text(message: EmailMessage) -> str:
    """The message's text as its sender's client wrote it: the plain part, else its HTML as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: read what can be read
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        return html_to_text(content)
    return content


def new_text(text: str) -> str:
    """Only the lines the member wrote: `text` cut at the first quoted or added block."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[:_first_added(lines)]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()  # the quoted message left at the end by a client that quotes with "> "
    return "\n".join(line.rstrip() for line in lines).strip()


def _first_added(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        joined = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if _ATTRIBUTION.match(line) or (line.lstrip().startswith(("On ", "Le ", "Am ", "El "))
                                        and _ATTRIBUTION.match(joined)):
            return index
        if _ORIGINAL_MESSAGE.match(line) or _SIGNATURE.match(line) or _PHONE.match(line):
            return index
        if _OUTLOOK_RULE.match(line) and any(_HEADER_FROM.match(later) for later in lines[index + 1:index + 3]):
            return index
        if _HEADER_FROM.match(line) and any(_HEADER_SENT.match(later) for later in lines[index + 1:index + 4]):
            return index
    return len(lines)


def images(message: EmailMessage) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each image the message carries, in order; other attachments are left."""
    found = []
    for part in message.walk():
        if part.get_content_maintype() != "image" or part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if data:
            found.append((part.get_filename() or "image", data))
    return found


# HTML to text ------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "hr"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre"}
_UNSEEN = {"head", "style", "script", "title"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}


def _quoted(tag: str, attributes: dict[str, str]) -> bool:
    """Where a client put the message being answered: Gmail's div, any blockquote (Apple Mail's type=cite)."""
    return tag == "blockquote" or "gmail_quote" in attributes.get("class", "").split()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []  # the open elements whose content is not the member's
        self.done = False  # Outlook's reply header: all that follows is the message answered
        self.link: str | None = None
        self.link_words: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if self.done:
            return
        if attributes.get("id") == "divRplyFwdMsg" or attributes.get("id", "").startswith("divRplyFwdMsg"):
            self.done = True
            return
        if self.skipping:
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        if tag in _UNSEEN or _quoted(tag, attributes):
            self.skipping.append(tag)
            return
        if tag in _BLOCKS:
            self.out.append("\n\n" if tag in _PARAGRAPHS else "\n")
        if tag == "li":
            self.out.append("- ")  # a Markdown list, as the member saw a list
        if tag == "pre":
            self.pre += 1
        if tag == "a" and attributes.get("href", "").startswith(("http://", "https://", "mailto:")):
            self.link, self.link_words = attributes["href"], []

    def handle_endtag(self, tag):
        if self.done:
            return
        if self.skipping:
            if tag in self.skipping:  # up to the element that opened it: HTML leaves some unclosed
                while self.skipping and self.skipping.pop() != tag:
                    pass
            return
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        if tag in _PARAGRAPHS:
            self.out.append("\n\n")
        elif tag in _BLOCKS and tag != "li":  # the next item starts its own line: no blank line between
            self.out.append("\n")
        if tag == "a" and self.link is not None:
            words = "".join(self.link_words).strip()
            href = self.link.removeprefix("mailto:")
            if href != words:
                self.out.append(f" ({href})")
            self.link = None

    def handle_data(self, data):
        if self.done or self.skipping:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        self.out.append(data)
        if self.link is not None:
            self.link_words.append(data)


def html_to_text(html: str) -> str:
    """An HTML message as plain text: paragraphs kept, links as their words and address, quotes dropped."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).replace("\xa0", " ").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip()
