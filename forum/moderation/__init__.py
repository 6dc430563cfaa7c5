"""Moderation: hiding, pinning, locking and moving (actions), members' reports (reports), the audit log
(audit), and the moderators' and admins' pages and forms (views, admin_views, forms)."""
