"""`motcua printer …`: previews and test prints without a database, the kiosk print agent,
and a look at recent jobs. Errors are one line, never a traceback."""
from __future__ import annotations

import dataclasses
import functools
import importlib.util
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from motcua.cli import one_line_errors
from motcua.printer.device.document import ticket_document
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.samples import SAMPLE_NAMES, sample_slip
from motcua.printer.device.transports import Printer

F = TypeVar("F", bound=Callable[..., Any])


def _one_line(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PrinterError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


printer_group = click.Group("printer", help="Ticket printers: previews, test prints, the kiosk print agent.")


@printer_group.command("preview")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="PNG to write; with --sample all, one file per sample beside it.")
@click.option("--bytes", "bytes_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the ESC/POS bytes.")
@click.option("--sample", type=click.Choice([*SAMPLE_NAMES, "all"]), default="normal", show_default=True,
              help="long: long hall and sector names; elderly, disabled, pregnant, merit: priority marks.")
@click.option("--width", type=click.Choice(["80", "58"]), default="80", show_default=True, help="Paper, mm.")
@click.option("--qr", type=click.Choice(["native", "image"]), default="native", show_default=True,
              help="QR code in the bytes: the printer's own command or an image.")
@_one_line
def preview(out: Path, bytes_out: Path | None, sample: str, width: str, qr: str) -> None:
    """Write what a sample ticket would print, as a PNG (needs no database, no printer)."""
    # Pillow and python-escpos load for the command alone: these commands are registered in
    # the server, which must not carry them (memory of `motcua serve`).
    from motcua.printer.device.render import preview_png, to_escpos

    names = SAMPLE_NAMES if sample == "all" else (sample,)
    for name in names:
        doc = ticket_document(sample_slip(name, int(width)))
        png = out if len(names) == 1 else out.with_name(f"{out.stem}-{name}{out.suffix or '.png'}")
        _write(png, preview_png(doc))
        click.echo(f"wrote {png}")
        if bytes_out is not None:
            raw = bytes_out if len(names) == 1 else bytes_out.with_name(
                f"{bytes_out.stem}-{name}{bytes_out.suffix}")
            _write(raw, to_escpos(doc, native_qr=qr == "native"))
            click.echo(f"wrote {raw}")


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise PrinterError(f"Cannot write {path}: {exc.strerror or exc}") from None


@printer_group.command("test")
@click.option("--printer", "url", required=True, help="Printer URL, e.g. tcp://192.168.1.50:9100")
@click.option("--sample", type=click.Choice(SAMPLE_NAMES), default="normal", show_default=True)
@_one_line
def test(url: str, sample: str) -> None:
    """Print a sample ticket on a printer (needs no database)."""
    printer = Printer(url)
    slip = dataclasses.replace(
        sample_slip(sample, printer.settings.paper_mm), issued_at=datetime.now(UTC)
    )
    printer.print_bytes(printer.render(ticket_document(slip)), name="test-ticket")
    click.echo(f"sent a sample ticket to {url}")


@printer_group.command("status")
@click.option("--printer", "url", required=True)
@_one_line
def status(url: str) -> None:
    """Ask a printer whether it is online and has paper, where its connection can tell; exit
    status 1 when it said it cannot print (offline, out of paper), for monitoring scripts."""
    said = Printer(url).status()
    click.echo(f"{url}: {said.describe()}")
    if said.online is False or said.paper == "out":
        raise SystemExit(1)


@printer_group.command("agent")
@click.option("--server", required=True, help="The motcua server, e.g. http://10.0.0.5:5000")
@click.option("--kiosk", required=True, help="The kiosk's id or name (motcua kiosk add).")
@click.option("--token", envvar="MOTCUA_KIOSK_TOKEN", required=True,
              help="The kiosk's token; better in MOTCUA_KIOSK_TOKEN than on the command line.")
@click.option("--printer", "url", required=True, help="The kiosk printer's URL, e.g. usb://04b8:0202")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path),
              help="Where printed job ids are remembered (default: in the user's app folder).")
@_one_line
def agent(server: str, kiosk: str, token: str, url: str, state: Path | None) -> None:
    """Run on the kiosk PC: receive this kiosk's print jobs and print them."""
    if importlib.util.find_spec("websocket") is None:
        raise click.ClickException("the print agent needs its packages: pip install 'motcua[agent]'")
    from motcua.printer.device.agent import PrintAgent, width_note

    note = width_note(url)
    if note:
        click.echo(note)
    state = state or Path(click.get_app_dir("motcua")) / f"print-agent-{kiosk}.json"
    print_agent = PrintAgent(server, kiosk, token, Printer(url), state, say=click.echo)
    try:
        print_agent.run()
    except KeyboardInterrupt:
        click.echo("stopped")


@printer_group.command("jobs")
@click.option("--hall", "hall_code", help="Only this hall's jobs.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@with_appcontext
@one_line_errors
def jobs(hall_code: str | None, limit: int) -> None:
    """List recent print jobs and how they went."""
    from motcua.printer.models import PrintJob
    from motcua.queue.services import get_hall
    from motcua.web import db

    query = select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)
    if hall_code:
        query = query.where(PrintJob.hall_id == get_hall(db(), hall_code).id)
    for job in db().scalars(query):
        where = job.printer_url or f"agent of {job.device.name if job.device else '?'}"
        ticket = job.ticket.display_number if job.ticket else "-"
        line = f"{job.id:>6}  {job.kind.value:8} {ticket:>6}  {job.status.value:11} {where}"
        click.echo(line + (f"  ({job.error})" if job.error else ""))



@printer_group.command("worker")
@click.option("--every", type=click.FloatRange(0.01, 5), default=0.03, show_default=True,
              help="Seconds between looks for new jobs.")
@with_appcontext
@one_line_errors
def worker(every: float) -> None:
    """Draw and send the network printers' jobs until stopped (the motcua-printer service;
    needs MOTCUA_PRINT_WORKER=process, which the servers read too)."""
    from flask import current_app

    from motcua.printer import EXTENSION, print_worker_process
    from motcua.printer.dispatch import PrintDispatcher
    from motcua.printer.worker import PrintWorker
    from motcua.web import runtime

    if not print_worker_process(current_app.config):
        raise click.ClickException(
            "MOTCUA_PRINT_WORKER is not \"process\": the servers print these jobs themselves")
    if not current_app.config.get("REDIS_URL"):
        click.echo("no MOTCUA_REDIS_URL: kiosks and staff pages will not hear of printed or failed jobs")
    rt = runtime()
    dispatcher: PrintDispatcher = current_app.extensions[EXTENSION]
    click.echo(f"printing the network printers' jobs, looking every {every:g} s")
    try:
        PrintWorker(rt.sessions, rt.clock, rt.publisher, dispatcher.printers, every=every).run(rt.engine)
    except KeyboardInterrupt:
        click.echo("stopped")
