"""app.py, which WSGI servers and `flask --app app` load."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.sqlite_only  # makes a SQLite forum of its own whichever database the run is on
def test_the_objects_start_up_made_are_kept_out_of_the_garbage_collectors_walks(tmp_path):
    env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.sqlite3'}",
           "FLASK_SEARCH_INDEX_DIR": str(tmp_path / "index"), "FLASK_CACHE_DIR": str(tmp_path / "cache"),
           "FLASK_MAIL_FOLDER": str(tmp_path / "mail"), "FLASK_UPLOAD_FOLDER": str(tmp_path / "uploads")}
    shown = subprocess.run(
        [sys.executable, "-c", "import gc, app; print(gc.get_freeze_count(), len(gc.get_objects()))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True).stdout.split()
    frozen, still_walked = int(shown[0]), int(shown[1])
    assert frozen > 10 * still_walked, (frozen, still_walked)
