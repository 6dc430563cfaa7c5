"""Notifications: who is told of a post and why (notify), the watch levels that decide it (watching),
and the bell's page and its settings (views, forms). The emails they become are in forum/mail/."""
