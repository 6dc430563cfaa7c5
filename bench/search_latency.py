"""/search end to end beside the same queries straight on a Whoosh searcher.

    .venv/bin/python -m bench.search_latency --database /tmp/bench.sqlite3 [--repeat 15]

Both sides run warm in this process; the ratio is the cost of our layer
(query parsing, facets, loading the posts, snippets, the page).
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from whoosh.query import Every

QUERIES = [
    {"q": "students"},                              # common word
    {"q": "watershed"},                             # rarer word
    {"q": "release substitutes"},                   # two words
    {"q": '"master schedule"'},                     # phrase
    {"q": "makerspace OR robotics"},                # either
    {"q": "coaching -mentor"},                      # exclusion
    {"q": "assessment", "author": "Rosa"},          # author filter
    {"q": "feedback", "theme": "theme-010"},        # theme filter
    {"q": "planning", "from": "2024-01-01", "to": "2024-12-31"},  # date range
    {"q": "collaboration", "sort": "newest"},       # newest first
    {"q": "colaboraton"},                           # misspelling
    {"q": "students", "page": "40"},                # far down the results
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def label(params: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--index")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from forum import create_app
    from search import querying
    from search.sync import index_root
    from search.whoosh_index import searchers

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.database}",
                      "SEARCH_INDEX_DIR": args.index or f"{args.database}.index",
                      "SECRET_KEY": "benchmark only, never served"})
    client = app.test_client()
    rows = []
    with app.app_context():
        for params in QUERIES:
            client.get("/search", query_string=params)  # warm
            ours = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                assert client.get("/search", query_string=params).status_code == 200
                ours.append((time.perf_counter() - started) * 1000)
            request = querying.SearchRequest(
                text=params.get("q", ""), author=params.get("author", ""), theme=params.get("theme", ""),
                date_from=date.fromisoformat(params["from"]) if "from" in params else None,
                date_to=date.fromisoformat(params["to"]) if "to" in params else None,
                newest_first=params.get("sort") == "newest", page=int(params.get("page", 1)))
            raw = []
            with searchers.using(index_root()) as searcher:
                # The same words, filters, depth and order, straight on the searcher.
                words, filters = querying.build_parts(searcher, request)
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    searcher.search(words if words is not None else Every(), filter=filters,
                                    limit=request.page * querying.PER_PAGE,
                                    sortedby="created" if request.newest_first else None,
                                    reverse=request.newest_first)
                    raw.append((time.perf_counter() - started) * 1000)
            rows.append((label(params), statistics.median(ours), percentile(ours, 0.95),
                         statistics.median(raw), percentile(raw, 0.95)))
    print("| query | /search p50 ms | /search p95 ms | Whoosh p50 ms | Whoosh p95 ms | ratio p50 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, p50, p95, r50, r95 in rows:
        print(f"| `{name}` | {p50:.1f} | {p95:.1f} | {r50:.1f} | {r95:.1f} | {p50 / max(r50, 0.01):.1f}× |")


if __name__ == "__main__":
    main()
