"""What people see and click in a thread, in Chromium."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from forum.core.extensions import db
from forum.models import Post, User
from tests.conftest import PASSWORD, seed_reply
from tests.browser.conftest import log_in
from tests.conftest import XSS_PAYLOADS

pytestmark = pytest.mark.browser


def test_reply_inline_to_a_nested_post(page, discussion, live_app):
    log_in(page, "brett@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    nested = page.locator(f"#post-{discussion['nested']}")
    nested.get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-{discussion['nested']}")
    textarea = form.get_by_label("Reply to Maria Lopez")
    expect(textarea).to_be_visible()
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    textarea.fill("Replying **inline** to Maria")
    form.get_by_role("button", name="Preview").click()
    assert form.locator("[data-preview] strong").inner_text() == "inline"
    form.get_by_role("button", name="Post reply").click()

    with live_app.app_context():
        new_id = db.session.scalar(db.select(db.func.max(Post.id)))
    new_post = page.locator(f"#post-{new_id}")
    assert "Replying inline to Maria" in new_post.inner_text()
    assert "In reply to Maria Lopez" in " ".join(new_post.locator(":scope > header > p").inner_text().split())
    # It sits in place: inside the list of replies to the nested post.
    parent_of_new = page.locator(f"#post-{discussion['nested']} ~ ul.replies #post-{new_id}")
    assert parent_of_new.count() == 1
    assert page.evaluate("location.hash") == f"#post-{new_id}"
    assert page.js_errors == []


@pytest.mark.parametrize("which", ["opening", "nested"])
def test_reply_opens_the_same_inline_form_on_the_opening_post_and_a_nested_one(page, discussion, live_app, which):
    with live_app.app_context():
        opening = db.session.scalar(db.select(Post.id).where(Post.thread_id == discussion["thread"],
                                                            Post.parent_id.is_(None)))
    post_id, author, depth = {"opening": (opening, "Brett Criswell", 1),
                              "nested": (discussion["nested"], "Maria Lopez", 3)}[which]
    log_in(page, "maria@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    page.locator(f"#post-{post_id}").get_by_role("link", name="Reply", exact=True).click()
    # Right under the post, where the reader is: not a jump to the form at the bottom.
    assert page.evaluate("location.hash") == ""
    assert page.locator(f"#post-{post_id}").evaluate("a => a.nextElementSibling.id") == f"reply-{post_id}"
    form = page.locator(f"#reply-{post_id}")
    textarea = form.get_by_label(f"Reply to {author}")
    assert textarea.evaluate("t => t === document.activeElement")
    assert textarea.evaluate("t => { const r = t.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    textarea.fill(f"An inline reply to the {which} post")
    form.get_by_role("button", name="Post reply").click()
    page.wait_for_url("**#post-*")
    with live_app.app_context():
        new = db.session.scalar(db.select(Post).order_by(Post.id.desc()).limit(1))
        assert (new.parent_id, new.depth) == (post_id, depth)
    assert page.js_errors == []


def test_permalink_lands_on_and_highlights_its_post(page, discussion):
    page.goto(f"/posts/{discussion['nested']}")
    assert page.evaluate("location.hash") == f"#post-{discussion['nested']}"
    target = page.locator(f"#post-{discussion['nested']}")
    highlighted = target.evaluate("e => getComputedStyle(e).backgroundColor")
    other = page.locator(f"#post-{discussion['first']}").evaluate("e => getComputedStyle(e).backgroundColor")
    assert highlighted != other
    assert target.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")


def test_collapse_and_expand_a_branch_by_keyboard(page, discussion):
    page.goto(f"/threads/{discussion['thread']}")
    toggle = page.locator(f"#post-{discussion['first']} .collapse-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(f"#post-{discussion['nested']}").is_visible()
    page.keyboard.press("Enter")
    assert page.locator(f"#post-{discussion['nested']}").is_visible()


def test_anonymous_reply_link_comes_back_to_the_thread(page, discussion):
    page.goto(f"/threads/{discussion['thread']}")
    page.get_by_role("link", name="Log in", exact=True).last.click()
    page.get_by_label("Email").fill("maria@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(rf"/threads/{discussion['thread']}/"))  # the login page's ?next= holds the path too
    expect(page.locator("#reply-form")).to_be_visible()


def test_no_xss_payload_runs(page, discussion, live_app):
    with live_app.test_request_context():
        from forum.models import Thread

        thread = db.session.get(Thread, discussion["thread"])
        author = db.session.scalar(db.select(User).where(User.email == "maria@example.org"))
        for payload in XSS_PAYLOADS.values():
            seed_reply(thread, author, payload.replace("alert(", "window.__xss=1;alert("))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"/threads/{discussion['thread']}")
    # A thread page's post text is its article's only <div> (forum/discussions/page_posts.py).
    links = page.locator("article.post > div a").all()
    assert links  # the payloads' links are there, and hovered
    for link in links:
        link.hover()
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.locator(":is(article.post > div) :is(script, iframe, svg, img)").count() == 0


def test_a_visitor_s_cached_page_gives_way_to_their_own_once_they_log_in(page, discussion):
    """Visitors share one cached page; once signed in, the same address is the member's own page again."""

    url = f"/threads/{discussion['thread']}"
    for _ in range(2):  # the second view comes from the page cache
        page.goto(url)
        expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    page.locator(".site-nav").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("maria@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(url)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name="Add to the discussion")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.goto(url)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_post_hidden_while_a_visitor_reads_is_gone_when_they_reload(page, discussion, live_app):

    from forum.moderation import actions as moderating

    page.goto(f"/threads/{discussion['thread']}")
    expect(page.get_by_text("A nested answer")).to_be_visible()
    with live_app.test_request_context():
        moderator = User(email="rosa@example.org", display_name="Rosa Delgado", role="moderator")
        db.session.add(moderator)
        db.session.commit()
        moderating.hide(db.session.get(Post, discussion["nested"]), moderator, "Off topic")
    page.reload()
    expect(page.get_by_text("A nested answer")).to_have_count(0)


def test_a_reply_being_written_survives_a_reload_and_is_forgotten_once_sent(page, discussion, live_app):
    log_in(page, "brett@example.org")
    thread = f"/threads/{discussion['thread']}"
    page.goto(thread)
    page.locator(f"#post-{discussion['nested']}").get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-{discussion['nested']}")
    form.locator("textarea").click()
    page.keyboard.type("Half a thought about release time")
    page.reload()
    form = page.locator(f"#reply-{discussion['nested']}")  # reopened under its post
    assert form.locator("textarea").input_value() == "Half a thought about release time"
    assert "Your unsent text is back" in form.inner_text()
    form.get_by_role("button", name="Post reply").click()
    page.wait_for_url("**#post-*")
    page.goto(thread)
    assert page.locator(f"#reply-{discussion['nested']}").count() == 0  # sent: nothing to put back
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('forum-draft:')).length") == 0
    assert page.js_errors == []


