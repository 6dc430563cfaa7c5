"""The panel page open to all (/themes/<slug>/panel), and the minute of a question answered live,
through HTTP: a moderator's actions, then what a visitor sees."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.core.timefmt import Clock
from forum.models import PanelQuestion, Post, Theme
from tests.conftest import count_queries, reply_as, signed_in_as
from tests.panel.test_panel_questions import (QUEUE, local, post_action, preview_then_save, question,
                                              questions)

PANEL = "/themes/finding-time/panel"
YOUTUBE = "https://www.youtube.com/watch?v=pan3l"
PASTED = """\
Jackie Wheeler: How do you protect time for collaboration?
Anonymous: What if my principal says <b>no</b>?
Brett Criswell: How do we measure impact?
Beth Heidemann: What does a good coaching cycle look like?
Sam Okafor: Where does the money come from?
Attendee: Can we see the slides?
"""


@pytest.fixture
def moderator(app, make_user, make_theme):
    """An open theme with a YouTube recording, a moderator and a member; the moderator's forms."""
    make_theme(recording_url=YOUTUBE)
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    make_user()  # member@example.org, Maria Lopez
    _, forms = signed_in_as(app, "mod@example.org")
    return forms


def minute(forms, question_id, typed, action="answered-live"):
    return forms.post(f"/moderate/questions/{question_id}/{action}", {"minute": typed}, page=QUEUE)


def the_webinar(app, forms):
    """Paste six; two answered live with minutes, one dismissed, three scheduled (one shown ahead)."""
    _, saved = preview_then_save(forms, PASTED)
    assert saved.status_code == 302
    jackie, anonymous, brett, beth, sam, attendee = questions(app)
    assert minute(forms, jackie.id, "12:30").status_code == 302
    assert minute(forms, anonymous.id, "1:02:03").status_code == 302
    assert post_action(forms, attendee.id, "dismiss").status_code == 302
    start = utcnow() + timedelta(days=1)
    response = forms.post(QUEUE + "/schedule", {"every_days": "2", "start_at": local(start)}, page=QUEUE)
    assert response.status_code == 302
    shown = question(app, beth.id)
    response = forms.post(f"/moderate/questions/{beth.id}/edit",
                          {"question": shown.question, "asked_by": shown.asked_by, "source": shown.source,
                           "framing": "", "publish_at": local(shown.publish_at), "show_ahead": "y"},
                          page=f"/moderate/questions/{beth.id}/edit")
    assert response.status_code == 302
    return jackie, anonymous, brett, beth, sam, attendee


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_a_visitor_sees_each_question_by_fate(app, moderator):
    jackie, anonymous, brett, beth, sam, attendee = the_webinar(app, moderator)
    html = app.test_client().get(PANEL).get_data(as_text=True)

    live = section(html, "answered-live")
    assert "How do you protect time for collaboration?" in live and "Posed by Jackie Wheeler (webinar Q&amp;A)" in live
    # Typed text stays text; "Anonymous" is nobody in particular.
    assert "What if my principal says &lt;b&gt;no&lt;/b&gt;?" in live and "<b>no</b>" not in html
    assert "Posed by a webinar participant (webinar Q&amp;A)" in live
    # YouTube's own parameter, in seconds.
    assert f'href="{YOUTUBE}&amp;t=750"' in live and "Watch the answer at 12:30" in live
    assert f'href="{YOUTUBE}&amp;t=3723"' in live and "Watch the answer at 1:02:03" in live

    coming = section(html, "coming")
    with app.test_request_context():
        days = [f"On {Clock().day(question(app, q.id).publish_at, weekday=True)}" for q in (brett, beth, sam)]
    assert [day in coming for day in days] == [True, True, True]
    assert re.search(r"On [A-Z][a-z]+day, [A-Z][a-z]+ \d+", coming)
    # Only the question the moderator shows ahead has its text before it is posted.
    assert "What does a good coaching cycle look like?" in coming and "Beth Heidemann" in coming
    assert "How do we measure impact?" not in html and "Where does the money come from?" not in html
    # The dismissed one is counted, never shown.
    assert "Can we see the slides?" not in html
    assert "1 question was set aside." in html
    assert 'id="posted"' not in html


