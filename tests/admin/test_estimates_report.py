"""The estimates report: what each citizen was told at issue against the wait until the call."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from motcua.admin.export import report_xlsx, table_csv
from motcua.admin.reports import Period, build_report
from motcua.core.actors import SYSTEM, Actor
from motcua.core.clock import local_day
from motcua.queue import services

KIOSK = Actor(kind="kiosk", name="k1")


def test_the_estimate_error_per_sector_and_day_is_measured_to_the_first_call(
        ports, session, clock, demo_hall):
    for _ in range(2):  # both told 0 minutes: the sector's 2 counters are free
        services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                              actor=KIOSK)
    services.open_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    clock.advance(minutes=4)
    services.call_next(ports, hall_code="demo", counter_number=1, actor=SYSTEM)  # off by 4
    services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    clock.advance(minutes=10)
    services.call_next(ports, hall_code="demo", counter_number=1, actor=SYSTEM)  # off by 14
    clock.advance(minutes=2)
    services.recall(ports, hall_code="demo", counter_number=1, actor=SYSTEM)  # changes nothing
    hall = services.get_hall(session, "demo")
    today = local_day(clock, hall.time_zone)

    report = build_report(session, hall, "estimates", Period(today, today))

    assert report.table("by_sector").rows == [["Đất đai", 2, 9.0, 50.0]]
    assert report.table("by_day").rows == [[today.isoformat(), "Đất đai", 2, 9.0, 50.0]]
    exported = table_csv(report.table("by_day"), lambda label: label).decode("utf-8-sig")
    assert exported.splitlines()[1] == f"{today.isoformat()},Đất đai,2,9.0,50.0"
    sheet = load_workbook(io.BytesIO(report_xlsx(report, lambda label: label, "Demo"))).worksheets[1]
    assert sheet["A3"].value.date() == today  # a date the spreadsheet sorts, not text
