"""PostgreSQL full-text search: the documents table, its word list, and the text configurations.

Only on PostgreSQL; on SQLite this revision changes nothing (search there
is Whoosh's). The tables belong to search/postgres_engine, not to the
models, so the check that models and migrations agree leaves them out
(forum.schema.ENGINE_TABLES).

- forum_english: English stemming, accents folded (unaccent), for words;
  forum_names: no stemming, accents folded, for people's names.
- search_documents: one row per post anyone may read; `words` weighs the
  thread title (A) above the body (B) and who asked a panel question (C).
- search_words: every word seen in a post, for "did you mean" (pg_trgm).
- search_built: which version of the documents a rebuild last wrote.

unaccent and pg_trgm are trusted extensions: the database's owner may
create them without being a superuser.

Revision ID: 0009
Revises: 0008
Created: 2026-12-02
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

UPGRADE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TEXT SEARCH CONFIGURATION forum_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION forum_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION forum_names (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION forum_names
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

CREATE TABLE search_documents (
    post_id integer PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    thread_id integer NOT NULL,
    theme_slug varchar(80) NOT NULL,
    year smallint NOT NULL,
    created_at timestamp NOT NULL,
    author_name text NOT NULL,
    asked_by text NOT NULL,
    thread_title text NOT NULL,
    body text NOT NULL,
    words tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('forum_english', thread_title), 'A')
        || setweight(to_tsvector('forum_english', body), 'B')
        || setweight(to_tsvector('forum_names', asked_by), 'C')) STORED,
    names tsvector GENERATED ALWAYS AS (to_tsvector('forum_names', author_name)) STORED
);
CREATE INDEX search_documents_words ON search_documents USING gin (words);
CREATE INDEX search_documents_names ON search_documents USING gin (names);
CREATE INDEX search_documents_created ON search_documents (created_at DESC, post_id DESC);
CREATE INDEX search_documents_theme ON search_documents (theme_slug, created_at DESC);

CREATE TABLE search_words (word text PRIMARY KEY);
CREATE INDEX search_words_trigrams ON search_words USING gin (word gin_trgm_ops);

CREATE TABLE search_built (version text NOT NULL, built_at timestamp NOT NULL);
"""

DOWNGRADE = """
DROP TABLE search_built;
DROP TABLE search_words;
DROP TABLE search_documents;
DROP TEXT SEARCH CONFIGURATION forum_names;
DROP TEXT SEARCH CONFIGURATION forum_english;
"""


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(UPGRADE)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(DOWNGRADE)
