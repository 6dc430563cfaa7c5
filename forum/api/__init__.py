"""The JSON API at /api/v1/ (docs/api.md): personal tokens (tokens, auth, settings_views), errors,
cursor pagination, what it reads and writes (reads, writing, shapes), a views module per resource
and its OpenAPI description (openapi)."""
from __future__ import annotations

from flask import Flask

# Defaults for limits an operator's RATE_LIMITS may leave out (set before 2026-12, say).
_LIMITS = {"api": [120, 60], "api-visitor": [30, 60]}


def register(app: Flask) -> None:
    """The API's blueprint, and the settings pages for tokens."""
    from ..core.database import takes_row_locks
    from ..core.errors import errors_under
    from ..core.security import bearer_only
    from . import errors, members_views, meta_views, search_views, settings_views, themes_views, threads_views  # noqa: F401
    from .blueprint import PREFIX, bp

    app.config["RATE_LIMITS"] = {**_LIMITS, **app.config["RATE_LIMITS"]}
    app.register_blueprint(bp)
    app.register_blueprint(settings_views.bp)
    errors_under(app, PREFIX + "/", errors.render)
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("api."):
            bearer_only(view)
            # Each request counts itself against its rate limit in a short write: on PostgreSQL it
            # shares the write lock and locks only its own count, so API reads never queue on one another.
            takes_row_locks(view)
