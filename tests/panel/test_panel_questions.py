"""Panel questions: the queue, pasting many, scheduling and publishing, through HTTP."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from forum.panel import questions as panel
from forum.core.database import recorded_statements, utcnow
from forum.core.extensions import db
from forum.models import PanelQuestion, Post, Theme, Thread, User
from forum.panel.paste import flag_duplicates, parse
from tests.conftest import FAST_HASH, other_processes, PASSWORD, audit_actions, csrf_from

QUEUE = "/moderate/themes/finding-time/questions"
PASTE = QUEUE + "/paste"
SCHEDULE = QUEUE + "/schedule"
JACKIE = "Jackie Wheeler, middle school science coach"


@pytest.fixture
def moderator(make_user, make_theme, auth):
    """An open theme, and a moderator logged in; returns the moderator's id."""
    make_theme()
    user_id = make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    auth.login(email="mod@example.org")
    return user_id


def local(moment) -> str:
    """A UTC time as a datetime-local input in the community's time zone takes it."""
    return moment.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%dT%H:%M")


def add(forms, question="How do you protect time for collaboration?", asked_by=JACKIE,
        source="webinar_qa", framing="", publish_at=""):
    return forms.post(QUEUE, {"question": question, "asked_by": asked_by, "source": source,
                              "framing": framing, "publish_at": publish_at})


def questions(app) -> list[PanelQuestion]:
    with app.app_context():
        return db.session.scalars(
            db.select(PanelQuestion).order_by(PanelQuestion.position, PanelQuestion.id)
        ).all()


def question(app, question_id) -> PanelQuestion:
    with app.app_context():
        return db.session.get(PanelQuestion, question_id)


def replies(app) -> list[Post]:
    with app.app_context():
        return db.session.scalars(db.select(Post).where(Post.depth > 0).order_by(Post.id)).all()


def post_action(forms, question_id, action, **data):
    return forms.post(f"/moderate/questions/{question_id}/{action}", data, page=QUEUE)


def queue_order(client) -> list[int]:
    html = client.get(QUEUE).get_data(as_text=True)
    queue = html[html.index('id="queue"'):html.index('id="scheduled"')]
    return [int(n) for n in re.findall(r'id="question-(\d+)"', queue)]


def freeze(monkeypatch, moment):
    """Move the panel's clock (and only it) to `moment`: no sleeping in tests."""
    monkeypatch.setattr(panel, "utcnow", lambda: moment)


# The queue --------------------------------------------------------------------

def test_add_a_question_to_the_queue(app, client, forms, moderator):
    response = add(forms, framing="Several of you asked about this.")
    assert response.status_code == 302
    [added] = questions(app)
    assert (added.question, added.asked_by, added.source, added.status) == (
        "How do you protect time for collaboration?", JACKIE, "webinar_qa", "queued")
    assert added.publish_at is None and added.created_by_id == moderator
    html = client.get(QUEUE).get_data(as_text=True)
    assert "How do you protect time for collaboration?" in html
    assert f"— Posed by {JACKIE} (webinar Q&amp;A)" in html
    assert "Several of you asked about this." in html
    assert audit_actions(app) == ["question.add"]


def test_a_publish_time_schedules_the_question(app, forms, moderator):
    at = utcnow() + timedelta(days=2)
    add(forms, publish_at=local(at))
    [added] = questions(app)
    assert added.status == "scheduled" and added.scheduled_by_id == moderator
    assert abs(added.publish_at - at) < timedelta(minutes=1)


