"""Opening a notification from the bell: a link (a GET) that marks it read."""
from __future__ import annotations

from . import notify
from ..core.database import write_transaction
from ..models import Notification, User


def mark_opened(member: User, notification: Notification) -> None:
    """Mark read a notification its member opens, unless it was already.

    A page view's transaction only reads, so this write gets its own (forum.core.database).
    """
    if notification.read_at is None:
        with write_transaction():
            notify.mark_read(member, notification.id)
