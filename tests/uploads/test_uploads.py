"""Images and PDFs attached to posts: checked by content, cleaned, served safely, within a quota."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from forum.core.extensions import db
from forum.models import Post, Upload, UploadContent
from tests.conftest import PASSWORD, audit_actions, csrf_from

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo(size=(1200, 800), fmt="JPEG", mode="RGB", **save) -> bytes:
    """A picture as a phone would send it: with camera and location details when asked."""
    out = io.BytesIO()
    color = {"RGB": (200, 120, 40), "RGBA": (200, 120, 40, 128), "1": 1}[mode]
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def phone_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    exif[0x8825] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}  # GPS: where it was taken
    return photo(exif=exif, comment=b"taken in room 204")


@pytest.fixture(params=["folder", "database"])
def store(request, app):
    """Tests of keeping, serving and deleting run on each store (forum/uploads/stores.py)."""
    app.config["UPLOAD_STORE"] = request.param
    return request.param


def kept_bytes(app) -> int:
    """How many files' bytes the stores hold: files in the folder, rows in the database."""
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(UploadContent))
    return len([path for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file()]) + rows


@pytest.fixture
def member(app, client, auth, make_user, make_theme, make_thread):
    user_id = make_user()
    make_theme()
    thread_id, opening_id = make_thread("finding-time", user_id)
    auth.login()
    return {"id": user_id, "thread": thread_id, "opening": opening_id}


def attach(client, data: bytes, name: str, page: str = "/themes/finding-time"):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post("/uploads", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def fetch(client, url: str, **options):
    """A served file, read and closed (send_file streams from the open file)."""
    response = client.get(url, **options)
    response.get_data()
    response.close()
    return response


def stored(app) -> list[Upload]:
    with app.app_context():
        return db.session.scalars(select(Upload).order_by(Upload.id)).all()


def test_a_photo_is_kept_without_its_metadata_and_turned_upright(app, client, store, member):
    response = attach(client, phone_photo(), "IMG_2041.jpeg")
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert re.fullmatch(r"!\[IMG\\_2041\]\(/uploads/[\w-]{22}\.jpg\)", answer["markdown"])
    served = fetch(client, answer["url"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (800, 1200)  # the orientation tag was applied to the pixels, then dropped
    assert dict(image.getexif()) == {}
    assert "comment" not in image.info and "xmp" not in image.info
    assert b"PhoneMaker" not in served.data and b"room 204" not in served.data
    [upload] = stored(app)
    assert (upload.name, upload.extension, upload.width, upload.height) == ("IMG_2041.jpg", "jpg", 800, 1200)
    assert upload.byte_size == len(served.data)


def test_files_are_served_so_that_nothing_in_them_runs(app, client, store, member):
    image_url = attach(client, photo(fmt="PNG", mode="RGBA"), "diagram.png").get_json()["url"]
    pdf_url = attach(client, PDF, "Lesson plan.pdf").get_json()["url"]
    image = fetch(client, image_url)
    assert image.mimetype == "image/png"  # transparency kept as PNG
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert "default-src 'none'" in image.headers["Content-Security-Policy"]
    pdf = fetch(client, pdf_url)
    assert pdf.mimetype == "application/pdf" and pdf.data == PDF
    assert pdf.headers["Content-Disposition"].startswith("attachment") and "Lesson plan.pdf" in pdf.headers[
        "Content-Disposition"]
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(pdf_url.replace(".pdf", ".jpg")).status_code == 404  # a key serves its own kind only
    assert client.get("/uploads/AAAAAAAAAAAAAAAAAAAAAA.jpg").status_code == 404


# A PDF that runs a script when a reader opens it: kept byte for byte, so it must never be shown in the site.
SCRIPTED_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
                b"2 0 obj << /S /JavaScript /JS (app.alert\\(document.cookie\\)) >> endobj\n"
                b"trailer << /Root 1 0 R >>\n%%EOF\n")


@pytest.mark.parametrize("method, headers", [
    ("GET", {}),
    ("HEAD", {}),
    ("GET", {"Range": "bytes=0-15"}),
    ("GET", {"Accept": "text/html"}),
])
def test_a_pdf_is_served_as_a_download_only(app, client, store, member, method, headers):
    url = attach(client, SCRIPTED_PDF, "Field trip.pdf").get_json()["url"]
    visitor = app.test_client()
    response = visitor.open(url, method=method, headers=headers)
    response.get_data()
    response.close()
    assert response.status_code in (200, 206)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="Field trip.pdf"' in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy
    if method == "GET" and not headers:
        assert response.data == SCRIPTED_PDF  # kept as sent, script included: hence the download


@pytest.mark.parametrize("data, name", [
    (b"<html><script>alert(document.cookie)</script></html>", "cat.jpg"),  # a page named as an image
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "drawing.svg"),
    (b"MZ\x90\x00" + b"\x00" * 200, "handout.pdf"),  # a program named as a PDF
    (photo()[:300], "broken.jpg"),  # cut short
    (photo((100, 100), fmt="TIFF"), "scan.tiff"),  # an image, of a kind browsers don't show
])
def test_what_a_file_is_comes_from_its_content_not_its_name(app, client, member, data, name):
    response = attach(client, data, name)
    assert response.status_code == 400
    assert "Only images (JPEG, PNG, GIF, WebP) and PDFs can be attached" in response.get_json()["error"]
    assert stored(app) == []


def test_size_and_pixel_limits_are_explained(app, client, member, monkeypatch):
    app.config["UPLOAD_MAX_BYTES"] = 2000
    too_big = attach(client, PDF + b"x" * 3000, "big.pdf")
    assert too_big.status_code == 400 and "Files can be at most 1 KB" in too_big.get_json()["error"]
    app.config["UPLOAD_MAX_BYTES"] = 8 * 1024 * 1024
    # A small file that unpacks into many pixels: refused before it is decoded.
    app.config["UPLOAD_MAX_PIXELS"] = 1_000_000
    wide = attach(client, photo((2000, 2000), fmt="PNG", mode="1"), "wide.png")
    assert wide.status_code == 400
    assert "This image is 2,000 × 2,000 pixels, more than can be attached (at most 1 million)" in wide.get_json()["error"]
    # Past Pillow's own "decompression bomb" limit, its warning is a refusal too.
    app.config["UPLOAD_MAX_PIXELS"] = 50_000_000
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    bomb = attach(client, photo((2000, 2000), fmt="PNG", mode="1"), "bomb.png")
    assert bomb.status_code == 400
    assert "This image has more pixels than can be attached" in bomb.get_json()["error"]
    empty = attach(client, b"", "nothing.jpg")
    assert empty.status_code == 400 and "That file is empty" in empty.get_json()["error"]
    assert stored(app) == []


def hostile(mode: str, size: tuple[int, int], fmt: str, **save) -> bytes:
    """A few kilobytes that decode to many megapixels: one colour compresses to almost nothing."""
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt, **save)
    return out.getvalue()


