"""Where a job's bytes go: one transport class per printer URL scheme, behind `Transport`.

`Printer` is what callers hold: a URL's settings and its transport, one job at a time.
Every job opens the device, writes, and closes it (Epson network printers hold the next job
until the socket closes). The I/O runs in a helper thread with a deadline, so a printer that
hangs — a full socket, a blocked device file — costs the caller its time-out, never the request.

The transports on python-escpos use its device classes to open, ask the status and close,
and write the job's bytes to the device those classes opened (python-escpos has no public
raw write). It loads with the first job a process sends, not with this module: the server
parses printer URLs everywhere but drives a printer only for kiosks that have one.
"""
from __future__ import annotations

import contextlib
import itertools
import socket
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from motcua.printer.device.document import Document
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.urls import (
    DEFAULT_TIMEOUT,
    PrinterSettings,
    parse_printer_url,
    tcp_address,
)

if TYPE_CHECKING:
    from escpos.escpos import Escpos

# What a network printer's connection may hold of a job the printer has not read yet. The
# kernel's own buffers (megabytes on loopback) would swallow a whole slip from a printer that
# never reads, and the job would look sent; with this, the write waits for the printer.
TCP_SEND_BUFFER = 8 * 1024

T = TypeVar("T")


@dataclass(frozen=True)
class PrinterStatus:
    """What a printer says about itself; None where the transport cannot tell."""

    online: bool | None
    paper: str | None  # "ok", "low" (near end), "out"

    def describe(self) -> str:
        online = {True: "online", False: "offline", None: "online: unknown"}[self.online]
        paper = {"ok": "paper OK", "low": "paper low", "out": "out of paper", None: "paper: unknown"}
        return f"{online}, {paper[self.paper]}"


UNKNOWN = PrinterStatus(None, None)


class Transport(Protocol):
    """A printer's connection, as one job and one status query at a time need it."""

    # False when sending does no I/O that could wait (dummy:): the caller may send in its
    # own thread instead of a printer's worker.
    waits: bool

    def send(self, data: bytes, name: str | None) -> bool:
        """Write one job. True when the printer confirmed it can print (or the output is the
        record itself), False when the bytes were only handed over. `name` names a file."""
        ...

    def status(self) -> PrinterStatus: ...


class Dummy:
    """dummy: keeps every job's bytes in memory, for tests and dry runs."""

    waits = False

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings
        self.sent: list[bytes] = []

    def send(self, data: bytes, name: str | None) -> bool:
        self.sent.append(data)
        return True

    def status(self) -> PrinterStatus:
        return UNKNOWN


class _Files:
    """Names for the files of jobs that come without one."""

    def __init__(self) -> None:
        self._count = itertools.count(1)

    def stem(self, name: str | None) -> str:
        return name or f"{datetime.now():%Y%m%d-%H%M%S}-{next(self._count)}"


