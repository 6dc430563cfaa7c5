""""Did you mean" measured on this field's words, on every engine.

A small archive of posts written in teachers' words; fifty misspellings
of those words as people really type them; and thirty words that are
right as typed (rare words, acronyms, subject words no post uses yet)
which must never be "corrected". The figures are printed (pytest -s)
for the record and held to a floor.
"""
from __future__ import annotations

import re

import pytest

import search

pytestmark = pytest.mark.every_search_backend

POSTS = [
    "Collaboration takes time: our team tried to collaborate during lunch and it never stuck.",
    "Good pedagogy starts with differentiation, not with a new curriculum package.",
    "Formative assessment and careful scaffolding matter more than the rubric itself.",
    "We anchor each unit in a phenomenon; students keep a list of phenomena they notice.",
    "The engineering challenge ran as open inquiry for three weeks.",
    "The master schedule gives every department a common planning period.",
    "We could not find a substitute, so the stipend went unused this semester.",
    "Instructional coaching works when feedback is specific and teachers ask for it.",
    "Kindergarten teachers led the professional learning day, with a short evaluation at the end.",
    "Our facilitator used a protocol for looking at student work.",
    "The investigation met the state standards in chemistry, biology and physics.",
    "In mathematics we borrowed the laboratory notebook format from science.",
    "Teacher leadership needs time from the principal and the district office.",
    "Every classroom got new equipment and materials after the inventory.",
    "Peer observation and mentoring helped new colleagues settle in.",
    "A conversation in the hallway beats announcements at the staff meeting.",
    "Performance tasks ask for sensemaking: a claim, evidence and reasoning.",
    "The district science coordinator shared an experiment on plant growth.",
    "Students wrote a hypothesis, then an argument and an explanation from their data.",
    "The calendar for the sustainability unit follows the watershed field trips.",
    "It is necessary to protect planning time before the year starts.",
    "Our makerspace has a vinyl cutter, a kiln and a drawer of microcontrollers.",
    "The NGSS shifts changed how our PLC plans labs; IEP goals come first.",
    "Bioluminescence and chromatography were the favourite stations at the science night.",
    "We cover density before the lab practical.",
]

# (as typed, the word meant): misspellings seen in teachers' writing.
MISSPELLINGS = [
    ("colaboration", "collaboration"), ("collaberate", "collaborate"), ("pedagogoy", "pedagogy"),
    ("pedagody", "pedagogy"), ("differentiaton", "differentiation"), ("diferentiation", "differentiation"),
    ("assesment", "assessment"), ("assessmant", "assessment"), ("curriculim", "curriculum"),
    ("curiculum", "curriculum"), ("scafolding", "scaffolding"), ("phenomenom", "phenomenon"),
    ("phenomina", "phenomena"), ("enginering", "engineering"), ("inquirey", "inquiry"),
    ("schedual", "schedule"), ("substitue", "substitute"), ("stipened", "stipend"),
    ("coching", "coaching"), ("feeback", "feedback"), ("rubic", "rubric"),
    ("kindergarden", "kindergarten"), ("proffesional", "professional"), ("evalutaion", "evaluation"),
    ("facilatator", "facilitator"), ("protocal", "protocol"), ("investagation", "investigation"),
    ("standerds", "standards"), ("labratory", "laboratory"), ("chemestry", "chemistry"),
    ("biolgy", "biology"), ("phyiscs", "physics"), ("mathmatics", "mathematics"),
    ("leadershp", "leadership"), ("semster", "semester"), ("clasroom", "classroom"),
    ("instructonal", "instructional"), ("equiptment", "equipment"), ("materails", "materials"),
    ("inventroy", "inventory"), ("obsevation", "observation"), ("mentorng", "mentoring"),
    ("collegues", "colleagues"), ("converstion", "conversation"), ("anouncements", "announcements"),
    ("preformance", "performance"), ("cordinator", "coordinator"), ("evidance", "evidence"),
    ("experament", "experiment"), ("calender", "calendar"),
]

# Right as typed: rare words the posts use, acronyms (in posts or not), and
# subject words no post uses yet. None may be offered a correction.
CORRECT = [
    "vinyl", "kiln", "microcontrollers", "bioluminescence", "chromatography", "hallway", "notebook",
    "stations", "drawer", "lunch",
    "NGSS", "PLC", "IEP", "CER", "MTSS", "UDL", "PBL", "SEL", "ELL", "AP",
    "titration", "stoichiometry", "photosynthesis", "mitosis", "osmosis", "entropy", "isotope",
    "catalyst", "torque", "ohm",
]
FLOOR_RIGHT = 0.9  # of misspellings corrected to the word meant


@pytest.fixture
def written(app, make_user, make_theme, make_thread):
    author = make_user(email="speller@example.org", display_name="Pat Speller")
    make_theme(slug="words", title="Words", state="archived")
    for n, body in enumerate(POSTS):
        make_thread("words", author, f"Notes {n + 1}", body)
    with app.app_context():
        search.apply_pending()


FOUND_AS_TYPED = "(found as typed)"  # the stemmer already gives the misspelling the meant word's stem


def suggestion_for(client, typed: str) -> str | None:
    page = client.get("/search", query_string={"q": typed}).get_data(as_text=True)
    offered = re.search(r"Did you mean <a [^>]*>([^<]*)</a>", page)
    if offered:
        return offered.group(1)
    return FOUND_AS_TYPED if re.search(r"\d+ posts? found", page) else None


def test_lists_are_as_long_as_promised():
    assert len(MISSPELLINGS) == 50 and len(CORRECT) == 30
    assert len({typed for typed, _ in MISSPELLINGS}) == 50


def test_did_you_mean_on_misspellings_and_on_words_already_right(client, written, search_backend):
    offered = {typed: suggestion_for(client, typed) for typed, _ in MISSPELLINGS}
    right = [typed for typed, meant in MISSPELLINGS if offered[typed] in (meant, FOUND_AS_TYPED)]
    wrong = [f"{typed} -> {offered[typed]} (meant {meant})" for typed, meant in MISSPELLINGS
             if offered[typed] not in (None, meant, FOUND_AS_TYPED)]
    missed = [typed for typed, _ in MISSPELLINGS if offered[typed] is None]
    corrected = {word: suggestion_for(client, word) for word in CORRECT}
    false = [f"{word} -> {offered}" for word, offered in corrected.items() if offered not in (None, FOUND_AS_TYPED)]
    as_typed = sum(offered[typed] == FOUND_AS_TYPED for typed, _ in MISSPELLINGS)
    print(f"\n[{search_backend}] misspellings corrected to the word meant, or found as typed: {len(right)}/50 "
          f"({as_typed} found as typed); "
          f"wrong suggestions: {wrong}; none offered: {missed}; "
          f"right words 'corrected': {len(false)}/30 {false}")
    assert not false, false
    assert not wrong, wrong
    assert len(right) >= FLOOR_RIGHT * len(MISSPELLINGS), missed
