"""Archive import and export through the CLI: checking, all-or-nothing, round trips, search."""
from __future__ import annotations

import copy
import io
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bench.generate_archive import generate
from forum import create_app, demo
from forum.core.extensions import db
from forum.models import (GuestExpert, PanelQuestion, Panelist, Post, Resource, SearchOutbox, Theme, Thread,
                          User)
from forum.models.discussions import path_segment
import search
from tests.conftest import PASSWORD, ROOT, seed_reply
from tests.databases import SQLiteDatabases, migrate

MODELS = (User, Theme, Panelist, Resource, GuestExpert, Thread, Post, PanelQuestion, SearchOutbox)


def archive() -> dict:
    """A small, valid archive: every kind of record, nesting, an edit, a deletion, a hidden post."""
    return {
        "format": 1,
        "users": [
            {"email": "Julie.Ortiz@Example.org", "display_name": "Julie Ortiz", "role": "moderator",
             "position": "Science coach", "organisation": "Riverside USD", "location": "Sacramento, CA",
             "bio": "Coach.", "joined_at": "2023-08-01T09:00:00-04:00"},
            {"email": "brett@example.org", "display_name": "Brett Criswell", "role": "member"},
        ],
        "themes": [{
            "slug": "makerspaces", "title": "Makerspaces in every grade", "month": "2024-11",
            "summary": "Building things.", "blog_post": "We **built** things.",
            "panel": {"title": "Makers panel", "at": "2024-11-05T19:00:00-05:00",
                      "recording_url": "https://videos.example.org/makers",
                      "panelists": [{"name": "Ana Martínez", "bio": "Principal"}]},
            "opens_at": "2024-11-01T00:00:00+00:00", "closes_at": "2024-11-29T00:00:00+00:00",
            "resources": [{"title": "Makerspace guide", "url": "https://example.org/guide", "kind": "tool",
                           "note": "Start here"}],
            "guest_experts": [{"user": "Brett@Example.org", "panelist": "Ana Martínez",
                               "invited_at": "2024-10-20T12:00:00-04:00", "emails_declined": True}],
            "threads": [
                {"title": "Starting a makerspace", "key": "t1", "author": "julie.ortiz@example.org",
                 "created_at": "2024-11-01T10:00:00+00:00", "body": "How did you start yours?",
                 "facilitated": True, "pinned": True, "posts": [
                     {"key": "a1", "author": "brett@example.org", "created_at": "2024-11-01T11:00:00+00:00",
                      "body": "We turned the library annex into a **makerspace** with a laser cutter."},
                     {"key": "a2", "parent": "a1", "author": "julie.ortiz@example.org",
                      "created_at": "2024-11-01T12:00:00+00:00", "body": "Who maintains the cutter?",
                      "edited_at": "2024-11-01T12:30:00+00:00",
                      "revisions": [{"body": "Who fixes the cutter?", "edited_by": "julie.ortiz@example.org",
                                     "edited_at": "2024-11-01T12:30:00+00:00"}]},
                     {"key": "a3", "parent": "a2", "author": "brett@example.org",
                      "created_at": "2024-11-01T13:00:00+00:00", "body": "A parent volunteer.", "deleted": True},
                     {"key": "a4", "author": "brett@example.org", "created_at": "2024-11-02T09:00:00+00:00",
                      "body": "Buy cheap sunglasses", "hidden": True},
                     {"key": "a5", "author": "julie.ortiz@example.org", "created_at": "2024-11-04T12:00:00+00:00",
                      "body": "> How do you fund it?\n\n— Posed by Sam Okafor"},
                 ]},
                {"title": "Budgets", "author": "brett@example.org", "created_at": "2024-11-03T08:00:00+00:00",
                 "body": "Makerspaces need a maintenance budget, not a ribbon cutting.", "locked": True},
            ],
            "panel_questions": [
                {"question": "How do you fund it?", "asked_by": "Sam Okafor, coordinator", "source": "webinar_qa",
                 "status": "published", "publish_at": "2024-11-04T12:00:00+00:00", "post": "a5"},
                {"question": "What about safety?", "asked_by": "", "source": "email", "status": "queued",
                 "publish_at": None},
                {"question": "Who runs it after school?", "asked_by": "Attendee", "source": "webinar_chat",
                 "status": "answered_live", "publish_at": None, "answered_at_second": 754},
                {"question": "Can students design the space?", "asked_by": "", "source": "forum",
                 "status": "scheduled", "publish_at": "2024-11-10T12:00:00+00:00",
                 "asked_by_member": "Brett@Example.org", "show_ahead": True},
            ],
        }],
    }


def write(tmp_path, doc, name="archive.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return str(path)


def counts(app) -> dict:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in MODELS}


def import_file(runner, path: str):
    return runner.invoke(args=["archive", "import", path])


