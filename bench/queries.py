"""The benchmark's fixed search queries, and each as the SearchRequest /search makes of it."""
from __future__ import annotations

import re
from datetime import date

HOSTILE_WORDS = ("students teachers colleagues team department grade class classroom room school building week "
                 "month year day morning afternoon semester term spring fall summer winter time").split()

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
    # The words teachers type (issue 16): search.analysis and search.filters.
    {"q": "K-2"},                                   # grade band
    {"q": "CER"},                                   # acronym, never "corrected"
    {"q": "assessment author:{member}"},            # author by display name, unquoted
    {"q": "feedback theme:{title word}"},           # theme by a word of its title
    {"q": "HS-LS1-1"},                              # standards code
    # Hostile (issue 32): common words OR'ed, every post nearly matches. The first is the most
    # alternatives a search may join (search.MAX_ALTERNATIVES), so it runs until the time limit
    # stops it; the second, 200 characters of them, is refused before any engine runs.
    {"q": " OR ".join(HOSTILE_WORDS[:12])},
    {"q": " OR ".join(HOSTILE_WORDS)[:200]},
]


def named(params: dict, themes: dict[str, str], member: str) -> dict:
    """Names the generator drew, put where a query asks for them.

    A theme is "theme-010-<subject>", its subject drawn by size: `theme`
    names it by its number. `{member}` is a member's display name, and
    `{title word}` the longest word of the eleventh theme's title, as a
    member would remember it (other themes may share it).
    """
    def slug(number: str) -> str:
        return next((slug for slug in sorted(themes) if slug.startswith(number + "-")), number)

    if "theme" in params:
        params = {**params, "theme": slug(params["theme"])}
    title = themes.get(slug("theme-010"), "").split(" (")[0]  # not the "(December 2019)" every title ends with
    title_words = re.findall(r"[A-Za-z]+", title) or ["feedback"]
    text = params["q"].replace("{member}", member).replace("{title word}", max(title_words, key=len).lower())
    return {**params, "q": text}


def search_request(params: dict):
    from search import SearchRequest

    return SearchRequest(
        text=params.get("q", ""), author=params.get("author", ""), theme=params.get("theme", ""),
        date_from=date.fromisoformat(params["from"]) if "from" in params else None,
        date_to=date.fromisoformat(params["to"]) if "to" in params else None,
        newest_first=params.get("sort") == "newest", page=int(params.get("page", 1)))
