"""`motcua user`, `motcua token` and `motcua kiosk`: accounts, API tokens and kiosks from the
server's command line, through the same audited use cases as the admin pages, as `SYSTEM`.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup

from motcua.auth.accounts import (
    all_tokens,
    create_api_token,
    create_user,
    expiry_from,
    register_device,
    revoke_api_token,
    token_state,
    token_time_zone,
)
from motcua.cli import one_line_errors
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import HALL_TIME_ZONE
from motcua.printer import server_printer
from motcua.queue.services import get_hall
from motcua.web import db, ports, runtime

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
    user, password = create_user(ports(), actor=SYSTEM, username=name, role=Role(role),
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
@click.pass_context
def token_create(ctx: click.Context, name: str, role: str, hall_code: str | None,
                 username: str | None, expires: str | None) -> None:
    """Print a new bearer token (shown once; only its hash is stored)."""
    if not name.strip():
        raise click.BadParameter("a token needs a name", param_hint="NAME")
    chosen = ctx.get_parameter_source("role") is not click.core.ParameterSource.DEFAULT
    if username is not None and (chosen or hall_code is not None):
        raise click.UsageError("--user takes the staff member's role and hall: "
                               "leave out --role and --hall")
    clock = runtime().clock
    expires_at = None
    if expires is not None:
        zone = token_time_zone(db(), hall_code=hall_code, username=username)
        expires_at = expiry_from(expires, clock.now(), zone)
    click.echo(create_api_token(ports(), actor=SYSTEM, name=name, role=Role(role),
                                hall_code=hall_code, username=username, expires_at=expires_at))


def _hall_time(moment: datetime | None, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if moment else "-"


@token_group.command("list")
@click.option("--hall", "hall_code", help="Only this hall's tokens.")
@one_line_errors
def token_list(hall_code: str | None) -> None:
    """Every API token (never the token itself): who it is, when it ends, whether it works.
    Times are the token's hall's."""
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
    device, token = register_device(ports(), actor=SYSTEM, hall_code=hall, name=name,
                                    kind=DeviceKind.KIOSK, printer=printer or server_printer(),
                                    printers=None)
    click.echo(f"kiosk {device.name} (id {device.id}) token: {token}")





COMMANDS = (user_group, token_group, kiosk_group)
