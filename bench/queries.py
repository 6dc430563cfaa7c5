"""The benchmark's fixed search queries, and each as the SearchRequest /search makes of it."""
from __future__ import annotations

from datetime import date

QUERIES = [
    {"q": "students"},                              # common word
    {"q": "watershed"},                             # rarer word
    {"q": "release substitutes"},                   # two words
    {"q": '"master schedule"'},                     # phrase
    {"q": "makerspace OR robotics"},                # either
    {"q": "coaching -mentor"},                      # exclusion
    {"q": "assessment", "author": "Rosa"},          # author filter
    {"q": "feedback", "theme": "theme-010"},        # theme filter: the eleventh month's theme, whatever its subject
    {"q": "planning", "from": "2024-01-01", "to": "2024-12-31"},  # date range
    {"q": "collaboration", "sort": "newest"},       # newest first
    {"q": "colaboraton"},                           # misspelling
    {"q": "students", "page": "40"},                # far down the results
]


def with_theme_slug(params: dict, slugs: list[str]) -> dict:
    """The generator names themes "theme-010-<subject>", the subject drawn by size: find it."""
    if "theme" not in params:
        return params
    found = next((slug for slug in sorted(slugs) if slug.startswith(params["theme"] + "-")), params["theme"])
    return {**params, "theme": found}


def search_request(params: dict):
    from search import SearchRequest

    return SearchRequest(
        text=params.get("q", ""), author=params.get("author", ""), theme=params.get("theme", ""),
        date_from=date.fromisoformat(params["from"]) if "from" in params else None,
        date_to=date.fromisoformat(params["to"]) if "to" in params else None,
        newest_first=params.get("sort") == "newest", page=int(params.get("page", 1)))
