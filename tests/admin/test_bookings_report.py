"""The bookings report: a hand-made Wednesday of appointments whose figures are worked out below.

Wednesday 25/11/2026, hall time, the demo rules (slots of 30 minutes, 15 minutes of grace),
everything booked the day before; "API" marks a booking a portal made with its token.

    Đất đai     08:00 checked in 07:50 (10 minutes early)
                08:00 API, checked in 08:10 (within the grace period: on time)
                08:30 checked in 08:50 (20 minutes late: a walk-in ticket)
                09:00 cancelled
                09:30 never came (a no-show from 09:45)
                10:30 API, not come yet at 10:40, the report's moment (not due until 10:45)
    Giao thông  08:00 checked in 07:30 (30 minutes early)
                09:00 checked in 09:40 (40 minutes late)
    Thursday 26/11, Đất đai 08:00: booked, outside a Wednesday report.
"""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from motcua.admin.export import table_csv
from motcua.admin.reports import Period, build_report
from motcua.booking import services as booking
from motcua.core.actors import SYSTEM
from motcua.core.clock import FixedClock
from motcua.core.db import make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue.demo import load_demo_hall
from motcua.queue.services import get_hall
from tests.booking.support import ID_CARD_KEY, a_booking, prepare
from tests.support import hall_time

WEDNESDAY = date(2026, 11, 25)
HEADER = ["made", "cancelled", "checked_in", "no_show", "no_show_rate", "upcoming", "early",
          "on_time", "late", "minutes_early", "minutes_late", "through_api", "api_share"]


def book(ports, at, phone, *, sector="dat-dai", through_api=False):
    booked_by = "token:portal" if through_api else "public"
    return booking.book(ports, hall_code="demo", sector_code=sector, slot_at=hall_time(*at),
                        applicant=booking.Applicant("Nguyễn Văn Dân", phone, None),
                        id_card_key=ID_CARD_KEY, booked_by=booked_by)


def check_in(ports, clock, made, hour, minute):
    clock.set(hall_time(2026, 11, 25, hour, minute))
    booking.check_in(ports, hall_code="demo", scanned=made.code, device=None, actor=SYSTEM,
                     status_url=lambda token: f"http://hall/t/{token}", id_card_key=ID_CARD_KEY)


def build_booking_day(ports, clock):
    """The Wednesday above, in the demo hall; the clock left at 10:40 that day."""
    prepare(ports)
    clock.set(hall_time(2026, 11, 24, 9, 0))
    land_early = book(ports, (2026, 11, 25, 8, 0), "0900000001")
    land_on_time = book(ports, (2026, 11, 25, 8, 0), "0900000002", through_api=True)
    land_late = book(ports, (2026, 11, 25, 8, 30), "0900000003")
    cancelled = book(ports, (2026, 11, 25, 9, 0), "0900000004")
    book(ports, (2026, 11, 25, 9, 30), "0900000005")
    book(ports, (2026, 11, 25, 10, 30), "0900000006", through_api=True)
    transport_early = book(ports, (2026, 11, 25, 8, 0), "0900000007", sector="giao-thong")
    transport_late = book(ports, (2026, 11, 25, 9, 0), "0900000008", sector="giao-thong")
    book(ports, (2026, 11, 26, 8, 0), "0900000009")
    booking.cancel(ports, booking_id=cancelled.id)
    check_in(ports, clock, transport_early, 7, 30)
    check_in(ports, clock, land_early, 7, 50)
    check_in(ports, clock, land_on_time, 8, 10)
    check_in(ports, clock, land_late, 8, 50)
    check_in(ports, clock, transport_late, 9, 40)
    clock.set(hall_time(2026, 11, 25, 10, 40))


@pytest.fixture
def wednesday(ports, session, clock, demo_hall):
    build_booking_day(ports, clock)
    return get_hall(session, "demo")


def figures(row):
    return dict(zip(HEADER, row[-len(HEADER):], strict=True))


def test_bookings_check_ins_no_shows_and_punctuality_per_sector_and_day(session, clock, wednesday):
    report = build_report(session, wednesday, "bookings",
                          Period(WEDNESDAY, WEDNESDAY, clock.now()))

    sectors = {row[0]: figures(row) for row in report.table("by_sector").rows}
    assert sectors == {
        "Đất đai": {"made": 6, "cancelled": 1, "checked_in": 3, "no_show": 1,
                    "no_show_rate": 25.0, "upcoming": 1, "early": 1, "on_time": 1, "late": 1,
                    "minutes_early": 10.0, "minutes_late": 20.0, "through_api": 2,
                    "api_share": 33.3},
        "Giao thông": {"made": 2, "cancelled": 0, "checked_in": 2, "no_show": 0,
                       "no_show_rate": 0.0, "upcoming": 0, "early": 1, "on_time": 0, "late": 1,
                       "minutes_early": 30.0, "minutes_late": 40.0, "through_api": 0,
                       "api_share": 0.0},
    }
    (day,) = report.table("by_day").rows
    assert day[0] == "2026-11-25"
    assert figures(day) == {"made": 8, "cancelled": 1, "checked_in": 5, "no_show": 1,
                            "no_show_rate": 16.7, "upcoming": 1, "early": 2, "on_time": 1,
                            "late": 2, "minutes_early": 20.0, "minutes_late": 30.0,
                            "through_api": 2, "api_share": 25.0}
    assert [row[:2] for row in report.table("by_day_sector").rows] == \
        [["2026-11-25", "Giao thông"], ["2026-11-25", "Đất đai"]]  # by name, as every report
    assert report.table("by_day_sector").rows[0][2:] == report.table("by_sector").rows[0][1:]


