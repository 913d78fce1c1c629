"""Kiosks and rating tablets of a hall: names, printers, counters, enabling and new tokens.
Devices are registered by `motcua.auth.accounts.register_device`, the one audited path the
CLI uses too."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from motcua.auth.accounts import HALL_PRINTERS, check_device, new_device_token
from motcua.changes.audit import audited, hall_to_change, snapshot
from motcua.changes.errors import N_, Missing, Problem
from motcua.core.accounts import Device
from motcua.core.actors import Actor, DeviceKind
from motcua.core.identity import hash_token
from motcua.core.uow import UnitOfWork, use_case
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.urls import HALL_SCHEMES, SCHEMES, PrinterPolicy, tcp_address
from motcua.queue.models import Hall


@dataclass(frozen=True)
class DeviceFields:
    name: str
    kind: DeviceKind
    printer: str | None  # kiosks: "agent" or a printer URL; None: no printer
    counter_number: int | None  # tablets: the counter they stand at


DEVICE_FIELDS = ("name", "printer", "counter_id")


def find_device(session: Session, hall: Hall, device_id: int) -> Device:
    device = session.get(Device, device_id)
    if device is None or device.hall_id != hall.id:
        raise Missing(N_("Không có thiết bị này ở %(hall)s."), hall=hall.name)
    return device


@use_case
def update_device(uow: UnitOfWork, *, actor: Actor, hall_code: str, device_id: int,
                  fields: DeviceFields, printers: PrinterPolicy = HALL_PRINTERS) -> Device:
    hall = hall_to_change(uow.session, actor, hall_code)
    device = find_device(uow.session, hall, device_id)
    # A printer the kiosk already has stays when only its name (or another field) changes,
    # even one only the server may set (preview: for the demo's kiosk); a new one is checked.
    changed = fields.printer if fields.printer != device.printer else None
    counter = check_device(uow.session, hall, name=fields.name, kind=device.kind,
                           printer=changed, counter_number=fields.counter_number,
                           itself=device, printers=printers)
    with audited(uow, actor, hall, "device", fields.name, "update",
                 lambda: snapshot(device, DEVICE_FIELDS)):
        device.name = fields.name
        if device.kind == DeviceKind.KIOSK:
            device.printer = fields.printer
        device.counter_id = counter.id if counter else None
    return device


SERVER_SCHEMES = tuple(s for s in SCHEMES if s not in HALL_SCHEMES)


def printer_problem(url: str, printers: PrinterPolicy) -> Problem:
    """Why a hall's kiosk cannot have this printer, in the admin's words: the printer
    package's reasons are English, for the server's command line and logs."""
    text = url.strip()
    scheme = "file" if text.startswith("/") else urlsplit(text).scheme.lower()
    if scheme in SERVER_SCHEMES:
        return Problem("printer", N_("Máy in không dùng được: “%(url)s” ghi ra tệp trên máy chủ, "
                                     "chỉ đặt được trong cấu hình máy chủ hoặc bằng lệnh motcua "
                                     "kiosk add. Máy lấy số dùng agent, tcp://IP:CỔNG, "
                                     "usb://VID:PID, serial:/dev/tty… hoặc cups:HÀNG_ĐỢI."),
                       {"url": url})
    if scheme not in HALL_SCHEMES and text != "agent":
        return Problem("printer", N_("Máy in không dùng được: không nhận ra “%(url)s”. Máy lấy số "
                                     "dùng agent, tcp://IP:CỔNG, usb://VID:PID, serial:/dev/tty… "
                                     "hoặc cups:HÀNG_ĐỢI, ví dụ tcp://192.168.1.50:9100."),
                       {"url": url})
    if scheme == "tcp":
        try:
            host, port = tcp_address(urlsplit(text).netloc, url)
            address = ipaddress.ip_address(host)
        except (PrinterError, ValueError):
            return Problem("printer", N_("Máy in không dùng được: máy in mạng ghi là "
                                         "tcp://IP:CỔNG bằng địa chỉ IP, ví dụ "
                                         "tcp://192.168.1.50:9100."), {})
        if not any(address in network for network in printers.networks):
            return Problem("printer", N_("Máy in không dùng được: %(address)s không thuộc mạng "
                                         "máy in của bộ phận (%(networks)s; thiết lập "
                                         "PRINTER_NETWORKS của máy chủ)."),
                           {"address": str(address),
                            "networks": ", ".join(map(str, printers.networks))})
        if port not in printers.ports:
            return Problem("printer", N_("Máy in không dùng được: cổng %(port)d không phải cổng "
                                         "máy in (thiết lập PRINTER_PORTS của máy chủ)."),
                           {"port": port})
    return Problem("printer", N_("Máy in không dùng được: “%(url)s” viết chưa đúng. Máy lấy số "
                                 "dùng agent, tcp://IP:CỔNG, usb://VID:PID, serial:/dev/ttyUSB0 "
                                 "hoặc cups:HÀNG_ĐỢI (chữ, số, - và _)."), {"url": url})


@use_case
def set_device_active(uow: UnitOfWork, *, actor: Actor, hall_code: str, device_id: int,
                      active: bool) -> Device:
    """A disabled device's token stops working (a stolen or retired kiosk): at once in this
    process, within `ESTIMATE_CACHE_SECONDS` in the others (`core.identity.BEARER_TOKENS`)."""
    hall = hall_to_change(uow.session, actor, hall_code)
    device = find_device(uow.session, hall, device_id)
    with audited(uow, actor, hall, "device", device.name, "enable" if active else "disable",
                 lambda: {"active": device.active}):
        device.active = active
    return device


@use_case
def renew_device_token(uow: UnitOfWork, *, actor: Actor, hall_code: str, device_id: int) -> str:
    """A new token for a device (set up again, or the old one leaked); the old one stops."""
    hall = hall_to_change(uow.session, actor, hall_code)
    device = find_device(uow.session, hall, device_id)
    token = new_device_token(device.kind)
    with audited(uow, actor, hall, "device", device.name, "renew_token"):
        device.token_hash = hash_token(token)
    return token
