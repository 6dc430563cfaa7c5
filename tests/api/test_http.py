"""What every API response is: JSON errors, ETags, rate limits, CORS, its cost in SQL, and its OpenAPI document."""
from __future__ import annotations

import re


from forum.core.database import recorded_statements
from forum.core.extensions import db
from tests.api.conftest import bearer
from tests.conftest import build_thread


def test_errors_are_json_with_a_code(client, community):
    for method, url, status, code in (("get", "/api/v1/no/such/thing", 404, "not_found"),
                                      ("get", "/api/v1/threads/99999", 404, "not_found"),
                                      ("get", "/api/v1/threads/99999999999999", 404, "not_found"),
                                      ("delete", "/api/v1/themes", 405, "method_not_allowed"),
                                      ("put", f"/api/v1/threads/{community.open_thread}/posts", 405,
                                       "method_not_allowed")):
        response = getattr(client, method)(url)
        assert response.status_code == status, url
        assert response.is_json and response.get_json()["error"]["code"] == code
        assert response.get_json()["error"]["message"]
    assert "GET" in client.delete("/api/v1/themes").headers["Allow"]
    # Outside the API, errors are still pages.
    assert client.get("/no/such/page").mimetype == "text/html"


def test_an_unchanged_read_answers_304_without_a_body(app, client, community, auth, forms):
    url = f"/api/v1/threads/{community.open_thread}/posts"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # A reply changes what the thread reads, so its ETag.
    auth.login(email="other@example.org")
    forms.post(f"/threads/{community.open_thread}/posts", {"body": "New reply"}, page=f"/threads/{community.open_thread}")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # What a token reads may be its member's alone: never kept by shared caches.
    assert client.get(url, headers=bearer(community.tokens["read"])).headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first.headers["Vary"]


def test_rate_limits_per_token_and_per_visitor_address(app, client, community):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "api": [3, 60], "api-visitor": [2, 60]}
    read = bearer(community.tokens["read"])
    answers = [client.get("/api/v1/themes", headers=read) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert answers[0].headers["RateLimit"] == "limit=3, remaining=2, reset=60"
    limited = answers[3]
    assert limited.get_json()["error"]["code"] == "rate_limited" and limited.headers["Retry-After"] == "60"
    # Another token has a count of its own; visitors are counted by address.
    assert client.get("/api/v1/themes", headers=bearer(community.tokens["other"])).status_code == 200
    assert [client.get("/api/v1/themes").status_code for _ in range(3)] == [200, 200, 429]
    elsewhere = client.get("/api/v1/themes", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 200


def test_cors_is_off_unless_an_origin_is_configured(app, client, community):
    origin = {"Origin": "https://lms.example.edu"}
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/themes", headers=origin).headers
    app.config["API_CORS_ORIGINS"] = ["https://lms.example.edu"]
    allowed = client.get("/api/v1/themes", headers=origin)
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://lms.example.edu"
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    preflight = client.options(f"/api/v1/threads/{community.open_thread}/posts", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    other = client.get("/api/v1/themes", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_reading_a_200_post_thread_costs_no_more_sql_than_its_page(app, client, community, auth, make_user):
    """The page, to a member: the thread, due questions, the member, branches, posts, their state (6).
    The API: the token with its member, the rate limit's count, clearing and row, the thread and
    the tree (6), whatever the thread's size."""
    authors = [community.member, community.other, make_user(email="third@example.org", display_name="Third")]
    with app.app_context():
        from forum.models import Post

        opening = db.session.scalar(db.select(Post.id).where(Post.thread_id == community.open_thread,
                                                             Post.parent_id.is_(None)))
    build_thread(app, community.open_thread, opening, authors, 200)
    with app.app_context():
        engine = db.engine
    auth.login()
    with recorded_statements(engine) as page:
        assert client.get(f"/threads/{community.open_thread}").status_code == 200
    api_client = app.test_client()
    # A tool at work: its token was used this hour already. (Its first request in an hour also
    # notes when it was last used, one UPDATE more; see docs/api.md.)
    api_client.get("/api/v1/me", headers=bearer(community.tokens["read"]))
    with recorded_statements(engine) as api:
        response = api_client.get(f"/api/v1/threads/{community.open_thread}/posts",
                                  headers=bearer(community.tokens["read"]))
    assert response.status_code == 200
    assert len(response.get_json()["posts"]) == app.config["THREAD_BRANCHES_PER_PAGE"]
    assert len(api) <= len(page), [statement for statement, _ in api]


def test_the_openapi_document_is_valid_and_names_every_route(app, client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
            routed |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented


def test_guessing_tokens_counts_against_the_address(app, client, community):
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "api-visitor": [2, 60]}
    wrong = {"Authorization": "Bearer fk_guess"}
    assert [client.get("/api/v1/themes", headers=wrong).status_code for _ in range(3)] == [401, 401, 429]
    # A real token has its own count.
    assert client.get("/api/v1/themes", headers=bearer(community.tokens["read"])).status_code == 200
