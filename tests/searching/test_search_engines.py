"""Choosing a search engine, and refusing to start with one that would answer wrongly."""
from __future__ import annotations

import re

import pytest

import search
from forum import create_app
from search.whoosh_engine import patches
from tests.conftest import seed_thread

SETTINGS = {"TESTING": True, "SECRET_KEY": "test secret key, long enough for the checks here"}


def test_an_unknown_engine_is_named_at_start_up(database_uri):
    with pytest.raises(search.SearchConfigError, match="SEARCH_BACKEND='elastic': use one of postgres, whoosh"):
        create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri, "SEARCH_BACKEND": "elastic"})


def test_another_whoosh_version_stops_start_up_with_what_to_do(database_uri, monkeypatch):
    monkeypatch.setattr(patches, "installed_version", lambda: "2.8.0")
    with pytest.raises(patches.WrongWhooshVersion) as raised:
        create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    message = str(raised.value)
    assert "patches Whoosh 2.7.5 but 2.8.0 is installed" in message
    assert "whoosh-reloaded==2.7.5" in message


def test_the_installed_whoosh_is_the_one_the_patches_were_written_for():
    assert patches.installed_version() == patches.WRITTEN_FOR


def test_the_postgres_engine_refuses_a_database_that_is_not_postgresql(tmp_path):
    with pytest.raises(RuntimeError, match="SEARCH_BACKEND=postgres searches the forum's own PostgreSQL database, "
                                           "but the database is sqlite"):
        create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.sqlite3'}",
                    "SEARCH_BACKEND": "postgres"})


# PostgreSQL's engine: what differs from Whoosh's. The search behaviour both
# share is tested on both in tests/searching/test_search.py.

def _count(app, sql: str) -> int:
    from forum.core.extensions import db

    with app.app_context():
        return db.session.execute(db.text(sql)).scalar()


def _found(client, words: str) -> str:
    return client.get("/search", query_string={"q": words}).get_data(as_text=True)


@pytest.mark.postgres_only
def test_a_post_and_its_search_document_commit_together(app, client, auth, forms, make_user, make_theme,
                                                        make_thread):
    from forum.core.database import recorded_statements
    from forum.core.extensions import db

    assert app.config["SEARCH_BACKEND"] == "postgres"
    make_user()
    make_theme()
    thread_id, _ = make_thread("finding-time", 1)
    auth.login()
    with app.app_context(), recorded_statements(db.engine) as sent:
        response = forms.post(f"/threads/{thread_id}/posts", {"body": "Our axolotl tank needs a heater"},
                              page=f"/threads/{thread_id}")
    assert response.status_code == 302
    # Found at once, with no worker and no outbox row: none is written, none is left.
    assert "1 post found" in _found(client, "axolotl")
    assert not [statement for statement, _ in sent if "search_outbox" in statement]
    assert _count(app, "SELECT count(*) FROM search_outbox") == 0
    # A reply rolled back after it was written (past the posting limit) leaves no document behind either.
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "post": [1, 600]}
    refused = forms.post(f"/threads/{thread_id}/posts", {"body": "Our capybara needs a pool"},
                         page=f"/threads/{thread_id}")
    assert refused.status_code == 429
    assert "No posts found" in _found(client, "capybara")
    assert _count(app, "SELECT count(*) FROM search_documents") == 2


@pytest.mark.postgres_only
def test_switching_to_the_postgres_engine_builds_its_documents_at_init_db(app, client, runner, make_user,
                                                                          make_theme, make_thread):
    """A forum that searched with Whoosh on PostgreSQL: its posts have no documents until a rebuild."""
    from forum.core.extensions import db

    make_user()
    make_theme()
    make_thread("finding-time", 1, title="Pangolin week", body="Scales and claws")
    with app.app_context():
        db.session.execute(db.text("DELETE FROM search_documents"))
        db.session.execute(db.text("DELETE FROM search_built"))
        db.session.commit()
        assert not search.index_exists()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "Search index created (1 posts)" in result.output
    with app.app_context():
        assert search.index_exists()
    assert "1 post found" in _found(client, "pangolin")


@pytest.mark.postgres_only
def test_a_search_past_its_time_limit_is_stopped_with_a_message(app, client, make_user, make_theme,
                                                                make_thread):
    from forum.core.extensions import db

    make_user()
    make_theme()
    _, opening = make_thread("finding-time", 1)
    with app.app_context():
        # 30,000 replies, written straight in SQL: ranking them all takes far longer than 1 ms.
        db.session.execute(db.text(
            "INSERT INTO posts (thread_id, parent_id, author_id, path, depth, body, html, markup_version, "
            "created_at, hidden_reason) SELECT thread_id, id, author_id, '', 1, body, html, markup_version, "
            "created_at, '' FROM posts CROSS JOIN generate_series(1, 30000) WHERE id = :opening"),
            {"opening": opening})
        db.session.execute(db.text(
            "INSERT INTO search_documents (post_id, thread_id, theme_slug, year, created_at, author_id, "
            "asked_by, thread_title, body, words) SELECT id, thread_id, 'finding-time', 2026, created_at, "
            "author_id, '', 'Planning', 'common planning time for every team number ' || id, "
            "CAST(:words AS tsvector) FROM posts WHERE id > :opening"),
            {"opening": opening, "words": "'common':1B 'plan':2B 'time':3B 'team':4B"})
        db.session.commit()
    app.config["SEARCH_STATEMENT_TIMEOUT_MS"] = 1
    response = client.get("/search", query_string={"q": "planning OR team OR common"})
    assert response.status_code == 200
    assert "This search took too long and was stopped" in response.get_data(as_text=True)
    # The limit was the search's alone: the rest of the request, and the next one, ran normally.
    app.config["SEARCH_STATEMENT_TIMEOUT_MS"] = 3000
    assert client.get("/search", query_string={"q": "planning"}).status_code == 200


