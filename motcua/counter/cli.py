"""`motcua tablet add HALL COUNTER NAME`: register a counter's rating tablet."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from motcua.auth.accounts import register_device
from motcua.cli import one_line_errors
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.web import ports
from motcua.web.links import tablet_setup_url

tablet_group = AppGroup("tablet", help="Rating tablets at the counters.")


@tablet_group.command("add")
@click.argument("hall")
@click.argument("counter", type=int)
@click.argument("name")
@one_line_errors
def tablet_add(hall: str, counter: int, name: str) -> None:
    """Register a counter's rating tablet and print its token and setup link (shown once)."""
    device, token = register_device(ports(), actor=SYSTEM, hall_code=hall, name=name,
                                    kind=DeviceKind.TABLET, counter_number=counter,
                                    printers=None)
    click.echo(f"tablet {device.name} (id {device.id}) for counter {counter} token: {token}")
    click.echo(f"open on the tablet: {tablet_setup_url(hall, counter, token)}")
