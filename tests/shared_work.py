"""Work every app of the run would repeat, done once for the whole run.

The suite makes a new app, with a new engine, for each of its 1,200 tests.
What werkzeug and SQLAlchemy build for an app depends on the code and the
settings, not on the app, so these hooks keep it for the next app; each app
still gets every object that holds its own state (its map, its connections).
tests/conftest.py installs them, and gives every app TEMPLATE_CODE.
"""
from __future__ import annotations

import copy
import weakref

import flask_sqlalchemy.extension
from jinja2 import BytecodeCache
from sqlalchemy.util import LRUCache
from werkzeug.routing.rules import Rule


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for the whole run: every test makes its own app, and compiling
    the templates again took about 0.1 s of each test's first pages. Keyed by each template's
    source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


def share_url_builders() -> None:
    """Werkzeug compiles two Python functions for each of the forum's ~180 routes whenever an
    app is made: about 50 ms of the 75 ms that create_app took, once per test. A builder's code
    depends only on the rule's text, defaults and converters, never on the app, so the suite
    compiles each once and every app of the run reuses it."""
    compile_builder = Rule._compile_builder
    compiled: dict = {}

    def shared(rule, append_unknown=True):
        key = (rule.rule, rule.host, rule.subdomain, rule.merge_slashes, append_unknown,
               repr(sorted((rule.defaults or {}).items(), key=repr)),
               tuple((name, type(converter)) for name, converter in rule._converters.items()))
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = shared


def share_url_parsing() -> None:
    """Werkzeug parses each route's text into the parts its matcher walks whenever an app is made:
    9 of the 22 ms create_app still took. The parts depend only on the text and the map's
    converter classes, so the suite parses each once; each app's rule still gets converter
    objects of its own (bound to its map), as werkzeug would make them."""
    parse = Rule._parse_rule
    parsed: dict = {}

    def shared(rule, text):
        key = (text, tuple(rule.map.converters.items()))
        if key not in parsed:
            trace_from, converters_from = len(rule._trace), set(rule._converters)
            parts = list(parse(rule, text))
            parsed[key] = (parts, rule._trace[trace_from:],
                           [(name, converter) for name, converter in rule._converters.items()
                            if name not in converters_from])
            return parts
        parts, trace, converters = parsed[key]
        rule._trace.extend(trace)
        for name, converter in converters:
            own = copy.copy(converter)
            own.map = rule.map
            rule._converters[name] = own
            rule.arguments.add(name)
        return parts

    Rule._parse_rule = shared


def _dialect_settings(dialect) -> tuple:
    """What makes two dialects compile a statement alike: their class and their settings,
    read once the dialect has met its server (its version decides some of the SQL).

    Left out: the objects each dialect has of its own, and values SQLAlchemy works out from
    the settings on first use and keeps on the instance (a memoized property of the class),
    which one dialect may have worked out already and the other not yet."""
    simple = (str, int, float, bool, tuple, type(None))
    cls = type(dialect)
    return (cls, tuple(sorted(
        (name, value if isinstance(value, simple) or callable(value) else type(value))
        for name, value in vars(dialect).items()
        if name not in ("dbapi", "loaded_dbapi", "identifier_preparer", "type_compiler",
                        "type_compiler_instance", "_type_memos")
        and not hasattr(getattr(cls, name, None), "__get__"))))


class SharedCompiledSQL(LRUCache):
    """Every engine's compiled statements in one cache, keyed by what the dialect compiles them
    with instead of the dialect object itself.

    SQLAlchemy keeps the SQL it compiled from each statement per engine, keyed by the engine's
    dialect object; a test's new engine compiled every statement again, a fifth of the CPU of
    a run (tests/moderation: 42 s of CPU, 34 s with this). A statement compiles to the same SQL
    for two dialects of one class with the same settings, so engines with such dialects share it.
    """

    __slots__ = ("settings",)

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity)
        self.settings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _shared(self, key: tuple) -> tuple:
        dialect = key[0]
        settings = self.settings.get(dialect)
        if settings is None:
            settings = _dialect_settings(dialect)
            if dialect.server_version_info is not None:  # settled: it has met its server
                self.settings[dialect] = settings
        return (settings, *key[1:])

    def get(self, key, default=None):
        return super().get(self._shared(key), default)

    def __getitem__(self, key):
        return super().__getitem__(self._shared(key))

    def __setitem__(self, key, value) -> None:
        super().__setitem__(self._shared(key), value)


def share_compiled_sql() -> None:
    """Engines the apps of the run make (through Flask-SQLAlchemy) share their compiled SQL."""
    shared = SharedCompiledSQL(3000)
    make_engine = flask_sqlalchemy.extension.SQLAlchemy._make_engine

    def made(self, bind_key, options, app):
        engine = make_engine(self, bind_key, options, app)
        if engine._compiled_cache is not None:  # None: the engine was asked to cache nothing
            engine._compiled_cache = shared
        return engine

    flask_sqlalchemy.extension.SQLAlchemy._make_engine = made
