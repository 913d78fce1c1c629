"""`motcua procedures import FILE [--hall CODE]`: the catalogue from a CSV, all rows or none.
`motcua dossier prune-uploads [--older-than HOURS] [--dry-run]`: stored files no dossier names."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from motcua.cli import one_line_errors
from motcua.core.actors import SYSTEM
from motcua.dossier import uploads
from motcua.dossier.catalogue import CatalogueError
from motcua.dossier.online import upload_folder
from motcua.dossier.services import import_procedures, stored_hashes
from motcua.queue.models import Hall
from motcua.web import db, ports, runtime

procedures_group = AppGroup("procedures", help="The procedure catalogue (thủ tục hành chính).")


def _only_hall() -> str:
    codes = db().scalars(select(Hall.code).limit(2)).all()
    if len(codes) != 1:
        raise click.ClickException("several halls (or none): name one with --hall CODE")
    return codes[0]


@procedures_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hall", "hall_code", help="The hall whose catalogue this is (needed if there are several).")
@one_line_errors
def import_command(file: Path, hall_code: str | None) -> None:
    """Add or update procedures from a CSV (see motcua/dossier/catalogue.py for the columns).

    Nothing is imported unless every row is good; bad rows are listed with their line numbers.
    """
    if not file.is_file():
        raise click.ClickException(f"{file}: no such file")
    try:
        result = import_procedures(ports(), hall_code=hall_code or _only_hall(), source=file,
                                   actor=SYSTEM, origin=file.name)
    except CatalogueError as exc:
        for problem in exc.problems:
            click.echo(f"{file}:{problem.line}: {problem.message}", err=True)
        raise click.ClickException(
            f"nothing imported: {len(exc.lines)} bad line(s) in {file}") from None
    click.echo(f"{file}: {result.added} procedures added, {result.updated} updated")


dossier_group = AppGroup("dossier", help="Dossiers (hồ sơ): upkeep of their stored files.")


@dossier_group.command("prune-uploads")
@click.option("--older-than", "hours", type=click.FloatRange(min=1), default=24.0, show_default=True,
              help="Only files stored (or stored again) longer ago than this many hours, so that "
                   "an upload whose dossier is being written is never taken.")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@one_line_errors
def prune_uploads_command(hours: float, dry_run: bool) -> None:
    """Remove uploaded files that no dossier names: left when a registration or a supplement
    failed after its files were stored. Prints each file removed (or that would be)."""
    folder = upload_folder()
    before = runtime().clock.now() - timedelta(hours=hours)
    # The hashes are read first: a file named by a dossier written since was stored (or
    # stored again, which renews its time) after `before`, so it is not taken.
    kept = stored_hashes(db())
    pruned = uploads.prune(folder, kept, before.timestamp(), dry_run=dry_run) if folder.is_dir() else []
    for path in pruned:
        click.echo(f"{'would remove' if dry_run else 'removed'} {path}")
    click.echo(f"{len(pruned)} file(s) {'would be removed' if dry_run else 'removed'} from {folder}, "
               f"{len(kept)} kept by dossiers")
