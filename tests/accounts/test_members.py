"""The member directory, profiles, settings, sessions and roles."""
from __future__ import annotations

import pytest

from forum.core.extensions import db
from forum.models import User
from tests.conftest import PASSWORD, Auth, Forms, csrf_from


def signed_in(client) -> bool:
    return 'class="user-name"' in client.get("/members").get_data(as_text=True)


def _user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def test_profile_shows_public_fields_not_email(app, client, make_user):
    app.config["MEMBER_PAGES_PUBLIC"] = True
    user_id = make_user(position="Middle school science coach", organisation="Lincoln MS",
                        location="Tulsa, OK", bio="Twenty years in classrooms.")
    html = client.get(f"/members/{user_id}").get_data(as_text=True)
    for text in ["Maria Lopez", "Middle school science coach", "Lincoln MS", "Tulsa, OK",
                 "Twenty years in classrooms.", "Joined", "<time datetime="]:
        assert text in html
    assert "member@example.org" not in html


def test_profile_escapes_user_text(app, client, make_user):
    app.config["MEMBER_PAGES_PUBLIC"] = True
    user_id = make_user(display_name="<script>alert(1)</script>", bio="<img src=x onerror=alert(1)>")
    html = client.get(f"/members/{user_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_directory_search_and_pagination(app, client, make_user):
    app.config.update(MEMBERS_PER_PAGE=5, MEMBER_PAGES_PUBLIC=True)
    for n in range(12):
        make_user(email=f"m{n}@example.org", display_name=f"Teacher {n:02d} Smith")
    make_user(email="jw@example.org", display_name="Jackie Wheeler")
    first = client.get("/members").get_data(as_text=True)
    assert "13 members" in first and "Page 1 of 3" in first
    assert "Jackie Wheeler" in first  # alphabetical, case-insensitive
    assert "Teacher 11 Smith" in client.get("/members?page=3").get_data(as_text=True)
    found = client.get("/members?q=wheel").get_data(as_text=True)
    assert "Jackie Wheeler" in found and "Teacher 01" not in found
    assert "No member" in client.get("/members?q=%25").get_data(as_text=True)  # % is literal
    assert client.get("/members?page=99").status_code == 200


def test_settings_requires_login(client):
    assert client.get("/settings").status_code == 302


def test_edit_own_profile(app, client, auth, forms, make_user):
    user_id = make_user()
    auth.login()
    response = forms.post("/settings", {"display_name": "Maria L. Lopez",
                                        "position": "Physics teacher", "organisation": "Central HS",
                                        "location": "Denver", "bio": "Line one\n\nLine two",
                                        "role": "admin"})
    assert response.status_code == 302
    user = _user(app, user_id)
    assert (user.display_name, user.position, user.role) == ("Maria L. Lopez", "Physics teacher", "member")
    assert "Physics teacher" in client.get(f"/members/{user_id}").get_data(as_text=True)


def test_profile_errors_keep_what_was_typed(client, auth, forms, make_user):
    make_user()
    auth.login()
    response = forms.post("/settings", {"display_name": "", "position": "Coach", "bio": "x" * 2001})
    html = response.get_data(as_text=True)
    assert "can&#39;t be empty" in html and "under 2,000 characters" in html
    assert 'value="Coach"' in html


def test_change_password_signs_out_other_sessions(app, make_user):
    make_user()
    laptop, phone = app.test_client(), app.test_client()
    Auth(Forms(laptop)).login()
    Auth(Forms(phone)).login()
    response = Forms(laptop).post("/settings/password", {
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm_password": "a brand new passphrase"}, page="/settings")
    assert response.status_code == 302
    assert signed_in(laptop)  # this session stays
    assert not signed_in(phone)  # the other is out
    assert Auth(Forms(phone)).login(password="a brand new passphrase").status_code == 302


def test_change_password_checks_current_and_confirmation(client, auth, forms, make_user):
    make_user()
    auth.login()
    html = forms.post("/settings/password", {"current_password": "wrong one here",
                                             "new_password": "a brand new passphrase",
                                             "confirm_password": "a brand new passphrase"},
                      page="/settings").get_data(as_text=True)
    assert "isn&#39;t your current password" in html
    html = forms.post("/settings/password", {"current_password": PASSWORD,
                                             "new_password": "a brand new passphrase",
                                             "confirm_password": "something else"},
                      page="/settings").get_data(as_text=True)
    assert "don&#39;t match" in html


def test_sign_out_everywhere_keeps_this_session(app, make_user):
    make_user()
    here, there = app.test_client(), app.test_client()
    Auth(Forms(here)).login()
    Auth(Forms(there)).login()
    Forms(here).post("/settings/sign-out-everywhere", {}, page="/settings")
    assert signed_in(here)
    assert not signed_in(there)


# Roles ---------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [(None, 302), ("member", 403), ("moderator", 403), ("admin", 200)])
def test_admin_pages_by_role(client, auth, make_user, role, status):
    if role:
        make_user(role=role)
        auth.login()
    assert client.get("/admin/members").status_code == status


def test_member_cannot_change_roles(app, client, auth, make_user):
    make_user(role="moderator")
    target = make_user(email="t@example.org", display_name="Target Person")
    auth.login()
    token = csrf_from(client.get("/settings").get_data(as_text=True))
    response = client.post(f"/admin/members/{target}/role", data={"csrf_token": token, f"m{target}-role": "admin"})
    assert response.status_code == 403
    assert _user(app, target).role == "member"


def test_admin_changes_a_role(app, client, auth, forms, make_user):
    make_user(role="admin")
    target = make_user(email="t@example.org", display_name="Target Person")
    auth.login()
    response = forms.post(f"/admin/members/{target}/role", {f"m{target}-role": "moderator"},
                          page="/admin/members", follow_redirects=True)
    assert "Target Person is now moderator" in response.get_data(as_text=True)
    assert _user(app, target).role == "moderator"


def test_admin_role_must_be_a_known_one(app, client, auth, forms, make_user):
    make_user(role="admin")
    target = make_user(email="t@example.org", display_name="Target Person")
    auth.login()
    forms.post(f"/admin/members/{target}/role", {f"m{target}-role": "superuser"}, page="/admin/members")
    assert _user(app, target).role == "member"


def test_last_admin_cannot_step_down(app, client, auth, forms, make_user):
    admin = make_user(role="admin")
    auth.login()
    response = forms.post(f"/admin/members/{admin}/role", {f"m{admin}-role": "member"},
                          page="/admin/members", follow_redirects=True)
    assert "at least one admin" in response.get_data(as_text=True)
    assert _user(app, admin).role == "admin"


# CLI -------------------------------------------------------------------------

def test_cli_creates_users_of_any_role(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Mod@Example.org",
                                 "--display-name", "Beth Heidemann", "--role", "moderator",
                                 "--password", "moderator passphrase"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = User.by_email("mod@example.org")
        assert user.role == "moderator" and user.display_name == "Beth Heidemann"


def test_cli_prompts_for_password(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.org",
                                 "--display-name", "Ann Admin", "--role", "admin"],
                           input="an admin passphrase\nan admin passphrase\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert User.by_email("a@example.org").role == "admin"


@pytest.mark.parametrize("args, message", [
    (["--email", "x@example.org", "--display-name", "X Y", "--password", "short"], "at least 10"),
    (["--email", "nope", "--display-name", "X Y", "--password", "long enough pass"], "not an email"),
    (["--email", "x@example.org", "--display-name", "X Y", "--role", "king", "--password", "long enough pass"], "Invalid value"),
])
def test_cli_rejects_bad_input(runner, args, message):
    result = runner.invoke(args=["users", "create", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_cli_refuses_duplicate_email(runner, make_user):
    make_user()
    result = runner.invoke(args=["users", "create", "--email", "MEMBER@example.org",
                                 "--display-name", "Dup", "--password", "long enough pass"])
    assert result.exit_code != 0 and "already exists" in result.output


def test_init_db_is_repeatable(runner):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0


def test_member_pages_are_for_members_unless_the_forum_opens_them(app, client, auth, make_user):
    member = make_user()
    for url in ("/members", f"/members/{member}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    auth.login()
    assert client.get(f"/members/{member}").status_code == 200
    auth.logout()
    app.config["MEMBER_PAGES_PUBLIC"] = True
    assert client.get("/members").status_code == 200


def test_a_member_may_keep_their_school_and_location_to_themselves(app, client, auth, forms, make_user):
    member = make_user(organisation="Lincoln Middle School", location="Tulsa, OK", position="Science coach")
    make_user(email="other@example.org", display_name="Oscar Other")
    make_user(email="admin@example.org", display_name="Siobhan Brennan", role="admin")
    auth.login()
    settings = client.get("/settings").get_data(as_text=True)
    assert '<input checked id="show_affiliation" name="show_affiliation" type="checkbox"' in settings
    forms.post("/settings", {"display_name": "Maria Lopez", "position": "Science coach",
                             "organisation": "Lincoln Middle School", "location": "Tulsa, OK", "bio": ""})
    assert "Lincoln Middle School" in client.get(f"/members/{member}").get_data(as_text=True)  # still theirs
    auth.logout()
    auth.login(email="other@example.org")
    for url in (f"/members/{member}", "/members"):
        page = client.get(url).get_data(as_text=True)
        assert "Lincoln Middle School" not in page and "Tulsa, OK" not in page
        assert "Science coach" in page  # the position stays
    auth.logout()
    auth.login(email="admin@example.org")
    assert "Tulsa, OK" in client.get(f"/members/{member}").get_data(as_text=True)

    exported = app.test_cli_runner().invoke(args=["archive", "export", "-"]).stdout
    assert exported.count('"affiliation_hidden": true') == 1
