"""Writing posts and threads. Bodies are Markdown; extra fields are never read."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField

from .fields import strip_line


class PostForm(FlaskForm):
    # Length and emptiness are checked by forum.posting, so the messages
    # are the same wherever a post is written.
    body = TextAreaField("Your reply")
    preview = SubmitField("Preview")
    submit = SubmitField("Post reply")


class ReplyForm(PostForm):
    parent_id = HiddenField()


class ThreadForm(PostForm):
    title = StringField("Title", filters=[strip_line])
    submit = SubmitField("Start thread")


class EditForm(PostForm):
    submit = SubmitField("Save changes")
