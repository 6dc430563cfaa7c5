"""The API's blueprint, at /api/v1/: each *_views module adds its resource's routes to it."""
from __future__ import annotations

from flask import Blueprint

from . import auth, errors, http

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.before_request(auth.authenticate)
bp.after_request(http.finish)
bp.register_error_handler(errors.ApiError, errors.api_error)
