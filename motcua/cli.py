"""The `motcua` commands, registered on the app in the factory.

Every command answers bad input with one line and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from motcua.auth.accounts import create_api_token, create_user, register_device
from motcua.dossier.services import load_demo_catalogue
from motcua.queue.demo import DEMO_ACCOUNTS, DEMO_HALL, load_demo_hall
from motcua.queue.errors import DomainError
from motcua.queue.models import DeviceKind, Role
from motcua.web import db, runtime

F = TypeVar("F", bound=Callable[..., Any])


def one_line_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        except OperationalError as exc:
            raise click.ClickException(
                f"database not ready ({exc.orig}); run `motcua db upgrade` first") from None
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {exc.__class__.__name__}: {exc}") from None

    return wrapper  # type: ignore[return-value]


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
    hall = load_demo_hall(session, clock)
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
    base = _server_address()
    click.echo("open once in the device's browser to register it:")
    click.echo(f"  kiosk:   {base}/kiosk/{DEMO_HALL}/setup?token={kiosk}")
    click.echo(f"  rating tablet at counter 1:   {base}/rate/{DEMO_HALL}/1/setup?token={tablet}")


def _server_printer() -> str:
    """The server's own printer (MOTCUA_PRINTER), with a relative file:/preview: folder made
    absolute from here: a kiosk's printer is stored once and used by servers that may run
    from another folder, and "preview:printer-out" must keep meaning this one."""
    from motcua.printer.errors import PrinterError
    from motcua.printer.transports import parse_printer_url

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


def _server_address() -> str:
    """Where set-up staff reach the server: PUBLIC_BASE_URL, else this machine on $PORT
    (the port `./dev demo` serves on), so the printed links can be opened as they are."""
    public = current_app.config.get("PUBLIC_BASE_URL")
    if public:
        return str(public).rstrip("/")
    return f"http://localhost:{os.environ.get('PORT') or 5000}"


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Run the server (eventlet unless MOTCUA_ASYNC_MODE says otherwise)."""
    from motcua.extensions import socketio

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"motcua on http://{host}:{port} ({app.config['ASYNC_MODE']})")
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)


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
@one_line_errors
def token_create(name: str, role: str, hall_code: str | None, username: str | None) -> None:
    """Print a new bearer token (shown once; only its hash is stored)."""
    click.echo(create_api_token(db(), runtime().clock, name=name, role=Role(role),
                                hall_code=hall_code, username=username))


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