def test_a_published_question_is_posted_with_its_replies_counted(app, moderator, make_user):
    _, _, brett, *_ = the_webinar(app, moderator)
    visitor = app.test_client()
    visitor.get(PANEL)  # kept in the page cache: what follows must make it stale
    assert post_action(moderator, brett.id, "publish").status_code == 302
    post_id = question(app, brett.id).post_id
    html = visitor.get(PANEL).get_data(as_text=True)
    posted = section(html, "posted")
    assert "How do we measure impact?" in posted and f'href="/posts/{post_id}"' in posted and "0 replies" in posted
    with app.app_context():
        thread_id = db.session.get(Post, post_id).thread_id
    first = reply_as(app, "member@example.org", thread_id, "Student work, not test scores.", parent_id=post_id)
    reply_as(app, "member@example.org", thread_id, "And interviews.", parent_id=first)
    reply_as(app, "mod@example.org", thread_id, "Another question's neighbour, not a reply to it.")
    assert "2 replies" in section(visitor.get(PANEL).get_data(as_text=True), "posted")
    # A hidden reply is no reply to count.
    assert moderator.post(f"/moderate/posts/{first}/hide", {"reason": "off topic"},
                          page=f"/threads/{thread_id}").status_code in (302, 303)
    assert "1 reply" in section(visitor.get(PANEL).get_data(as_text=True), "posted")


def test_a_hidden_question_post_is_not_linked_for_members(app, moderator):
    _, _, brett, *_ = the_webinar(app, moderator)
    post_action(moderator, brett.id, "publish")
    post_id = question(app, brett.id).post_id
    with app.app_context():
        thread_id = db.session.get(Post, post_id).thread_id
    moderator.post(f"/moderate/posts/{post_id}/hide", {"reason": "duplicate"}, page=f"/threads/{thread_id}")
    member, _ = signed_in_as(app, "member@example.org")
    for reader in (app.test_client(), member):
        posted = section(reader.get(PANEL).get_data(as_text=True), "posted")
        assert f"/posts/{post_id}" not in posted and "How do we measure impact?" not in posted
        assert "no longer available" in posted
    assert f'href="/posts/{post_id}"' in section(moderator.client.get(PANEL).get_data(as_text=True), "posted")


@pytest.mark.parametrize("recording, expected", [
    ("https://vimeo.com/76979871", 'href="https://vimeo.com/76979871#t=12m30s"'),
    ("https://example.org/panel.mp4", 'href="https://example.org/panel.mp4#t=750"'),
    ("https://youtu.be/pan3l", 'href="https://youtu.be/pan3l?t=750"'),
    ("", "Answered at 12:30 in the recording."),
])
def test_the_minute_links_into_the_recording_as_its_service_reads_it(app, moderator, recording, expected):
    with app.app_context():
        db.session.execute(update(Theme).values(recording_url=recording))
        db.session.commit()
    preview_then_save(moderator, "Jackie Wheeler: How do you protect time?")
    [asked] = questions(app)
    minute(moderator, asked.id, "12:30")
    assert expected in section(app.test_client().get(PANEL).get_data(as_text=True), "answered-live")


@pytest.mark.parametrize("typed, seconds", [("12:30", 750), ("1:02:03", 3723), ("45", 2700), (" 7:05 ", 425), ("", None)])
def test_the_minute_is_read_in_the_forms_moderators_type(app, moderator, typed, seconds):
    preview_then_save(moderator, "Jackie Wheeler: How do you protect time?")
    [asked] = questions(app)
    assert minute(moderator, asked.id, typed).status_code == 302
    marked = question(app, asked.id)
    assert (marked.status, marked.answered_at_second) == ("answered_live", seconds)


