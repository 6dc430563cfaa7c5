"""Members' accounts: joining, signing in, passwords, email address, closing an account and roles
(membership), password hashing (passwords), signed links (tokens), a member's own data (member_data),
the members directory's search (directory), and their pages and forms (auth_views, auth_forms: join,
log in, reset; views, forms: the directory, profiles and settings)."""
