"""Printers named by URLs: what a URL says, and which printers a hall may choose.

    dummy:                         keeps the bytes in memory (tests, dry runs)
    file:/dev/usb/lp0              writes to a device or a file; file:DIR/ writes one file a job
    preview:DIR                    writes what each job would print as a PNG (demo, staff checks)
    tcp://192.168.1.50:9100        a network printer (port 9100 by default)
    usb://04b8:0202                vendor and product id in hex (needs pyusb and libusb-1.0)
    serial:/dev/ttyUSB0?baudrate=19200
    cups:QUEUE                     a raw CUPS queue (needs pycups)
    agent:                         the kiosk's print agent: only settings, rendered on the server

Options, after `?`: `qr=native|image` (the printer's own QR command, missing on some clones,
or a drawn one), `width=80|58` (paper, mm), `timeout=SECONDS` (the printer's time-out: default
4, or the server's PRINTER_TIMEOUT_SECONDS), `status=auto|on|off` (ask the printer for paper and
online state before a job; auto asks TCP printers only), `baudrate=N` (serial),
`in_ep=0x82&out_ep=0x01` (USB end points).

A hall's staff may only choose among the printers a hall has (`PrinterPolicy`): `file:`,
`preview:` and `dummy:` write on the server, so they are for the server's own configuration
and the command line. Plain Python: the server, the admin pages and the print agent read it.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from motcua.printer.device.document import paper_dots
from motcua.printer.device.errors import PrinterError

SCHEMES = ("dummy", "file", "preview", "tcp", "usb", "serial", "cups", "agent")
OPTIONS = ("qr", "width", "timeout", "status", "baudrate", "in_ep", "out_ep")
DEFAULT_TIMEOUT = 4.0


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


def parse_printer_url(
    url: str, *, default_timeout: float = DEFAULT_TIMEOUT, schemes: tuple[str, ...] = SCHEMES
) -> PrinterSettings:
    """Read a printer URL; anything unusable is one `PrinterError` that says what to write.

    `default_timeout` applies when the URL has no timeout=; `schemes` are the ones accepted.
    """
    text = url.strip()
    if text.startswith("/"):
        text = "file:" + text
    if text == "agent":  # how `motcua kiosk add --printer agent` spells it
        text = "agent:"
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise PrinterError(
            f"Unknown printer URL {url!r}: start it with one of "
            + ", ".join(f"{s}:" for s in schemes)
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
    if scheme == "tcp":
        tcp_address(target, url)
    if scheme == "usb" and not USB_IDS.fullmatch(target):
        raise PrinterError(
            f"USB printer URL {url!r} needs VID:PID in hex, e.g. usb://04b8:0202 (see lsusb)"
        )
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
        timeout = float(options.get("timeout", default_timeout))
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


USB_IDS = re.compile(r"[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}")


def tcp_address(target: str, url: str) -> tuple[str, int]:
    """Host and port of a tcp:// target (port 9100 when none is given)."""
    parts = urlsplit(f"//{target}")
    try:
        port = parts.port
    except ValueError:
        port = None
    else:
        port = 9100 if port is None else port
    if port is None or not parts.hostname or not 0 < port < 65536:
        raise PrinterError(
            f"Bad host or port in printer URL {url!r}: write tcp://HOST:PORT, e.g. tcp://192.168.1.50:9100"
        )
    return parts.hostname, port


def _what(scheme: str) -> str:
    return {
        "file": "file or device (file:/dev/usb/lp0)",
        "preview": "folder for the PNG files (preview:printer-out)",
        "serial": "serial device (serial:/dev/ttyUSB0)",
        "tcp": "host (tcp://192.168.1.50:9100)",
        "usb": "device (usb://VID:PID in hex, e.g. usb://04b8:0202)",
        "cups": "queue (cups:QUEUE)",
    }[scheme]


HALL_SCHEMES = ("agent", "tcp", "usb", "serial", "cups")
SERIAL_DEVICE = re.compile(r"/dev/(tty[A-Za-z0-9]+|serial/by-(id|path)/[^/]+|rfcomm[0-9]+)")
CUPS_QUEUE = re.compile(r"[A-Za-z0-9_-]{1,127}")