def test_a_booking_is_a_no_show_only_once_its_time_and_grace_period_are_over(
        session, clock, wednesday):
    at = {"10:44": hall_time(2026, 11, 25, 10, 44), "10:46": hall_time(2026, 11, 25, 10, 46)}
    read = {moment: figures(build_report(session, wednesday, "bookings",
                                         Period(WEDNESDAY, WEDNESDAY, now)).table("by_day").rows[0])
            for moment, now in at.items()}
    assert (read["10:44"]["no_show"], read["10:44"]["upcoming"]) == (1, 1)
    assert (read["10:46"]["no_show"], read["10:46"]["upcoming"]) == (2, 0)
    over = build_report(session, wednesday, "bookings", Period(WEDNESDAY, WEDNESDAY))
    assert figures(over.table("by_day").rows[0])["no_show"] == 2  # no moment: the day is over


def test_each_appointment_counts_on_its_own_hall_local_day(session, clock, wednesday):
    both = Period(WEDNESDAY, date(2026, 11, 26), clock.now())
    report = build_report(session, wednesday, "bookings", both)
    by_day = {row[0]: figures(row) for row in report.table("by_day").rows}
    assert (by_day["2026-11-25"]["made"], by_day["2026-11-26"]["made"]) == (8, 1)
    assert by_day["2026-11-26"]["upcoming"] == 1
    thursday_only = build_report(session, wednesday, "bookings",
                                 Period(date(2026, 11, 26), date(2026, 11, 26), clock.now()))
    assert [row[:2] for row in thursday_only.table("by_day_sector").rows] == \
        [["2026-11-26", "Đất đai"]]


def test_the_report_page_lists_the_bookings_report_and_shows_its_figures(admin_client, wednesday):
    html = admin_client.get("/admin/demo/reports/bookings?from=2026-11-25&to=2026-11-25") \
        .get_data(as_text=True)
    assert "Lịch hẹn đã đặt" in html and 'href="/admin/demo/reports/bookings' in html
    assert html.count("<canvas") == 3 and html.count("<details") == 3
    assert "33,3" in html  # Đất đai's share booked through the API, the Vietnamese way


def test_the_report_is_read_at_the_clocks_moment(admin_client, clock, wednesday):
    clock.set(hall_time(2026, 11, 25, 10, 46))  # Đất đai's 10:30 is now a no-show too
    text = admin_client.get("/admin/demo/reports/bookings/by_day.csv?from=2026-11-25"
                            "&to=2026-11-25").get_data().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[:5] == ["Ngày", "Đã đặt", "Đã hủy", "Đã đến lấy số", "Không đến"]
    assert row == ["2026-11-25", "8", "1", "5", "2", "28.6", "0", "2", "1", "2", "20.0", "30.0",
                   "2", "25.0"]


def test_the_exports_hold_every_table_of_the_report(admin_client, session, clock, wednesday):
    report = build_report(session, wednesday, "bookings",
                          Period(WEDNESDAY, WEDNESDAY, clock.now()))
    answer = admin_client.get("/admin/demo/reports/bookings.xlsx?from=2026-11-25&to=2026-11-25")
    workbook = load_workbook(io.BytesIO(answer.get_data()))
    assert workbook.sheetnames == ["Theo lĩnh vực", "Theo ngày", "Theo ngày và lĩnh vực"]
    sectors = [list(row) for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert sectors == report.table("by_sector").rows
    daily = list(workbook.worksheets[2].iter_rows(min_row=3, values_only=True))
    assert [(row[0].date(), row[1], row[2]) for row in daily] == \
        [(WEDNESDAY, "Giao thông", 2), (WEDNESDAY, "Đất đai", 6)]
    exported = table_csv(report.table("by_sector"), lambda label: label).decode("utf-8-sig")
    assert exported.splitlines()[2] == "Đất đai,6,1,3,1,25.0,1,1,1,1,10.0,20.0,2,33.3"


def test_an_english_reader_gets_the_report_in_english(admin_client, wednesday):
    answer = admin_client.get("/admin/demo/reports/bookings.xlsx?from=2026-11-25&to=2026-11-25"
                              "&lang=en")
    workbook = load_workbook(io.BytesIO(answer.get_data()))
    assert workbook.sheetnames == ["By sector", "By day", "By day and sector"]
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value.endswith("Bookings: 25/11/2026 – 25/11/2026")
    assert [c.value for c in sheet[2]][:6] == ["Sector", "Booked", "Cancelled", "Checked in",
                                                "No-show", "No-show rate (%)"]
    assert [sheet["A3"].value, sheet["A4"].value] == ["Land", "Transport"]
    html = admin_client.get("/admin/demo/reports/bookings?from=2026-11-25&to=2026-11-25&lang=en") \
        .get_data(as_text=True)
    assert "Check-ins against the appointment time, and no-shows" in html


@pytest.mark.postgres
def test_the_same_figures_on_postgresql(postgres_engine):
    clock = FixedClock(hall_time(2026, 11, 25, 7, 0))
    with make_session_factory(postgres_engine)() as session:
        ports = Ports(session, clock, RecordingPublisher())
        hall = load_demo_hall(ports)
        build_booking_day(ports, clock)
        report = build_report(session, hall, "bookings", Period(WEDNESDAY, WEDNESDAY, clock.now()))
        assert report.table("by_day").rows == [["2026-11-25", 8, 1, 5, 1, 16.7, 1, 2, 1, 2, 20.0,
                                                30.0, 2, 25.0]]
