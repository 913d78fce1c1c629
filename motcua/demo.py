"""`motcua demo`: a demo hall with its procedures, holidays, staff and devices, so a new
server can be tried at once. It loads every component, so it is the app's, not one of theirs.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from motcua.auth.accounts import create_user, register_device
from motcua.booking.demo import load_demo_booking
from motcua.cli import one_line_errors
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.dossier.services import load_demo_catalogue
from motcua.notify.settings import configure_channel
from motcua.printer import server_printer
from motcua.queue.demo import DEMO_ACCOUNTS, DEMO_HALL, load_demo_hall
from motcua.web import db, ports, runtime
from motcua.web.links import kiosk_setup_url, online_registration_url, tablet_setup_url


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
    load_demo_booking(ports())
    click.echo("demo booking: every sector, 30-minute slots for two, Mon–Fri 07:30–11:00, 13:30–16:30")
    click.echo("demo staff (username / password / role):")
    for username, role, full_name in DEMO_ACCOUNTS:
        _, password = create_user(ports(), actor=SYSTEM, username=username, role=role,
                                  hall_code=None if role == Role.ADMIN else DEMO_HALL,
                                  full_name=full_name)
        click.echo(f"  {username:10} {password:16} {role.value}")
    _, kiosk = register_device(ports(), actor=SYSTEM, hall_code=DEMO_HALL, name="kiosk-1",
                               kind=DeviceKind.KIOSK, printer=server_printer(), printers=None)
    _, tablet = register_device(ports(), actor=SYSTEM, hall_code=DEMO_HALL, name="tablet-1",
                                kind=DeviceKind.TABLET, counter_number=1, printers=None)
    configure_channel(ports(), actor=SYSTEM, hall_code=DEMO_HALL, kind="fake_sms", config={},
                      ahead=2)
    click.echo("notifications: fake SMS (`motcua notify run` writes them to fake-sms.jsonl in "
               f"the instance folder; /admin/{DEMO_HALL}/notifications lists them)")
    click.echo("open once in the device's browser to register it:")
    click.echo(f"  kiosk:   {kiosk_setup_url(DEMO_HALL, kiosk)}")
    click.echo(f"  rating tablet at counter 1:   {tablet_setup_url(DEMO_HALL, 1, tablet)}")
    click.echo(f"citizens register a dossier online at {online_registration_url(DEMO_HALL)}")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
