"""Members and threads for bench/concurrent_writes.py, made by the code being measured.

Not imported: concurrent_writes runs this file's text with `python -c` in
the tree of each side it compares, so that the rows are written by that
side's own models into that side's own schema. It imports nothing of
bench/ for the same reason. Arguments: members, threads, password; it
prints {"threads": [ids], "emails": [...], "forum": forum.__file__}.
"""
import json
import sys
from datetime import timedelta

import forum
from forum import create_app
from forum.accounts.passwords import hash_password
from forum.core.database import utcnow
from forum.core.extensions import db
from forum.discussions import posting
from forum.models import Theme, User

members, threads, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
app = create_app()  # configured from the FLASK_* environment, as the server will be
with app.app_context():
    now = utcnow()
    # The current theme: the archive's are all in the past, and closed themes take no replies.
    theme = Theme(slug="concurrent-writes", title="Concurrent writes", month=now.strftime("%Y-%m"),
                  opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    writers = [User(email=f"writer-{n}@concurrent.example.org", display_name=f"Concurrent writer {n}",
                    password_hash=hash_password(password)) for n in range(members)]
    db.session.add_all([theme, *writers])
    db.session.commit()
    ids = [posting.start_thread(theme, writers[n % members], f"Concurrent thread {n}", "Opening post").id
           for n in range(threads)]
    print(json.dumps({"threads": ids, "emails": [writer.email for writer in writers], "forum": forum.__file__}))
