"""Alembic's entry point: `flask --app app db ...` runs this inside the app's context."""
from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from forum import schema

config = context.config
# Under pytest or an app that set up logging already, leave its handlers alone. Quiet (init-db,
# and so `make run`), Alembic's line per migration stays out: only its warnings reach stderr.
if config.config_file_name and not logging.getLogger().handlers and not config.attributes.get("quiet"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _skip_empty_autogenerate(_context, _revision, directives) -> None:
    """`db migrate` with no model change writes no empty revision file."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logging.getLogger("alembic.env").info("No change in the models: no migration written.")


def _options() -> dict:
    options = dict(schema.COMPARE_OPTIONS, target_metadata=current_app.extensions["migrate"].db.metadata)
    options.update(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    return options


def run_offline() -> None:
    """`db upgrade --sql`: print the SQL for a database administrator to run."""
    engine = current_app.extensions["migrate"].db.engine
    context.configure(url=engine.url, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    migrate = current_app.extensions["migrate"]
    with schema.migration_connection(migrate.db.engine) as connection:
        # SQLite and PostgreSQL both roll DDL back: a failed upgrade changes nothing.
        context.configure(connection=connection, transactional_ddl=True, **_options())
        with context.begin_transaction():
            schema.adopt_unversioned(connection, context.get_context(), context.script)
            context.run_migrations()
            schema.check_foreign_keys(connection)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
