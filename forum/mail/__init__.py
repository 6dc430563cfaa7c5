"""Email: what each one says (emails), the mailings to many members (mailings: digests and the month's
emails), and sending them (mailer). Templates are in templates/email/."""