# Each just past the default cap of its kind; a 1-bit PNG of 7000 x 7000 (6 KB) cost 281 MB to clean.
HOSTILE = [
    (lambda: hostile("1", (7000, 7000), "PNG"), "7,000 × 7,000 pixels, more than a PNG image can have", 16),
    (lambda: hostile("I;16", (4001, 4000), "PNG"), "4,001 × 4,000 pixels, more than a PNG image can have", 16),
    (lambda: hostile("P", (4001, 4000), "GIF"), "4,001 × 4,000 pixels, more than a GIF image can have", 16),
    (lambda: hostile("RGBA", (3001, 3000), "WEBP", lossless=True),
     "3,001 × 3,000 pixels, more than a WebP image can have", 9),
    (lambda: hostile("RGB", (4001, 4000), "JPEG", quality=1, progressive=True),
     "4,001 × 4,000 pixels, more than a progressive JPEG image can have", 16),
]


@pytest.mark.parametrize("make, refusal, millions", HOSTILE,
                         ids=["1-bit-png", "16-bit-png", "gif", "webp", "progressive-jpeg"])
def test_a_small_file_that_decodes_huge_is_refused_from_its_header(app, client, member, make, refusal, millions):
    data = make()
    assert len(data) < 100_000
    response = attach(client, data, "innocent.png")
    assert response.status_code == 400
    assert response.get_json()["error"] == (f"This image is {refusal} (at most {millions} million). "
                                            "Save a smaller copy and attach that.")
    assert stored(app) == []


