"""Printers named by URLs, on top of python-escpos's device classes.

    dummy:                         keeps the bytes in memory (tests, dry runs)
    file:/dev/usb/lp0              writes to a device or a file; file:DIR/ writes one file a job
    preview:DIR                    writes what each job would print as a PNG (demo, staff checks)
    tcp://192.168.1.50:9100        a network printer (port 9100 by default)
    usb://04b8:0202                vendor and product id in hex (needs pyusb and libusb-1.0)
    serial:/dev/ttyUSB0?baudrate=19200
    cups:QUEUE                     a raw CUPS queue (needs pycups)
    agent:                         the kiosk's print agent: only settings, rendered on the server

Options, after `?`: `qr=native|image` (the printer's own QR command, missing on some clones,
or a drawn one), `width=80|58` (paper, mm), `timeout=SECONDS` (default 4), `status=auto|on|off`
(ask the printer for paper and online state before a job; auto asks TCP printers only),
`baudrate=N` (serial), `in_ep=0x82&out_ep=0x01` (USB end points).

Every job opens the device, writes, and closes it (Epson network printers hold the next job
until the socket closes). The I/O runs in a helper thread with a deadline, so a printer that
hangs — a full socket, a blocked device file — costs the caller seconds, never the request.
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from motcua.printer.document import Document, paper_dots
from motcua.printer.errors import PrinterError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

SCHEMES = ("dummy", "file", "preview", "tcp", "usb", "serial", "cups", "agent")
OPTIONS = ("qr", "width", "timeout", "status", "baudrate", "in_ep", "out_ep")
DEFAULT_TIMEOUT = 4.0

T = TypeVar("T")


@dataclass(frozen=True)
class PrinterSettings:
    """A parsed printer URL: where the printer is and how jobs for it are drawn."""

    url: str
    scheme: str
    target: str  # path, host:port, vid:pid, device or queue
    paper_mm: int = 80
    native_qr: bool = True
    timeout: float = DEFAULT_TIMEOUT
    status_check: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return paper_dots(self.paper_mm)


def parse_printer_url(url: str) -> PrinterSettings:
    """Read a printer URL; anything unusable is one `PrinterError` that says what to write."""
    text = url.strip()
    if text.startswith("/"):
        text = "file:" + text
    if text == "agent":  # how `motcua kiosk add --printer agent` spells it
        text = "agent:"
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise PrinterError(
            f"Unknown printer URL {url!r}: start it with one of "
            + ", ".join(f"{s}:" for s in SCHEMES)
            + " (e.g. tcp://192.168.1.50:9100)"
        )
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise PrinterError(
            f"Unknown option {', '.join(unknown)} in printer URL {url!r}; known: {', '.join(OPTIONS)}"
        )
    target = parts.netloc if scheme in ("tcp", "usb") else parts.netloc + parts.path
    if scheme in ("file", "preview", "serial", "tcp", "usb", "cups") and not target:
        raise PrinterError(f"Printer URL {url!r} names no {_what(scheme)}")
    qr = options.get("qr", "image" if scheme == "preview" else "native")
    if qr not in ("native", "image") or (scheme == "preview" and qr != "image"):
        raise PrinterError(f"qr= must be native or image (image for preview:) in printer URL {url!r}")
    status = options.get("status", "auto")
    if status not in ("auto", "on", "off"):
        raise PrinterError(f"status= must be auto, on or off in printer URL {url!r}")
    if status == "on" and scheme not in ("tcp", "usb", "serial", "cups"):
        raise PrinterError(f"{scheme}: printers cannot report a status (printer URL {url!r})")
    try:
        paper_mm = int(options.get("width", "80"))
        paper_dots(paper_mm)
        timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
        if not 0 < timeout <= 120:
            raise ValueError("timeout out of range")
    except ValueError:
        raise PrinterError(
            f"width= must be 80 or 58 and timeout= a number of seconds in printer URL {url!r}"
        ) from None
    extra = {k: v for k, v in options.items() if k in ("baudrate", "in_ep", "out_ep")}
    return PrinterSettings(
        url=url,
        scheme=scheme,
        target=target,
        paper_mm=paper_mm,
        native_qr=qr == "native",
        timeout=timeout,
        status_check=status == "on" or (status == "auto" and scheme == "tcp"),
        extra=extra,
    )


def _what(scheme: str) -> str:
    return {
        "file": "file or device (file:/dev/usb/lp0)",
        "preview": "folder for the PNG files (preview:printer-out)",
        "serial": "serial device (serial:/dev/ttyUSB0)",
        "tcp": "host (tcp://192.168.1.50:9100)",
        "usb": "device (usb://VID:PID in hex, e.g. usb://04b8:0202)",
        "cups": "queue (cups:QUEUE)",
    }[scheme]


@dataclass(frozen=True)
class PrinterStatus:
    """What a printer says about itself; None where the transport cannot tell."""

    online: bool | None
    paper: str | None  # "ok", "low" (near end), "out"

    def describe(self) -> str:
        online = {True: "online", False: "offline", None: "online: unknown"}[self.online]
        paper = {"ok": "paper OK", "low": "paper low", "out": "out of paper", None: "paper: unknown"}
        return f"{online}, {paper[self.paper]}"


class Printer:
    """One printer URL: renders documents for it and sends jobs to it, one at a time.

    Not a connection: each job opens the device and closes it again.
    """

    def __init__(self, url: str) -> None:
        self.settings = parse_printer_url(url)
        if self.settings.scheme == "agent":
            raise PrinterError(
                "agent: is printed by the kiosk's print agent, not from here; "
                "give the agent the kiosk printer's own URL"
            )
        self.sent: list[bytes] = []  # what a dummy: printer received, job by job
        self._lock = threading.Lock()
        self._stuck: threading.Thread | None = None
        self._files = itertools.count(1)

    @property
    def url(self) -> str:
        return self.settings.url

    def render(self, doc: Document) -> bytes:
        from motcua.printer.render import to_escpos  # Pillow and python-escpos: see _device

        return to_escpos(doc, native_qr=self.settings.native_qr)

    def print_bytes(self, data: bytes, name: str | None = None) -> None:
        """Send one job (ESC/POS bytes); raises `PrinterError` within three timeouts at most.

        `name` names the file in directory mode (file:DIR/).
        """
        with self._lock:
            self._run(lambda: self._send(data, name))

    def status(self) -> PrinterStatus:
        """Best effort: ask the printer where the transport can read an answer."""
        with self._lock:
            return self._run(self._status)

    # The blocking work, run in a helper thread by _run.

    def _send(self, data: bytes, name: str | None) -> None:
        if self.settings.scheme == "dummy":
            self.sent.append(data)
            return
        if self.settings.scheme == "preview":
            self._write_preview(data, name)
            return
        device = self._device(name)
        try:
            _open(device, self.settings)
            if self.settings.status_check:
                state = _read_status(device)
                if state.online is None and state.paper is None:
                    raise PrinterError(
                        f"The printer at {self.url} did not answer within {self.settings.timeout:g} s "
                        "(if it never answers status queries, add status=off to its URL)"
                    )
                if state.paper == "out":
                    raise PrinterError(f"The printer at {self.url} is out of paper")
                if state.online is False:
                    raise PrinterError(f"The printer at {self.url} is offline (cover open or paper out?)")
            device._raw(data)  # python-escpos 3.1 has no public raw write
            if _is_cups(device):
                device.send()
        except PrinterError:
            raise
        except Exception as exc:  # OSError, escpos errors, and each driver's own (USBError, …)
            raise PrinterError(f"Printing on {self.url} failed: {_reason(exc)}") from None
        finally:
            _close(device)

    def _write_preview(self, data: bytes, name: str | None) -> None:
        from motcua.printer.stream import raster_image  # Pillow: see _device

        folder = Path(self.settings.target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            raster_image(data).save(folder / f"{name or self._file_stem()}.png")
        except OSError as exc:
            raise PrinterError(f"Cannot write the preview to {folder}: {_reason(exc)}") from None

    def _file_stem(self) -> str:
        return f"{datetime.now():%Y%m%d-%H%M%S}-{next(self._files)}"

    def _status(self) -> PrinterStatus:
        if self.settings.scheme in ("dummy", "file", "preview"):
            return PrinterStatus(None, None)
        device = self._device(None)
        try:
            _open(device, self.settings)
            return _read_status(device)
        finally:
            _close(device)

    def _device(self, name: str | None) -> Escpos:
        # python-escpos (and Pillow, which it and the drawing need) loads with the first job
        # a process sends, not with this module: the server parses printer URLs everywhere
        # but drives a printer only for kiosks that have one, and these cost several MB.
        from escpos.printer import CupsPrinter, File, Network, Serial, Usb

        s = self.settings
        if s.scheme == "file":
            path = Path(s.target)
            if s.target.endswith("/") or path.is_dir():
                path.mkdir(parents=True, exist_ok=True)
                path = path / f"{name or self._file_stem()}.bin"
            return File(devfile=str(path), auto_flush=False)
        if s.scheme == "tcp":
            host, _, port = s.target.rpartition(":") if ":" in s.target else (s.target, "", "9100")
            if not port.isdigit():
                raise PrinterError(f"Bad port in printer URL {self.url!r}")
            return Network(host=host.strip("[]"), port=int(port), timeout=s.timeout)
        if s.scheme == "usb":
            _need(Usb, "USB printers need pyusb and libusb-1.0: pip install 'python-escpos[usb]'")
            vid, pid = _usb_ids(s)
            return Usb(
                vid,
                pid,
                timeout=int(s.timeout * 1000),  # milliseconds; python-escpos waits forever on 0
                in_ep=_int(s.extra.get("in_ep", "0x82"), s),
                out_ep=_int(s.extra.get("out_ep", "0x01"), s),
            )
        if s.scheme == "serial":
            _need(Serial, "Serial printers need pyserial: pip install 'python-escpos[serial]'")
            return Serial(
                devfile=s.target, baudrate=_int(s.extra.get("baudrate", "9600"), s), timeout=s.timeout
            )
        _need(CupsPrinter, "CUPS printers need pycups: pip install 'python-escpos[cups]'")
        return CupsPrinter(printer_name=s.target)

    def _run(self, work: Callable[[], T]) -> T:
        """Run blocking printer I/O with a deadline; a hung call is left behind, reported."""
        if self._stuck is not None and self._stuck.is_alive():
            raise PrinterError(f"The printer at {self.url} is still stuck on an earlier job")
        result: list[T] = []
        error: list[BaseException] = []

        def target() -> None:
            try:
                result.append(work())
            except BaseException as exc:  # handed to the caller's thread below
                error.append(exc)

        thread = threading.Thread(target=target, name=f"printer-io {self.url}", daemon=True)
        thread.start()
        thread.join(self._deadline())
        if thread.is_alive():
            self._stuck = thread
            raise PrinterError(f"The printer at {self.url} did not take the job within {self._deadline():g} s")
        if error:
            raise error[0]
        return result[0]

    def _deadline(self) -> float:
        # connect + status + write each get the timeout; a network write of a long slip
        # lasts as long as the printing does, about a second.
        return self.settings.timeout * 3


def _open(device: Escpos, settings: PrinterSettings) -> None:
    try:
        device.open()
    except Exception as exc:  # DeviceNotFoundError, OSError, and each driver's own types
        raise PrinterError(_not_found(settings, exc)) from None


def _close(device: Escpos) -> None:
    try:
        device.close()
    except Exception:  # closing a broken connection may fail again; the job's outcome stands
        pass


def _read_status(device: Escpos) -> PrinterStatus:
    """DLE EOT 1 and 4. python-escpos's own paper_status() says "paper OK" when the
    printer does not answer, so the answers are read and judged here."""
    from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER

    def ask(query: bytes) -> int | None:
        try:
            answer = device.query_status(query)
        except Exception:  # a timeout, or a driver's own read error: no answer
            return None
        return answer[0] if answer else None

    online_byte = ask(RT_STATUS_ONLINE)
    if _is_cups(device):  # the queue's state, reported as an online byte
        return PrinterStatus(None if online_byte is None else online_byte == ord("0"), None)
    paper_byte = ask(RT_STATUS_PAPER) if online_byte is not None else None
    online = None if online_byte is None else not online_byte & 0x08
    paper = None
    if paper_byte is not None:
        paper = "out" if paper_byte & 0x60 else "low" if paper_byte & 0x0C else "ok"
    return PrinterStatus(online, paper)


def _is_cups(device: Escpos) -> bool:
    from escpos.printer import CupsPrinter

    return isinstance(device, CupsPrinter)


def _need(cls: Any, message: str) -> None:
    if not cls.is_usable():
        raise PrinterError(message)


def _usb_ids(settings: PrinterSettings) -> tuple[int, int]:
    vid, _, pid = settings.target.partition(":")
    try:
        return int(vid, 16), int(pid, 16)
    except ValueError:
        raise PrinterError(
            f"USB printer URL {settings.url!r} needs VID:PID in hex, e.g. usb://04b8:0202 (see lsusb)"
        ) from None


def _int(value: str, settings: PrinterSettings) -> int:
    try:
        return int(value, 0)
    except ValueError:
        raise PrinterError(f"{value!r} is not a number in printer URL {settings.url!r}") from None


def _reason(exc: BaseException) -> str:
    # python-escpos wraps the OSError that says what happened in its own DeviceNotFoundError.
    inner = exc.__cause__ or exc.__context__
    if isinstance(inner, OSError) and not isinstance(exc, OSError):
        exc = inner
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    else:
        text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, TimeoutError):
        return f"no answer in time ({text})"
    return text


def _not_found(settings: PrinterSettings, exc: BaseException) -> str:
    reason = _reason(exc)
    if settings.scheme == "usb":
        if "busy" in reason.lower():
            return (
                f"The USB printer {settings.target} is held by another driver (CUPS or the kernel's "
                f"usblp): {reason}"
            )
        return f"No USB printer {settings.target} found (plugged in and switched on?): {reason}"
    if settings.scheme == "tcp":
        return f"Cannot reach the printer at {settings.target}: {reason}"
    if settings.scheme == "cups":
        return f"No CUPS queue {settings.target!r}: {reason}"
    return f"Cannot open {settings.target}: {reason}"

