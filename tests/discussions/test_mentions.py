"""@mentions: the rule that decides who a post names, links to profiles, and who is told."""
from __future__ import annotations

import pytest

from forum.worker import loop as worker
from forum.core.extensions import db
from forum.discussions.mentions import find, name_key
from forum.models import User
from tests.conftest import notifications_of, reply_as, signed_in_as

MEMBERS = ["Maria Lopez", "Maria", "José García", "Brett Criswell", "Dr. Alberts", "Siobhán O'Brien",
           "Kim Lee", "Kim Lee"]  # two members named Kim Lee


@pytest.fixture
def members(app, make_user):
    return {name if name != "Kim Lee" or n == 6 else "Kim Lee (2)":
            make_user(email=f"m{n}@example.org", display_name=name) for n, name in enumerate(MEMBERS)}


# (text, the member it names or None)
RULE = [
    ("Thanks @Maria Lopez!", "Maria Lopez"),
    ("thanks @maria lopez.", "Maria Lopez"),
    ("@MariaLopez, what do you think?", "Maria Lopez"),
    ("@maria_lopez agreed", "Maria Lopez"),
    ("As @Maria Lopez's team found", "Maria Lopez"),
    ("@Maria said so", "Maria"),  # the longest run that names someone: "Maria said" names nobody
    ("@Jose Garcia wrote this first", "José García"),  # accents set aside
    ("@JOSÉ GARCÍA", "José García"),
    ("@Siobhan O'Brien", "Siobhán O'Brien"),
    ("@Dr. Alberts", "Dr. Alberts"),
    ("@Brett  Criswell", None),  # two spaces end a name: "@Brett" names nobody
    ("write to maria@lopez.org", None),  # an address, not a mention
    ("@Mаria Lopez", None),  # a Cyrillic а: looks like Maria, names nobody
    ("@Kim Lee", None),  # two members share the name: neither is named
    ("@Nobody Here", None),
    ("@", None),
]


@pytest.mark.parametrize("text, named", RULE)
def test_the_mention_rule(app, members, text, named):
    with app.app_context():
        found = find(text)
    names = {name for _, name in found.values()}
    assert names == ({named} if named else set())


def test_name_keys_fold_case_and_accents_but_not_scripts():
    assert name_key("José  García") == name_key("jose garcia") == "josegarcia"
    assert name_key("Ｍａｒｉａ") == "maria"  # full-width forms are the same letters
    assert name_key("Mаria") != name_key("Maria")  # a Cyrillic а is another letter


@pytest.fixture
def thread(app, members, make_theme, make_thread):
    make_theme()
    return make_thread("finding-time", members["Brett Criswell"])[0]


def test_a_mention_links_to_the_profile_and_tells_the_member(app, client, members, thread):
    post = reply_as(app, "m0@example.org", thread, "I agree with @José García and `@Maria` in code.")
    page = client.get(f"/threads/{thread}").get_data(as_text=True)
    jose = members["José García"]
    assert f'<a href="/members/{jose}" class="mention" rel="nofollow ugc noopener">@José García</a>' in page
    assert "<code>@Maria</code>" in page
    with app.app_context():
        worker.run_once()
    assert notifications_of(app, jose) == [("mention", post)]
    assert notifications_of(app, members["Maria"]) == []


def test_a_mention_in_a_hidden_post_tells_nobody(app, members, thread, make_user):
    post = reply_as(app, "m0@example.org", thread, "Hey @Dr. Alberts, look at this.")
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    _, mod = signed_in_as(app, "mod@example.org")
    assert mod.post(f"/moderate/posts/{post}/hide", {"reason": "spam"}, page=f"/threads/{thread}").status_code == 302
    with app.app_context():
        worker.run_once()
    assert notifications_of(app, members["Dr. Alberts"]) == []


def test_an_edit_tells_only_members_mentioned_for_the_first_time(app, members, thread):
    post = reply_as(app, "m0@example.org", thread, "Thanks @Dr. Alberts.")
    _, forms = signed_in_as(app, "m0@example.org")
    with app.app_context():
        worker.run_once()
    edited = forms.post(f"/posts/{post}/edit", {"body": "Thanks @Dr. Alberts and @Siobhan O'Brien."},
                        page=f"/posts/{post}/edit")
    assert edited.status_code == 302
    with app.app_context():
        worker.run_once()
    assert notifications_of(app, members["Dr. Alberts"]) == [("mention", post)]  # not told twice
    assert notifications_of(app, members["Siobhán O'Brien"]) == [("mention", post)]


def test_a_member_who_muted_the_thread_is_not_told_of_mentions(app, members, thread):
    _, forms = signed_in_as(app, "m1@example.org")
    forms.post(f"/threads/{thread}/watch", {"level": "muted"}, page=f"/threads/{thread}")
    reply_as(app, "m0@example.org", thread, "@Maria, are you there?")
    with app.app_context():
        worker.run_once()
    assert notifications_of(app, members["Maria"]) == []


def test_suggestions_for_the_reply_box(app, client, members, auth):
    assert client.get("/members/suggest?q=mar").status_code == 302  # members only
    auth.login(email="m0@example.org")
    names = lambda q: [m["name"] for m in client.get("/members/suggest", query_string={"q": q}).json["members"]]  # noqa: E731
    assert names("mar") == ["Maria", "Maria Lopez"]
    assert names("lop") == ["Maria Lopez"]  # a later word of the name
    assert names("jose") == ["José García"]
    assert names("%") == [] and names("") == []


def test_a_name_change_moves_the_mention_key(app, members):
    with app.app_context():
        user = db.session.get(User, members["Brett Criswell"])
        user.display_name = "Brett Q. Criswell"
        db.session.commit()
        assert db.session.get(User, members["Brett Criswell"]).name_key == "brettqcriswell"
        assert find("@Brett Q. Criswell") and not find("@Brett Criswell")