@dataclass(frozen=True)
class PrinterPolicy:
    """The printers a hall's staff may give a kiosk (the admin pages): the print agent, a
    USB, serial or CUPS printer, or a network printer by IP address inside `networks`, on one
    of `ports`. Never file:, preview: or dummy:, which write on the server.

    Why network printers have an allow-list: the server connects wherever a tcp:// URL says
    and sends a slip there, so an open choice would let a hall's admin reach any host and
    port the server can (the server's own Redis and database on loopback, a cloud's metadata
    service, other offices' hosts) and learn from the error which ports answer. Printers sit
    on a hall's private LAN and listen on the raw printing ports, so those are the default
    (PRINTER_NETWORKS, PRINTER_PORTS); loopback and link-local addresses are left out.
    """

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    ports: frozenset[int]

    @classmethod
    def from_settings(
        cls, networks: str | Iterable[str], ports: str | int | Iterable[str | int]
    ) -> PrinterPolicy:
        """From the settings' text ("10.0.0.0/8, 192.168.0.0/16" and "9100-9109, 4242") or
        lists; a setting that cannot be read is a `ValueError` naming it."""
        try:
            nets = tuple(ipaddress.ip_network(item, strict=False) for item in _items(networks))
        except ValueError as exc:
            raise ValueError(f"PRINTER_NETWORKS: {exc} (write CIDR ranges such as 192.168.0.0/16)") from None
        allowed: set[int] = set()
        for item in _items(ports):
            low, _, high = item.partition("-")
            numbers = low.isdigit() and (high or low).isdigit()
            if not numbers or not 0 < int(low) <= int(high or low) < 65536:
                raise ValueError(f"PRINTER_PORTS: {item!r} is not a port or a range such as 9100-9109")
            allowed.update(range(int(low), int(high or low) + 1))
        return cls(nets, frozenset(allowed))

    def check(self, url: str) -> PrinterSettings:
        """The URL's settings if a hall may use it, else `PrinterError` saying what it may."""
        text = url.strip()
        scheme = "file" if text.startswith("/") else urlsplit(text).scheme.lower()
        if scheme in SCHEMES and scheme not in HALL_SCHEMES:
            raise PrinterError(
                f"{scheme}: printers write on the server and are set only in its configuration "
                "or with `motcua kiosk add`; a kiosk's printer is one of agent, tcp://IP:PORT, "
                "usb://VID:PID, serial:/dev/tty…, cups:QUEUE"
            )
        settings = parse_printer_url(url, schemes=HALL_SCHEMES)
        if settings.scheme == "tcp":
            self._check_address(*tcp_address(settings.target, url))
        if settings.scheme == "serial" and not SERIAL_DEVICE.fullmatch(settings.target):
            raise PrinterError("A serial printer is a serial device such as /dev/ttyUSB0, "
                               f"not {settings.target!r}")
        if settings.scheme == "cups" and not CUPS_QUEUE.fullmatch(settings.target):
            raise PrinterError(f"{settings.target!r} is not a CUPS queue name (letters, digits, - and _)")
        return settings

    def _check_address(self, host: str, port: int) -> None:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise PrinterError(
                f"Give the network printer's IP address, not the name {host!r} "
                "(a name could later point anywhere)"
            ) from None
        if not any(address in network for network in self.networks):
            raise PrinterError(
                f"{address} is not on the hall's printer networks "
                f"({', '.join(map(str, self.networks)) or 'none'}; setting PRINTER_NETWORKS)"
            )
        if port not in self.ports:
            raise PrinterError(
                f"Port {port} is not a printer port ({_ranges(self.ports)}; setting PRINTER_PORTS)"
            )


def _items(value: str | int | Iterable[str | int]) -> list[str]:
    if isinstance(value, (str, int)):
        value = str(value).split(",")
    return [str(item).strip() for item in value if str(item).strip()]


def _ranges(ports: frozenset[int]) -> str:
    spans: list[str] = []
    for port in sorted(ports):
        if spans and spans[-1].rpartition("-")[2] == str(port - 1):
            spans[-1] = f"{spans[-1].partition('-')[0]}-{port}"
        else:
            spans.append(str(port))
    return ", ".join(spans) or "none"

