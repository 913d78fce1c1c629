"""Printers named by URLs: parsing, clear errors, and what reaches a printer or fails in time."""
from __future__ import annotations

import time

import pytest

from motcua.printer.device.errors import PrinterError
from motcua.printer.device.stream import commands
from motcua.printer.device.transports import Printer
from motcua.printer.device.urls import parse_printer_url
from tests.printer.fakes import FakeNetworkPrinter, closed_port

JOB = b"\x1b@\x1bd\x06\x1dV\x00"


@pytest.mark.parametrize(
    "url, scheme, target",
    [
        ("dummy:", "dummy", ""),
        ("file:/dev/usb/lp0", "file", "/dev/usb/lp0"),
        ("/dev/usb/lp0", "file", "/dev/usb/lp0"),
        ("preview:printer-out", "preview", "printer-out"),
        ("tcp://192.168.1.50:9100", "tcp", "192.168.1.50:9100"),
        ("usb://04b8:0202", "usb", "04b8:0202"),
        ("serial:/dev/ttyUSB0?baudrate=19200", "serial", "/dev/ttyUSB0"),
        ("cups:POS80", "cups", "POS80"),
        ("agent", "agent", ""),
    ],
)
def test_printer_urls_name_the_transport_and_the_device(url, scheme, target):
    settings = parse_printer_url(url)
    assert (settings.scheme, settings.target) == (scheme, target)


def test_url_options_set_qr_mode_paper_width_timeout_and_status_checks():
    settings = parse_printer_url("tcp://10.0.0.9?qr=image&width=58&timeout=2.5")
    assert (settings.native_qr, settings.paper_mm, settings.width, settings.timeout) == (False, 58, 384, 2.5)
    assert settings.status_check, "TCP printers are asked for their status by default"
    assert not parse_printer_url("tcp://10.0.0.9?status=off").status_check
    assert not parse_printer_url("usb://04b8:0202").status_check
    assert parse_printer_url("serial:/dev/ttyS0?status=on").status_check
    defaults = parse_printer_url("dummy:")
    assert (defaults.native_qr, defaults.paper_mm, defaults.timeout) == (True, 80, 4.0)


@pytest.mark.parametrize(
    "url, says",
    [
        ("lpt1", "Unknown printer URL"),
        ("http://printer", "Unknown printer URL"),
        ("tcp://", "names no host"),
        ("file:", "names no file"),
        ("tcp://10.0.0.9?colour=red", "Unknown option colour"),
        ("dummy:?width=72", "width= must be 80 or 58"),
        ("dummy:?qr=maybe", "qr= must be native or image"),
        ("preview:out?qr=native", "image for preview"),
        ("tcp://10.0.0.9?timeout=soon", "timeout= a number"),
        ("tcp://10.0.0.9?status=sometimes", "status= must be"),
        ("tcp://10.0.0.9:http", "Bad host or port"),
        ("tcp://10.0.0.9:70000", "Bad host or port"),
        ("usb://04b8", "VID:PID"),
    ],
)
def test_a_bad_printer_url_is_one_clear_error(url, says):
    with pytest.raises(PrinterError, match=says):
        parse_printer_url(url)


def test_an_agent_url_cannot_be_printed_on_from_here():
    with pytest.raises(PrinterError, match="print agent"):
        Printer("agent:?width=58")


def test_a_missing_device_file_is_one_clear_error(tmp_path):
    with pytest.raises(PrinterError, match=r"Cannot open .*nowhere"):
        Printer(f"file:{tmp_path}/nowhere/lp0").print_bytes(JOB)


@pytest.mark.parametrize("url", ["usb://04b8:0202", "serial:/dev/ttyUSB9", "cups:POS80"])
def test_a_transport_whose_library_or_device_is_missing_says_what_to_install_or_plug_in(url):
    with pytest.raises(PrinterError) as caught:
        Printer(url).print_bytes(JOB)
    assert any(word in str(caught.value) for word in ("pip install", "not found", "No CUPS", "No USB"))
    assert "Traceback" not in str(caught.value)


def test_a_usb_url_without_hex_ids_says_how_to_write_it():
    with pytest.raises(PrinterError, match="VID:PID"):
        Printer("usb://epson")  # refused as it is read, before any job


def test_file_urls_write_the_bytes_and_a_folder_gets_one_file_per_job(tmp_path):
    Printer(f"file:{tmp_path / 'lp0'}").print_bytes(JOB)
    assert (tmp_path / "lp0").read_bytes() == JOB
    folder = Printer(f"file:{tmp_path / 'out'}/")
    folder.print_bytes(JOB, name="job-1")
    folder.print_bytes(JOB, name="job-2")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["job-1.bin", "job-2.bin"]


