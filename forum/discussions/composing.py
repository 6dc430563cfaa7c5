"""What the forms that write posts share (a new thread, a reply, an edit): the preview and
a file sent with the form. Not a blueprint."""
from __future__ import annotations

from flask_login import current_user

from . import posting
from .. import throttle
from ..uploads import files
from ..permissions import why_not
from .urls import upload_url

PREVIEWING_TOO_FAST = "Too many previews in a minute: wait a moment, then preview again."


def preview_allowed() -> bool:
    """Counts a preview for the member; False when they asked for too many in a minute."""
    return throttle.take_at_once("preview", current_user.id)


def preview_html(body: str | None) -> str:
    """The body as it will be posted, or why it can't be."""
    try:
        return posting.render(posting.clean_body(body))
    except posting.PostingError as error:
        return f"<p class=\"muted\">{error.message}</p>"


def render_preview(body: str | None) -> str:
    """The body as it will look, within the member's preview limit (rendering costs the server)."""
    return preview_html(body) if preview_allowed() else f"<p class=\"muted\">{PREVIEWING_TOO_FAST}</p>"


def attach_from_form(form) -> bool:
    """A file sent with a post's form (the way without JavaScript): kept, and its Markdown
    added to the text, so a preview or a refused post keeps it.

    False, with the reason among the form's errors, when it can't be kept;
    what the member wrote stays in the form either way.
    """
    sent = form.attachment.data
    if not sent or not getattr(sent, "filename", ""):
        return True
    refusal = why_not(current_user, "attach_file")
    if refusal:
        form.attachment.errors = [refusal]
        return False
    try:
        upload = files.store(current_user._get_current_object(), sent)
    except files.UploadError as error:
        form.attachment.errors = [error.message]
        return False
    text = (form.body.data or "").rstrip()
    form.body.data = (text + "\n\n" if text else "") + files.markdown_for(upload, upload_url(upload))
    return True