@pytest.mark.postgres_only
def test_a_rebuild_swaps_in_new_documents_while_search_answers_from_the_old(app, client, runner, make_user,
                                                                           make_theme, make_thread):
    """Old and new terms don't mix (an analyser change): searches use the old documents until the swap,
    and what members write meanwhile reaches both."""
    from forum.core.extensions import db
    from forum.models import Post, Theme, User
    from search.postgres_engine import writing

    make_user()
    make_theme()
    _, edited = make_thread("finding-time", 1, title="Edited behind search's back", body="Old words")
    shape = ("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('search_documents', 'search_words') "
             "ORDER BY indexname")
    with app.app_context():
        before = db.session.execute(db.text(shape)).all()
        db.session.get(Post, edited).html = "<p>New words</p>"  # no outbox row: only a rebuild finds it
        db.session.commit()
    seen = []

    def meanwhile(_count):
        if seen:
            return
        seen.append(client.get("/search", query_string={"q": "old"}).get_data(as_text=True))
        with app.test_request_context():
            theme = db.session.scalar(db.select(Theme))
            seed_thread(theme, db.session.get(User, 1), "Written during the rebuild", "Kiln schedules")
            db.session.commit()

    with app.app_context():
        writing.rebuild(progress=meanwhile, batch_size=1)
        after = db.session.execute(db.text(shape)).all()
        valid = db.session.scalar(db.text("SELECT convalidated FROM pg_constraint WHERE conname = :name"),
                                  {"name": writing.DOCUMENT_POST_KEY})
        assert writing.is_built()
    assert "1 post found" in seen[0]  # the old documents, mid-rebuild
    assert "No posts found" in client.get("/search", query_string={"q": "old"}).get_data(as_text=True)
    assert "1 post found" in client.get("/search", query_string={"q": "new"}).get_data(as_text=True)
    assert "1 post found" in client.get("/search", query_string={"q": "kiln"}).get_data(as_text=True)
    assert after == before and valid is True  # same indexes, same names, same foreign key
    # The documents still go when their post does (the key came back with the swap).
    with app.app_context():
        db.session.execute(db.text("DELETE FROM posts WHERE id = :id"), {"id": edited})
        db.session.commit()
        assert db.session.scalar(db.text("SELECT count(*) FROM search_documents WHERE post_id = :id"),
                                 {"id": edited}) == 0


@pytest.mark.postgres_only
def test_one_rebuild_at_a_time(app, runner, make_user, make_theme, make_thread):
    from forum.core.database import read_transaction
    from forum.core.extensions import db
    from search.postgres_engine import writing

    make_user()
    make_theme()
    make_thread("finding-time", 1)
    with app.app_context(), db.engine.connect() as other:
        with read_transaction():  # another machine's rebuild, between its batches
            assert other.scalar(db.text("SELECT pg_try_advisory_lock(:key)"), {"key": writing.REBUILD_LOCK_KEY})
            other.commit()
        result = runner.invoke(args=["search", "rebuild"])
        with read_transaction():
            other.execute(db.text("SELECT pg_advisory_unlock(:key)"), {"key": writing.REBUILD_LOCK_KEY})
            other.commit()
    assert result.exit_code != 0 and "Another `search rebuild` is running" in result.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0


@pytest.mark.every_search_backend
def test_an_index_from_an_earlier_analyser_answers_until_a_rebuild_and_says_so(
        app, client, auth, runner, kiln_thread, search_backend, monkeypatch, caplog):
    """New code meets an index built by the old: searches still answer, admins and the worker are told."""
    from forum.worker import loop as worker
    from search.postgres_engine import writing
    from search.whoosh_engine import index

    # What an upgrade of the analyser does to a built index: its version is no longer today's.
    if search_backend == "whoosh":
        monkeypatch.setattr(index, "SCHEMA_VERSION", index.SCHEMA_VERSION + ".next")
    else:
        monkeypatch.setattr(writing, "VERSION", writing.VERSION + ".next")
    with app.app_context():
        assert not search.index_exists()
        with caplog.at_level("WARNING"):
            worker.run_once()  # its first pass checks the index
    assert search.REBUILD_NEEDED in caplog.text

    auth.login()  # a member: the old index answers, and nothing is said
    assert "1 post found" in _found(client, "kiln")
    assert "search rebuild" not in _found(client, "kiln")
    auth.logout()
    auth.login(email="admin@example.org")
    page = _found(client, "kiln")
    assert "1 post found" in page and "search rebuild" in page

    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert search.index_exists() and search.index_bytes() > 0
    page = _found(client, "kiln")
    assert "1 post found" in page and "search rebuild" not in page


