"""Choosing a search engine, and refusing to start with one that would answer wrongly."""
from __future__ import annotations

import pytest

import search
from forum import create_app
from search.whoosh_engine import patches

SETTINGS = {"TESTING": True, "SECRET_KEY": "test secret key, long enough for the checks here"}


def test_an_unknown_engine_is_named_at_start_up(database_uri):
    with pytest.raises(search.SearchConfigError, match="SEARCH_BACKEND='elastic': use one of postgres, whoosh"):
        create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri, "SEARCH_BACKEND": "elastic"})


def test_another_whoosh_version_stops_start_up_with_what_to_do(database_uri, monkeypatch):
    monkeypatch.setattr(patches, "installed_version", lambda: "2.8.0")
    with pytest.raises(patches.WrongWhooshVersion) as raised:
        create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri})
    message = str(raised.value)
    assert "patches Whoosh 2.7.5 but 2.8.0 is installed" in message
    assert "whoosh-reloaded==2.7.5" in message


def test_the_installed_whoosh_is_the_one_the_patches_were_written_for():
    assert patches.installed_version() == patches.WRITTEN_FOR
