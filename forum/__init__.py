"""The Theme of the Month forum: create_app builds the whole application."""
from __future__ import annotations

import secrets

from flask import Flask

import search

from . import (accounts, api, archive, cli, demo, discussions, feeds, mail, moderation, notifications,
               page_cache, panel, replies_by_email, schema, searching, themes, uploads, worker)
from .page_cache import cache, freshness
from .searching import indexing
from .notifications import notify
from .uploads import files, stores
from .core import errors, security, timefmt
from .core.config import load_config
from .core.database import IdConverter, configure_database
from .core.extensions import db, login_manager
from .models import User
from .permissions import may
from .discussions.urls import ID_SLOT, address_parts, thread_url

# Each package adds its pages (blueprints) and commands with its register(), which imports them
# only then: a module that uses forum.themes.months does not load the web pages with it.
FEATURES = (themes, discussions, searching, accounts, moderation, panel, notifications, feeds, uploads,
            mail, replies_by_email, archive, demo, page_cache, worker, api)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI.

    Tables are not made here: `flask --app app db upgrade` (which `make run`
    and `init-db` run) creates and migrates them.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    load_config(app, test_config)
    app.url_map.converters["int"] = IdConverter  # before any route is added

    db.init_app(app)
    configure_database(app)
    schema.init_app(app)
    _init_login(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    search.init_app(app)
    stores.init_app(app)
    freshness.init_app(app)  # before indexing: see forum.page_cache.freshness
    indexing.init_app(app)
    notify.init_app(app)
    cache.init_app(app)
    for package in FEATURES:
        package.register(app)
    _init_templates(app)
    timefmt.init_app(app)
    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(alternative_id: str) -> User | None:
        user_id, _, token = alternative_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not secrets.compare_digest(user.session_token, token):
            return None
        return user


NAVIGATION = (
    ("themes.archive", "Themes"),
    ("search.search_page", "Search"),
    ("members.directory", "Members"),
)


def _init_templates(app: Flask) -> None:
    endpoints = frozenset(app.view_functions)
    app.jinja_env.globals.update(
        may=may,
        thread_url=thread_url,
        address_parts=address_parts,
        ID_SLOT=ID_SLOT,
        app_endpoints=endpoints,
        nav_items=[(e, label) for e, label in NAVIGATION if e in endpoints],
        upload_types=files.ACCEPTED,
        upload_max=files.size_text(app.config["UPLOAD_MAX_BYTES"]),
        upload_max_bytes=app.config["UPLOAD_MAX_BYTES"],
    )

    @app.context_processor
    def community():
        return {
            "community_name": app.config["COMMUNITY_NAME"],
            "community_tagline": app.config["COMMUNITY_TAGLINE"],
        }
