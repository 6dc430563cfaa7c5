# Copy to instance/config.py and adjust. Any key can also be set as a
# FLASK_<KEY> environment variable, which wins over this file.

# Required when PRODUCTION is on: a long random string, e.g. from
#   python -c "import secrets; print(secrets.token_hex(32))"
# SECRET_KEY = "..."

# Secure cookies, HSTS, and a refusal to start without SECRET_KEY.
# PRODUCTION = True

# COMMUNITY_NAME = "STEM Teacher Leaders"
# SQLALCHEMY_DATABASE_URI = "sqlite:////srv/forum/forum.sqlite3"
# SEARCH_INDEX_DIR = "/srv/forum/search-index"

# Behind one reverse proxy that sets X-Forwarded-For:
# PROXY_FIX_X_FOR = 1
