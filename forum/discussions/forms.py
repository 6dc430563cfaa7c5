"""Writing posts and threads. Bodies are Markdown; extra fields are never read."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..moderation.reports import REASON_MAX
from ..forms.fields import FormWithFile, strip_line, strip_text


class PostForm(FormWithFile):
    # Length and emptiness are checked by forum.discussions.posting, so the messages
    # are the same wherever a post is written.
    body = TextAreaField("Your reply")
    # Checked by forum.uploads.files, from its content; kept files join the body as Markdown.
    attachment = FileField("Attach an image or a PDF")
    preview = SubmitField("Preview")
    submit = SubmitField("Post reply")


class ReplyForm(PostForm):
    parent_id = HiddenField()


class ThreadForm(PostForm):
    title = StringField("Title", filters=[strip_line])
    submit = SubmitField("Start thread")


class EditForm(PostForm):
    submit = SubmitField("Save changes")


class ReportForm(FlaskForm):
    reason = TextAreaField(
        "What is wrong with this post?", filters=[strip_text],
        description="Only moderators read this; the author is not told who reported the post.",
        validators=[DataRequired("Say what is wrong with the post, so moderators know what to look for."),
                    Length(max=REASON_MAX, message=f"Keep it under {REASON_MAX} characters.")],
    )
