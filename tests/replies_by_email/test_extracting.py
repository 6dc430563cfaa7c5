"""Only what the member wrote: the text-level cuts, each on the shape a client leaves (no database)."""
from __future__ import annotations

import pytest

from forum.replies_by_email.extracting import html_to_text, new_text

CUT = {
    "gmail, attribution on one line":
        "Yes, every Tuesday.\n\nOn Mon, Dec 7, 2026 at 9:14 AM Brett Criswell <forum@example.org> wrote:\n> Old text",
    "gmail, attribution wrapped over two lines":
        "Yes, every Tuesday.\n\nOn Mon, Dec 7, 2026 at 9:14 AM STEM Teacher Leaders <\nforum@example.org> wrote:\n\n> Old",
    "apple mail":
        "Yes, every Tuesday.\n\nOn 7 Dec 2026, at 09:14, Brett Criswell <forum@example.org> wrote:\n\n> Old text",
    "outlook's original message line":
        "Yes, every Tuesday.\n\n-----Original Message-----\nFrom: Brett\nSent: Monday\n\nOld text",
    "outlook's header block":
        "Yes, every Tuesday.\n\nFrom: STEM Teacher Leaders <forum@example.org>\nSent: Monday, December 7, 2026\n"
        "To: José\nSubject: Re\n\nOld text",
    "outlook's header block in bold (from HTML)":
        "Yes, every Tuesday.\n\n*From:* STEM Teacher Leaders\n*Sent:* Monday\n\nOld text",
    "a signature":
        "Yes, every Tuesday.\n\n-- \nJosé Martínez\nInstructional coach",
    "a phone's trailer":
        "Yes, every Tuesday.\n\nSent from my iPhone",
    "outlook mobile":
        "Yes, every Tuesday.\n\nGet Outlook for Android",
    "quoted lines left at the end":
        "Yes, every Tuesday.\n\n> Old text\n> more old text\n>",
    "a french client":
        "Yes, every Tuesday.\n\nLe lun. 7 déc. 2026 à 09:14, Brett Criswell <forum@example.org> a écrit :\n> Old",
}


@pytest.mark.parametrize("shape", sorted(CUT))
def test_what_a_client_adds_is_cut(shape):
    assert new_text(CUT[shape]) == "Yes, every Tuesday."


def test_quotes_between_the_member_s_own_lines_stay_and_a_mention_of_on_does_not_cut():
    text = ("> How long are your meetings?\n\nForty minutes.\n\n> And who leads them?\n\n"
            "We rotate. On Mondays, I wrote the agenda myself.")
    assert new_text(text) == text


def test_html_keeps_paragraphs_and_links_and_drops_what_clients_quote():
    html = ('<div>First paragraph with <a href="https://example.org/a">a link</a>.</div><div><br></div>'
            '<p>Second&nbsp;one, with <a href="https://example.org/b">https://example.org/b</a></p>'
            '<style>p{color:red}</style><blockquote type="cite">Apple Mail quote</blockquote>'
            '<div class="gmail_quote">Gmail quote<blockquote>deeper</blockquote>still Gmail</div>'
            "<p>After the quotes, still the member's</p>"
            '<div id="divRplyFwdMsg"><b>From:</b> Outlook</div><div>Outlook quote</div>')
    assert html_to_text(html) == ("First paragraph with a link (https://example.org/a).\n\n"
                                  "Second one, with https://example.org/b\n\nAfter the quotes, still the member's")
