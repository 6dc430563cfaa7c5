"""Discussions: threads and their posts. Writing them (posting, post_rows), reading them as pages
(reading, urls), what a member has read (tracking), @mentions, and the pages and forms (views,
forms, composing: the preview and a file sent with a post)."""
