"""The API's description of itself."""
from __future__ import annotations

from . import openapi
from .blueprint import bp
from .http import answer


@bp.route("/openapi.json")
def openapi_document():
    """The OpenAPI document (docs/api.md says the same in words)."""
    return answer(openapi.document())