@pytest.mark.parametrize("changes, message", [
    ({"question": "  "}, "Write the question."),
    ({"source": "fax"}, "Not a valid choice"),
    ({"publish_at": "tomorrow"}, "Not a valid datetime value"),
    ({"question": "x" * 4001}, "Keep it under 4,000 characters."),
])
def test_bad_questions_are_refused_and_kept(app, client, forms, moderator, changes, message):
    response = add(forms, **{"asked_by": "Beth Heidemann, district coach", **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'value="Beth Heidemann, district coach"' in html
    assert questions(app) == []


@pytest.mark.parametrize("offset", [timedelta(days=-6), timedelta(days=21)])
def test_publish_time_outside_the_window_is_refused(app, forms, moderator, offset):
    html = add(forms, publish_at=local(utcnow() + offset)).get_data(as_text=True)
    assert "Choose a time within the discussion window" in html
    assert "How do you protect time for collaboration?</textarea>" in html
    assert questions(app) == []


def test_edit_a_question(app, client, forms, moderator):
    add(forms, publish_at=local(utcnow() + timedelta(days=1)))
    [q] = questions(app)
    page = client.get(f"/moderate/questions/{q.id}/edit").get_data(as_text=True)
    assert "How do you protect time for collaboration?</textarea>" in page and 'name="publish_at" type="datetime-local" value="' in page
    response = forms.post(f"/moderate/questions/{q.id}/edit", {
        "question": "How do you protect time?", "asked_by": "Beth Heidemann", "source": "webinar_chat",
        "framing": "From the chat.", "publish_at": ""})
    assert response.status_code == 302
    edited = question(app, q.id)
    assert (edited.question, edited.asked_by, edited.source, edited.framing) == (
        "How do you protect time?", "Beth Heidemann", "webinar_chat", "From the chat.")
    assert edited.status == "queued" and edited.publish_at is None  # an empty time unschedules
    html = forms.post(f"/moderate/questions/{q.id}/edit", {
        "question": "x", "source": "email", "publish_at": local(utcnow() + timedelta(days=40))}
    ).get_data(as_text=True)
    assert "Choose a time within the discussion window" in html
    assert question(app, q.id).question == "How do you protect time?"


def test_reorder_the_queue(app, client, forms, moderator):
    for n in range(3):
        add(forms, question=f"Question {n}?")
    first, second, third = (q.id for q in questions(app))
    assert queue_order(client) == [first, second, third]
    post_action(forms, third, "reorder", direction="up")
    assert queue_order(client) == [first, third, second]
    post_action(forms, first, "reorder", direction="down")
    assert queue_order(client) == [third, first, second]
    response = post_action(forms, third, "reorder", direction="up")
    assert "already first" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert post_action(forms, third, "reorder", direction="sideways").status_code == 400
    assert audit_actions(app).count("question.reorder") == 2


def test_dismiss_answered_live_and_back_to_the_queue(app, client, forms, moderator):
    add(forms, question="Answered on air?")
    add(forms, question="Off topic?")
    live, off = (q.id for q in questions(app))
    post_action(forms, live, "answered-live")
    post_action(forms, off, "dismiss")
    assert [q.status for q in questions(app)] == ["answered_live", "dismissed"]
    html = client.get(QUEUE).get_data(as_text=True)
    assert "Answered live during the panel" in html and "Dismissed" in html
    # Kept for the record, never posted: publishing and scheduling pass them by.
    assert post_action(forms, live, "publish").status_code == 403
    assert "no queued questions" in forms.post(
        SCHEDULE, {"every_days": "2", "start_at": local(utcnow())}, page=QUEUE).get_data(as_text=True)
    assert replies(app) == []
    post_action(forms, off, "requeue")
    assert question(app, off).status == "queued"
    response = post_action(forms, off, "requeue")  # already queued: nothing to do
    assert "Nothing changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert audit_actions(app)[-3:] == ["question.answered_live", "question.dismiss", "question.requeue"]


def test_edit_after_publishing_is_refused(app, client, forms, moderator):
    add(forms)
    [q] = questions(app)
    post_action(forms, q.id, "publish")
    assert client.get(f"/moderate/questions/{q.id}/edit").status_code == 403
    assert post_action(forms, q.id, "dismiss").status_code == 302
    assert question(app, q.id).status == "published"


# Pasting many -------------------------------------------------------------------

LINES = """\
Jackie Wheeler, middle school science coach: How do you protect time for collaboration?

Beth Heidemann: What does a good coaching cycle look like?
19:42:10 From Brett Criswell to Everyone: How do we measure impact: test scores or more?
"""


def paste(forms, text, source="webinar_qa", **extra):
    return forms.post(PASTE, {"pasted": text, "source": source, **extra}, page=QUEUE)


def preview_then_save(forms, text, source="webinar_qa", keep=None):
    """Preview like a person does, then press Save with what the preview ticked (or `keep`)."""
    html = paste(forms, text, source, preview="1").get_data(as_text=True)
    digest = re.search(r'name="previewed" type="hidden" value="(\w+)"', html).group(1)
    if keep is None:
        keep = re.findall(r'name="keep" value="(\d+)" id="keep-\d+" checked', html)
    return html, paste(forms, text, source, save="1", previewed=digest, keep=keep)


def test_paste_name_colon_lines_previews_then_saves(app, client, forms, moderator):
    html = paste(forms, LINES, "webinar_chat", preview="1").get_data(as_text=True)
    assert "3 questions will be added to the queue" in html and "Nothing is saved" in html
    assert questions(app) == []  # the preview saves nothing
    _, response = preview_then_save(forms, LINES, "webinar_chat")
    assert response.status_code == 302
    saved = questions(app)
    assert [(q.asked_by, q.question, q.source) for q in saved] == [
        (JACKIE, "How do you protect time for collaboration?", "webinar_chat"),
        ("Beth Heidemann", "What does a good coaching cycle look like?", "webinar_chat"),
        ("Brett Criswell", "How do we measure impact: test scores or more?", "webinar_chat"),
    ]
    assert queue_order(client) == [q.id for q in saved]
    assert audit_actions(app) == ["question.add_many"]


def test_paste_csv_with_name_and_question_columns(app, forms, moderator):
    text = ('Question,Asker Name,Asker Email\n'
            '"How do you lead, and still teach\nfull time?",Jackie Wheeler,jw@example.org\n'
            'What about new teachers?,,anon@example.org\n')
    html, response = preview_then_save(forms, text)
    assert "2 questions will be added" in html and "Anonymous" in html
    assert response.status_code == 302
    assert [(q.asked_by, q.question) for q in questions(app)] == [
        ("Jackie Wheeler", "How do you lead, and still teach\nfull time?"),
        ("", "What about new teachers?"),
    ]


def test_paste_flags_likely_duplicates(app, client, forms, moderator):
    add(forms, question="How do you protect time for collaboration?")
    text = ("Maria Lopez: how do you protect time for collaboration\n"
            "Beth Heidemann: What does a good coaching cycle look like?\n"
            "Brett Criswell: What does a good coaching cycle look like?\n")
    html, response = preview_then_save(forms, text)
    assert html.count("Likely duplicate") == 2
    assert "Looks like “How do you protect time for collaboration?” (in the queue)" in html
    assert "Repeats line 2." in html
    assert 'name="keep" value="1" id="keep-1">' in html  # duplicates start unticked
    assert response.status_code == 302
    assert [q.asked_by for q in questions(app)] == [JACKIE, "Beth Heidemann"]


@pytest.mark.parametrize("text, errors", [
    ("Jackie: One?\nBeth: Two?\nBrett:   \n", ["Line 3: the question is empty."]),
    ("Jackie:\nBeth: Two?\n", ["Line 1: the question is empty."]),
    (": a colon and no name?\n", ["Line 1: the name before the colon is missing."]),
    ("name,question\nJackie,One?\nonly one column\n", ["Line 3: expected at least 2 columns, found 1."]),
    ("\n  \n", ["Paste at least one question."]),
])
def test_malformed_lines_are_reported_and_nothing_is_saved(app, forms, moderator, text, errors):
    response = paste(forms, text, save="1")
    html = response.get_data(as_text=True)
    for error in errors:
        assert error in html
    assert "Save questions" not in html
    assert questions(app) == []


def test_a_list_changed_after_its_preview_is_previewed_again(app, forms, moderator):
    html = paste(forms, LINES, preview="1").get_data(as_text=True)
    digest = re.search(r'name="previewed" type="hidden" value="(\w+)"', html).group(1)
    html = paste(forms, LINES + "Maria Lopez: One more?\n", save="1", previewed=digest,
                 keep=["1", "3", "4"]).get_data(as_text=True)
    assert "The list changed after its preview" in html and "4 questions will be added" in html
    assert questions(app) == []


@pytest.mark.parametrize("line, asked_by, text", [
    ("Jackie Wheeler: Why?", "Jackie Wheeler", "Why?"),
    ("19:42:10\t From  Jackie Wheeler to  Everyone : Why?", "Jackie Wheeler", "Why?"),
    ("[7:05 PM] From Beth Heidemann: Where: here?", "Beth Heidemann", "Where: here?"),
    ("Dr. Ana Ruiz, principal, Lincoln MS: How?", "Dr. Ana Ruiz, principal, Lincoln MS", "How?"),
])
def test_chat_exports_are_understood(line, asked_by, text):
    pasted = parse(line)
    assert pasted.errors == []
    assert [(q.asked_by, q.question) for q in pasted.questions] == [(asked_by, text)]


def test_a_chat_export_with_messages_under_names_chatter_and_a_plain_list():
    pasted = parse("19:42:10 From Jackie Wheeler to Everyone:\n"
                   "\tHow do you find time for lesson study?\n"
                   "19:43:02 From Beth Heidemann to Everyone:\n"
                   "\tthanks everyone, this was great!\n"
                   "What about schools with no release days?\n"
                   "What is this: a question with a colon and no name?\n"
                   "Please share how you schedule peer observations\n")
    assert pasted.errors == []
    assert [(q.line, q.asked_by, q.question, bool(q.chatter)) for q in pasted.questions] == [
        (1, "Jackie Wheeler", "How do you find time for lesson study?", False),
        (3, "Beth Heidemann", "thanks everyone, this was great!", True),
        (5, "", "What about schools with no release days?", False),
        (6, "", "What is this: a question with a colon and no name?", False),
        (7, "", "Please share how you schedule peer observations", False),
    ]


# Re-asks as they come in real chat exports: a shortened or reworded copy of a
# question already in the queue or published, and near misses that are not.
@pytest.mark.parametrize("earlier, later, alike", [
    ("How do you protect common planning time when the master schedule keeps changing?",
     "how do you protect planning time?", True),
    ("What does a good coaching cycle look like for new teachers?",
     "what does a good coaching cycle look like", True),
    ("How do you protect time for collaboration?", "How do you protect time for collaboration", True),
    ("Any tips for getting admin buy-in for release time?",
     "How did you get your principal to agree to release time?", False),
    ("How do you protect planning time?", "How do you use planning time?", False),
    ("What about new teachers?", "What about veteran teachers?", False),
])
def test_likely_duplicates_include_shortened_re_asks(earlier, later, alike):
    [pasted] = parse(f"Maria Lopez: {later}").questions
    flag_duplicates([pasted], [(earlier, "published")])
    assert bool(pasted.duplicate) is alike


def test_chatter_starts_unticked_in_the_preview(app, forms, moderator):
    html = paste(forms, "Jackie: How do you start?\nBeth: great session, thank you all\n",
                 preview="1").get_data(as_text=True)
    assert "doesn&#39;t read as a question" in html
    assert 'name="keep" value="1" id="keep-1" checked' in html
    assert 'name="keep" value="2" id="keep-2">' in html
    assert "1 question will be added to the queue" in html  # the ticked one, not both


def test_the_preview_counts_the_ticked_questions(app, forms, moderator):
    text = LINES + "Jackie: thanks everyone, great session\nBeth: lovely panel\n"
    html = paste(forms, text, preview="1").get_data(as_text=True)
    assert "3 questions will be added to the queue" in html  # 5 read, 2 of them chat, left unticked
    # Saving with none ticked says so, and counts none.
    html = paste(forms, text, save="1", previewed=re.search(r'name="previewed" type="hidden" value="(\w+)"',
                                                            html).group(1)).get_data(as_text=True)
    assert "Tick at least one question to save." in html
    assert "No question is ticked: none will be added" in html


def test_an_empty_queue_points_up_to_the_forms(client, forms, moderator):
    html = client.get(QUEUE).get_data(as_text=True)
    queue = html[html.index('id="queue"'):html.index('id="scheduled"')]
    assert "Nothing is waiting." in queue and "below" not in queue
    assert 'href="#add"' in queue and 'href="#paste"' in queue


def test_the_add_and_paste_forms_come_before_the_lists(client, forms, moderator):
    for n in range(3):
        add(forms, question=f"Question number {n}?")
    page = client.get(QUEUE).get_data(as_text=True)
    assert page.index('id="add"') < page.index('id="paste"') < page.index('id="queue"')


def test_scheduled_questions_swap_times_without_leaving_the_schedule(app, client, forms, moderator):
    first_at, second_at = utcnow() + timedelta(days=1), utcnow() + timedelta(days=3)
    add(forms, question="Which question goes first?", publish_at=local(first_at))
    add(forms, question="Which question goes second?", publish_at=local(second_at))
    first, second = questions(app)
    assert post_action(forms, second.id, "reorder", direction="up").status_code == 302
    moved, earlier = question(app, second.id), question(app, first.id)
    assert (moved.status, earlier.status) == ("scheduled", "scheduled")
    assert (moved.publish_at, earlier.publish_at) == (first.publish_at, second.publish_at)
    page = client.get(QUEUE).get_data(as_text=True)
    scheduled = page[page.index('id="scheduled"'):page.index('id="published"')]
    assert scheduled.index("Which question goes second?") < scheduled.index("Which question goes first?")
    assert audit_actions(app)[-1] == "question.reorder"


def test_the_theme_page_counts_questions_by_fate_and_links_the_panel_page(app, client, forms, moderator):
    for n in range(4):
        add(forms, question=f"Question {n}?")
    first, second, third, _ = questions(app)
    post_action(forms, first.id, "publish")
    post_action(forms, second.id, "dismiss")
    visitor = app.test_client()
    assert "From the webinar: 1 posted in the discussion · 2 coming to the discussion · 1 set aside." in \
        visitor.get("/themes/finding-time").get_data(as_text=True)
    post_action(forms, third.id, "answered-live")  # a bulk UPDATE: the cached page must still change
    page = visitor.get("/themes/finding-time").get_data(as_text=True)
    assert ("From the webinar: 1 answered live · 1 posted in the discussion · 1 coming to the discussion · "
            "1 set aside.") in page
    assert 'href="/themes/finding-time/panel"' in page


# Publishing ---------------------------------------------------------------------

def test_publishing_starts_the_facilitated_discussion_with_a_credited_post(app, client, forms, moderator):
    add(forms, question="How do you lead\nwhile teaching?\n\nAnd still sleep?", framing="Many asked this.")
    [q] = questions(app)
    response = post_action(forms, q.id, "publish")
    assert response.status_code == 302
    published = question(app, q.id)
    assert published.status == "published" and published.published_by_id == moderator
    with app.app_context():
        thread = db.session.scalar(db.select(Thread))
        post = db.session.get(Post, published.post_id)
        assert thread.facilitated and thread.pinned and thread.reply_count == 1
        assert post.thread_id == thread.id and post.depth == 1 and post.author_id == moderator
    # The question is one quotation, whatever its lines; the credit follows it.
    assert post.body == ("Many asked this.\n\n> How do you lead\n> while teaching?\n>\n> And still sleep?\n\n"
                         f"— Posed by {JACKIE} (webinar Q&A)")
    assert post.html.count("<blockquote>") == 1
    assert post.html.index("Many asked this.") < post.html.index("<blockquote>") < post.html.index("— Posed by")
    page = client.get(f"/posts/{post.id}", follow_redirects=True).get_data(as_text=True)
    assert f'id="post-{post.id}"' in page and "And still sleep?" in page
    assert "View post" in client.get(QUEUE).get_data(as_text=True)
    assert audit_actions(app)[-1] == "question.publish"


@pytest.mark.parametrize("source, asked_by, credit", [
    ("webinar_chat", "Beth Heidemann", "— From the panel chat, Beth Heidemann"),
    ("email", "Brett Criswell, chemistry teacher", "— Sent in by email by Brett Criswell, chemistry teacher"),
    ("webinar_qa", "", "— Posed by a webinar participant (webinar Q&amp;A)"),
    ("webinar_qa", "Anonymous", "— Posed by a webinar participant (webinar Q&amp;A)"),
    ("webinar_chat", "attendee", "— From the panel chat, a webinar participant"),
])
def test_credits_by_source(app, forms, moderator, source, asked_by, credit):
    add(forms, source=source, asked_by=asked_by)
    [q] = questions(app)
    post_action(forms, q.id, "publish")
    [post] = replies(app)
    assert credit in post.html


def test_a_credit_reads_as_typed_in_the_queue_and_in_the_post(app, client, forms, moderator):
    # Markdown escapes belong in the post's Markdown only; the queue is HTML, escaped by Jinja.
    name = "Sam O'Neil, science co-teacher (grades 6-8) <b>*new*</b>"
    add(forms, asked_by=name)
    html = client.get(QUEUE).get_data(as_text=True)
    assert ("— Posed by Sam O&#39;Neil, science co-teacher (grades 6-8) &lt;b&gt;*new*&lt;/b&gt; "
            "(webinar Q&amp;A)") in html
    assert "\\" not in html[html.index('id="queue"'):html.index('id="scheduled"')]
    [q] = questions(app)
    post_action(forms, q.id, "publish")
    [post] = replies(app)
    assert "co\\-teacher" in post.body  # escaped in the Markdown, so a name can't become markup
    assert "science co-teacher (grades 6-8) &lt;b&gt;*new*&lt;/b&gt; (webinar Q&amp;A)" in post.html


def test_publishing_uses_the_existing_facilitated_discussion(app, forms, moderator, make_thread):
    thread_id, _ = make_thread("finding-time", moderator, title="Our discussion")
    with app.app_context():
        db.session.get(Thread, thread_id).facilitated = True
        db.session.commit()
    add(forms)
    post_action(forms, questions(app)[0].id, "publish")
    [post] = replies(app)
    with app.app_context():
        assert post.thread_id == thread_id
        assert db.session.scalar(db.select(db.func.count(Thread.id))) == 1


def test_a_double_click_publishes_once(app, client, forms, moderator):
    add(forms)
    [q] = questions(app)
    post_action(forms, q.id, "publish")
    response = post_action(forms, q.id, "publish")
    assert response.status_code == 302
    assert "already published" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(replies(app)) == 1


def test_publishing_is_conditional_on_the_stored_status(app, moderator, forms):
    """Even a caller holding a stale "queued" question can't publish it twice."""
    add(forms)
    [q] = questions(app)
    with app.test_request_context(QUEUE, method="POST"):
        stale = db.session.get(PanelQuestion, q.id)
        db.session.execute(update(PanelQuestion).where(PanelQuestion.id == q.id).values(status="published")
                           .execution_options(synchronize_session=False))
        assert stale.status == "queued"
        assert panel.publish(stale, db.session.get(User, moderator)) is None
        db.session.commit()
    assert replies(app) == []


@pytest.mark.parametrize("state, message", [("upcoming", "opens on"), ("archived", "is archived")])
def test_publishing_now_needs_an_open_discussion(app, client, auth, make_user, make_theme, forms,
                                                 state, message):
    make_theme(slug="finding-time", state=state)
    make_user(email="mod@example.org", role="moderator")
    auth.login(email="mod@example.org")
    with app.app_context():
        theme = db.session.scalar(db.select(Theme))
        db.session.add(PanelQuestion(theme_id=theme.id, question="Q?", source="email"))
        db.session.commit()
    assert "Publish now" not in client.get(QUEUE).get_data(as_text=True)
    response = post_action(forms, 1, "publish")
    assert response.status_code == 403 and message in response.get_data(as_text=True)
    assert replies(app) == []


def _publish_in_own_process(database_uri: str, index_dir: str, question_id: int, email: str, start) -> str:
    """A worker: its own app and connections, logging in and pressing Publish."""
    from forum import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "PASSWORD_HASH_METHOD": FAST_HASH,
                      "SQLALCHEMY_DATABASE_URI": database_uri, "SEARCH_INDEX_DIR": index_dir,
                      "SEARCH_INDEX_IN_REQUEST": True})
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    token = csrf_from(client.get(QUEUE).get_data(as_text=True))
    start.wait()
    response = client.post(f"/moderate/questions/{question_id}/publish", data={"csrf_token": token})
    return str(response.status_code)


