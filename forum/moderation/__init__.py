"""Moderation: hiding, pinning, locking and moving (actions), members' reports (reports), the audit log
(audit), and the moderators' and admins' pages and forms (views, admin_views, forms)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The moderators' and the admins' pages."""
    from . import admin_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