class Preview:
    """preview:DIR writes what each job would print as a PNG."""

    waits = True

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings
        self._files = _Files()

    def send(self, data: bytes, name: str | None) -> bool:
        from motcua.printer.device.stream import (
            raster_image,  # Pillow: with the first job
        )

        folder = Path(self.settings.target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            raster_image(data).save(folder / f"{self._files.stem(name)}.png")
        except OSError as exc:
            raise PrinterError(f"Cannot write the preview to {folder}: {_reason(exc)}") from None
        return True

    def status(self) -> PrinterStatus:
        return UNKNOWN


class _EscposTransport(ABC):
    """A printer driven through one of python-escpos's device classes: open, check the
    status where asked to, write the bytes, close."""

    waits = True
    what: ClassVar[str] = "printer"

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings

    def send(self, data: bytes, name: str | None) -> bool:
        s = self.settings
        deadline = time.monotonic() + s.timeout
        device = self._device(name)
        try:
            self._open(device, deadline)
            if s.status_check:
                state = self._read_status(device)
                if state.online is None and state.paper is None:
                    raise PrinterError(
                        f"The printer at {s.url} did not answer within {s.timeout:g} s "
                        "(if it never answers status queries, add status=off to its URL)"
                    )
                if state.paper == "out":
                    raise PrinterError(f"The printer at {s.url} is out of paper")
                if state.online is False:
                    raise PrinterError(f"The printer at {s.url} is offline (cover open or paper out?)")
            self._before_write(device, deadline)
            self._write(device, data)
            return s.status_check or self._is_record()
        except PrinterError:
            raise
        except Exception as exc:  # OSError, escpos errors, and each driver's own (USBError, …)
            raise PrinterError(f"Printing on {s.url} failed: {_reason(exc)}") from None
        finally:
            _close(device)

    def status(self) -> PrinterStatus:
        device = self._device(None)
        try:
            self._open(device, time.monotonic() + self.settings.timeout)
            return self._read_status(device)
        finally:
            _close(device)

    # What each scheme says for itself.

    @abstractmethod
    def _device(self, name: str | None) -> Escpos:
        """The python-escpos device of this scheme, not yet opened."""

    def _write(self, device: Escpos, data: bytes) -> None:
        device.device.write(data)

    def _before_write(self, device: Escpos, deadline: float) -> None:  # noqa: B027 (a hook)
        """Called once open and again before the bytes go (a network printer's deadline)."""

    def _is_record(self) -> bool:
        """Whether the output is the record itself (a plain file), so needs no status."""
        return False

    def _not_found(self, reason: str) -> str:
        return f"Cannot open {self.settings.target}: {reason}"

    def _read_status(self, device: Escpos) -> PrinterStatus:
        """DLE EOT 1 and 4. python-escpos's own paper_status() says "paper OK" when the
        printer does not answer, so the answers are read and judged here."""
        from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER

        online_byte = _ask(device, RT_STATUS_ONLINE)
        paper_byte = _ask(device, RT_STATUS_PAPER) if online_byte is not None else None
        online = None if online_byte is None else not online_byte & 0x08
        paper = None
        if paper_byte is not None:
            paper = "out" if paper_byte & 0x60 else "low" if paper_byte & 0x0C else "ok"
        return PrinterStatus(online, paper)

    def _open(self, device: Escpos, deadline: float) -> None:
        try:
            device.open()
        except Exception as exc:  # DeviceNotFoundError, OSError, and each driver's own types
            raise PrinterError(self._not_found(_reason(exc))) from None
        self._before_write(device, deadline)


class File(_EscposTransport):
    """file:PATH writes to a device or a file; file:DIR/ writes one file a job."""

    def __init__(self, settings: PrinterSettings) -> None:
        super().__init__(settings)
        self._files = _Files()

    def _device(self, name: str | None) -> Escpos:
        from escpos.printer import File as EscposFile

        path = Path(self.settings.target)
        if self.settings.target.endswith("/") or path.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            path = path / f"{self._files.stem(name)}.bin"
        return EscposFile(devfile=str(path), auto_flush=False)

    def _is_record(self) -> bool:
        return not Path(self.settings.target).is_char_device()

    def status(self) -> PrinterStatus:
        return UNKNOWN


class Tcp(_EscposTransport):
    """tcp://HOST:PORT, a network printer (raw port 9100 by default)."""

    def _device(self, name: str | None) -> Escpos:
        from escpos.printer import Network

        host, port = tcp_address(self.settings.target, self.settings.url)
        return Network(host=host, port=port, timeout=self.settings.timeout)

    def _before_write(self, device: Escpos, deadline: float) -> None:
        """The next step gets what is left of the job's time-out, and the connection holds
        little unread (TCP_SEND_BUFFER): a printer that stops reading makes the write wait,
        and fail at the deadline, instead of the job looking sent."""
        connection = device.device
        if isinstance(connection, socket.socket):
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, TCP_SEND_BUFFER)
            connection.settimeout(max(deadline - time.monotonic(), 0.001))

    def _write(self, device: Escpos, data: bytes) -> None:
        device.device.sendall(data)

    def _not_found(self, reason: str) -> str:
        return f"Cannot reach the printer at {self.settings.target}: {reason}"


class Usb(_EscposTransport):
    """usb://VID:PID (hex), through pyusb."""

    def _device(self, name: str | None) -> Escpos:
        from escpos.printer import Usb as EscposUsb

        _need(EscposUsb, "USB printers need pyusb and libusb-1.0: pip install 'python-escpos[usb]'")
        s = self.settings
        vid, pid = (int(part, 16) for part in s.target.split(":"))
        return EscposUsb(
            vid,
            pid,
            timeout=int(s.timeout * 1000),  # milliseconds; python-escpos waits forever on 0
            in_ep=_int(s.extra.get("in_ep", "0x82"), s),
            out_ep=_int(s.extra.get("out_ep", "0x01"), s),
        )

    def _write(self, device: Escpos, data: bytes) -> None:
        device.device.write(device.out_ep, data, device.timeout)

    def _not_found(self, reason: str) -> str:
        target = self.settings.target
        if "busy" in reason.lower():
            return (f"The USB printer {target} is held by another driver "
                    f"(CUPS or the kernel's usblp): {reason}")
        return f"No USB printer {target} found (plugged in and switched on?): {reason}"


