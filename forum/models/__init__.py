"""The domain's tables. Models hold data and small derived facts; they never commit."""
from .api_tokens import ApiToken
from .audit import AuditEntry
from .discussions import Post, Thread
from .guests import GuestExpert
from .incoming import IncomingMessage
from .notifications import Mailing, Notification, OutgoingMail, Watch
from .post_events import PostEvent
from .panel import PanelQuestion
from .reports import Report
from .revisions import PostRevision
from .search import SearchOutbox
from .security import ThrottleEvent
from .themes import ARCHIVED, OPEN, UPCOMING, Panelist, Resource, Theme
from .tracking import ThreadRead
from .uploads import Upload, UploadContent
from .users import ROLES, User

__all__ = [
    "ARCHIVED", "ApiToken", "AuditEntry", "GuestExpert", "IncomingMessage", "Mailing", "Notification",
    "PostEvent", "OPEN",
    "OutgoingMail", "Watch", "PanelQuestion", "Panelist", "Post", "PostRevision", "ROLES", "Report",
    "Resource", "SearchOutbox", "Theme", "Thread", "ThreadRead", "ThrottleEvent", "UPCOMING", "Upload", "UploadContent",
    "User",
]