def test_a_reply_with_a_file_that_decodes_huge_keeps_the_text(app, client, member):
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    response = client.post(f"/threads/{member['thread']}/posts", data={
        "csrf_token": csrf_from(page), "body": "My diagram, and what I think of it.", "submit": "1",
        "attachment": (io.BytesIO(hostile("1", (7000, 7000), "PNG")), "diagram.png")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "My diagram, and what I think of it." in html
    assert "This image is 7,000 × 7,000 pixels, more than a PNG image can have (at most 16 million)" in html
    assert stored(app) == []


def test_large_photos_are_scaled_down(app, client, member):
    app.config["UPLOAD_IMAGE_MAX_SIDE"] = 1000
    attach(client, photo((3000, 1500)), "wide.jpg")
    [upload] = stored(app)
    assert (upload.width, upload.height) == (1000, 500)


def test_a_member_has_a_quota_and_sees_it(app, client, member):
    first = attach(client, PDF, "one.pdf")
    assert first.status_code == 200
    app.config["UPLOAD_QUOTA_BYTES"] = len(PDF) + 10
    second = attach(client, PDF, "two.pdf")
    assert second.status_code == 400
    assert "would take you past your 1 KB of attachments" in second.get_json()["error"]
    assert len(stored(app)) == 1
    page = client.get("/settings/attachments").get_data(as_text=True)
    assert "one.pdf" in page and "two.pdf" not in page and "You use 1 KB of your 1 KB" in page


def test_attaching_is_throttled(app, client, member):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "upload": [2, 3600]}
    assert attach(client, PDF, "a.pdf").status_code == 200
    assert attach(client, PDF, "b.pdf").status_code == 200
    third = attach(client, PDF, "c.pdf")
    assert third.status_code == 400 and "many files in the last hour" in third.get_json()["error"]


def test_visitors_cannot_attach_and_other_forms_refuse_files(app, client, make_user, make_theme):
    make_theme()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/uploads", data={"csrf_token": token, "file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 401) and stored(app) == []
    # A form that takes no file still refuses one, before its view runs.
    refused = client.post("/login", data={"csrf_token": token, "email": "x@example.org", "password": "x",
                                          "file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 415


@pytest.mark.parametrize("url, field", [
    ("/themes/finding-time/threads", "title"),
    ("/themes/finding-time/threads", "body"),
    ("/threads/{thread}/posts", "body"),
    ("/threads/{thread}/posts", "parent_id"),
    ("/posts/{opening}/edit", "body"),
    ("/posts/{opening}/edit", "csrf_token"),
])
def test_a_text_field_sent_as_a_file_is_refused(app, client, member, url, field):
    url = url.format(**member)
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "title": "A title", "body": "A body", "parent_id": str(member["opening"]),
            "submit": "1", field: (io.BytesIO(b"Some text"), "part.txt")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400, response.get_data(as_text=True)[:2000]
    assert f"The field {field} takes text, not a file" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Post.id))) == 1
        assert db.session.get(Post, member["opening"]).body == "Opening post body."