@pytest.mark.postgres_only
def test_a_very_broad_search_is_estimated_and_ranks_its_newest_matches(app, client, archive, monkeypatch):
    from forum.core.extensions import db
    from forum.models import Post
    from search.postgres_engine import querying
    from tests.conftest import results

    exact, page = results(client, q="time")
    assert len(exact) > 3 and re.search(rf"\b{len(exact)} posts found", page) and "About" not in page
    app.config["SEARCH_EXACT_COUNT_UP_TO"] = 2  # as if "time" were in a third of a million posts
    broad, page = results(client, q="time")
    assert f"About {len(exact)} posts found" in page  # a small table is read whole: the estimate is exact
    assert "the best matches among the newest thousand" in page and "(about " in page
    assert broad == exact  # all of them are among the newest: the same ranking
    monkeypatch.setattr(querying, "BROAD_RANKED", 3)
    newest_three, _ = results(client, q="time")
    with app.app_context():
        by_date = db.session.execute(db.select(Post.id).where(Post.id.in_(exact))
                                     .order_by(Post.created_at.desc(), Post.id.desc())).scalars().all()
    assert sorted(newest_three) == sorted(by_date[:3])
    assert newest_three == [post_id for post_id in exact if post_id in by_date[:3]]  # in rank order
    _, by_date_page = results(client, q="time", sort="newest")
    assert "the best matches among the newest thousand" not in by_date_page


def test_estimated_counts_read_as_two_significant_figures():
    from search.postgres_engine.querying import about

    assert [about(n) for n in (0.2, 7, 42, 123, 1234, 328_661, 12.6)] == [1, 7, 42, 120, 1200, 330_000, 13]


@pytest.mark.postgres_only
def test_the_benchmark_times_the_statements_a_search_sends_did_you_mean_included(app, client, archive):
    from forum.core.database import read_transaction
    from search.request import SearchRequest

    assert "Did you mean" in _found(client, "colaboration")
    with app.test_request_context(), read_transaction():
        with search.bare(SearchRequest(text="colaboration", resolved=True)) as replay:
            replay()
            replay()
        assert any("FROM search_documents" in statement for statement in replay.statements)
        assert any("FROM search_words" in statement for statement in replay.statements)


@pytest.mark.postgres_only
def test_a_narrow_search_finds_its_matches_once_and_pages_them_by_key(app, client, archive):
    from forum.core.database import read_transaction
    from search.request import SearchRequest
    from tests.conftest import results

    ranked, _ = results(client, q='"planning time"')
    newest, _ = results(client, q="time", sort="newest")
    assert len(ranked) == 2 and len(newest) > 3
    with app.test_request_context(), read_transaction():
        for request in (SearchRequest(text='"planning time"', resolved=True),
                        SearchRequest(text="time", newest_first=True, page=1, resolved=True)):
            with search.bare(request) as replay:
                searches = [statement for statement in replay.statements if "@@" in statement]
            assert len(searches) == 1 and "LIMIT" in searches[0]


@pytest.mark.postgres_only
def test_a_broad_search_on_a_large_table_reads_its_estimate_once_then_only_its_page(app, client, archive,
                                                                                     monkeypatch):
    """Issue 36: newest first, a broad search's page took a millisecond and its counts 35 more."""
    from forum.core.database import recorded_statements
    from forum.core.extensions import db
    from search.postgres_engine import querying
    from tests.conftest import results

    exact, _ = results(client, q="time", sort="newest")
    app.config["SEARCH_EXACT_COUNT_UP_TO"] = 2
    # As if the table held more rows than the sample reads: its counts are estimates anyway.
    monkeypatch.setattr(querying, "_sample_percent", lambda: (99.0, 1000.0))
    querying.forget_counts()

    def searched() -> tuple[list[int], str, list[str]]:
        with app.app_context(), recorded_statements(db.engine) as sent:
            found, page = results(client, q="time", sort="newest")
        return found, re.search(r"About [\d,]+ posts? found", page).group(0), \
            [statement for statement, _ in sent if "search_documents" in statement]

    first, about_first, sent_first = searched()
    again, about_again, sent_again = searched()
    assert first == again == exact[:len(first)] and about_first == about_again
    assert any("TABLESAMPLE" in statement for statement in sent_first)
    assert len(sent_again) == 1 and "ORDER BY created_at DESC" in sent_again[0]  # the page alone

    monkeypatch.setattr(querying, "BROAD_COUNTS_SECONDS", -1)  # a kept estimate expires
    *_, sent_late = searched()
    assert any("TABLESAMPLE" in statement for statement in sent_late)