def test_two_moderators_publishing_at_once_make_one_post(app, forms, moderator, make_user):
    make_user(email="mod2@example.org", display_name="Beth Heidemann", role="moderator")
    add(forms)
    [q] = questions(app)
    context = other_processes()
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(2) as pool:
            args = [(app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"], q.id, email, start)
                    for email in ("mod@example.org", "mod2@example.org")]
            results = [pool.apply_async(_publish_in_own_process, a) for a in args]
            start.set()
            outcomes = [result.get(timeout=120) for result in results]
    assert outcomes == ["302", "302"]
    [post] = replies(app)
    assert question(app, q.id).post_id == post.id
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Thread.id))) == 1
        assert db.session.scalar(db.select(Thread.reply_count)) == 1
    assert audit_actions(app).count("question.publish") == 1


# Scheduling ---------------------------------------------------------------------

def test_schedule_the_queue_every_two_days(app, client, forms, moderator):
    for n in range(3):
        add(forms, question=f"Question {n}?")
    start = utcnow().replace(second=0, microsecond=0) + timedelta(hours=1)
    response = forms.post(SCHEDULE, {"every_days": "2", "start_at": local(start)}, page=QUEUE)
    assert response.status_code == 302
    scheduled = questions(app)
    assert {q.status for q in scheduled} == {"scheduled"}
    assert [q.publish_at for q in scheduled] == [start, start + timedelta(days=2), start + timedelta(days=4)]
    assert {q.scheduled_by_id for q in scheduled} == {moderator}
    html = client.get(QUEUE).get_data(as_text=True)
    assert html.count("Goes out") == 3
    assert audit_actions(app)[-1] == "question.schedule_queue"


