"""Report figures from a day whose true values are known (see fixture_day), and their exports."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from motcua.admin import reports
from motcua.admin.reports import Period, Spread, build_report
from motcua.queue.services import get_hall
from tests.admin.fixture_day import build_fixture_day, dossiers_of_the_week

WEDNESDAY = Period(date(2026, 11, 25), date(2026, 11, 25))
BOTH_DAYS = Period(date(2026, 11, 25), date(2026, 11, 26))


@pytest.fixture
def day(ports, session, clock, demo_hall):
    build_fixture_day(ports, session, clock)
    return get_hall(session, "demo")


def rows_by_name(table):
    return {row[0]: dict(zip([c.key for c in table.columns], row, strict=True))
            for row in table.rows}


def test_percentiles_interpolate_between_ranks():
    spread = Spread.of({50: 1, 60: 1, 300: 1, 350: 1})  # 5, 6, 30 and 35 minutes
    assert (spread.count, spread.median, spread.p90, spread.longest) == (4, 18.0, 33.5, 35.0)
    assert Spread.of({}).median is None
    assert Spread.of({15: 1}).p90 == 1.5
    assert Spread.of({10: 3, 20: 1}).median == 1.0 and Spread.of({10: 1, 20: 1}).median == 1.5


def test_tickets_per_hour_and_weekday_are_counted_in_hall_time(session, day):
    report = build_report(session, day, "traffic", BOTH_DAYS)
    by_hour = {row[0]: row[1] for row in report.table("by_hour").rows}
    assert by_hour == {"08:00": 3, "09:00": 2, "10:00": 1, "11:00": 0, "12:00": 0, "13:00": 0,
                       "14:00": 1}
    heat = {row[0]: row[1:] for row in report.table("heatmap").rows}
    assert heat["Thứ Tư"] == [3, 2, 1, 0, 0, 0, 0] and heat["Thứ Năm"] == [0] * 6 + [1]
    weekdays = rows_by_name(report.table("by_weekday"))
    assert (weekdays["Thứ Tư"]["tickets"], weekdays["Thứ Tư"]["days"]) == (6, 1)
    assert weekdays["Thứ Hai"]["per_day"] == 0
    # days counted are those with tickets (a Monday before the hall's first day is none)
    days = next(c for c in report.table("by_weekday").columns if c.key == "days")
    assert days.label == "Số ngày có cấp số"
    assert report.table("by_day").rows == [["2026-11-25", 6], ["2026-11-26", 1]]


def test_waiting_and_service_times_per_sector_counter_and_officer(session, day):
    report = build_report(session, day, "times", WEDNESDAY)
    land = rows_by_name(report.table("by_sector"))["Đất đai"]
    # waits 30, 35 (no-show), 5 and 6 (after the transfer); services 8, 12 and 10
    assert (land["called"], land["wait_median"], land["wait_p90"], land["wait_max"]) == \
        (4, 18.0, 33.5, 35.0)
    assert (land["served"], land["service_median"], land["service_p90"], land["service_max"]) == \
        (3, 10.0, 11.6, 12.0)
    transport = rows_by_name(report.table("by_sector"))["Giao thông"]
    assert (transport["called"], transport["wait_median"], transport["service_max"]) == \
        (1, 30.0, 10.0)
    counters = rows_by_name(report.table("by_counter"))
    assert counters["Quầy 1"]["wait_p90"] == 33.5 and counters["Quầy 7"]["served"] == 1
    officers = rows_by_name(report.table("by_officer"))
    assert set(officers) == {"Nguyễn Thị Lan", "Trần Văn Bình"}
    assert officers["Nguyễn Thị Lan"]["called"] == 4
    assert officers["Trần Văn Bình"]["service_median"] == 10.0


def test_no_show_and_transfer_rates(session, day):
    report = build_report(session, day, "outcomes", WEDNESDAY)
    sectors = rows_by_name(report.table("by_sector"))
    # each ticket in the sector that issued it, wherever it ended: 6002 of Giao thông was
    # served at Đất đai's counter 1 after its transfer, and counts once, in Giao thông
    assert sectors["Đất đai"] == {"name": "Đất đai", "tickets": 4, "served": 2, "no_show": 1,
                                  "no_show_rate": 33.3, "transferred": 0, "transfer_rate": 0.0,
                                  "unserved": 1}
    assert sectors["Giao thông"]["served"] == 2
    assert sectors["Giao thông"]["transferred"] == 1
    assert sectors["Giao thông"]["transfer_rate"] == 50.0
    counters = rows_by_name(report.table("by_counter"))
    assert (counters["Quầy 1"]["no_show_rate"], counters["Quầy 7"]["transfer_rate"]) == (25.0, 50.0)


def test_satisfaction_per_counter_and_officer(session, day):
    report = build_report(session, day, "satisfaction", WEDNESDAY)
    counters = rows_by_name(report.table("by_counter"))
    assert counters["Quầy 1"] == {"name": "Quầy 1", "ratings": 3, "answered": 100.0,
                                  "very_satisfied": 2, "satisfied": 0, "neutral": 0,
                                  "unsatisfied": 1, "satisfied_rate": 66.7}
    assert counters["Quầy 7"]["satisfied_rate"] == 100.0
    officers = rows_by_name(report.table("by_officer"))
    assert (officers["Nguyễn Thị Lan"]["ratings"], officers["Trần Văn Bình"]["satisfied"]) == \
        (3, 1)


def test_dossiers_received_completed_and_on_time_per_sector(ports, session, day):
    dossiers_of_the_week(ports, session)
    report = build_report(session, day, "dossiers", Period(date(2026, 11, 23),
                                                           date(2026, 11, 27)))
    land = rows_by_name(report.table("by_sector"))["Đất đai"]
    assert land == {"name": "Đất đai", "received": 3, "completed": 3, "early": 1, "on_time": 1,
                    "late": 1, "on_time_rate": 66.7}
    assert [row[0] for row in report.table("by_sector").rows] == ["Đất đai"]


def test_sector_names_follow_the_readers_language(session, day):
    report = build_report(session, day, "times", WEDNESDAY, lang="en")
    assert {row[0] for row in report.table("by_sector").rows} == {"Land", "Transport"}


def test_an_empty_range_gives_empty_tables_not_errors(session, demo_hall):
    for key in reports.REPORTS:
        report = build_report(session, demo_hall, key, WEDNESDAY)
        assert all(t.rows == [] or all(v in (0, None) or isinstance(v, str) for r in t.rows
                                       for v in r[1:]) for t in report.tables)


# --- exports ------------------------------------------------------------------------------


def test_the_csv_export_matches_the_report(admin_client, session, day):
    answer = admin_client.get("/admin/demo/reports/times/by_sector.csv?from=2026-11-25"
                              "&to=2026-11-25")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    text = answer.get_data().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[0] == "Lĩnh vực" and header[2] == "Chờ: trung vị (phút)"
    expected = build_report(session, day, "times", WEDNESDAY).table("by_sector").rows
    assert [[r[0], *map(float, r[1:])] for r in rows] == \
        [[r[0], *(float(v) for v in r[1:])] for r in expected]


def test_the_xlsx_export_opens_and_holds_every_table(admin_client, session, day):
    answer = admin_client.get("/admin/demo/reports/outcomes.xlsx?from=2026-11-25&to=2026-11-25")
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.get_data()))
    report = build_report(session, day, "outcomes", WEDNESDAY)
    assert workbook.sheetnames == ["Theo lĩnh vực", "Theo quầy"]
    for sheet, table in zip(workbook.worksheets, report.tables, strict=True):
        values = [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]
        assert values == table.rows
        assert [c.value for c in sheet[2]] == [c.label for c in table.columns]
    assert "25/11/2026" in workbook.worksheets[0]["A1"].value


def test_a_long_table_title_names_its_sheet_with_whole_words(admin_client, day):
    """Excel allows 31 characters; a title is cut at a word, its signs left out."""
    answer = admin_client.get("/admin/demo/reports/traffic.xlsx?from=2026-11-25&to=2026-11-26")
    heat = load_workbook(io.BytesIO(answer.get_data())).worksheets[1]
    assert heat.title == "Bản đồ nhiệt ngày trong tuần"


def test_exports_are_translated_for_an_english_reader(admin_client, day):
    answer = admin_client.get("/admin/demo/reports/traffic.xlsx?from=2026-11-25&to=2026-11-26"
                              "&lang=en")
    workbook = load_workbook(io.BytesIO(answer.get_data()))
    heat = workbook.worksheets[1]
    assert heat.title.startswith("Heat map")
    assert heat["A2"].value == "Weekday" and heat["A5"].value == "Wednesday"


def test_a_wrong_range_is_explained_on_the_page(admin_client, demo_hall):
    answer = admin_client.get("/admin/demo/reports/traffic?from=2026-11-25&to=2026-01-01")
    assert answer.status_code == 422
    assert "Ngày cuối phải sau ngày đầu." in answer.get_data(as_text=True)
    answer = admin_client.get("/admin/demo/reports/traffic?from=2024-01-01&to=2026-01-01")
    assert "Chọn khoảng tối đa 366 ngày." in answer.get_data(as_text=True)


def test_the_report_page_shows_the_numbers_behind_each_chart(admin_client, day):
    html = admin_client.get("/admin/demo/reports/times?from=2026-11-25&to=2026-11-25") \
        .get_data(as_text=True)
    assert html.count("<canvas") == 6 and html.count("<details") == 3
    assert "33,5" in html  # the 90th percentile of Đất đai, written the Vietnamese way
