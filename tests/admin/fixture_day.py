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
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.auth.accounts import actor_for_user, create_user
from motcua.clock import FixedClock
from motcua.queue import services
from motcua.queue.models import Role
from motcua.queue.services import Actor, Ports
from tests.support import hall_time

KIOSK = Actor(kind="kiosk", name="k1")


@dataclass(frozen=True)
class Officers:
    lan: Actor
    binh: Actor


def build_fixture_day(ports: Ports, session: Any, clock: FixedClock) -> Officers:
    lan_user, _ = create_user(session, clock, username="lan", role=Role.OFFICER,
                              password="secret-pass", hall_code="demo",
                              full_name="Nguyễn Thị Lan")
    binh_user, _ = create_user(session, clock, username="binh", role=Role.OFFICER,
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
    return Officers(lan, binh)
