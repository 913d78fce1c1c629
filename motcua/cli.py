"""The `motcua` command's machinery and its own commands (`db upgrade`, `serve`, `i18n`).

Components register their commands (`motcua user`, `motcua tablet`, …) in their `cli.py`,
which import the helpers here; this module imports no component. Every command answers bad
input with one line and a non-zero exit, never a traceback; a refusal is said in English, the
command line's language (the catalogues' translation of its message).
"""
from __future__ import annotations

import functools
import gc
import logging
import os
import socket
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from click.exceptions import NoArgsIsHelpError
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, with_appcontext
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError, SQLAlchemyError

from motcua.config import ConfigError
from motcua.core.db import DatabaseUrlError, is_unavailable_error
from motcua.core.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])


def first_line(error: object) -> str:
    """The first line of an error's text: drivers add hints, SQLAlchemy the statement."""
    return next((line.strip() for line in str(error).splitlines() if line.strip()), "")


def database_failure(exc: SQLAlchemyError) -> str:
    """What went wrong with the database, in one line an administrator can act on."""
    reason = first_line(exc.orig if isinstance(exc, DBAPIError) else exc)
    if is_unavailable_error(exc):
        return (f"the database cannot be reached or is busy ({reason}); "
                "check that it runs and MOTCUA_DATABASE_URL")
    missing_table = isinstance(exc, ProgrammingError) and getattr(exc.orig, "pgcode", "") == "42P01"
    if isinstance(exc, OperationalError) or missing_table:
        return f"database not ready ({reason}); run `motcua db upgrade` first"
    return f"database error: {exc.__class__.__name__}: {reason}"


def in_english(exc: DomainError) -> str:
    """A refusal as the command line says it: the English of its catalogue id, or its message
    when the catalogues have none (or no app is loaded)."""
    from flask import has_app_context
    from flask_babel import force_locale, gettext

    if not has_app_context():
        return exc.message
    with force_locale("en"):
        return exc.translated(gettext)


def one_line_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DomainError as exc:
            raise click.ClickException(in_english(exc)) from None
        except SQLAlchemyError as exc:
            raise click.ClickException(database_failure(exc)) from None

    return wrapper  # type: ignore[return-value]


def _fail(message: str, exit_code: int = 1) -> NoReturn:
    click.echo(f"Error: {' '.join(message.split())}", err=True)
    sys.exit(exit_code)


class MotcuaGroup(FlaskGroup):
    """The `motcua` command. What it can foresee (a usage error, a bad setting, a database out
    of reach, a file it cannot write) is one line on stderr and a non-zero exit, for every
    subcommand, instead of click's usage block or a traceback; `motcua.entry` makes anything
    else one line too."""

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False  # exceptions come here instead of click's printing
        try:
            code = super().main(*args, **kwargs)
        except NoArgsIsHelpError as exc:  # `motcua user`: the help it asks for, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            see = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            _fail(exc.format_message() + see, exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            _fail("aborted")
        except (ConfigError, DatabaseUrlError) as exc:
            _fail(str(exc))
        except SQLAlchemyError as exc:
            _fail(database_failure(exc))
        except OSError as exc:
            _fail(f"{exc.strerror}: {exc.filename}" if exc.filename and exc.strerror else str(exc))
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """For --help: an app that cannot be built (a bad setting) is one line, not Flask's
        traceback, and the commands that need no app are still listed."""
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except Exception as exc:
            click.echo(f"Error: {first_line(exc)}", err=True)
            return click.Group.list_commands(self, ctx)
        return super().list_commands(ctx)


db_group = AppGroup("db", help="Create or upgrade the database schema.")


@db_group.command("upgrade")
@one_line_errors
def db_upgrade() -> None:
    """Create the schema or bring it up to date (MOTCUA_DATABASE_URL)."""
    from motcua import migrate  # Alembic is heavy; the server never needs it

    engine: Engine = current_app.extensions["motcua"].engine  # the app's `motcua.web.Runtime`
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    where = f"database at {engine.url.render_as_string()}"
    if before is None:
        click.echo(f"{where}: schema made (revision {after})")
    elif before == after:
        click.echo(f"{where}: already up to date (revision {after})")
    else:
        click.echo(f"{where}: upgraded from revision {before} to {after}")


# Keyword arguments for the green-thread server itself, which `motcua serve`'s app factory
# (motcua.entry) may leave in app.extensions.
SERVER_OPTIONS = "motcua.server_options"


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def serve(host: str, port: int) -> None:
    """Run the server (eventlet unless MOTCUA_ASYNC_MODE says gevent or threading)."""
    from motcua.extensions import socketio

    _refuse_a_taken_port(host, port)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _refuse_a_database_without_the_schema(app.extensions["motcua"].engine)
    click.echo(f"motcua on http://{host}:{port} ({app.config['ASYNC_MODE']})")
    # Under "threading" Flask-SocketIO runs Werkzeug through app.run, which does nothing when
    # it sees it is inside a `flask`-style command: this command is the server, so say it is not.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    # Werkzeug would also write a line per request, in terminal colours, and warn that it is a
    # development server. eventlet and gevent run without an access log (nginx keeps one), so
    # Werkzeug keeps its errors only; a hall's threading server is a choice the README explains.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # What the server made to start (about 130,000 objects: modules, the app, SQLAlchemy's
    # mappings) lives as long as it does. Left to the garbage collector, every collection of
    # the oldest generation walked it all again: 50-60 ms in which no request was served, once
    # every thousand taps or so. Frozen, the collector leaves it alone.
    gc.freeze()
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False,
                 **app.extensions.get(SERVER_OPTIONS, {}))


def _refuse_a_taken_port(host: str, port: int) -> None:
    """Eventlet listens with SO_REUSEPORT: on a port another server listens on, a second one
    would start too and the two would share the hall's requests. A plain socket cannot bind
    there, so try one first."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
            probe.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _refuse_a_database_without_the_schema(engine: Engine) -> None:
    """A mistyped database path, or `motcua db upgrade` not run, started a server that answered
    500 on every page (and SQLite made an empty file at the typo). A database out of reach is
    not refused: the server starts and answers 503 until it is back (README)."""
    from sqlalchemy import inspect

    from motcua.core.db import Base  # every model's table, once the app is made

    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not url.query.get("uri") and not os.path.exists(url.database):
        raise click.ClickException(f"no database at {url.database}; run `motcua db upgrade` first")
    try:
        with engine.connect() as connection:
            missing = sorted(set(Base.metadata.tables) - set(inspect(connection).get_table_names()))
    except SQLAlchemyError as exc:
        if is_unavailable_error(exc):
            return
        raise
    if missing:
        raise click.ClickException(f"database not ready (no table {missing[0]}); "
                                   "run `motcua db upgrade` first")


i18n_group = AppGroup("i18n", help="Translation catalogues.")


@i18n_group.command("compile")
def i18n_compile() -> None:
    """Compile the .po catalogues to .mo."""
    from motcua.i18n import compile_catalogues

    for path in compile_catalogues():
        click.echo(f"compiled {path}")


def register(app: Flask) -> None:
    for command in (db_group, serve, i18n_group):
        app.cli.add_command(command)
