"""Dossier changes as units of work: announced only once committed, nothing of a refused or
failed change kept or announced, run again whole while the database is busy."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from motcua.core.db import make_session_factory
from motcua.core.errors import InvalidInput
from motcua.core.events import Event, EventName
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.dossier.errors import BadInput, TransitionRefused
from motcua.dossier.models import Dossier, DossierEvent, Holiday, Procedure
from motcua.dossier.models import DossierStatus as S
from tests.dossier.support import prepare, receive, serve_a_citizen


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports)


class CommittedStatusPublisher:
    """Reads, from a connection of its own, what the database holds when an event goes out."""

    def __init__(self, engine: Any) -> None:
        self.sessions = make_session_factory(engine)
        self.seen: list[tuple[str, S | None]] = []

    def publish(self, event: Event) -> None:
        if not event.name.startswith("dossier_"):
            return
        with self.sessions() as other:
            status = other.scalar(select(Dossier.status).where(Dossier.code == event.payload["code"]))
        self.seen.append((event.name, status))


def test_dossier_changes_are_announced_only_once_they_are_committed(session, clock, engine, demo_hall):
    publisher = CommittedStatusPublisher(engine)
    ports = Ports(session=session, clock=clock, publisher=publisher)
    prepare(ports)
    officer = serve_a_citizen(ports)
    dossier = receive(ports, officer)
    dossiers.change_status(ports, code=dossier.code, status=S.IN_PROCESS, actor=officer)
    assert publisher.seen == [(EventName.DOSSIER_RECEIVED, S.ACCEPTED),
                              (EventName.DOSSIER_STATUS_CHANGED, S.IN_PROCESS)]


def test_a_refused_status_change_keeps_nothing_and_announces_nothing(ports, officer, publisher):
    dossier = receive(ports, officer)
    announced = len(publisher.events)
    with pytest.raises(TransitionRefused):
        dossiers.change_status(ports, code=dossier.code, status=S.RETURNED, actor=officer)
    assert len(publisher.events) == announced
    assert ports.session.get(Dossier, dossier.id).status == S.ACCEPTED
    assert ports.session.scalar(select(func.count(DossierEvent.id))) == 1


def test_a_busy_database_receives_the_dossier_again_with_one_number_and_one_announcement(
        ports, officer, publisher, monkeypatch):
    real = dossiers.next_in_sequence
    calls = []

    def busy_once(session: Any, scope: str, day: date) -> int:
        number = real(session, scope, day)
        calls.append(number)
        if len(calls) == 1:
            raise OperationalError("UPDATE day_sequences", {}, sqlite3.OperationalError("database is locked"))
        return number

    monkeypatch.setattr(dossiers, "next_in_sequence", busy_once)
    dossier = receive(ports, officer)
    assert calls[0] == 1 and dossier.code.endswith("-0001")
    assert [e.name for e in publisher.events if e.name.startswith("dossier_")] == [EventName.DOSSIER_RECEIVED]
    assert ports.session.scalar(select(func.count(Dossier.id))) == 1
    assert ports.session.scalar(select(func.count(DossierEvent.id))) == 1


def test_the_demo_catalogue_and_its_holidays_are_written_together_or_not_at_all(session, clock, demo_hall,
                                                                              monkeypatch):
    def broken(year: int) -> Any:
        raise RuntimeError("no holiday table")

    monkeypatch.setattr(dossiers, "default_holidays", broken)
    with pytest.raises(RuntimeError):
        dossiers.load_demo_catalogue(session, clock)
    assert session.scalar(select(func.count(Procedure.id))) == 0
    monkeypatch.undo()
    assert dossiers.load_demo_catalogue(session, clock).added == 39
    assert session.scalar(select(func.count(Holiday.id))) > 0


def test_a_dossier_refusal_is_a_kernel_error_with_its_catalogue_id_and_field(ports, officer):
    with pytest.raises(BadInput) as refused:
        receive(ports, officer, phone="09-abc")
    error = refused.value
    assert isinstance(error, InvalidInput) and error.code == "invalid_input" and error.field == "phone"
    assert error.template == "Số điện thoại “%(phone)s” không hợp lệ."
    assert error.message == "Số điện thoại “09-abc” không hợp lệ."
    assert error.translated(lambda template, **params: f"[{template % params}]") == f"[{error.message}]"


def test_the_dossier_services_import_without_flask():
    program = ("import sys, motcua.dossier.services; "
               "flask = [m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_babel')]; "
               "sys.exit(', '.join(flask) or None)")
    finished = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
