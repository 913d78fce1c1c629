"""The `motcua` commands, registered on the app in the factory.

Every command answers bad input with one line and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import functools
import os
import socket
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import click
from click.exceptions import NoArgsIsHelpError
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, with_appcontext
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError, SQLAlchemyError

from motcua.auth.accounts import (
    create_api_token,
    create_user,
    expiry_from,
    register_device,
    token_state,
    token_time_zone,
)
from motcua.core.clock import HALL_TIME_ZONE
from motcua.core.db import DatabaseUrlError, is_unavailable_error
from motcua.dossier.services import load_demo_catalogue
from motcua.queue.demo import DEMO_ACCOUNTS, DEMO_HALL, load_demo_hall
from motcua.queue.errors import DomainError
from motcua.core.actors import DeviceKind, Role
from motcua.queue.services import get_hall
from motcua.core.actors import SYSTEM
from motcua.web import db, ports, runtime
from motcua.web.links import kiosk_setup_url, tablet_setup_url

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


def one_line_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
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
        except DatabaseUrlError as exc:
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

    migrate.upgrade(runtime().engine)
    click.echo(f"database at {runtime().engine.url.render_as_string()} is up to date")


@click.command("demo")
@with_appcontext
@one_line_errors
def demo() -> None:
    """Load the demo hall ("demo") and print the demo staff accounts."""
    session = db()
    clock = runtime().clock
    hall = load_demo_hall(ports())
    click.echo(f"demo hall '{hall.code}': {len(hall.sectors)} sectors, {len(hall.counters)} counters")
    catalogue = load_demo_catalogue(session, clock)
    click.echo(f"demo catalogue: {catalogue.added} procedures; default holidays loaded")
    click.echo("demo staff (username / password / role):")
    for username, role, full_name in DEMO_ACCOUNTS:
        _, password = create_user(session, clock, username=username, role=role,
                                  hall_code=None if role == Role.ADMIN else DEMO_HALL,
                                  full_name=full_name)
        click.echo(f"  {username:10} {password:16} {role.value}")
    _, kiosk = register_device(session, clock, hall_code=DEMO_HALL, name="kiosk-1",
                               kind=DeviceKind.KIOSK, printer=_server_printer())
    _, tablet = register_device(session, clock, hall_code=DEMO_HALL, name="tablet-1",
                                kind=DeviceKind.TABLET, counter_number=1)
    click.echo("open once in the device's browser to register it:")
    click.echo(f"  kiosk:   {kiosk_setup_url(DEMO_HALL, kiosk)}")
    click.echo(f"  rating tablet at counter 1:   {tablet_setup_url(DEMO_HALL, 1, tablet)}")


def _server_printer() -> str:
    """The server's own printer (MOTCUA_PRINTER), with a relative file:/preview: folder made
    absolute from here: a kiosk's printer is stored once and used by servers that may run
    from another folder, and "preview:printer-out" must keep meaning this one."""
    from motcua.printer.device.errors import PrinterError
    from motcua.printer.device.urls import parse_printer_url

    url = str(current_app.config["PRINTER"])
    try:
        settings = parse_printer_url(url)
    except PrinterError as exc:
        raise click.ClickException(f"MOTCUA_PRINTER: {exc}") from None
    if settings.scheme not in ("file", "preview") or Path(settings.target).is_absolute():
        return url
    query = url.strip().partition("?")[2]
    folder = str(Path.cwd() / settings.target) + ("/" if settings.target.endswith("/") else "")
    return f"{settings.scheme}:{folder}" + (f"?{query}" if query else "")


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def serve(host: str, port: int) -> None:
    """Run the server (eventlet unless MOTCUA_ASYNC_MODE says gevent or threading)."""
    from motcua.extensions import socketio

    _refuse_a_taken_port(host, port)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"motcua on http://{host}:{port} ({app.config['ASYNC_MODE']})")
    # Under "threading" Flask-SocketIO runs Werkzeug through app.run, which does nothing when
    # it sees it is inside a `flask`-style command: this command is the server, so say it is not.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)


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


user_group = AppGroup("user", help="Staff accounts.")


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", help="At least 8 characters; generated and printed when omitted.")
@click.option("--hall", "hall_code", help="The hall of an officer or supervisor.")
@click.option("--full-name", default="")
@one_line_errors
def user_add(name: str, role: str, password: str | None, hall_code: str | None,
             full_name: str) -> None:
    user, password = create_user(db(), runtime().clock, username=name, role=Role(role),
                                 password=password, hall_code=hall_code, full_name=full_name)
    click.echo(f"user {user.username} ({user.role.value}) password: {password}")


token_group = AppGroup("token", help="API tokens for scripts and integrations.")


@token_group.command("create")
@click.argument("name")
@click.option("--role", default=Role.SUPERVISOR.value, show_default=True,
              type=click.Choice([r.value for r in Role]))
@click.option("--hall", "hall_code", help="Limit the token to one hall.")
@click.option("--user", "username", help="The token acts as this staff member (their role and hall).")
@click.option("--expires", help="30d or 12h from now, a date (works through that day) or a time "
                                "(2026-12-31T17:00), in the hall's time. Default: until revoked.")
@one_line_errors
def token_create(name: str, role: str, hall_code: str | None, username: str | None,
                 expires: str | None) -> None:
    """Print a new bearer token (shown once; only its hash is stored)."""
    clock = runtime().clock
    expires_at = None
    if expires is not None:
        zone = token_time_zone(db(), hall_code=hall_code, username=username)
        expires_at = expiry_from(expires, clock.now(), zone)
    click.echo(create_api_token(db(), clock, name=name, role=Role(role), hall_code=hall_code,
                                username=username, expires_at=expires_at))


def _hall_time(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if moment else "-"


@token_group.command("list")
@click.option("--hall", "hall_code", help="Only this hall's tokens.")
@one_line_errors
def token_list(hall_code: str | None) -> None:
    """Every API token (never the token itself): who it is, when it ends, whether it works.
    Times are the token's hall's."""
    from motcua.admin.services import all_tokens

    now = runtime().clock.now()
    hall = get_hall(db(), hall_code) if hall_code else None
    row = "{:>4}  {:20} {:10} {:12} {:12} {:16} {:16} {:16} {}"
    click.echo(row.format("ID", "NAME", "ROLE", "HALL", "USER", "CREATED", "EXPIRES",
                          "LAST USED", "STATE"))
    for token in all_tokens(db(), hall):
        zone = token.hall.time_zone if token.hall else HALL_TIME_ZONE
        click.echo(row.format(
            token.id, token.name, token.role.value, token.hall.code if token.hall else "*",
            token.user.username if token.user else "-", _hall_time(token.created_at, zone),
            _hall_time(token.expires_at, zone), _hall_time(token.last_used_at, zone),
            token_state(token, now)))


@token_group.command("revoke")
@click.argument("token_id")
@one_line_errors
def token_revoke(token_id: str) -> None:
    """Stop a token at once (see `motcua token list` for ids); recorded in the audit log."""
    from motcua.admin.services import revoke_api_token

    if not token_id.isdigit():
        raise click.ClickException(f"'{token_id}' is not a token id (see `motcua token list`)")
    token = revoke_api_token(ports(), actor=SYSTEM, token_id=int(token_id))
    click.echo(f"token {token.id} ({token.name}) revoked")


kiosk_group = AppGroup("kiosk", help="Registered kiosks.")


@kiosk_group.command("add")
@click.argument("hall")
@click.argument("name")
@click.option("--printer",
              help='"agent" (a print agent on the kiosk PC) or a printer URL the server drives; '
                   "default: the server's MOTCUA_PRINTER (preview:printer-out).")
@one_line_errors
def kiosk_add(hall: str, name: str, printer: str | None) -> None:
    """Register a kiosk and print its token (shown once)."""
    device, token = register_device(db(), runtime().clock, hall_code=hall, name=name,
                                    kind=DeviceKind.KIOSK, printer=printer or _server_printer())
    click.echo(f"kiosk {device.name} (id {device.id}) token: {token}")


i18n_group = AppGroup("i18n", help="Translation catalogues.")


@i18n_group.command("compile")
def i18n_compile() -> None:
    """Compile the .po catalogues to .mo."""
    from motcua.i18n import compile_catalogues

    for path in compile_catalogues():
        click.echo(f"compiled {path}")


def register(app: Flask) -> None:
    for command in (db_group, demo, serve, user_group, token_group, kiosk_group, i18n_group):
        app.cli.add_command(command)
