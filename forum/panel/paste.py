"""Reading a list of questions pasted from a webinar tool, and spotting duplicates and chatter.

Understood: one question per line as "Name: question" (chat exports such
as "19:42:10 From Jackie Wheeler to Everyone: ..." included), a chat
export that puts the message on the line under its name, a plain list of
questions without names, and CSV whose header row names a question column
and, usually, a name column. Lines that don't read as a question ("thanks
everyone, this was great!") are kept but flagged, and start unticked.
Nothing here touches the database.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

from ..core.text import clean_line, clean_text, shortened

QUESTION_MAX = 4000
ASKED_BY_MAX = 200
MAX_QUESTIONS = 300
# Word overlap above which two questions are probably the same one; a shorter re-ask
# counts by its own words when it has at least this many (besides filler words).
DUPLICATE_OVERLAP = 0.8
SHORTER_REASK_WORDS = 3

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


@dataclass
class PastedQuestion:
    line: int
    asked_by: str
    question: str
    duplicate: str = ""  # why it looks like a duplicate, or empty
    chatter: str = ""  # why it doesn't read as a question, or empty

    @property
    def doubtful(self) -> bool:
        """Left unticked in the preview: a likely duplicate, or not a question."""
        return bool(self.duplicate or self.chatter)


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


# A question without a question mark still starts like one ("Please share how ...").
_ASKING_WORDS = _QUESTION_WORDS | {"can", "will", "please", "curious", "wondering", "i wonder", "tell",
                                   "share", "explain", "describe", "thoughts"}
NOT_A_QUESTION = "It doesn't read as a question (no question mark): chat, perhaps."


def _chatter(question: str) -> str:
    if "?" in question:
        return ""
    first = " ".join(_WORD.findall(question.lower())[:2])
    if first.split(" ")[0] in _ASKING_WORDS or first in _ASKING_WORDS:
        return ""
    return NOT_A_QUESTION


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
        return PastedQuestion(line, asked_by, question, chatter=_chatter(question))
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


def _looks_like_a_name(name: str) -> bool:
    # "What is this: ..." is a question with a colon in it, not a name and a question.
    return bool(name) and len(name) <= 120 and "?" not in name and name.split()[0].lower() not in _QUESTION_WORDS


def _parse_lines(text: str) -> Pasted:
    questions, errors = [], []
    waiting: tuple[int, str] | None = None  # a chat export's name line, its message still to come
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        parts = _split_line(raw)
        if parts is not None and not parts[0]:
            errors.append(f"Line {line}: the name before the colon is missing.")
            continue
        if parts is not None and _looks_like_a_name(parts[0]):
            name, question = parts
            if waiting:  # the name line before had no message under it
                errors.append(f"Line {waiting[0]}: the question is empty.")
                waiting = None
            if not question.strip():
                waiting = (line, name)  # the message follows on the next line
                continue
            start = line
        elif waiting:
            (start, name), question = waiting, raw
        else:
            start, name, question = line, "", _TIMESTAMP.sub("", raw.strip())  # a plain list: no names
        waiting = None
        found = _checked(start, name, question, errors)
        if found:
            questions.append(found)
    if waiting:
        errors.append(f"Line {waiting[0]}: the question is empty.")
    return Pasted(questions, errors, "lines")


# Words that carry no subject: two questions are alike by the rest.
_FILLER = frozenset("""a an the do does did you your we our us i my me how what why when where which who whom is are
was were be been being to of in on for and or with about at it its this that these those can could would
should will any there have has had so if as by from into than then them they their just also more most
some anyone everyone one""".split())


def _words(text: str) -> frozenset[str]:
    words = frozenset(_WORD.findall(text.lower()))
    return (words - _FILLER) or words


def _alike(a: frozenset[str], b: frozenset[str]) -> bool:
    """The same question: most words shared, or a shorter re-ask whose words are nearly all in
    the other ("how do you protect planning time?" after "How do you protect common planning
    time when the schedule keeps changing?")."""
    if not a or not b:
        return False
    shared = len(a & b)
    if a == b or shared / len(a | b) >= DUPLICATE_OVERLAP:
        return True
    return min(len(a), len(b)) >= SHORTER_REASK_WORDS and shared / min(len(a), len(b)) >= DUPLICATE_OVERLAP


def flag_duplicates(pasted: list[PastedQuestion], existing: list[tuple[str, str]]) -> None:
    """Mark pasted questions that look like an existing one ((text, where) pairs) or one above."""
    known = [(_words(text), f"Looks like “{shortened(text, 80)}” ({where}).") for text, where in existing]
    for item in pasted:
        words = _words(item.question)
        item.duplicate = next((why for other, why in known if _alike(words, other)), "")
        known.append((words, f"Repeats line {item.line}."))

