"""`motcua procedures import FILE [--hall CODE]`: the catalogue from a CSV, all rows or none."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from motcua.cli import one_line_errors
from motcua.core.actors import SYSTEM
from motcua.dossier.catalogue import CatalogueError
from motcua.dossier.services import import_procedures
from motcua.queue.models import Hall
from motcua.web import db, ports

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
