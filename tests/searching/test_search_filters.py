"""author: and theme: as members type them, through /search, on every engine."""
from __future__ import annotations

import html
import json
import re

import pytest

import search
from forum.core.extensions import db
from forum.models import Post, Theme, User
from tests.conftest import results, seed_reply

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


def test_a_full_name_is_found_among_many_members_sharing_its_surname(app, client, archive):
    """More members share the surname than are ever compared, and all sort before the one meant."""
    with app.test_request_context():
        db.session.add_all([User(email=f"abe{n}@example.org", display_name="Abe Ortiz")
                            for n in range(search.filters.CANDIDATES + 5)])
        db.session.commit()
    ids, page = results(client, q="author:Julie Ortiz alternative")
    assert ids and authors_of(app, ids) == {"Julie Ortiz"}
    assert "No member" not in page and "author-choices" not in page
    part, page = results(client, q="author:jul ortiz alternative")
    assert part == ids and "Posts by <bdi>Julie Ortiz</bdi>." in page


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
        seed_reply(thread, other, "Alternative calendars help our students too.")
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
    found = [int(i) for i in re.findall(r'href="/posts/(\d+)[?"]', one)]
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


def test_a_theme_page_searches_its_own_theme(app, client, archive):
    page = client.get("/themes/makers").get_data(as_text=True)
    form = re.search(r'<form[^>]*class="theme-search".*?</form>', page, re.S).group(0)
    assert 'name="theme" value="makers"' in form and 'name="q"' in form
    ids, _ = results(client, q="students", theme="makers")
    everywhere, _ = results(client, q="students")
    assert ids and set(ids) < set(everywhere) and themes_of(app, ids) == {"makers"}


def test_find_in_this_discussion(app, client, archive):
    with app.app_context():
        thread_id = db.session.get(Post, archive[4]).thread_id  # "Starting a makerspace"
    page = client.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f'name="thread" value="{thread_id}"' in page
    ids, page = results(client, q="makerspace", thread=thread_id)
    assert set(ids) == {archive[4], archive[5]}
    assert "In the discussion “<a" in page and "Starting a makerspace" in page
    everywhere, page = results(client, q="makerspace", thread=999999)
    assert "That discussion isn’t one you can search" in page and set(everywhere) >= set(ids)


# Past PostgreSQL's 32-bit ids, and past SQLite's 64-bit ones; then ids that are no number of a post.
@pytest.mark.parametrize("thread", ["2147483648", "99999999999999999999", "0", "-1", "+7", "1_0", "٣"])
def test_a_discussion_no_id_can_name_searches_everywhere_with_a_message(client, archive, thread):
    response = client.get("/search", query_string={"q": "makerspace", "thread": thread})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That discussion isn’t one you can search" in page and "makerspace" in page


def test_a_result_leads_to_its_post_with_the_searched_words_marked(app, client, archive):
    page = client.get("/search", query_string={"q": "makerspaces budget theme:makers"}).get_data(as_text=True)
    link = re.search(rf'href="(/posts/{archive[5]}\?hl=[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "theme" not in link  # the filter is not a word to mark
    landed = client.get(link)
    assert landed.status_code == 302 and "hl=makerspaces+budget" in landed.location
    thread_page = client.get(landed.location).get_data(as_text=True)
    marked = re.search(r"data-mark-words='([^']*)'", thread_page).group(1)
    assert json.loads(html.unescape(marked)) == ["Makerspaces", "budget", "makerspace"]
    plain = client.get(landed.location.split("?")[0]).get_data(as_text=True)
    assert "data-mark-words" not in plain


def test_author_names_are_suggested_as_one_types(app, client, archive):
    with app.test_request_context():
        db.session.add(User(email="quiet@example.org", display_name="Julia Quiet"))  # no posts: not offered
        db.session.commit()
    assert client.get("/search/authors", query_string={"q": "ju"}).json == {"names": ["Julie Ortiz"]}
    assert client.get("/search/authors", query_string={"q": "ortiz j"}).json == {"names": ["Julie Ortiz"]}
    assert client.get("/search/authors", query_string={"q": "j"}).json == {"names": []}
    assert client.get("/search/authors", query_string={"q": "%_"}).json == {"names": []}


def test_the_tips_use_this_forum_s_own_people_and_themes(client, archive):
    page = client.get("/search").get_data(as_text=True)
    assert "author:Sam Okafor" in page  # who posted last, not a name from elsewhere
    assert "theme:finding" in page and "theme:december 2025" in page
    assert "Julie Ortiz alternative" not in page