@pytest.mark.parametrize("every_days, start_offset, message", [
    ("10", timedelta(hours=1), "after the discussion closes"),
    ("1", timedelta(days=-6), "outside the discussion window"),
    ("1", timedelta(days=30), "outside the discussion window"),
    ("0", timedelta(hours=1), "between 1 and 30 days"),
])
def test_scheduling_outside_the_window_is_refused(app, forms, moderator, every_days, start_offset, message):
    for n in range(3):
        add(forms, question=f"Question {n}?")
    response = forms.post(SCHEDULE, {"every_days": every_days, "start_at": local(utcnow() + start_offset)},
                          page=QUEUE)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert {q.status for q in questions(app)} == {"queued"}


def schedule_with_defaults(client, forms, **changes):
    """Press "Schedule them" with what the form offers (changed by `changes`); the response."""
    html = client.get(QUEUE).get_data(as_text=True)
    offered = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
               for name in ("every_days", "start_at")}
    return forms.post(SCHEDULE, {**offered, **changes}, page=QUEUE)


def test_a_second_batch_starts_one_interval_after_the_last_scheduled(app, client, forms, moderator):
    for n in range(5):
        add(forms, question=f"First batch {n}?")
    assert schedule_with_defaults(client, forms).status_code == 302
    first = [q.publish_at for q in questions(app)]
    for n in range(3):
        add(forms, question=f"Second batch {n}?")
    assert schedule_with_defaults(client, forms).status_code == 302
    second = [q.publish_at for q in questions(app)][5:]
    assert second == [first[-1] + timedelta(days=2 * n) for n in (1, 2, 3)]
    assert len({moment.date() for moment in first + second}) == 8  # one a day at most