def export_text(runner, *options) -> str:
    result = runner.invoke(args=["archive", "export", *options, "-"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def make_app(tmp_path, databases):
    """Another forum with its own empty database and index, for round trips."""
    made = []

    def make(name: str):
        app = create_app({
            "TESTING": True, "SECRET_KEY": "test secret key, long enough for the checks here",
            "SQLALCHEMY_DATABASE_URI": databases.fresh(tmp_path, name),
            "SEARCH_INDEX_DIR": str(tmp_path / f"{name}-index"),
        })
        made.append(app)
        return app

    yield make
    search.close()
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# Import ------------------------------------------------------------------------

def test_import_loads_everything_with_threading_and_counters(app, runner, tmp_path):
    result = import_file(runner, write(tmp_path, archive()))
    assert result.exit_code == 0, result.output
    assert "Imported 2 members, 1 themes, 2 threads, 7 posts and 4 panel questions." in result.output
    with app.app_context():
        julie = User.by_email("julie.ortiz@example.org")
        assert julie.email == "julie.ortiz@example.org"  # stored lower-cased
        assert julie.password_hash is None and not julie.can_log_in
        assert julie.joined_at == datetime(2023, 8, 1, 13, 0, tzinfo=timezone.utc)
        theme = db.session.scalar(select(Theme))
        assert theme.panel_at == datetime(2024, 11, 6, 0, 0, tzinfo=timezone.utc)
        assert "<strong>built</strong>" in theme.blog_post_html
        assert [p.name for p in theme.panelists] == ["Ana Martínez"]
        assert [(r.title, r.kind) for r in theme.resources] == [("Makerspace guide", "tool")]
        [guest] = db.session.scalars(select(GuestExpert)).all()
        assert (guest.theme_id, guest.user.email, guest.panelist) == (theme.id, "brett@example.org", "Ana Martínez")
        assert guest.invited_at == datetime(2024, 10, 20, 16, 0, tzinfo=timezone.utc)
        assert guest.emails_declined_at is not None and guest.invited_by_id is None

        first, budgets = db.session.scalars(select(Thread).order_by(Thread.id)).all()
        assert (first.facilitated, first.pinned, first.locked) == (True, True, False)
        assert (budgets.facilitated, budgets.locked, budgets.reply_count) == (False, True, 0)
        # Replies members can see (a3 is deleted, a4 hidden), and the newest post's time.
        assert first.reply_count == 3
        assert first.last_post_at == datetime(2024, 11, 4, 12, 0, tzinfo=timezone.utc)

        posts = db.session.scalars(select(Post).where(Post.thread_id == first.id).order_by(Post.path)).all()
        by_id = {post.id: post for post in posts}
        assert [p.body[:12] for p in posts] == ["How did you ", "We turned th", "Who maintain",
                                               "A parent vol", "Buy cheap su", "> How do you"]
        assert [p.depth for p in posts] == [0, 1, 2, 3, 1, 1]
        for post in posts:  # exactly as Post.place_under would have made them
            parent = by_id.get(post.parent_id)
            assert post.path == (f"{parent.path}." if parent else "") + path_segment(post.id)
            assert post.markup_version > 0 and post.html.startswith("<")
        opening, a1, a2, a3, a4, a5 = posts
        assert opening.parent_id is None and a1.parent_id == opening.id and a3.parent_id == a2.id
        assert "<strong>makerspace</strong>" in a1.html
        assert a2.edited_at == datetime(2024, 11, 1, 12, 30, tzinfo=timezone.utc)
        # No time for deleting or hiding in the format: the post's own time stands in.
        assert a3.deleted_at == a3.created_at and a3.hidden_at is None
        assert a4.hidden_at == a4.created_at and a4.deleted_at is None

        published, queued, live, asked = db.session.scalars(select(PanelQuestion).order_by(PanelQuestion.position)).all()
        assert (live.status, live.answered_at_second, live.asked_by_id, live.show_ahead) == ("answered_live", 754, None, False)
        brett = User.by_email("brett@example.org")
        assert (asked.source, asked.asked_by_id, asked.show_ahead, asked.answered_at_second) == ("forum", brett.id, True, None)
        assert (published.status, published.post_id, published.published_at) == ("published", a5.id, a5.created_at)
        assert published.published_by_id == julie.id
        assert (queued.status, queued.post_id, queued.publish_at) == ("queued", None, None)
        assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0  # the index is rebuilt once instead


def test_an_import_shows_to_visitors_whose_pages_were_cached(app, runner, tmp_path, make_theme):
    """Rows inserted in bulk, out of the session's sight: every page's version is raised."""
    make_theme()
    visitor = app.test_client()
    assert "Makerspaces in every grade" not in visitor.get("/themes").get_data(as_text=True)
    assert "Makerspaces in every grade" not in visitor.get("/themes").get_data(as_text=True)  # from the cache
    assert import_file(runner, write(tmp_path, archive())).exit_code == 0
    assert "Makerspaces in every grade" in visitor.get("/themes").get_data(as_text=True)


def test_imported_posts_are_searchable_and_hidden_ones_are_not(app, runner, client, tmp_path):
    assert import_file(runner, write(tmp_path, archive())).exit_code == 0
    with app.app_context():
        ids = dict(db.session.execute(select(Post.body, Post.id)).all())
    page = client.get("/search?q=laser+cutter").get_data(as_text=True)
    assert f'href="/posts/{ids["We turned the library annex into a **makerspace** with a laser cutter."]}' in (
        page[page.index('id="results"'):])
    for words, body in (("sunglasses", "Buy cheap sunglasses"), ("volunteer", "A parent volunteer.")):
        page = client.get(f"/search?q={words}").get_data(as_text=True)
        assert f"/posts/{ids[body]}" not in page  # hidden and deleted posts stay out of the index


def test_import_into_a_forum_with_members_credits_their_accounts(app, runner, tmp_path, make_user):
    brett_id = make_user(email="brett@example.org", display_name="Brett C.")
    with app.app_context():
        password_hash = db.session.get(User, brett_id).password_hash
    doc = archive()
    doc["users"][1]["display_name"] = "Someone Else"  # a file can't rename or re-password an account
    doc["users"][1]["password_hash"] = "pbkdf2:sha256:1000$evil$" + "00" * 32
    result = import_file(runner, write(tmp_path, doc))
    assert result.exit_code == 0, result.output
    assert "Imported 1 members (1 already members)" in result.output
    with app.app_context():
        brett = db.session.get(User, brett_id)
        assert (brett.display_name, brett.password_hash) == ("Brett C.", password_hash)
        assert db.session.scalar(select(func.count(User.id))) == 2
        authors = set(db.session.scalars(select(Post.author_id).where(Post.body.startswith("We turned"))))
        assert authors == {brett_id}


def test_authors_may_be_members_of_the_forum_only(app, runner, tmp_path, make_user):
    brett_id = make_user(email="brett@example.org", display_name="Brett C.")
    doc = archive()
    del doc["users"][1]
    doc["themes"][0]["threads"][1]["author"] = "BRETT@example.org"
    assert import_file(runner, write(tmp_path, doc)).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(Thread.author_id).where(Thread.title == "Budgets")) == brett_id


def test_reimporting_the_same_file_is_refused_and_changes_nothing(app, runner, tmp_path):
    path = write(tmp_path, archive())
    assert import_file(runner, path).exit_code == 0
    before = counts(app)
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert 'themes[0].slug: the forum already has a theme "makerspaces"' in result.output.splitlines()
    assert "it looks imported already" in result.output
    assert "Nothing was imported" in result.output
    assert counts(app) == before


def test_import_reads_standard_input(app, runner):
    result = runner.invoke(args=["archive", "import", "-"], input=json.dumps(archive()))
    assert result.exit_code == 0, result.output
    assert counts(app)["Post"] == 7


# All or nothing -----------------------------------------------------------------

def _posts(doc):
    return doc["themes"][0]["threads"][0]["posts"]


def _second_theme(doc):
    doc["themes"].append({**copy.deepcopy(doc["themes"][0]), "threads": [], "panel_questions": []})


def _post_in_other_thread(doc):
    doc["themes"][0]["threads"][1]["posts"] = [
        {"key": "b1", "parent": "a1", "author": "brett@example.org", "created_at": "2024-11-03T09:00:00+00:00",
         "body": "Replying across threads."}]


P = "themes[0].threads[0].posts"
INVALID = [
    (lambda d: d.pop("format"), 'format: missing (an archive says "format": 1)'),
    (lambda d: d.update(format=2), "format: this forum reads archive format 1, not 2"),
    (lambda d: d.update(users={}), "users: expected an array, got an object"),
    (lambda d: d.update(extra=[]), "extra: unknown field"),
    (lambda d: d["users"][1].pop("email"), "users[1].email: missing"),
    (lambda d: d["users"][1].update(role="owner"),
     'users[1].role: "owner" is not one of member, moderator, admin'),
    (lambda d: d["users"][1].update(email="JULIE.ortiz@example.org"),
     'users[1].email: "julie.ortiz@example.org" is already the email of users[0]'),
    (lambda d: d["users"][0].update(email="julie"), 'users[0].email: "julie" is not an email address'),
    (lambda d: d["themes"][0].update(slug="Maker Spaces"),
     'themes[0].slug: "Maker Spaces": use lower-case letters, digits and single hyphens only'),
    (_second_theme, 'themes[1].slug: "makerspaces" is already the slug of themes[0]'),
    (lambda d: d["themes"][0].update(month="2024-13"), 'themes[0].month: "2024-13" is not a month written YYYY-MM'),
    (lambda d: d["themes"][0].update(closes_at="2024-10-01T00:00:00+00:00"),
     "themes[0].closes_at: the discussion must close after it opens"),
    (lambda d: d["themes"][0]["panel"].update(at="2024-11-05 evening"),
     'themes[0].panel.at: "2024-11-05 evening" is not an ISO 8601 time, e.g. 2024-03-15T18:30:00+00:00'),
    (lambda d: d["themes"][0]["resources"][0].update(url="javascript:alert(1)"),
     'themes[0].resources[0].url: "javascript:alert(1)" is not a web address starting with https:// or http://'),
    (lambda d: d["themes"][0].update(threads="none"), "themes[0].threads: expected an array, got a string"),
    (lambda d: d["themes"][0]["threads"].append("oops"), "themes[0].threads[2]: expected an object, got a string"),
    (lambda d: d["themes"][0]["threads"][1].pop("title"), "themes[0].threads[1].title: missing"),
    (lambda d: _posts(d)[0].update(created_at="2024-11-01T11:00:00"),
     f'{P}[0].created_at: "2024-11-01T11:00:00" has no UTC offset: add one, e.g. +00:00 or -05:00'),
    (lambda d: _posts(d)[0].update(created_at="2024-11-01T09:00:00+00:00"),
     f"{P}[0].created_at: 2024-11-01T09:00:00+00:00 is before the thread was started (2024-11-01T10:00:00+00:00)"),
    (lambda d: _posts(d)[1].update(author="nobody@example.org"),
     f'{P}[1].author: no user with email "nobody@example.org" in the file or in the forum'),
    (lambda d: _posts(d)[2].update(parent="p99"), f'{P}[2].parent: no post with key "p99"'),
    (_post_in_other_thread, 'themes[0].threads[1].posts[0].parent: post "a1" is in another thread'),
    (lambda d: _posts(d)[1].update(created_at="2024-11-01T10:30:00+00:00"),
     f'{P}[1].parent: post "a1" was written after this reply (2024-11-01T11:00:00+00:00)'),
    (lambda d: _posts(d)[1].update(parent="a2"), f"{P}[1].parent: a post can't reply to itself"),
    (lambda d: _posts(d)[1].update(key="a1"), f'{P}[1].key: another post already has key "a1"'),
    (lambda d: _posts(d)[0].update(body=42), f"{P}[0].body: expected a string, got a number"),
    (lambda d: _posts(d)[0].update(body=" \n "), f"{P}[0].body: must not be empty"),
    (lambda d: _posts(d)[0].update(body="x" * 20001), f"{P}[0].body: at most 20,000 characters, this has 20,001"),
    (lambda d: _posts(d)[1].update(parnet="a1"), f"{P}[1].parnet: unknown field"),
    (lambda d: _posts(d)[2].update(deleted="yes"), f"{P}[2].deleted: expected true or false, got a string"),
    (lambda d: _posts(d)[1].update(edited_at="2024-11-01T11:59:00+00:00"), f"{P}[1].edited_at: earlier than created_at"),
    (lambda d: _posts(d)[1]["revisions"][0].update(edited_by="nobody@example.org"),
     f'{P}[1].revisions[0].edited_by: no user with email "nobody@example.org" in the file or in the forum'),
    (lambda d: _posts(d)[1]["revisions"][0].update(edited_at="2024-11-01T11:00:00+00:00"),
     f"{P}[1].revisions[0].edited_at: earlier than created_at"),
    (lambda d: _posts(d)[1]["revisions"][0].update(body="x" * 20001),
     f"{P}[1].revisions[0].body: at most 20,000 characters, this has 20,001"),
    (lambda d: _posts(d)[1]["revisions"].insert(0, {"body": "Older", "edited_by": "brett@example.org",
                                                     "edited_at": "2024-11-01T12:40:00+00:00"}),
     f"{P}[1].revisions[1].edited_at: earlier than the post was written or edited before"),
    (lambda d: _posts(d)[1].pop("edited_at"),
     f"{P}[1].revisions: a post with earlier versions needs edited_at, the time of its last edit"),
    (lambda d: _posts(d)[1].update(edited_at="2024-11-01T12:45:00+00:00"),
     f"{P}[1].edited_at: not the time of the last of its revisions"),
    (lambda d: _posts(d)[1]["revisions"][0].update(by="x"), f"{P}[1].revisions[0].by: unknown field"),
    (lambda d: d["themes"][0]["guest_experts"][0].update(user="nobody@example.org"),
     'themes[0].guest_experts[0].user: no user with email "nobody@example.org" in the file or in the forum'),
    (lambda d: d["themes"][0]["guest_experts"].append(dict(d["themes"][0]["guest_experts"][0])),
     'themes[0].guest_experts[1].user: "brett@example.org" is already a guest expert of this theme'),
    (lambda d: d["themes"][0]["guest_experts"][0].pop("panelist"), "themes[0].guest_experts[0].panelist: missing"),
    (lambda d: d["themes"][0]["panel_questions"][0].update(post="zz"),
     'themes[0].panel_questions[0].post: no post with key "zz"'),
    (lambda d: d["themes"][0]["panel_questions"][1].update(status="done"),
     'themes[0].panel_questions[1].status: "done" is not one of queued, scheduled, published, dismissed, answered_live'),
    (lambda d: d["themes"][0]["panel_questions"][1].update(status="scheduled"),
     "themes[0].panel_questions[1].publish_at: a scheduled question needs a time to be published"),
    (lambda d: d["themes"][0]["panel_questions"][3].update(asked_by_member="nobody@example.org"),
     'themes[0].panel_questions[3].asked_by_member: no user with email "nobody@example.org" in the file or in the forum'),
    (lambda d: d["themes"][0]["panel_questions"][2].update(answered_at_second="12:34"),
     "themes[0].panel_questions[2].answered_at_second: expected a number, got a string"),
    (lambda d: d["themes"][0]["panel_questions"][1].update(answered_at_second=60),
     'themes[0].panel_questions[1].answered_at_second: only a question answered live has one; this one is "queued"'),
    (lambda d: d["themes"][0]["panel_questions"][3].update(source="twitter"),
     'themes[0].panel_questions[3].source: "twitter" is not one of webinar_qa, webinar_chat, email, forum'),
    (lambda d: d["users"][0].update(password_hash="md5$abc$900150983cd24fb0d6963f7d28e17f72"),
     "users[0].password_hash: not a password hash the forum writes (pbkdf2:sha256 or scrypt, as werkzeug makes them)"),
    (lambda d: d["users"][0].update(password_hash="pbkdf2:sha256:900000000$salt$" + "ab" * 32),
     "users[0].password_hash: pbkdf2 with 900,000,000 iterations (allowed: 1,000 to 2,000,000)"),
    (lambda d: _posts(d)[0].update(created_at="9999-12-31T23:59:59-05:00"),
     f'{P}[0].created_at: "9999-12-31T23:59:59-05:00" is outside the years the forum holds (1900 to 2999)'),
]


@pytest.mark.parametrize("break_it, problem", INVALID, ids=[problem.split(":")[0] + f"#{n}"
                                                           for n, (_, problem) in enumerate(INVALID)])
def test_a_broken_archive_names_the_problem_and_changes_nothing(app, runner, tmp_path, make_user,
                                                                break_it, problem):
    make_user()  # a forum in use, not an empty one
    before = counts(app)
    doc = archive()
    break_it(doc)
    result = import_file(runner, write(tmp_path, doc))
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line != "Checking"]
    assert problems[0] == problem, result.output  # the cause first; some problems bring others
    assert problems[-1].startswith("Error: Nothing was imported: ")
    assert counts(app) == before