@pytest.mark.parametrize("typed, message", [
    ("12:75", "more than 59 seconds"), ("1:75:00", "more than 59 minutes"), ("soon", "is not a time in the recording"),
    ("2000", "more than 24 hours"),
])
def test_a_bad_minute_is_refused_with_what_was_typed_kept(app, moderator, typed, message):
    preview_then_save(moderator, "Jackie Wheeler: How do you protect time?")
    [asked] = questions(app)
    response = minute(moderator, asked.id, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert f'value="{typed}"' in html
    assert question(app, asked.id).status == "queued"  # nothing changed


def test_the_minute_can_be_given_changed_and_cleared_later(app, moderator):
    preview_then_save(moderator, "Jackie Wheeler: How do you protect time?")
    [asked] = questions(app)
    minute(moderator, asked.id, "")
    assert question(app, asked.id).answered_at_second is None
    assert "No minute in the recording yet." in moderator.client.get(QUEUE).get_data(as_text=True)
    assert minute(moderator, asked.id, "3:10", action="minute").status_code == 302
    assert question(app, asked.id).answered_at_second == 190
    assert "Answered at 3:10 in the recording." in moderator.client.get(QUEUE).get_data(as_text=True)
    bad = minute(moderator, asked.id, "3:99", action="minute")
    assert bad.status_code == 200 and 'value="3:99"' in bad.get_data(as_text=True)
    assert question(app, asked.id).answered_at_second == 190
    minute(moderator, asked.id, "", action="minute")
    assert question(app, asked.id).answered_at_second is None
    # Back in the queue, it has no minute; a question not answered live takes none.
    minute(moderator, asked.id, "3:10", action="minute")
    post_action(moderator, asked.id, "requeue")
    assert question(app, asked.id).answered_at_second is None
    minute(moderator, asked.id, "4:00", action="minute")
    assert (question(app, asked.id).status, question(app, asked.id).answered_at_second) == ("queued", None)


def test_an_archived_theme_shows_its_panel_page_and_section(app, make_user, make_theme):
    make_theme(slug="last-spring", title="Last spring", state="archived", recording_url=YOUTUBE)
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "last-spring"))
        db.session.add_all([PanelQuestion(theme=theme, question="Kept for the record?", asked_by="Jo",
                                          status="answered_live", answered_at_second=65),
                            PanelQuestion(theme=theme, question="Never posted?", asked_by="Al", status="queued")])
        db.session.commit()
    visitor = app.test_client()
    page = visitor.get("/themes/last-spring/panel").get_data(as_text=True)
    assert "Kept for the record?" in page and f"{YOUTUBE}&amp;t=65" in page
    assert "more to come" not in page and "Never posted?" not in page and "Ask the panel" not in page
    theme_page = visitor.get("/themes/last-spring").get_data(as_text=True)
    assert 'href="/themes/last-spring/panel"' in theme_page and "1 answered live" in theme_page
    assert visitor.get("/themes/no-such-month/panel").status_code == 404


def test_the_panel_page_costs_the_same_queries_whatever_its_questions(app, moderator):
    """The reply counts come in one grouped query for the page, not one per question."""
    preview_then_save(moderator, "A: First?\nB: Second?")
    for asked in questions(app):
        post_action(moderator, asked.id, "publish")
    with app.app_context():
        thread_id = db.session.scalar(db.select(Post.thread_id).where(Post.id == question(app, questions(app)[0].id).post_id))
    member, _ = signed_in_as(app, "member@example.org")
    member.get(PANEL)
    few = count_queries(app, member, PANEL)
    preview_then_save(moderator, "C: Third?\nD: Fourth?\nE: Fifth?\nF: Sixth?")
    for asked in questions(app)[2:]:
        post_action(moderator, asked.id, "publish")
        reply_as(app, "member@example.org", thread_id, "A reply.", parent_id=question(app, asked.id).post_id)
    many = count_queries(app, member, PANEL)
    assert len(few) == len(many)
    assert "6 replies" not in member.get(PANEL).get_data(as_text=True)
    assert member.get(PANEL).get_data(as_text=True).count("1 reply") == 4