def test_leaving_a_page_with_unsent_text_asks_first(page, discussion):
    log_in(page, "brett@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    box = page.locator("#reply-form-body")
    box.click()
    page.keyboard.type("Not sent yet")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]


def test_focus_lands_on_the_result_of_a_form(page, discussion, live_app):
    log_in(page, "brett@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    with page.expect_navigation():
        page.locator("#reply-form").get_by_role("button", name="Post reply").click()  # nothing written
    assert page.evaluate("document.activeElement.id") == "reply-form-body"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    page.locator("#reply-form-body").fill("Now with words")
    page.locator("#reply-form").get_by_role("button", name="Post reply").click()
    page.wait_for_url("**#post-*")
    with live_app.app_context():
        new_id = db.session.scalar(db.select(db.func.max(Post.id)))
    assert page.evaluate("document.activeElement.id") == f"post-{new_id}"
    # Named by its author and exact time; its time link reads the exact time too, after the relative one.
    assert re.fullmatch(r"Post by Brett Criswell, \w+day, \w+ \d+, \d{4}, \d+:\d\d [ap]m E[SD]T",
                        page.locator(f"#post-{new_id}").get_attribute("aria-label"))
    assert re.fullmatch(r"just now \(\w+day, \w+ \d+, \d{4}, \d+:\d\d [ap]m E[SD]T\)",
                        page.locator(f"#post-{new_id} > header > a:has(> time)").text_content())
    assert page.js_errors == []


def test_a_photo_attached_in_an_inline_reply_lands_in_the_text_and_shows_in_the_post(page, discussion, live_app,
                                                                                        tmp_path):
    import io

    from PIL import Image

    photo = tmp_path / "Class poster.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    log_in(page, "brett@example.org")
    page.goto(f"/threads/{discussion['thread']}")
    page.locator(f"#post-{discussion['nested']}").get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-{discussion['nested']}")
    textarea = form.get_by_label("Reply to Maria Lopez")
    textarea.fill("Before the picture.\n\nAfter it.")
    page.evaluate("el => el.setSelectionRange(19, 19)", textarea.element_handle())
    form.get_by_label("Attach an image or a PDF").set_input_files(str(photo))
    form.get_by_text("Class poster.jpg is attached").wait_for()
    text = textarea.input_value()
    assert text.startswith("Before the picture.\n\n![Class poster](/uploads/") and text.endswith(".jpg)\n\nAfter it.")
    form.get_by_role("button", name="Preview").click()
    form.locator("[data-preview] img[alt='Class poster']").wait_for()
    # A file the server refuses says why, and the text stays as it was.
    fake = tmp_path / "notes.jpg"
    fake.write_text("not a picture")
    form.get_by_label("Attach an image or a PDF").set_input_files(str(fake))
    form.get_by_role("alert").filter(has_text="whatever its name says").wait_for()
    assert textarea.input_value() == text
    form.get_by_role("button", name="Post reply").click()
    page.wait_for_url("**#post-*")
    image = page.locator("article.post > div img[alt='Class poster']")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 640
    assert [error for error in page.js_errors if "status of 400" not in error] == []  # the refusal's own
