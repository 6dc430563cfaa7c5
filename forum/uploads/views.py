"""Attached files: sending one from the composer, serving them, and a member's list of their own."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from . import files, stores
from ..accounts.forms import EmptyForm
from ..permissions import require, why_not
from ..core.security import takes_files
from ..core.timefmt import Clock
from ..discussions.urls import upload_url

bp = Blueprint("uploads", __name__)

# Safe to keep: a file never changes under its key (a deleted one stays gone for the next reader
# within a day at most, which is what shared caches may serve).
SERVED_CACHE_CONTROL = "public, max-age=86400"
# An attached file is content, never a page: nothing in it runs, even opened on its own.
SERVED_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@bp.route("/uploads", methods=["POST"])
@login_required
@takes_files
def attach():
    """The composer's attach button (site.js): keep the file, answer with the Markdown that shows it."""
    refusal = why_not(current_user, "attach_file")
    if refusal:
        return jsonify(error=refusal), 403
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return jsonify(error="Choose an image or a PDF to attach."), 400
    try:
        upload = files.store(current_user._get_current_object(), sent)
    except files.UploadError as error:
        return jsonify(error=error.message), 400
    url = upload_url(upload)
    return jsonify(markdown=files.markdown_for(upload, url), url=url, name=upload.name)


@bp.route("/uploads/<key>.<extension>")
def serve(key: str, extension: str):
    upload = files.find(key, extension)
    if upload is None:
        abort(404)
    response = stores.current().serve(upload)
    response.headers["Cache-Control"] = SERVED_CACHE_CONTROL
    response.headers["Content-Security-Policy"] = SERVED_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/settings/attachments")
@login_required
def mine():
    """The files a member attached, how much room they take, and a way to delete each."""
    member = current_user._get_current_object()
    clock = Clock()
    file_rows = [{"upload": upload, "url": upload_url(upload),
                  "cells": [files.size_text(upload.byte_size), clock.time_tag(upload.created_at)],
                  "delete": url_for("uploads.delete", upload_id=upload.id),
                  "confirm": f"Delete {upload.name}? Posts that show it will show its name only."}
                 for upload in files.member_uploads(member)]
    return render_template("members/attachments.html", files=file_rows, usage=files.usage(member),
                           size_text=files.size_text, form=EmptyForm())


@bp.route("/settings/attachments/<int:upload_id>/delete", methods=["POST"])
@login_required
def delete(upload_id: int):
    upload = files.get(upload_id)
    if upload is None:
        abort(404)
    require(current_user, "delete_upload", upload)
    name = upload.name
    files.remove(upload)
    flash(f"{name} is deleted. Posts that showed it now show its name only.", "success")
    return redirect(url_for("uploads.mine"))