def test_a_theme_slug_already_in_the_forum_is_refused(app, runner, tmp_path, make_theme):
    make_theme(slug="makerspaces")
    before = counts(app)
    result = import_file(runner, write(tmp_path, archive()))
    assert result.exit_code == 1
    assert 'themes[0].slug: the forum already has a theme "makerspaces"' in result.output.splitlines()
    assert counts(app) == before


def test_every_problem_is_reported_at_once(app, runner, tmp_path):
    doc = archive()
    doc["users"].append(doc["users"][1])  # twice
    _posts(doc)[4]["author"] = "ghost@example.org"
    _posts(doc)[3]["parent"] = "nope"
    doc["themes"][0]["panel"]["recording_url"] = "ftp://example.org/x"
    result = import_file(runner, write(tmp_path, doc))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for expected in ('users[2].email: "brett@example.org" is already the email of users[1]',
                     f'{P}[4].author: no user with email "ghost@example.org" in the file or in the forum',
                     f'{P}[3].parent: no post with key "nope"',
                     'themes[0].panel.recording_url: "ftp://example.org/x" is not a web address starting '
                     'with https:// or http://'):
        assert expected in lines
    assert "Nothing was imported: 4 problems in the archive." in result.output
    assert counts(app)["Post"] == 0


def test_users_may_come_after_the_themes_that_name_them(app, runner, tmp_path):
    doc = archive()
    text = json.dumps({"themes": doc["themes"], "users": doc["users"], "format": 1})
    result = import_file(runner, write(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert counts(app)["Post"] == 7


def test_a_field_given_twice_is_a_problem(app, runner, tmp_path):
    text = json.dumps(archive()).replace('"key": "a1",', '"key": "a1", "key": "a9",', 1)
    result = import_file(runner, write(tmp_path, text))
    assert result.exit_code == 1
    assert f"{P}[0].key: appears twice in the same object" in result.output.splitlines()


@pytest.mark.parametrize("cut, message", [
    (lambda text: text[: len(text) // 2], "the file ends too early: it looks truncated (nothing was imported)"),
    (lambda text: text + "\n{}", "not valid JSON here (trailing garbage)"),
    (lambda text: text.replace('"key": "a2",', '"key": "a2" "parent": ', 1), "not valid JSON here"),
    (lambda text: "", "the file ends too early"),
])
def test_a_corrupt_or_truncated_file_changes_nothing(app, runner, tmp_path, make_user, cut, message):
    make_user()
    before = counts(app)
    result = import_file(runner, write(tmp_path, cut(json.dumps(archive(), indent=1))))
    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing was imported" in result.output
    assert counts(app) == before


@pytest.mark.parametrize("where, path", [
    ('"body": "A parent volunteer."', f"{P}[2].body"),
    ('"bio": "Coach."', "users[0].bio"),
    ('"summary": "Building things."', "themes[0].summary"),
    ('"format": 1', "format"),
])
def test_deeply_nested_json_is_refused_with_its_path(app, runner, tmp_path, make_user, where, path):
    make_user()
    before = counts(app)
    key = where.split(":")[0]
    nested = f"{key}: " + "[" * 200_000 + "]" * 200_000  # deeper than Python's recursion limit
    result = import_file(runner, write(tmp_path, json.dumps(archive()).replace(where, nested, 1)))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    problem = next(line for line in result.output.splitlines() if line.startswith(path))
    assert problem.endswith("nested more than 16 levels deep (an archive needs 7)")
    assert "Nothing was imported" in result.output
    assert counts(app) == before


def test_a_binary_file_is_refused(app, runner, tmp_path):
    path = tmp_path / "archive.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = import_file(runner, str(path))
    assert result.exit_code == 1
    assert "not valid JSON here (invalid char in json text)" in result.output


def test_a_file_that_is_not_an_archive_is_refused(app, runner, tmp_path):
    result = import_file(runner, write(tmp_path, [1, 2, 3]))
    assert result.exit_code == 1
    assert 'an archive is one JSON object: {"format": 1, "users": [...], "themes": [...]}' in result.output


# Export and round trips --------------------------------------------------------

def test_export_leaves_out_password_hashes_unless_asked(app, runner, make_user):
    make_user(email="rosa@example.org", display_name="Rosa Delgado")
    plain = json.loads(export_text(runner))
    assert plain["format"] == 1 and plain["themes"] == []
    assert "password_hash" not in plain["users"][0]
    with_hashes = json.loads(export_text(runner, "--with-password-hashes"))
    assert with_hashes["users"][0]["password_hash"].startswith("pbkdf2:")


def test_export_writes_a_file(app, runner, tmp_path, make_user):
    make_user()
    path = tmp_path / "backup.json"
    result = runner.invoke(args=["archive", "export", str(path)])
    assert result.exit_code == 0
    assert "Exported 1 members, 0 themes, 0 threads and 0 posts." in result.output
    assert json.loads(path.read_text(encoding="utf-8"))["users"][0]["email"] == "member@example.org"


@pytest.mark.parametrize("options", [(), ("--with-password-hashes",)])
def test_demo_round_trip_gives_the_same_document(app, runner, make_app, tmp_path, options):
    with app.app_context():
        demo.load()
    first = export_text(runner, *options)
    copy_app = make_app("copy")
    copy_runner = copy_app.test_cli_runner()
    result = import_file(copy_runner, write(tmp_path, first, "demo.json"))
    assert result.exit_code == 0, result.output
    assert "(posts kept their ids)" in result.output
    assert export_text(copy_runner, *options) == first
    # Permalinks of the original still land on the same posts.
    with app.app_context():
        original = db.session.execute(select(Post.id, Post.body, Post.path).order_by(Post.id)).all()
    with copy_app.app_context():
        copied = db.session.execute(select(Post.id, Post.body, Post.path).order_by(Post.id)).all()
    assert copied == original


def test_a_forum_moves_from_sqlite_to_this_runs_database(app, runner, tmp_path):
    """README's way to move to PostgreSQL: export from SQLite, import there (run with TEST_DATABASE=postgresql)."""
    source_uri = SQLiteDatabases.uri(tmp_path / "old-forum.sqlite3")
    migrate(source_uri)
    source = create_app({"TESTING": True, "SECRET_KEY": "test secret key, long enough for the checks here",
                         "SQLALCHEMY_DATABASE_URI": source_uri, "SEARCH_INDEX_DIR": str(tmp_path / "old-index")})
    with source.app_context():
        demo.load()
    exported = export_text(source.test_cli_runner(), "--with-password-hashes")

    result = import_file(runner, write(tmp_path, exported, "move.json"))
    assert result.exit_code == 0, result.output
    assert export_text(runner, "--with-password-hashes") == exported
    # New rows take ids after the imported ones (PostgreSQL's sequences were moved on).
    result = runner.invoke(args=["users", "create", "--email", "new.member@example.org",
                                 "--display-name", "New Member", "--role", "member", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        thread = db.session.scalar(select(Thread).order_by(Thread.id))
        newest = seed_reply(thread, User.by_email("new.member@example.org"), "Glad to have found this.")
        assert newest.id > max(db.session.scalars(select(Post.id).where(Post.id != newest.id)))


def test_panel_questions_new_fields_round_trip_byte_for_byte(app, runner, make_app, tmp_path):
    """The minute answered live, the show-ahead flag and the member who asked on the forum survive
    export, import and export again; questions without them are written as before."""
    assert import_file(runner, write(tmp_path, archive())).exit_code == 0
    first = export_text(runner)
    questions = json.loads(first)["themes"][0]["panel_questions"]
    assert [sorted(set(q) - {"question", "asked_by", "source", "status", "publish_at"}) for q in questions] == [
        ["post"], [], ["answered_at_second"], ["asked_by_member", "show_ahead"]]
    assert questions[3]["asked_by_member"] == "brett@example.org"
    copy_runner = make_app("copy").test_cli_runner()
    assert import_file(copy_runner, write(tmp_path, first, "first.json")).exit_code == 0
    assert export_text(copy_runner) == first


def test_guest_experts_round_trip_and_older_archives_have_none(app, runner, make_app, tmp_path):
    assert import_file(runner, write(tmp_path, archive())).exit_code == 0
    first = export_text(runner)
    [theme] = json.loads(first)["themes"]
    assert theme["guest_experts"] == [{"user": "brett@example.org", "panelist": "Ana Martínez",
                                       "invited_at": "2024-10-20T16:00:00+00:00", "emails_declined": True}]
    copy_runner = make_app("copy").test_cli_runner()
    assert import_file(copy_runner, write(tmp_path, first, "first.json")).exit_code == 0
    assert export_text(copy_runner) == first
    # A file written before guest experts (none in it) loads, and exports without the field.
    older = archive()
    del older["themes"][0]["guest_experts"]
    older["themes"][0]["slug"] = "older"
    assert import_file(runner, write(tmp_path, older, "older.json")).exit_code == 0
    assert ["guest_experts" in t for t in json.loads(export_text(runner))["themes"]] == [True, False]


def test_generated_archive_round_trips_byte_for_byte(app, runner, make_app, tmp_path):
    out = io.StringIO()
    generate(out, posts=300, seed=7)
    generated = out.getvalue()
    doc = json.loads(generated)
    posts = [p for t in doc["themes"] for thread in t["threads"] for p in thread["posts"]]
    assert {"edited_at", "deleted", "hidden", "parent"} <= {k for p in posts for k in p}
    assert any(q.get("post") for t in doc["themes"] for q in t["panel_questions"])

    assert import_file(runner, write(tmp_path, generated, "generated.json")).exit_code == 0
    first = export_text(runner, "--with-password-hashes")
    assert first == generated
    with app.app_context():
        assert db.session.scalar(select(func.max(Post.depth))) == 8

    copy_runner = make_app("copy").test_cli_runner()
    assert import_file(copy_runner, write(tmp_path, first, "first.json")).exit_code == 0
    assert export_text(copy_runner, "--with-password-hashes") == first


def test_into_a_forum_with_posts_ids_are_new_and_follow_the_conversation(app, runner, tmp_path, make_user,
                                                                        make_theme, make_thread):
    author = make_user()
    make_theme(slug="existing")
    make_thread("existing", author)
    out = io.StringIO()
    generate(out, posts=120, seed=3)
    result = import_file(runner, write(tmp_path, out.getvalue()))
    assert result.exit_code == 0, result.output
    assert "kept their ids" not in result.output
    with app.app_context():
        rows = db.session.execute(select(Post.thread_id, Post.id, Post.created_at, Post.path, Post.parent_id)
                                  .where(Post.id > 1).order_by(Post.thread_id, Post.path)).all()
        paths = {row.id: row.path for row in rows}
        for row in rows:
            expected = path_segment(row.id) if row.parent_id is None else f"{paths[row.parent_id]}.{path_segment(row.id)}"
            assert row.path == expected
        by_thread = {}
        for row in rows:
            by_thread.setdefault(row.thread_id, []).append(row)
        for thread_rows in by_thread.values():
            ids_by_time = [row.id for row in sorted(thread_rows, key=lambda row: (row.created_at, row.id))]
            assert ids_by_time == sorted(ids_by_time)  # ids follow the conversation's times


def test_a_thread_key_names_the_opening_post(app, runner, tmp_path):
    doc = archive()
    _posts(doc)[0]["parent"] = "t1"  # the same as leaving parent out
    doc["themes"][0]["panel_questions"][0]["post"] = "t1"
    assert import_file(runner, write(tmp_path, doc)).exit_code == 0
    with app.app_context():
        opening = db.session.scalar(select(Post).where(Post.body == "How did you start yours?"))
        a1 = db.session.scalar(select(Post).where(Post.body.startswith("We turned")))
        assert (a1.parent_id, a1.depth) == (opening.id, 1)
        assert db.session.scalar(select(PanelQuestion.post_id).where(PanelQuestion.status == "published")) == opening.id


def test_an_opening_post_can_be_edited_deleted_or_hidden(app, runner, tmp_path):
    doc = archive()
    doc["themes"][0]["threads"][1].update(edited_at="2024-11-03T09:00:00+00:00", deleted=True)
    assert import_file(runner, write(tmp_path, doc)).exit_code == 0
    with app.app_context():
        opening = db.session.scalar(select(Post).where(Post.body.startswith("Makerspaces need")))
        assert opening.deleted_at == opening.edited_at == datetime(2024, 11, 3, 9, 0, tzinfo=timezone.utc)
    thread = json.loads(export_text(runner))["themes"][0]["threads"][1]
    assert (thread["edited_at"], thread["deleted"]) == ("2024-11-03T09:00:00+00:00", True)


def test_revisions_load_and_round_trip_byte_for_byte(app, runner, client, make_app, tmp_path):
    """Earlier versions of a reply and of an opening post edited by a moderator: loaded, shown, exported the same."""
    doc = archive()
    doc["themes"][0]["threads"][1].update(edited_at="2024-11-03T10:00:00+00:00", revisions=[
        {"body": "Makerspaces need money.", "edited_by": "brett@example.org", "edited_at": "2024-11-03T09:00:00+00:00"},
        {"body": "Makerspaces need a budget.", "edited_by": "julie.ortiz@example.org",
         "edited_at": "2024-11-03T10:00:00+00:00"}])
    assert import_file(runner, write(tmp_path, doc)).exit_code == 0
    with app.app_context():
        opening = db.session.scalar(select(Post).where(Post.body.startswith("Makerspaces need")))
        assert opening.edited_by_moderator  # the last edit was Julie's, not the author's
        opening_id = opening.id
    page = client.get(f"/posts/{opening_id}/history").get_data(as_text=True)
    assert "Version 3 (current)" in page and "Makerspaces need money." in page
    assert "Edited by <bdi>Julie Ortiz</bdi>, a moderator" in page

    first = export_text(runner)
    exported = json.loads(first)["themes"][0]["threads"]
    assert exported[1]["revisions"] == doc["themes"][0]["threads"][1]["revisions"]
    assert exported[0]["posts"][1]["revisions"] == _posts(doc)[1]["revisions"]
    assert "revisions" not in exported[0]["posts"][0]  # never edited: no empty list
    copy_runner = make_app("copy").test_cli_runner()
    assert import_file(copy_runner, write(tmp_path, first, "first.json")).exit_code == 0
    assert export_text(copy_runner) == first


def test_a_file_changed_between_the_passes_is_not_imported(app, tmp_path, make_user):
    from forum import archive as archive_io

    make_user()
    path = write(tmp_path, archive())
    before = counts(app)
    with app.app_context():
        facts = archive_io.check(path)
        doc = archive()
        _posts(doc)[0]["body"] = "Something else entirely."
        write(tmp_path, doc)
        with pytest.raises(archive_io.ArchiveInvalid) as raised:
            archive_io.load(path, facts)
    assert raised.value.problems.messages[-1] == "the file changed after it was checked: nothing was imported"
    assert counts(app) == before


def test_a_failure_while_inserting_leaves_nothing_behind(app, tmp_path, make_user, monkeypatch):
    from forum import archive as archive_io
    from forum.discussions import post_rows
    from forum.archive import loading

    make_user()
    path = write(tmp_path, archive())
    before = counts(app)
    rendered = []

    def render_then_fail(body, mentions=None):
        rendered.append(body)
        if len(rendered) == 4:
            raise OSError("disk full")
        return f"<p>{body}</p>"

    monkeypatch.setattr(post_rows, "render_markdown", render_then_fail)
    monkeypatch.setattr(loading, "BATCH", 2)  # some rows are already inserted when it fails
    with app.app_context():
        facts = archive_io.check(path)
        with pytest.raises(OSError):
            archive_io.load(path, facts)
    assert counts(app) == before


def test_past_a_thousand_problems_only_the_count_grows(app, runner, tmp_path):
    doc = archive()
    _posts(doc).extend({"key": f"x{n}", "author": "ghost@example.org", "created_at": "2024-11-05T00:00:00Z",
                        "body": "Boo."} for n in range(1200))
    result = import_file(runner, write(tmp_path, doc))
    assert result.exit_code == 1
    assert "... and 200 more." in result.output
    assert "Nothing was imported: 1,200 problems in the archive." in result.output


def test_an_export_file_is_for_its_owner_only(app, runner, tmp_path):
    path = tmp_path / "backup.json"
    assert runner.invoke(args=["archive", "export", str(path)]).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_documented_example_imports(runner, tmp_path):
    """The small archive shown in docs/archive-format.md stays a valid one."""
    import re

    document = (ROOT / "docs" / "archive-format.md").read_text()
    example = tmp_path / "example.json"
    example.write_text(re.search(r"```json\n(.*?)```", document, re.S).group(1))
    result = runner.invoke(args=["archive", "import", str(example)])
    assert result.exit_code == 0, result.output
    assert "3 posts and 1 panel questions" in result.output
