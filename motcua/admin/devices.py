"""Kiosks and rating tablets of a hall: names, printers, counters, enabling and new tokens.
Devices are registered by `motcua.auth.accounts.register_device`, the one audited path the
CLI uses too."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from motcua.auth.accounts import HALL_PRINTERS, check_device, new_device_token
from motcua.changes.audit import audited, hall_to_change, snapshot
from motcua.changes.errors import N_, Missing
from motcua.core.accounts import Device
from motcua.core.actors import Actor, DeviceKind
from motcua.core.identity import hash_token
from motcua.core.uow import UnitOfWork, use_case
from motcua.printer.device.urls import PrinterPolicy
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
    counter = check_device(uow.session, hall, name=fields.name, kind=device.kind,
                           printer=fields.printer, counter_number=fields.counter_number,
                           itself=device, printers=printers)
    with audited(uow, actor, hall, "device", fields.name, "update",
                 lambda: snapshot(device, DEVICE_FIELDS)):
        device.name = fields.name
        if device.kind == DeviceKind.KIOSK:
            device.printer = fields.printer
        device.counter_id = counter.id if counter else None
    return device


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