def test_attaching_needs_the_csrf_token(app, client, member):
    response = client.post("/uploads", data={"file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400 and stored(app) == []


def test_a_reply_with_a_file_and_no_javascript_shows_the_image(app, client, member):
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="attachment"' in page
    response = client.post(f"/threads/{member['thread']}/posts", data={
        "csrf_token": csrf_from(page), "body": "Here is what my students made.", "submit": "1",
        "attachment": (io.BytesIO(photo()), "poster.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    [upload] = stored(app)
    with app.app_context():
        post = db.session.scalars(select(Post).order_by(Post.id.desc())).first()
        assert post.body == f"Here is what my students made.\n\n![poster](/uploads/{upload.key}.jpg)"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<img src="/uploads/{upload.key}.jpg" alt="poster" loading="lazy">' in shown


def test_a_refused_file_keeps_the_text_and_says_why(app, client, member):
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    response = client.post(f"/threads/{member['thread']}/posts", data={
        "csrf_token": csrf_from(page), "body": "My long reply, typed with care.", "submit": "1",
        "attachment": (io.BytesIO(b"#!/bin/sh\nrm -rf /"), "photo.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "My long reply, typed with care." in html and "Only images (JPEG, PNG, GIF, WebP) and PDFs" in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Post.id))) == 1  # only the opening post


def test_a_preview_with_a_file_keeps_it_in_the_text(app, client, member):
    page = client.get("/themes/finding-time").get_data(as_text=True)
    response = client.post("/themes/finding-time/threads", data={
        "csrf_token": csrf_from(page), "title": "Our handout", "body": "", "preview": "1",
        "attachment": (io.BytesIO(PDF), "Fractions handout.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    [upload] = stored(app)
    assert response.status_code == 200
    assert f"[Fractions handout.pdf (1 KB)](/uploads/{upload.key}.pdf)" in html  # in the textarea
    assert f'<a href="/uploads/{upload.key}.pdf" rel="nofollow ugc noopener">Fractions handout.pdf (1 KB)</a>' in html


def test_posts_show_attached_images_only(app, client, member):
    key = attach(client, photo(), "ok.jpg").get_json()["url"]
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    body = f"![ours]({key}) ![pixel](https://tracker.example/p.gif) ![local](/static/favicon.svg)"
    client.post(f"/threads/{member['thread']}/posts", data={"csrf_token": csrf_from(page), "body": body,
                                                          "submit": "1"})
    shown = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    assert f'<img src="{key}" alt="ours" loading="lazy">' in shown
    assert '<a href="https://tracker.example/p.gif" rel="nofollow ugc noopener">pixel</a>' in shown
    assert "<img src=\"https://" not in shown and 'src="/static/favicon.svg"' not in shown


def test_a_member_deletes_their_file_and_no_one_else_can(app, client, auth, forms, store, member, make_user):
    url = attach(client, PDF, "notes.pdf").get_json()["url"]
    [upload] = stored(app)
    auth.logout()
    make_user(email="other@example.org", display_name="Oscar Other")
    auth.login("other@example.org")
    refused = forms.post(f"/settings/attachments/{upload.id}/delete", {}, page="/settings/attachments")
    assert refused.status_code == 403 and len(stored(app)) == 1
    auth.logout()
    auth.login()
    done = forms.post(f"/settings/attachments/{upload.id}/delete", {}, page="/settings/attachments")
    assert done.status_code == 302
    assert "notes.pdf is deleted" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert stored(app) == [] and client.get(url).status_code == 404
    assert kept_bytes(app) == 0  # the file too, not only its row


def test_deleting_an_account_with_its_posts_deletes_its_files(app, client, auth, forms, store, member):
    url = attach(client, PDF, "notes.pdf").get_json()["url"]
    data = client.get("/settings/my-data.json").get_json()
    assert [f["name"] for f in data["attached_files"]] == ["notes.pdf"] and data["attached_files"][0]["url"].endswith(url)
    response = forms.post("/settings/delete-account", {"posts": "remove", "password": PASSWORD},
                          page="/settings")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert stored(app) == [] and client.get(url).status_code == 404 and kept_bytes(app) == 0


def test_a_post_with_a_file_past_the_limit_is_refused_plainly(app, client, member):
    app.config["UPLOAD_MAX_BYTES"] = 4096  # the form may carry MAX_CONTENT_LENGTH plus this much
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    # Built by hand so that the test client's own spooled body is closed (the server stops reading it).
    builder = EnvironBuilder(path=f"/threads/{member['thread']}/posts", method="POST", data={
        "csrf_token": csrf_from(page), "body": "With a big file", "submit": "1",
        "attachment": (io.BytesIO(PDF + b"x" * (1024 * 1024 + 8192)), "big.pdf")}, content_type="multipart/form-data")
    environ = builder.get_environ()
    try:
        response = client.open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()
    assert response.status_code == 413
    assert "attach a smaller copy of the file" in response.get_data(as_text=True)
    assert stored(app) == []


def test_a_moderator_deletes_a_file_a_post_shows_and_it_is_audited(app, client, auth, forms, store, member, make_user):
    url = attach(client, photo(), "not-for-school.jpg").get_json()["url"]
    page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    client.post(f"/threads/{member['thread']}/posts", data={"csrf_token": csrf_from(page), "submit": "1",
                                                          "body": f"Look ![not-for-school]({url})"})
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).order_by(Post.id.desc()))
    [upload] = stored(app)
    assert client.get(f"/moderate/posts/{post_id}/files").status_code == 403  # members may not
    auth.logout()
    make_user(email="mod@example.org", display_name="Rosa Delgado", role="moderator")
    auth.login("mod@example.org")
    thread_page = client.get(f"/threads/{member['thread']}").get_data(as_text=True)
    assert f'href="/moderate/posts/{post_id}/files">Files</a>' in thread_page
    assert f'href="/moderate/posts/{member["opening"]}/files"' not in thread_page  # it shows no file
    files = client.get(f"/moderate/posts/{post_id}/files").get_data(as_text=True)
    assert "not-for-school.jpg" in files and "Maria Lopez" in files
    done = forms.post(f"/moderate/posts/{post_id}/files/{upload.id}/delete", {},
                      page=f"/moderate/posts/{post_id}/files")
    assert done.status_code == 302
    assert stored(app) == [] and client.get(url).status_code == 404 and kept_bytes(app) == 0
    assert audit_actions(app) == ["post.file_delete"]
    assert "not-for-school.jpg, attached by Maria Lopez" in client.get("/moderate/audit").get_data(as_text=True)


def test_the_database_store_serves_ranges_and_revalidations_in_chunks(app, client, store, member, monkeypatch):
    """A PDF from the database: the whole of it a chunk a statement, a range, a 304 without reading it."""
    from forum.core.database import recorded_statements
    from forum.uploads.stores import DatabaseStore

    # Smaller chunks than served (256 KB), so that a file the test client sends from memory has several.
    monkeypatch.setattr(DatabaseStore, "CHUNK", 64 * 1024)
    document = PDF + bytes(range(256)) * 1000  # 256 KB: four chunks and a bit
    url = attach(client, document, "Unit plan.pdf").get_json()["url"]
    assert kept_bytes(app) == 1
    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        whole = fetch(client, url)
    assert whole.status_code == 200 and whole.data == document
    assert int(whole.headers["Content-Length"]) == len(document) and whole.headers["Accept-Ranges"] == "bytes"
    if store == "database":
        chunks = [sql for sql, _ in statements if "substr" in sql.lower()]
        assert len(chunks) == -(-len(document) // DatabaseStore.CHUNK)

    part = fetch(client, url, headers={"Range": "bytes=200000-200099"})
    assert part.status_code == 206 and part.data == document[200000:200100]
    assert part.headers["Content-Range"] == f"bytes 200000-200099/{len(document)}"
    assert fetch(client, url, headers={"Range": f"bytes={len(document) + 10}-"}).status_code == 416

    etag = whole.headers["ETag"]
    with recorded_statements(engine) as statements:
        again = fetch(client, url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert not any("substr" in sql.lower() or "upload_contents.data" in sql.lower() for sql, _ in statements)


def test_files_are_copied_from_the_folder_into_the_database_for_a_second_app_server(app, client, runner, member):
    urls = [attach(client, photo(), "board.jpg").get_json()["url"], attach(client, PDF, "plan.pdf").get_json()["url"]]
    before = [fetch(client, url).data for url in urls]
    assert runner.invoke(args=["uploads", "copy", "--to", "folder"]).exit_code != 0  # in use already

    first = runner.invoke(args=["uploads", "copy", "--to", "database"])
    assert "Copied 2 files into the database store (0 there already)" in first.output, first.output
    app.config["UPLOAD_STORE"] = "database"
    assert [fetch(client, url).data for url in urls] == before
    app.config["UPLOAD_STORE"] = "folder"
    assert "Copied 0 files into the database store (2 there already)" in runner.invoke(
        args=["uploads", "copy", "--to", "database"]).output

    filename = attach(client, PDF, "lost.pdf").get_json()["url"].rsplit("/", 1)[1]
    lost = Path(app.config["UPLOAD_FOLDER"]) / filename[:2] / filename
    lost.unlink()  # a file someone deleted by hand
    result = runner.invoke(args=["uploads", "copy", "--to", "database"])
    assert result.exit_code == 1 and f"had no bytes to copy: {lost.name}" in result.output
