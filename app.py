"""Entry point for `flask --app app` and WSGI servers."""
import gc

from forum import create_app

app = create_app()
# What start-up made lives as long as the process: frozen, the collector no
# longer walks it. A full collection walked 130,000 such objects for 55 to
# 100 ms, a pause that struck one search in six under load; now 3 to 5 ms
# (docs/benchmark.md).
gc.freeze()
