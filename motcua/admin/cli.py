"""`motcua backup` and `motcua restore`: the embedded database, safely, while the server runs.

Bad input gets one line and a non-zero exit (click's `ClickException`), never a traceback.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from motcua.admin import ops
from motcua.core.clock import HALL_TIME_ZONE, local_now
from motcua.web import runtime


def _backups_dir() -> Path:
    return Path(current_app.instance_path) / "backups"


@click.command("backup")
@click.option("--out", "given", type=click.Path(),
              help="The backup file to write (a new file), or a folder for it. "
                   "Default: <instance>/backups/motcua-<hall time>.sqlite")
@with_appcontext
def backup_command(given: str | None) -> None:
    """Copy the embedded SQLite database to a backup file (safe while the server runs)."""
    name = ops.backup_name(local_now(runtime().clock, HALL_TIME_ZONE))
    if given is None:
        _backups_dir().mkdir(parents=True, exist_ok=True)
        out = _backups_dir() / name
    elif given.endswith("/") or Path(given).is_dir():  # a folder, even one that does not exist
        out = Path(given) / name
    else:
        out = Path(given)
    try:
        info = ops.backup(runtime().engine, out)
    except ops.OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written: {info.describe()}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(path_type=Path))
@with_appcontext
def restore_command(backup_file: Path) -> None:
    """Replace the embedded database with a backup (the current one is kept in backups/)."""
    moment = local_now(runtime().clock, HALL_TIME_ZONE)
    try:
        kept = ops.restore(runtime().engine, backup_file, _backups_dir(), moment)
        restored = ops.inspect_backup(ops.database_file(runtime().engine))
    except ops.OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored from {backup_file}: {restored.halls} hall(s), "
               f"{restored.tickets} ticket(s)")
    if kept is not None:
        click.echo(f"the database before the restore is kept in {kept.path}")
