"""The OpenAPI 3.1 description of the API, as data, served at /api/v1/openapi.json.

tests/api/test_openapi.py checks it against a validator and against the blueprint's routes:
a route missing here, or a path here with no route, fails it.
"""
from __future__ import annotations

from .blueprint import PREFIX


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
CURSOR = {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
          "description": "The `next_cursor` of the page before; absent for the first page."}


def _limit(default: int, most: int) -> dict:
    return {"name": "limit", "in": "query", "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": most, "default": default}}


def _path(name: str, kind: str = "integer") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _page(key: str, item: dict, **more) -> dict:
    return {"type": "object", "required": [key, "next_cursor"],
            "properties": {key: {"type": "array", "items": item}, "next_cursor": NULLABLE_STRING, **more}}


COMMON_ERRORS = {
    "400": _error("A parameter or cursor is wrong"),
    "401": _error("The token is not valid (revoked, mistyped), or one is needed"),
    "429": _error("Too many requests: wait `Retry-After` seconds"),
}
WRITE_ERRORS = {
    **COMMON_ERRORS,
    "403": _error("The token may only read (`insufficient_scope`), or the rule said no (`forbidden`)"),
    "404": _error("No such object, or not one the caller may see"),
    "409": _error("`thread_locked`, `discussion_archived`, `discussion_not_open` or `post_unavailable`"),
    "413": _error("The body is too large"),
    "415": _error("The body is not JSON"),
    "422": _error("`validation_failed`: `fields` says what is wrong with each field"),
}


def _get(summary: str, schema: dict, parameters: list | None = None, errors: dict | None = None) -> dict:
    return {"get": {"summary": summary, "parameters": parameters or [],
                    "responses": {"200": _json(schema, "The object, or a page of them"),
                                  "304": {"description": "Unchanged since the `If-None-Match` ETag"},
                                  **COMMON_ERRORS, **(errors or {})}}}


def document() -> dict:
    not_found = {"404": _error("No such object, or not one the caller may see")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Theme of the Month forum API", "version": "1",
                 "description": "Read the forum's themes, threads, posts, search and members, and post "
                                "replies and new threads. See docs/api.md."},
        "servers": [{"url": PREFIX}],
        "security": [{}, {"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A personal API token from Settings → API tokens"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/openapi.json": {"get": {"summary": "This document", "security": [{}],
                                      "responses": {"200": {"description": "The OpenAPI document"}}}},
            "/themes": _get("Themes, newest month first", _page("themes", _ref("Theme")), [
                {"name": "state", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["open", "current", "upcoming", "archived"]}},
                CURSOR, _limit(20, 100)]),
            "/themes/{slug}": {"parameters": [_path("slug", "string")],
                               **_get("One theme", _ref("Theme"), errors=not_found)},
            "/themes/{slug}/threads": {
                "parameters": [_path("slug", "string")],
                **_get("A theme's threads, newest first", _page("threads", _ref("Thread")),
                       [CURSOR, _limit(20, 100)], not_found),
                "post": {"summary": "Start a thread (read+write token)", "security": [{"bearer": []}],
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["title", "body"],
                             "properties": {"title": {"type": "string"},
                                            "body": {"type": "string", "description": "Markdown"}}}}}},
                         "responses": {"201": _json(_ref("Thread"), "The new thread; `Location` is its address"),
                                       **WRITE_ERRORS}},
            },
            "/threads/{thread_id}": {"parameters": [_path("thread_id")],
                                     **_get("One thread", _ref("Thread"), errors=not_found)},
            "/threads/{thread_id}/posts": {
                "parameters": [_path("thread_id")],
                **_get("The opening post and a page of top-level branches, each a tree of replies",
                       _page("posts", _ref("Post"), thread=_ref("Thread"), opening_post=_ref("Post")),
                       [CURSOR, _limit(50, 50)], not_found),
                "post": {"summary": "Reply (read+write token)", "security": [{"bearer": []}],
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["body"],
                             "properties": {"body": {"type": "string", "description": "Markdown"},
                                            "in_reply_to": {"type": "integer",
                                                            "description": "A post of the thread; "
                                                                           "absent: the opening post"}}}}}},
                         "responses": {"201": _json(_ref("Post"), "The new post; `Location` is its address"),
                                       **WRITE_ERRORS}},
            },
            "/posts/{post_id}": {"parameters": [_path("post_id")],
                                 **_get("One post", _ref("Post"), errors=not_found)},
            "/search": _get("Search posts, as the search page does", _page("results", _ref("SearchResult"), **{
                "total": {"type": "integer"}, "estimated": {"type": "boolean"},
                "notices": {"type": "array", "items": {"type": "string"}},
                "unanswered": {"type": "boolean"}}), [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                 "description": description} for name, description in (
                    ("q", "Words, \"phrases\", OR, -word, author:Name, theme:slug"),
                    ("theme", "A theme's slug, a word of its title, or a month"),
                    ("author", "A member's name or part of it"), ("thread", "A thread's id"),
                    ("from", "YYYY-MM-DD"), ("to", "YYYY-MM-DD"), ("sort", "relevance (default) or newest"))
            ] + [CURSOR], {"422": _error("Nothing to search for"), "503": _error("The search index is missing")}),
            "/members/{user_id}": {"parameters": [_path("user_id")],
                                   **_get("A member's public profile", _ref("Member"), errors=not_found)},
            "/me": _get("The token's member and the token's scope", {
                "type": "object", "properties": {"member": _ref("Member"), "token": {
                    "type": "object", "properties": {"name": {"type": "string"},
                                                     "scope": {"type": "string", "enum": ["read", "read+write"]}}}}}),
            "/me/notifications": _get("The token's member's notifications, newest first",
                                      _page("notifications", _ref("Notification")), [CURSOR, _limit(20, 100)]),
        },
    }