class Serial(_EscposTransport):
    """serial:/dev/ttyUSB0?baudrate=N, through pyserial."""

    def _device(self, name: str | None) -> Escpos:
        from escpos.printer import Serial as EscposSerial

        _need(EscposSerial, "Serial printers need pyserial: pip install 'python-escpos[serial]'")
        s = self.settings
        return EscposSerial(devfile=s.target, baudrate=_int(s.extra.get("baudrate", "9600"), s),
                            timeout=s.timeout)


class Cups(_EscposTransport):
    """cups:QUEUE, a raw CUPS queue, through pycups: the job is a file handed to the queue."""

    def _device(self, name: str | None) -> Escpos:
        from escpos.printer import CupsPrinter

        _need(CupsPrinter, "CUPS printers need pycups: pip install 'python-escpos[cups]'")
        return CupsPrinter(printer_name=self.settings.target)

    def _write(self, device: Escpos, data: bytes) -> None:
        import cups

        with tempfile.NamedTemporaryFile(suffix=".bin") as job:
            job.write(data)
            job.flush()
            device.device.printFile(self.settings.target, job.name, "motcua",
                                    {"document-format": cups.CUPS_FORMAT_RAW})

    def _read_status(self, device: Escpos) -> PrinterStatus:
        """The queue's state, which python-escpos reports as an online byte."""
        from escpos.constants import RT_STATUS_ONLINE

        online_byte = _ask(device, RT_STATUS_ONLINE)
        return PrinterStatus(None if online_byte is None else online_byte == ord("0"), None)

    def _not_found(self, reason: str) -> str:
        return f"No CUPS queue {self.settings.target!r}: {reason}"


# The transport of each scheme. agent: has none: the kiosk's print agent prints its jobs.
TRANSPORTS: dict[str, Callable[[PrinterSettings], Transport]] = {
    "dummy": Dummy,
    "preview": Preview,
    "file": File,
    "tcp": Tcp,
    "usb": Usb,
    "serial": Serial,
    "cups": Cups,
}


class Printer:
    """One printer URL: renders documents for it and sends jobs to it, one at a time.

    Not a connection: each job opens the device and closes it again.
    """

    def __init__(self, url: str, *, default_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.settings = parse_printer_url(url, default_timeout=default_timeout)
        make = TRANSPORTS.get(self.settings.scheme)
        if make is None:
            raise PrinterError(
                f"{self.settings.scheme}: is printed by the kiosk's print agent, not from here; "
                "give the agent the kiosk printer's own URL"
            )
        self.transport = make(self.settings)
        self._lock = threading.Lock()
        self._stuck: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.settings.url

    def render(self, doc: Document) -> bytes:
        from motcua.printer.device.render import to_escpos  # Pillow and python-escpos

        return to_escpos(doc, native_qr=self.settings.native_qr)

    def print_bytes(self, data: bytes, name: str | None = None) -> bool:
        """Send one job (ESC/POS bytes) within the printer's time-out, or raise `PrinterError`.

        True when the printer confirmed it can print (it answered the status query, or the
        output is the record itself: dummy:, preview:, a file); False when the bytes were
        only handed over (status=off, a USB or serial printer not asked, a device file).
        `name` names the file in directory mode (file:DIR/).
        """
        with self._lock:
            return self._run(lambda: self.transport.send(data, name))

    def status(self) -> PrinterStatus:
        """Best effort: ask the printer where the transport can read an answer."""
        with self._lock:
            return self._run(self.transport.status)

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
        # Network I/O ends by the time-out on its own (Tcp._before_write); the grace lets it
        # say why. A driver call that ignores its time-out is left behind.
        thread.join(self.settings.timeout + 0.25)
        if thread.is_alive():
            self._stuck = thread
            raise PrinterError(
                f"The printer at {self.url} did not take the job within {self.settings.timeout:g} s"
            )
        if error:
            raise error[0]
        return result[0]


def _ask(device: Escpos, query: bytes) -> int | None:
    try:
        answer = device.query_status(query)
    except Exception:  # a timeout, or a driver's own read error: no answer
        return None
    return answer[0] if answer else None


def _close(device: Escpos) -> None:
    with contextlib.suppress(Exception):  # a broken connection may fail again; the job stands
        device.close()


def _need(cls: Any, message: str) -> None:
    if not cls.is_usable():
        raise PrinterError(message)


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
