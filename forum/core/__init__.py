"""The foundations every package stands on: configuration, the database and its transactions,
security headers and CSRF, error pages, text and time helpers, the sanitiser. Nothing here
imports the models or a feature package."""