AUTHOR = {"type": ["object", "null"], "required": ["id", "name", "profile_url"],
          "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                         "profile_url": {"type": "string", "format": "uri"},
                         "panelist": {"type": "string", "description": "In a thread's posts: the panelist a "
                                                                       "guest expert is in its theme"}}}
SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
    "Theme": {"type": "object", "properties": {
        "slug": {"type": "string"}, "title": {"type": "string"}, "month": {"type": "string"},
        "state": {"type": "string", "enum": ["upcoming", "open", "archived"]}, "summary": {"type": "string"},
        "opens_at": TIME, "closes_at": TIME,
        "panel": {"type": "object", "properties": {"title": NULLABLE_STRING, "at": NULLABLE_TIME,
                                                   "recording_url": NULLABLE_STRING}},
        "url": {"type": "string"}, "threads_url": {"type": "string"}}},
    "Thread": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "theme": {"type": "object", "properties": {"slug": {"type": "string"}, "title": {"type": "string"}}},
        "author": AUTHOR, "created_at": TIME, "last_post_at": TIME, "reply_count": {"type": "integer"},
        "facilitated": {"type": "boolean"}, "pinned": {"type": "boolean"}, "locked": {"type": "boolean"},
        "url": {"type": "string"}, "posts_url": {"type": "string"}}},
    "Post": {"type": "object", "required": ["id", "thread_id", "in_reply_to", "author", "body_html"], "properties": {
        "id": {"type": "integer"}, "thread_id": {"type": "integer"}, "in_reply_to": {"type": ["integer", "null"]},
        "author": AUTHOR, "body_html": {**NULLABLE_STRING, "description": "Sanitised HTML, as the page shows it"},
        "body_markdown": {"type": "string", "description": "Only for the post's author and moderators"},
        "created_at": TIME, "edited_at": NULLABLE_TIME, "deleted": {"type": "boolean"},
        "hidden": {"type": "boolean"}, "url": {"type": "string"}, "reply_count": {"type": "integer"},
        "replies": {"type": "array", "items": {"$ref": "#/components/schemas/Post"}}}},
    "Member": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"},
        "position": NULLABLE_STRING, "organisation": NULLABLE_STRING, "location": NULLABLE_STRING,
        "bio": NULLABLE_STRING, "joined_at": TIME, "post_count": {"type": "integer"}, "url": {"type": "string"}}},
    "Notification": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "text": {"type": "string"}, "created_at": TIME,
        "read": {"type": "boolean"}, "post_id": {"type": ["integer", "null"]}, "url": {"type": "string"}}},
    "SearchResult": {"type": "object", "properties": {
        "post_id": {"type": "integer"}, "snippet_html": {"type": "string"}, "created_at": TIME,
        "author_name": {"type": "string"}, "in_reply_to_name": NULLABLE_STRING,
        "thread": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}},
        "theme": {"type": "object", "properties": {"slug": {"type": "string"}, "title": {"type": "string"},
                                                   "month": {"type": "string"}}},
        "url": {"type": "string"}}},
}
