"""The suite's own shortcuts (tests/shared_work.py): each must keep paying, or the run slows."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from forum import create_app
from forum.core.extensions import db
from tests.shared_work import TEMPLATE_CODE


def _compiled_afresh(app, path: str) -> tuple[list[str], int]:
    """The statements a page view had to compile because no app of the run had compiled them, and
    how many compiled statements it ran."""
    with app.app_context():
        engine = db.engine
    missed, ran = [], []

    def note(_connection, _cursor, statement, _parameters, context, _many):
        stats = getattr(context, "cache_hit", None)
        if stats in (CacheStats.CACHE_HIT, CacheStats.CACHE_MISS):
            ran.append(statement)
        if stats is CacheStats.CACHE_MISS:
            missed.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert app.test_client().get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return missed, len(ran)


def test_a_new_app_compiles_no_statement_an_earlier_app_compiled(app, make_user, make_theme, make_thread,
                                                                 tmp_path):
    make_theme()
    thread_id, _ = make_thread("finding-time", make_user())
    _compiled_afresh(app, f"/threads/{thread_id}")  # compiles what the run had not compiled yet
    # A page cache of its own, so that the page is made again rather than sent as kept.
    again = create_app({**app.config, "CACHE_DIR": str(tmp_path / "another-page-cache")})
    again.jinja_env.bytecode_cache = TEMPLATE_CODE
    missed, ran = _compiled_afresh(again, f"/threads/{thread_id}")
    assert ran >= 5 and missed == []  # without the shared cache, every one of them is compiled again


def test_a_new_app_shares_each_route_s_parts_but_binds_converters_to_its_own_map(app):
    again = create_app(dict(app.config))
    first = {(rule.endpoint, rule.rule): rule for rule in app.url_map.iter_rules()}
    for rule in again.url_map.iter_rules():
        earlier = first[rule.endpoint, rule.rule]
        # The first part is the (empty) host, made afresh each time; the path's parts are shared.
        assert [id(part) for part in rule._parts[1:]] == [id(part) for part in earlier._parts[1:]], rule.rule
        assert all(converter.map is again.url_map for converter in rule._converters.values()), rule.rule
        assert rule.arguments == earlier.arguments
    assert again.test_client().get("/threads/1").status_code == 404  # an id converter of its own still works
