"""The benchmark's own machinery (its figures are measured by `make bench`, never here)."""
import json
import sqlite3
import subprocess
import sys

import pytest
from tests.conftest import ROOT



@pytest.mark.sqlite_only  # makes a SQLite forum of its own whichever database the run is on
def test_a_kept_folder_is_brought_up_to_the_current_migrations_before_it_is_measured(tmp_path):
    from bench import run as bench

    workdir = tmp_path / "100"
    workdir.mkdir()
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade", "0015"], cwd=ROOT,
                   env=bench.environment(workdir), check=True, capture_output=True)
    (workdir / "load.json").write_text(json.dumps({"posts": 100}))
    assert bench.load(100, workdir) == {"posts": 100}
    with sqlite3.connect(workdir / "forum.sqlite3") as database:
        tables = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "uploads" in tables  # made by migration 0016
