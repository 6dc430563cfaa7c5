"""The front page is the community's door: this month, what is new to a member, next month, the archive."""
from __future__ import annotations

import re
from datetime import timedelta

from forum.core.database import utcnow
from forum.core.extensions import db
from forum.models import Theme
from tests.conftest import count_queries


def mark_read(forms, thread_id, post_id):
    return forms.post(f"/threads/{thread_id}/read", {"post_id": str(post_id)}, page=f"/threads/{thread_id}")


def new_for_you(html: str) -> str:
    match = re.search(r'<h2 id="new-heading">New for you</h2>(.*?)</section>', html, re.S)
    assert match, "a member's front page has a 'New for you' section"
    return match.group(1)


def test_a_member_sees_what_is_new_to_them_and_only_that(app, client, auth, forms, make_user, make_theme,
                                                         make_thread, add_reply):
    make_theme()
    author = make_user(email="ann@example.org", display_name="Ann Author")
    old_news, _ = make_thread("finding-time", author, title="Started before Maria joined")
    member = make_user()
    read, read_opening = make_thread("finding-time", author, title="A thread Maria read")
    unopened, _ = make_thread("finding-time", author, title="A thread Maria never opened")
    own, _ = make_thread("finding-time", member, title="Maria's own thread")
    auth.login()
    mark_read(forms, read, read_opening)
    mark_read(forms, old_news, read_opening)  # not its post: nothing is marked
    first_new = add_reply(read, author, "A reply Maria has not seen", read_opening)
    add_reply(read, author, "And another", read_opening)
    add_reply(read, member, "Her own reply is never new to her", read_opening)

    box = new_for_you(client.get("/").get_data(as_text=True))
    assert f'href="/posts/{first_new}">A thread Maria read</a>' in box  # where reading resumes
    assert "2 new" in box
    assert "A thread Maria never opened" in box and "not opened yet" in box
    assert "Maria&#39;s own thread" not in box and "Started before Maria joined" not in box

    mark_read(forms, read, first_new + 2)
    forms.post(f"/threads/{unopened}/read", {"post_id": str(first_new + 3)}, page=f"/threads/{unopened}")
    box = new_for_you(client.get("/").get_data(as_text=True))
    assert "A thread Maria read" not in box
    assert "Nothing new" in box or "A thread Maria never opened" in box


def test_a_visitor_sees_the_latest_posts_and_how_to_join(client, make_user, make_theme, make_thread, add_reply):
    member = make_user()
    make_theme()
    thread, opening = make_thread("finding-time", member)
    add_reply(thread, member, "Hello everyone", opening)
    html = client.get("/").get_data(as_text=True)
    assert "New for you" not in html
    assert "Latest posts" in html and "Maria Lopez</bdi> replied in" in html
    assert 'href="/join"' in html


def test_the_front_page_is_a_door_to_the_theme_page_not_a_copy(app, client, make_user, make_theme, make_thread):
    member = make_user()
    make_theme(blog_post_html="<p>Our facilitators write.</p>", panel_title="Making time for teams")
    for number in range(8):
        make_thread("finding-time", member, title=f"Thread number {number}")
    home = client.get("/").get_data(as_text=True)
    theme = client.get("/themes/finding-time").get_data(as_text=True)
    assert "Our facilitators write." in theme and "Our facilitators write." not in home
    assert "Making time for teams" in theme and "Making time for teams" not in home
    assert home.count('class="thread-list__title"') == 6 and theme.count('class="thread-list__title"') == 8
    assert "All 8 threads, the panel, the facilitators' post and resources →" in home


def test_the_next_month_and_the_archive_are_on_the_front_page(app, client, make_theme):
    make_theme()
    make_theme(slug="next-month", title="Assessment that teaches", state="upcoming",
               panel_join_url="https://webinars.example.org/register/42")
    with app.app_context():
        db.session.execute(db.update(Theme).where(Theme.slug == "next-month")
                           .values(panel_at=utcnow() + timedelta(days=12)))
        db.session.commit()
    for month in range(1, 5):
        make_theme(slug=f"old-{month}", title=f"An older month {month}", state="archived", month=f"2025-0{month}")
    html = client.get("/").get_data(as_text=True)
    assert 'href="https://webinars.example.org/register/42"' in html and "Register for the live panel" in html
    assert 'href="/themes/next-month/calendar.ics"' in html
    archive = html[html.index('id="archive-heading"'):]
    assert archive.count("An older month") == 3  # the three latest, and a way to all
    assert 'href="/themes"' in archive and 'action="/search"' in archive


def test_between_two_months_the_month_that_closed_stays_in_front(client, make_theme):
    make_theme(slug="last-month", title="Last month's theme", state="archived")
    make_theme(slug="next-month", title="Assessment that teaches", state="upcoming")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"Last month · \w+ \d{4}", html)
    assert '<a href="/themes/last-month">Last month&#39;s theme</a></h1>' in html


def test_a_member_s_front_page_costs_the_same_queries_however_much_is_new(app, client, auth, forms, make_user,
                                                                         make_theme, make_thread, add_reply):
    make_theme()
    author = make_user(email="ann@example.org", display_name="Ann Author")
    make_user()
    threads = [make_thread("finding-time", author, title=f"Thread {n}") for n in range(3)]
    auth.login()
    for thread, opening in threads:
        mark_read(forms, thread, opening)
    few = len(count_queries(app, client, "/"))
    for _ in range(3):
        threads.append(make_thread("finding-time", author, title="More"))
    for thread, opening in threads[:3]:
        for _ in range(3):
            add_reply(thread, author, "Something new", opening)
    many = count_queries(app, client, "/")
    assert len(many) == few
    assert not [s for s in many if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
