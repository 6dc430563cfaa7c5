"""Reading a list of questions pasted from a webinar tool, and spotting duplicates.

Two shapes are understood: one question per line as "Name: question"
(chat exports such as "19:42:10 From Jackie Wheeler to Everyone: ..."
included), or CSV whose header row names a question column and,
usually, a name column. Nothing here touches the database.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

from .text import clean_line, clean_text

QUESTION_MAX = 4000
ASKED_BY_MAX = 200
MAX_QUESTIONS = 300
# Word overlap above which two questions are probably the same one.
DUPLICATE_OVERLAP = 0.8

NAME_HEADERS = {"name", "asked by", "asker", "asker name", "attendee", "attendee name", "from",
                "participant", "participant name", "user name", "username"}
ROLE_HEADERS = {"role", "position", "job title"}
QUESTION_HEADERS = {"question", "questions", "question text", "text", "message", "comment"}

_TIMESTAMP = re.compile(r"^\[?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?\]?\s+", re.IGNORECASE)
_CHAT_NAME = re.compile(
    r"^From\s+(?P<name>.+?)(?:\s+to\s+(?:everyone|all panelists|all attendees|hosts? and panelists))?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
# A "name" opening with one of these is a question with a colon in it, not a name.
_QUESTION_WORDS = {"what", "how", "why", "when", "where", "which", "who", "is", "are", "do",
                   "does", "did", "should", "could", "would", "has", "have", "any", "anyone"}
EXAMPLE = "“Jackie Wheeler, middle school science coach: How do you find time for …?”"


@dataclass
class PastedQuestion:
    line: int
    asked_by: str
    question: str
    duplicate: str = ""  # why it looks like a duplicate, or empty


@dataclass
class Pasted:
    questions: list[PastedQuestion]
    errors: list[str]
    shape: str  # "lines" or "csv"


def digest(text: str) -> str:
    """A short fingerprint, to tell whether a list changed since its preview."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse(text: str) -> Pasted:
    """The questions in a pasted list, or errors naming each bad line."""
    text = clean_text(text)
    first = next((line for line in text.split("\n") if line.strip()), "")
    header = _csv_header(first)
    if header is not None:
        pasted = _parse_csv(text, header)
    else:
        pasted = _parse_lines(text)
    if not pasted.questions and not pasted.errors:
        pasted.errors.append("There are no questions in the list.")
    if len(pasted.questions) > MAX_QUESTIONS:
        pasted.errors.append(f"Paste at most {MAX_QUESTIONS} questions at a time; "
                             f"this list has {len(pasted.questions)}.")
    return pasted


def _header_key(cell: str) -> str:
    return re.sub(r"[\s_]+", " ", cell.strip().lower().rstrip(":"))


def _csv_header(line: str) -> dict[str, int] | None:
    """Column positions when the line is a CSV header with a question column."""
    cells = [_header_key(cell) for cell in next(csv.reader([line]), [])]
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        for kind, names in (("question", QUESTION_HEADERS), ("name", NAME_HEADERS), ("role", ROLE_HEADERS)):
            if cell in names:
                columns.setdefault(kind, index)
    return columns if "question" in columns and len(cells) > 1 else None


def _checked(line: int, asked_by: str, question: str, errors: list[str]) -> PastedQuestion | None:
    question = clean_text(question)
    asked_by = clean_line(asked_by)
    if not question:
        errors.append(f"Line {line}: the question is empty.")
    elif len(question) > QUESTION_MAX:
        errors.append(f"Line {line}: the question is longer than {QUESTION_MAX:,} characters.")
    elif len(asked_by) > ASKED_BY_MAX:
        errors.append(f"Line {line}: the name is longer than {ASKED_BY_MAX} characters.")
    else:
        return PastedQuestion(line, asked_by, question)
    return None


def _parse_csv(text: str, columns: dict[str, int]) -> Pasted:
    questions, errors = [], []
    reader = csv.reader(io.StringIO(text))
    needed = max(columns.values()) + 1
    last_line = 0
    try:
        for number, row in enumerate(reader):
            # A quoted cell may span lines: report the line the record starts on.
            line, last_line = last_line + 1, reader.line_num
            if number == 0 or not any(cell.strip() for cell in row):
                continue
            if len(row) < needed:
                errors.append(f"Line {line}: expected at least {needed} columns, found {len(row)}.")
                continue
            name = row[columns["name"]] if "name" in columns else ""
            role = clean_line(row[columns["role"]]) if "role" in columns else ""
            if name.strip() and role:
                name = f"{clean_line(name)}, {role}"
            found = _checked(line, name, row[columns["question"]], errors)
            if found:
                questions.append(found)
    except csv.Error as error:
        errors.append(f"Line {reader.line_num}: this isn't valid CSV ({error}).")
    return Pasted(questions, errors, "csv")


def _split_line(line: str) -> tuple[str, str] | None:
    """("name", "question") from one line, or None when it has no "Name:" part."""
    line = _TIMESTAMP.sub("", line.strip())
    name, colon, question = line.partition(":")
    if not colon:
        return None
    name = name.strip()
    chat = _CHAT_NAME.match(name)
    if chat:
        name = chat.group("name")
    return name, question


def _parse_lines(text: str) -> Pasted:
    questions, errors = [], []
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        parts = _split_line(raw)
        if parts is None:
            errors.append(f"Line {line}: expected “Name: question”, e.g. {EXAMPLE}")
            continue
        name, question = parts
        if not name:
            errors.append(f"Line {line}: the name before the colon is missing.")
        elif len(name) > 120 or "?" in name or name.split()[0].lower() in _QUESTION_WORDS:
            # Most likely a question with a colon in it and no name in front.
            errors.append(f"Line {line}: “{name[:60]}” doesn't look like a name; "
                          f"write “Name: question”.")
        else:
            found = _checked(line, name, question, errors)
            if found:
                questions.append(found)
    return Pasted(questions, errors, "lines")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _alike(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return a == b or len(a & b) / len(a | b) >= DUPLICATE_OVERLAP


def flag_duplicates(pasted: list[PastedQuestion], existing: list[tuple[str, str]]) -> None:
    """Mark pasted questions that look like an existing one ((text, where) pairs) or one above."""
    known = [(_words(text), f"Looks like “{_shorten(text)}” ({where}).") for text, where in existing]
    for item in pasted:
        words = _words(item.question)
        item.duplicate = next((why for other, why in known if _alike(words, other)), "")
        known.append((words, f"Repeats line {item.line}."))


def _shorten(text: str, length: int = 80) -> str:
    text = clean_line(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
