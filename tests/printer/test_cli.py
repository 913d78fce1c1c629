"""`motcua printer …`: previews and test prints need no database; errors are one line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy import select

from motcua.core.accounts import Device
from motcua.printer.cli import printer_group
from motcua.printer.device.samples import SAMPLE_NAMES
from motcua.printer.device.stream import commands
from tests.printer.fakes import FakeNetworkPrinter, closed_port


def run(*args: str):
    return CliRunner().invoke(printer_group, list(args), catch_exceptions=False)


def test_preview_writes_the_png_and_the_bytes(tmp_path):
    result = run("preview", "--out", str(tmp_path / "ticket.png"), "--bytes", str(tmp_path / "ticket.bin"))
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "ticket.png") as image:
        assert image.width == 576
    names = [c.name for c in commands((tmp_path / "ticket.bin").read_bytes())]
    assert "qr" in names and names[-1] == "cut"


def test_preview_of_all_samples_writes_one_file_each_on_58_mm(tmp_path):
    result = run("preview", "--out", str(tmp_path / "t.png"), "--sample", "all", "--width", "58")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"t-{name}.png" for name in SAMPLE_NAMES)
    with Image.open(tmp_path / "t-long.png") as image:
        assert image.width == 384


def test_test_prints_a_sample_ticket_on_a_network_printer():
    with FakeNetworkPrinter() as printer:
        result = run("test", "--printer", printer.url)
        assert result.exit_code == 0, result.output
        assert printer.received.wait(5)
    assert "sent a sample ticket" in result.output
    assert b"\x1dv0" in printer.jobs[0]


def test_an_unreachable_printer_is_one_line_not_a_traceback():
    result = run("test", "--printer", f"tcp://127.0.0.1:{closed_port()}?timeout=1")
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot reach the printer at 127.0.0.1:")
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_bad_printer_url_is_one_line_too():
    result = run("status", "--printer", "lpt1")
    assert result.exit_code == 1 and "Unknown printer URL 'lpt1'" in result.output


def test_status_says_what_it_can_and_fails_for_a_printer_that_cannot_print():
    """A monitoring script reads the exit status: out of paper is not a ready printer."""
    with FakeNetworkPrinter(paper=0x7E) as printer:
        result = run("status", "--printer", printer.url)
    assert result.exit_code == 1 and result.output.strip().endswith("online, out of paper")
    with FakeNetworkPrinter() as printer:
        result = run("status", "--printer", printer.url)
    assert result.exit_code == 0 and result.output.strip().endswith("online, paper OK")


def test_the_agent_refuses_to_start_without_a_token(monkeypatch):
    monkeypatch.delenv("MOTCUA_KIOSK_TOKEN", raising=False)
    result = CliRunner().invoke(printer_group, ["agent", "--server", "http://127.0.0.1:1",
                                                "--kiosk", "1", "--printer", "dummy:"])
    assert result.exit_code == 2 and "--token" in result.output


def test_the_agent_says_which_packages_it_needs_when_they_are_missing(monkeypatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "websocket" else find_spec(name, *a))
    result = CliRunner().invoke(printer_group, ["agent", "--server", "http://127.0.0.1:1",
                                                "--kiosk", "1", "--token", "t", "--printer", "dummy:"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: the print agent needs its packages: pip install 'motcua[agent]'"


def test_jobs_lists_recent_jobs_in_the_app(app, runner, session, clock, demo_hall):
    from motcua.printer.models import PrintJob, PrintJobKind, PrintJobStatus

    now = clock.now()
    session.add(PrintJob(hall_id=demo_hall.id, printer_url="tcp://10.0.0.9:9100", kind=PrintJobKind.TEST,
                         data=b"x", status=PrintJobStatus.FAILED, error="out of paper", attempts=1,
                         created_at=now, updated_at=now))
    session.commit()
    result = runner.invoke(args=["printer", "jobs", "--hall", "demo"])
    assert result.exit_code == 0, result.output
    assert "failed" in result.output and "(out of paper)" in result.output


def test_jobs_refuses_an_unknown_hall_in_one_line(runner, demo_hall):
    result = runner.invoke(args=["printer", "jobs", "--hall", "nohall"])
    assert result.exit_code == 1 and "nohall" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


@pytest.mark.parametrize("limit", ["-5", "99999999999999999999999"])
def test_jobs_refuses_a_limit_out_of_range_as_a_usage_error(runner, demo_hall, limit):
    result = runner.invoke(args=["printer", "jobs", "--limit", limit])
    assert result.exit_code == 2 and "Invalid value for '--limit'" in result.output


def test_jobs_on_a_database_not_yet_created_is_one_line(tmp_path):
    from motcua import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", "SECRET_KEY": "x",
                      "ASYNC_MODE": "threading", "REDIS_URL": None})
    result = app.test_cli_runner().invoke(args=["printer", "jobs"])
    assert result.exit_code == 1 and "run `motcua db upgrade` first" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("url", ["foo://bar", "tcp://", "tcp://10.0.0.9:http", "usb://epson",
                                 "dummy:?width=72"])
def test_kiosk_add_refuses_a_printer_url_it_cannot_use(runner, demo_hall, session, url):
    result = runner.invoke(args=["kiosk", "add", "demo", "kiosk-9", "--printer", url])
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert session.scalar(select(Device).where(Device.name == "kiosk-9")) is None


def test_kiosk_add_keeps_the_servers_own_printers_for_the_cli(runner, demo_hall, tmp_path):
    result = runner.invoke(args=["kiosk", "add", "demo", "kiosk-9", "--printer",
                                 f"preview:{tmp_path}/slips"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", ["test", "status"])
def test_printer_commands_refuse_a_malformed_url_in_one_line(command):
    result = run(command, "--printer", "tcp://10.0.0.9:http")
    assert result.exit_code == 1 and "port" in result.output
    assert len(result.output.strip().splitlines()) == 1