def test_a_clash_with_the_schedule_is_shown_before_saving(app, client, forms, moderator):
    for n in range(2):
        add(forms, question=f"First batch {n}?")
    start = utcnow().replace(second=0, microsecond=0) + timedelta(hours=1)
    forms.post(SCHEDULE, {"every_days": "2", "start_at": local(start)}, page=QUEUE)
    for n in range(2):
        add(forms, question=f"Second batch {n}?")
    later = start + timedelta(days=2)  # the second of the first batch's time: a clash
    response = forms.post(SCHEDULE, {"every_days": "2", "start_at": local(later)}, page=QUEUE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert [q.status for q in questions(app)] == ["scheduled"] * 2 + ["queued"] * 2  # nothing saved
    warning = html[html.index('id="schedule-clashes"'):]
    warning = warning[:warning.index("</div>")]
    assert "1 of the 2 queued questions would go out on a day that already has a scheduled one." in warning
    assert "First batch 1?" in warning
    # Either act on it: start after the last scheduled one, as offered...
    suggested = re.search(r'name="start_at" type="hidden" value="([^"]+)"', html).group(1)
    assert suggested == local(start + timedelta(days=4))
    # ...or schedule them as typed, knowingly.
    response = forms.post(SCHEDULE, {"every_days": "2", "start_at": local(later), "allow_clashes": "1"},
                          page=QUEUE)
    assert response.status_code == 302
    assert [q.publish_at for q in questions(app)][2:] == [later, later + timedelta(days=2)]


def _schedule_one(app, forms, hours=1, **fields):
    add(forms, publish_at=local(utcnow() + timedelta(hours=hours)), **fields)
    return questions(app)[-1]


def test_due_questions_publish_on_a_view_of_the_theme_page(app, client, auth, forms, moderator, make_user,
                                                           monkeypatch):
    q = _schedule_one(app, forms)
    auth.logout()
    assert "How do you protect time" not in client.get("/themes/finding-time").get_data(as_text=True)
    assert question(app, q.id).status == "scheduled"  # not yet due
    freeze(monkeypatch, utcnow() + timedelta(hours=2))
    page = client.get("/themes/finding-time").get_data(as_text=True)  # an anonymous visitor
    assert "Discussion: Finding time to collaborate" in page
    published = question(app, q.id)
    [post] = replies(app)
    assert published.status == "published" and published.post_id == post.id
    assert post.author_id == moderator  # credited to whoever scheduled it
    assert published.published_by_id == moderator


def test_due_questions_publish_on_a_view_of_the_thread_page(app, client, forms, moderator, monkeypatch):
    add(forms, question="The first one?")
    post_action(forms, questions(app)[0].id, "publish")
    with app.app_context():
        thread_id = db.session.scalar(db.select(Thread.id))
    _schedule_one(app, forms, question="The scheduled one?")
    assert "The scheduled one?</p>" not in client.get(f"/threads/{thread_id}").get_data(as_text=True)
    freeze(monkeypatch, utcnow() + timedelta(hours=2))
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "The scheduled one?</p>" in page  # shown on the very view that published it
    assert len(replies(app)) == 2


def test_the_cli_publishes_what_is_due(app, runner, forms, moderator, monkeypatch):
    q = _schedule_one(app, forms, hours=5)
    result = runner.invoke(args=["panel", "publish-due"])
    assert result.exit_code == 0 and "Published 0 panel questions." in result.output
    freeze(monkeypatch, utcnow() + timedelta(hours=6))
    result = runner.invoke(args=["panel", "publish-due"])
    assert result.exit_code == 0 and "Published 1 panel question." in result.output
    assert question(app, q.id).status == "published"
    assert runner.invoke(args=["panel", "publish-due"]).output == "Published 0 panel questions.\n"


def test_the_queue_page_costs_the_same_however_long_the_queue(app, client, forms, moderator):
    from tests.conftest import count_queries

    def fill(count, status):
        with app.app_context():
            theme = db.session.scalar(db.select(Theme))
            db.session.add_all(PanelQuestion(theme_id=theme.id, question=f"Q{n}?", status=status,
                                             scheduled_by_id=moderator, published_by_id=moderator,
                                             publish_at=utcnow() + timedelta(days=1), published_at=utcnow())
                               for n in range(count))
            db.session.commit()

    for status in ("queued", "scheduled", "published"):
        fill(3, status)
    few = len(count_queries(app, client, QUEUE))
    for status in ("queued", "scheduled", "published"):
        fill(30, status)
    assert len(count_queries(app, client, QUEUE)) == few


def test_nothing_due_costs_one_indexed_query_and_no_write(app, client, forms, moderator):
    _schedule_one(app, forms, hours=30)
    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        client.get("/themes/finding-time")
    # The due check; the page also counts the questions by status, in a grouped query.
    checks = [(s, p) for s, p in statements if "FROM panel_questions" in s and "GROUP BY" not in s]
    assert len(checks) == 1
    assert not [s for s, _ in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    if engine.dialect.name == "sqlite":  # PostgreSQL's planner scans a table this small
        statement, parameters = checks[0]
        with engine.connect() as connection:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        assert "ix_panel_questions_due" in str(plan)


def test_a_busy_database_never_breaks_the_page(app, client, forms, moderator, monkeypatch):
    from contextlib import contextmanager

    from sqlalchemy.exc import OperationalError

    @contextmanager
    def locked():
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        yield  # pragma: no cover

    q = _schedule_one(app, forms)
    freeze(monkeypatch, utcnow() + timedelta(hours=2))
    monkeypatch.setattr(panel, "write_transaction", locked)
    assert client.get("/themes/finding-time").status_code == 200
    assert question(app, q.id).status == "scheduled"  # the next view or the cron job will do it
    monkeypatch.undo()
    freeze(monkeypatch, utcnow() + timedelta(hours=2))
    client.get("/themes/finding-time")
    assert question(app, q.id).status == "published"


def _imported_due_question(app, slug="finding-time"):
    """A scheduled question with nobody recorded as scheduling it, as an archive import leaves it."""
    with app.app_context():
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == slug))
        question = PanelQuestion(theme=theme, question="What did the pilot cost?", asked_by="A. Guest",
                                 source="email", status="scheduled",
                                 publish_at=utcnow() - timedelta(minutes=5))
        db.session.add(question)
        db.session.commit()
        return question.id


def test_an_imported_due_question_is_posted_by_a_moderator(app, client, make_user, make_theme):
    moderator = make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    make_theme()
    question_id = _imported_due_question(app)
    assert client.get("/themes/finding-time").status_code == 200
    with app.app_context():
        question = db.session.get(PanelQuestion, question_id)
        assert question.status == "published" and question.post.author_id == moderator


def test_a_due_question_with_no_moderator_returns_to_the_queue(app, client, make_user, make_theme, monkeypatch):
    make_user()
    make_theme()
    question_id = _imported_due_question(app)
    monkeypatch.setattr(app.logger, "disabled", True)  # the logger outlives the app
    client.get("/themes/finding-time")
    with app.app_context():
        assert db.session.get(PanelQuestion, question_id).status == "queued"
