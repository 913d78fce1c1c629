"""A morning at the demo hall whose true figures are worked out by hand below.

Wednesday 25/11/2026, hall time. Counter 1 (Đất đai) is Lan's, counter 7 (Giao thông) Bình's.

    08:00 1001 issued      08:30 c1 calls 1001 (waited 30)   08:32 starts   08:40 done (served 8)
    08:10 1002 issued      08:45 c1 calls 1002 (waited 35)   08:50 no-show
    08:20 6001 issued      08:50 c7 calls 6001 (waited 30)   09:00 done (served 10, from the call)
    09:05 1003 issued      09:10 c1 calls 1003 (waited 5)    09:22 done (served 12)
    09:30 6002 issued      09:40 c7 calls 6002, 09:44 transfers it to Đất đai,
                           09:50 c1 calls it (waited 6, since the transfer)  10:00 done (served 10)
    10:05 1004 issued and still waiting
    Thursday 26/11 14:10: 1001 issued (the next day's numbering) and still waiting.

Ratings on the tablets: 1001 and 6002 "Rất hài lòng" (Lan), 1003 "Không hài lòng" (Lan),
6001 "Hài lòng" (Bình).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from motcua.auth.accounts import create_user
from motcua.core.actors import SYSTEM, Actor, Role
from motcua.core.clock import FixedClock
from motcua.core.identity import actor_for_user
from motcua.core.ports import Ports
from motcua.counter.models import Rating, RatingLevel
from motcua.queue import services
from motcua.queue.models import Ticket
from tests.support import hall_time, system_ports

KIOSK = Actor(kind="kiosk", name="k1")


@dataclass(frozen=True)
class Officers:
    lan: Actor
    binh: Actor


def build_fixture_day(ports: Ports, session: Any, clock: FixedClock) -> Officers:
    lan_user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                              username="lan", role=Role.OFFICER,
                              password="secret-pass", hall_code="demo",
                              full_name="Nguyễn Thị Lan")
    binh_user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                               username="binh", role=Role.OFFICER,
                               password="secret-pass", hall_code="demo",
                               full_name="Trần Văn Bình")
    lan, binh = actor_for_user(lan_user), actor_for_user(binh_user)

    def at(hour: int, minute: int, day: int = 25) -> None:
        clock.set(hall_time(2026, 11, day, hour, minute))

    def issue(sector: str) -> None:
        services.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=None,
                              actor=KIOSK)

    def counter(step: Any, number: int, who: Actor, **extra: Any) -> Any:
        return step(ports, hall_code="demo", counter_number=number, actor=who, **extra)

    at(7, 55)
    counter(services.open_counter, 1, lan)
    counter(services.open_counter, 7, binh)
    at(8, 0)
    issue("dat-dai")
    at(8, 10)
    issue("dat-dai")
    at(8, 20)
    issue("giao-thong")
    at(8, 30)
    counter(services.call_next, 1, lan)
    at(8, 32)
    counter(services.start_serving, 1, lan)
    at(8, 40)
    counter(services.complete, 1, lan)
    at(8, 45)
    counter(services.call_next, 1, lan)
    at(8, 50)
    counter(services.call_next, 7, binh)
    counter(services.mark_no_show, 1, lan)
    at(9, 0)
    counter(services.complete, 7, binh)
    at(9, 5)
    issue("dat-dai")
    at(9, 10)
    counter(services.call_next, 1, lan)
    at(9, 22)
    counter(services.complete, 1, lan)
    at(9, 30)
    issue("giao-thong")
    at(9, 40)
    counter(services.call_next, 7, binh)
    at(9, 44)
    counter(services.transfer, 7, binh, to_sector="dat-dai", reason="Hồ sơ thuộc lĩnh vực đất đai")
    at(9, 50)
    counter(services.call_next, 1, lan)
    at(10, 0)
    counter(services.complete, 1, lan)
    at(10, 5)
    issue("dat-dai")
    at(14, 10, day=26)
    issue("dat-dai")
    rate(session, clock, {"1001": "very_satisfied", "6002": "very_satisfied",
                          "1003": "unsatisfied", "6001": "satisfied"})
    return Officers(lan, binh)


def rate(session: Any, clock: FixedClock, levels: dict[str, str]) -> None:
    for number, level in levels.items():
        ticket = session.scalars(select(Ticket).where(Ticket.display_number == number,
                                                      Ticket.day == date(2026, 11, 25))).one()
        assert ticket.counter is not None
        session.add(Rating(hall_id=ticket.hall_id, ticket_id=ticket.id,
                           counter_id=ticket.counter_id, officer_id=ticket.counter.officer_id,
                           level=RatingLevel(level), day=ticket.day, at=ticket.finished_at))
    session.commit()


def dossiers_of_the_week(ports: Ports, session: Any) -> None:
    """Three land dossiers received on 23/11 and completed early, on time and late that week,
    and one received the week before (outside the week) and still open."""
    from motcua.dossier.models import Dossier, DossierStatus, Procedure
    from motcua.dossier.services import load_demo_catalogue

    load_demo_catalogue(session, ports.clock)
    land = session.scalars(select(Procedure).join(Procedure.sector)
                           .where(Procedure.sector.has(code="dat-dai"))).first()
    for n, (completed, outcome) in enumerate([(24, "early"), (25, "on_time"), (27, "late"),
                                              (None, None)], start=1):
        received = date(2026, 11, 23) if completed else date(2026, 11, 16)
        session.add(Dossier(
            code=f"H21.65-{received:%y%m%d}-{n:04d}", hall_id=land.hall_id, agency_code="H21.65",
            day=received, sequence=n, register_book="2026", register_entry=n,
            procedure_id=land.id, sector_id=land.sector_id, applicant_name="Nguyễn Văn Minh",
            processing_time=2, unit="working_days",
            status=DossierStatus.DONE if completed else DossierStatus.IN_PROCESS,
            received_at=hall_time(received.year, received.month, received.day, 8, 0),
            due_at=hall_time(2026, 11, 25, 17, 0),
            completed_at=hall_time(2026, 11, completed, 10, 0) if completed else None,
            completed_day=date(2026, 11, completed) if completed else None, outcome=outcome,
            qr_secret=f"qr-{n}", short_secret=f"s{n}"))
    session.commit()
