"""`motcua notify once|run`: the outbox worker. `once` (cron, tests) sends what is due and
stops; `run` (the systemd unit) does so every few seconds until stopped. Several workers may
run: each row is claimed by one."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from motcua.cli import one_line_errors
from motcua.notify.delivery import BATCH, Round, deliver_due
from motcua.web import runtime


def _one_round(limit: int) -> Round:
    rt = runtime()
    return deliver_due(rt.sessions, rt.clock, Path(current_app.instance_path), limit=limit)


def _say(result: Round) -> None:
    click.echo(f"sent {result.sent}, to retry {result.retrying}, failed {result.failed}, "
               f"taken by another worker {result.skipped}")


notify_group = click.Group("notify", help="Notifications to citizens: the outbox worker.")


@notify_group.command("once")
@click.option("--limit", type=click.IntRange(1, 10000), default=BATCH, show_default=True,
              help="At most this many messages.")
@with_appcontext
@one_line_errors
def once(limit: int) -> None:
    """Send the messages that are due, then stop."""
    _say(_one_round(limit))


@notify_group.command("run")
@click.option("--every", type=click.FloatRange(0.5, 3600), default=5.0, show_default=True,
              help="Seconds between passes when nothing was due.")
@with_appcontext
@one_line_errors
def run(every: float) -> None:
    """Send due messages until stopped (the motcua-notify service)."""
    while True:
        result = _one_round(BATCH)
        if result.sent or result.failed or result.retrying:
            _say(result)
        if result.sent + result.failed + result.retrying + result.skipped < BATCH:
            time.sleep(every)
