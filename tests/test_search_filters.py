"""author: and theme: as members type them, through /search, on every engine."""
from __future__ import annotations

import re

import pytest

import search
from forum import posting
from forum.extensions import db
from forum.models import Post, Theme, User
from tests.test_search import archive, results  # noqa: F401 (a fixture, used by name)

pytestmark = pytest.mark.every_search_backend


def authors_of(app, ids):
    with app.app_context():
        return {db.session.get(Post, i).author.display_name for i in ids}


def themes_of(app, ids):
    with app.app_context():
        return {db.session.get(Post, i).thread.theme.slug for i in ids}


def test_a_name_as_shown_without_quotes_is_the_author(app, client, archive):
    unquoted, page = results(client, q="author:Julie Ortiz alternative")
    quoted, _ = results(client, q='author:"Julie Ortiz" alternative')
    in_form, _ = results(client, q="alternative", author="Julie Ortiz")
    assert unquoted and unquoted == quoted == in_form
    assert authors_of(app, unquoted) == {"Julie Ortiz"}
    assert "No member" not in page


def test_part_of_a_name_finds_the_member_and_says_who(app, client, archive):
    ids, page = results(client, q="author:ortiz")
    assert ids and authors_of(app, ids) == {"Julie Ortiz"}
    assert "Posts by <bdi>Julie Ortiz</bdi>." in page
    accents, _ = results(client, q="author:martinez")
    assert accents and authors_of(app, accents) == {"Ana Martínez"}


def test_a_name_several_members_share_offers_the_choice(app, client, archive):
    with app.test_request_context():
        other = User(email="park@example.org", display_name="Julie Park")
        db.session.add(other)
        db.session.commit()
        thread = db.session.scalars(db.select(Post)).first().thread
        posting.reply(thread, other, "Alternative calendars help our students too.")
        db.session.commit()
        search.apply_pending()
    ids, page = results(client, q="author:julie alternative")
    assert authors_of(app, ids) == {"Julie Ortiz", "Julie Park"}
    choices = re.search(r'<div class="notice" role="status" id="author-choices">(.*?)</div>', page, re.S).group(1)
    assert "“julie” matches 2 members" in choices
    links = dict((name, href.replace("&amp;", "&"))
                 for href, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', choices))
    assert set(links) == {"Julie Ortiz", "Julie Park"}
    one = client.get(links["Julie Park"]).get_data(as_text=True)
    found = [int(i) for i in re.findall(r'href="/posts/(\d+)"', one)]
    assert found and authors_of(app, found) == {"Julie Park"}
    assert "author-choices" not in one


def test_an_author_nobody_has_is_left_out_and_said(client, archive):
    plain, _ = results(client, q="schedule")
    ids, page = results(client, q="author:Zebedee schedule")
    assert ids == plain and "No member’s name matches “Zebedee”" in page
    form, page = results(client, q="schedule", author="Zebedee")
    assert form == plain and "No member’s name matches “Zebedee”" in page


@pytest.mark.parametrize("typed", ["makerspaces", "Makerspaces", "makers", "2024-11", "november 2024",
                                   "Nov 2024", "2024 November"])
def test_a_theme_by_a_title_word_its_address_or_its_month(app, client, archive, typed):
    ids, page = results(client, q=f"theme:{typed} budget")
    assert ids and themes_of(app, ids) == {"makers"}, typed
    assert "No theme matches" not in page


def test_a_theme_named_by_a_title_word_is_said_and_chosen_in_the_form(client, archive):
    _, page = results(client, q="theme:makerspaces")
    assert "In the theme “Makerspaces in every grade”." in page
    assert '<option value="makers" selected>' in page


def test_a_theme_nothing_matches_is_left_out_and_said(client, archive):
    plain, _ = results(client, q="schedule")
    ids, page = results(client, q="theme:robotics schedule")
    assert ids == plain and "No theme matches “robotics”" in page


def test_themes_sharing_a_word_offer_the_choice(app, client, archive):
    with app.test_request_context():
        makers = db.session.scalar(db.select(Theme).where(Theme.slug == "makers"))
        later = Theme(slug="makers-again", title="Makerspaces, two years on", month="2026-11",
                      opens_at=makers.opens_at, closes_at=makers.closes_at)
        db.session.add(later)
        db.session.commit()
    ids, page = results(client, q="theme:makerspaces budget")
    assert ids and "“makerspaces” matches 2 themes" in page
    assert 'href="/search?q=budget&amp;theme=makers-again"' in page
