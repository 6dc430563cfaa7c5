"""Members report posts; moderators hide them or keep them up; reporters are told."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forum.core.extensions import db
from forum.models import Notification, Post, Report
from tests.conftest import audit_actions, csrf_from


@pytest.fixture
def reported(app, make_user, make_theme, make_thread, add_reply):
    """A member's thread with a reply by another member; two more members to report it."""
    ids = {"author": make_user(email="author@example.org", display_name="Ann Author"),
           "reader": make_user(email="member@example.org", display_name="Maria Lopez"),
           "other": make_user(email="other@example.org", display_name="Oscar Other"),
           "mod": make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")}
    make_theme()
    ids["thread"], ids["opening"] = make_thread("finding-time", ids["reader"])
    ids["post"] = add_reply(ids["thread"], ids["author"], "Buy cheap sunglasses at example.com", ids["opening"])
    return ids


def report(forms, post_id, reason="Advertising, not a reply."):
    return forms.post(f"/posts/{post_id}/report", {"reason": reason})


def reports_of(app, post_id):
    with app.app_context():
        return db.session.scalars(select(Report).where(Report.post_id == post_id).order_by(Report.id)).all()


def test_a_member_reports_a_post_once(app, client, auth, forms, reported):
    auth.login()
    page = client.get(f"/threads/{reported['thread']}").get_data(as_text=True)
    # Report is written once in the page's actions (the script puts it in each post that takes it):
    # the reply takes the page's actions, the reader's own opening post says it takes none.
    assert re.search(r'<template id="post-actions" data-can="report" data-slot="(\d+)"[^>]*>\s*'
                     r'<a href="/posts/\1" class="post__permalink">Permalink</a>\s*'
                     r'<a href="/posts/\1/report" class="post__report" data-action="report">Report</a>', page)
    assert not re.search(rf'<article [^>]*id="post-{reported["post"]}"[^>]* data-can=', page)
    assert re.search(rf'<article [^>]*id="post-{reported["opening"]}"[^>]* data-can="">', page)  # one's own
    response = report(forms, reported["post"])
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#post-{reported['post']}")
    [filed] = reports_of(app, reported["post"])
    assert (filed.reason, filed.resolved_at) == ("Advertising, not a reply.", None)
    again = report(forms, reported["post"], "Still spam")
    assert again.status_code == 302
    assert "You reported this post already" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(reports_of(app, reported["post"])) == 1


def test_a_report_needs_a_reason_and_keeps_what_was_typed(app, client, auth, forms, reported):
    auth.login()
    empty = report(forms, reported["post"], "   ")
    assert empty.status_code == 200 and "Say what is wrong with the post" in empty.get_data(as_text=True)
    long = report(forms, reported["post"], "x" * 301)
    page = long.get_data(as_text=True)
    assert long.status_code == 200 and "Keep it under 300 characters." in page and "x" * 301 in page
    assert reports_of(app, reported["post"]) == []


@pytest.mark.parametrize("who, code", [(None, 302), ("author@example.org", 403)])
def test_visitors_and_authors_cannot_report(app, client, auth, reported, who, code):
    if who:
        auth.login(email=who)
    token = csrf_from(client.get("/login" if who is None else "/").get_data(as_text=True))
    response = client.post(f"/posts/{reported['post']}/report", data={"csrf_token": token, "reason": "x"})
    assert response.status_code == code
    assert reports_of(app, reported["post"]) == []


def test_reports_are_limited_per_hour(app, auth, forms, reported, make_thread, add_reply):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "report": [1, 3600]}
    second = add_reply(reported["thread"], reported["author"], "More advertising", reported["opening"])
    auth.login()
    assert report(forms, reported["post"]).status_code == 302
    refused = report(forms, second, "Also advertising")
    assert refused.status_code == 429 and "Also advertising" in refused.get_data(as_text=True)
    assert reports_of(app, second) == []


def test_hiding_a_reported_post_tells_every_reporter(app, client, auth, forms, reported):
    for email in ("member@example.org", "other@example.org"):
        auth.login(email=email)
        report(forms, reported["post"], f"Spam, says {email}")
        auth.logout()
    auth.login(email="mod@example.org")
    queue = client.get("/moderate/reports").get_data(as_text=True)
    assert "Reported 2 times" in queue and "Spam, says other@example.org" in queue
    assert "Reported posts (1 waiting)" in client.get("/moderate/").get_data(as_text=True)
    response = forms.post(f"/moderate/reports/{reported['post']}/hide", {"reason": "Advertising"},
                          page="/moderate/reports")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Post, reported["post"]).hidden_at is not None
        told = db.session.execute(select(Notification.user_id, Notification.kind)
                                  .where(Notification.post_id == reported["post"])
                                  .order_by(Notification.user_id)).all()
    assert told == [(reported["reader"], "report_hidden"), (reported["other"], "report_hidden")]
    assert all(r.outcome == "hidden" for r in reports_of(app, reported["post"]))
    assert audit_actions(app) == ["post.hide"]
    assert "No reported posts are waiting." in client.get("/moderate/reports").get_data(as_text=True)

    auth.logout()
    auth.login()
    bell = client.get("/notifications").get_data(as_text=True)
    assert "A post you reported in “How do you find time?” was hidden by a moderator." in bell
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id).where(
            Notification.user_id == reported["reader"]))
    opened = forms.post(f"/notifications/{notification_id}/open", {}, page="/notifications")
    assert opened.headers["Location"] == f"/threads/{reported['thread']}"  # the post itself is gone


def test_keeping_a_reported_post_up_tells_the_reporter(app, client, auth, forms, reported):
    auth.login()
    report(forms, reported["post"])
    auth.logout()
    auth.login(email="mod@example.org")
    response = forms.post(f"/moderate/reports/{reported['post']}/keep", {}, page="/moderate/reports")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Post, reported["post"]).hidden_at is None
        [told] = db.session.execute(select(Notification.user_id, Notification.kind)).all()
    assert told == (reported["reader"], "report_kept")
    assert [r.outcome for r in reports_of(app, reported["post"])] == ["kept"]
    assert audit_actions(app) == ["post.keep"]


def test_hiding_from_the_thread_page_closes_the_reports_too(app, auth, forms, reported):
    auth.login()
    report(forms, reported["post"])
    auth.logout()
    auth.login(email="mod@example.org")
    forms.post(f"/moderate/posts/{reported['post']}/hide", {"reason": "Spam"}, page=f"/threads/{reported['thread']}")
    assert [r.outcome for r in reports_of(app, reported["post"])] == ["hidden"]


def test_the_outcome_reaches_the_reporter_by_email_with_a_link_that_works(app, mail_server, auth, forms,
                                                                          reported):
    from forum.worker import loop as worker

    auth.login()
    report(forms, reported["post"])
    auth.logout()
    auth.login(email="mod@example.org")
    forms.post(f"/moderate/reports/{reported['post']}/hide", {"reason": "Advertising"}, page="/moderate/reports")
    with app.app_context():
        worker.run_once()
    [mail] = mail_server.to("member@example.org")
    assert mail["Subject"] == "A post you reported in “How do you find time?” was hidden by a moderator. Thank you."
    assert f"/threads/{reported['thread']}" in mail.get_body(preferencelist=("plain",)).get_content()
