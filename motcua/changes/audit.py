"""Who may configure a hall, and the one way a configuration change is made and recorded.

Every change (a page, the CLI as `SYSTEM`, a test) is a use case (`motcua.core.uow`) that
finds what it changes with the actor's right checked (`hall_to_change`), changes it inside
`audited(...)`, which records before/after in the audit log (`ConfigChange`), and announces
the change with `announce`; the unit of work commits the change and its audit row together,
and only then are the screens told.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from motcua.changes.errors import N_, Denied
from motcua.changes.models import ConfigChange
from motcua.core.actors import Actor, Role
from motcua.core.clock import local_day
from motcua.core.events import Event, EventName
from motcua.core.identity import BEARER_TOKENS
from motcua.core.uow import UnitOfWork
from motcua.queue.models import Hall
from motcua.queue.services import get_hall, waiting_counts

Snapshot = dict[str, Any]
Changes = dict[str, list[Any]]


# --- who may do what ----------------------------------------------------------------------


def may_view(actor: Actor, hall: Hall) -> bool:
    """Administrators and supervisors of the hall see its configuration and reports."""
    return actor.role in (Role.ADMIN, Role.SUPERVISOR) and actor.hall_id in (None, hall.id)


def may_change(actor: Actor, hall: Hall) -> bool:
    """Only administrators change it; a supervisor's view is read-only."""
    return actor.role == Role.ADMIN and actor.hall_id in (None, hall.id)


def is_global_admin(actor: Actor) -> bool:
    return actor.role == Role.ADMIN and actor.hall_id is None


def require_view(actor: Actor, hall: Hall) -> None:
    if not may_view(actor, hall):
        raise Denied(N_("Bạn không có quyền xem cấu hình và báo cáo của %(hall)s."),
                     hall=hall.name)


def require_change(actor: Actor, hall: Hall) -> None:
    if not may_change(actor, hall):
        raise Denied(N_("Chỉ quản trị viên mới được thay đổi cấu hình của %(hall)s."),
                     hall=hall.name)


def require_global_admin(actor: Actor) -> None:
    if not is_global_admin(actor):
        raise Denied(N_("Chỉ quản trị viên toàn hệ thống mới được làm việc này."))


def hall_to_change(session: Session, actor: Actor, hall_code: str) -> Hall:
    """The hall, if the actor may change it."""
    hall = get_hall(session, hall_code)
    require_change(actor, hall)
    return hall


# --- the audited change -------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(obj: Any, names: Iterable[str]) -> Snapshot:
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: Snapshot, after: Snapshot) -> Changes:
    """{field: [before, after]} for the fields that changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


class Edit:
    """One change being made: what it watched before, and what it noted besides."""

    def __init__(self, watch: Callable[[], Snapshot] | None) -> None:
        self._watch = watch
        self._before = watch() if watch is not None else {}
        self.changes: Changes = {}

    def note(self, changes: Changes) -> None:
        """Add changes the watched fields do not show (a created thing, a setting's own key)."""
        self.changes.update(changes)

    def _finish(self) -> None:
        if self._watch is not None:
            self.changes = diff(self._before, self._watch()) | self.changes


# What bearer tokens' actors and devices rest on (`core.identity` reuses them for a few seconds).
ACCOUNTS = ("staff", "api_token", "device")


@contextmanager
def audited(uow: UnitOfWork, actor: Actor, hall: Hall | None, entity: str, subject: str,
            action: str, watch: Callable[[], Snapshot] | None = None) -> Iterator[Edit]:
    """Make a change and record it in the audit log, in the use case's transaction.

    With `watch` (a snapshot of the fields the change may touch) the row holds the fields
    that changed, and no row is written when nothing did; without it, the action is the
    record (a created thing, a password reset) with whatever the change `note`d.
    """
    edit = Edit(watch)
    yield edit
    edit._finish()
    if entity in ACCOUNTS:
        uow.forget(BEARER_TOKENS)  # a token revoked, a person locked, a device disabled…
    if watch is not None and not edit.changes:
        return
    uow.session.add(ConfigChange(
        hall_id=hall.id if hall else None, at=uow.clock.now(), actor=actor.label,
        entity=entity, subject=subject, action=action, changes=edit.changes))


def announce(uow: UnitOfWork, name: EventName, hall: Hall, counter_number: int | None = None,
             **payload: Any) -> None:
    """Tell the hall's screens once committed. Events carry the waiting counts, like the
    queue's own: kiosks re-read their sectors on any event that has them."""
    waiting = waiting_counts(uow.session, hall, local_day(uow.clock, hall.time_zone))
    uow.publish(Event(name=name, hall=hall.code, payload={**payload, "waiting": waiting},
                      counter_number=counter_number))


def audit_log(session: Session, hall: Hall, limit: int = 200) -> list[ConfigChange]:
    """The latest configuration changes of a hall and of what every hall shares."""
    return list(session.scalars(
        select(ConfigChange)
        .where(or_(ConfigChange.hall_id == hall.id, ConfigChange.hall_id.is_(None)))
        .order_by(ConfigChange.at.desc(), ConfigChange.id.desc()).limit(limit)))