def test_a_preview_printer_writes_what_would_print_as_a_png(tmp_path):
    from PIL import Image

    from motcua.printer.device.document import ticket_document
    from motcua.printer.device.samples import sample_slip

    printer = Printer(f"preview:{tmp_path}")
    assert not printer.settings.native_qr
    printer.print_bytes(printer.render(ticket_document(sample_slip("normal"))), name="job-7")
    with Image.open(tmp_path / "job-7.png") as image:
        assert image.width == 576 and image.height > 500


def test_a_network_printer_gets_the_whole_job_on_its_own_connection():
    with FakeNetworkPrinter() as fake:
        printer = Printer(fake.url)
        printer.print_bytes(JOB)
        printer.print_bytes(JOB)
        assert fake.received.wait(5)
        deadline = time.monotonic() + 5
        while len(fake.jobs) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    assert fake.connections == 2, "closed after each job"
    for job in fake.jobs:
        # The status queries come first, then the job, byte for byte.
        assert job == b"\x10\x04\x01\x10\x04\x04" + JOB
        assert [c.name for c in commands(JOB)] == ["init", "feed", "cut"]


def test_a_network_printer_out_of_paper_fails_the_job_before_sending_it():
    with FakeNetworkPrinter(paper=0x7E) as fake:
        with pytest.raises(PrinterError, match="out of paper"):
            Printer(fake.url).print_bytes(JOB)
        time.sleep(0.1)
    assert all(JOB not in job for job in fake.jobs)


def test_a_network_printer_that_refuses_fails_at_once():
    started = time.monotonic()
    with pytest.raises(PrinterError, match="Cannot reach the printer"):
        Printer(f"tcp://127.0.0.1:{closed_port()}?timeout=2").print_bytes(JOB)
    assert time.monotonic() - started < 2


def test_a_network_printer_that_never_answers_fails_within_its_timeout():
    with FakeNetworkPrinter(silent=True) as fake:
        started = time.monotonic()
        with pytest.raises(PrinterError, match="did not answer"):
            Printer(f"{fake.url}?timeout=0.5").print_bytes(JOB)
        assert time.monotonic() - started < 1.5


def test_status_reports_what_the_printer_says_and_unknown_where_it_cannot_tell():
    with FakeNetworkPrinter(paper=0x1E) as fake:
        status = Printer(fake.url).status()
    assert (status.online, status.paper) == (True, "low")
    assert status.describe() == "online, paper low"
    assert Printer("dummy:").status().describe() == "online: unknown, paper: unknown"


def test_a_device_that_blocks_costs_the_caller_its_deadline_and_no_more(tmp_path):
    import os

    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)  # opening it for writing blocks until someone reads: a hung device
    printer = Printer(f"file:{fifo}?timeout=0.2")
    started = time.monotonic()
    with pytest.raises(PrinterError, match=r"did not take the job within 0\.2 s"):
        printer.print_bytes(JOB)
    assert time.monotonic() - started < 1.5
    with pytest.raises(PrinterError, match="still stuck"):
        printer.print_bytes(JOB)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the device wakes up
    try:
        deadline = time.monotonic() + 5
        data = b""
        while len(data) < len(JOB) and time.monotonic() < deadline:
            try:
                data += os.read(reader, 1024)
            except BlockingIOError:
                time.sleep(0.02)
        assert data == JOB
    finally:
        os.close(reader)


def test_asking_for_status_checks_where_none_can_be_read_is_refused():
    with pytest.raises(PrinterError, match="cannot report a status"):
        parse_printer_url("file:/dev/usb/lp0?status=on")


def test_a_preview_printer_draws_the_qr_code_of_a_job_made_for_a_native_qr_printer(tmp_path):
    from PIL import Image, ImageChops

    from motcua.printer.device.document import ticket_document
    from motcua.printer.device.render import preview, to_escpos
    from motcua.printer.device.samples import sample_slip

    doc = ticket_document(sample_slip("normal"))
    job = to_escpos(doc, native_qr=True)  # e.g. a reprint, or an agent whose printer is preview:
    assert "qr" in [c.name for c in commands(job)]
    Printer(f"preview:{tmp_path}").print_bytes(job, name="native")
    with Image.open(tmp_path / "native.png") as image:
        drawn = image.convert("L")
    # Exactly what a printer drawing the QR code as an image prints: the QR code included.
    assert drawn.size == preview(doc).size
    assert not ImageChops.difference(drawn, preview(doc).convert("L")).getbbox()
