"""Exports never hand a spreadsheet a formula: a name such as `=HYPERLINK(...)` typed into a
form arrives in CSV and XLSX as text (OWASP's apostrophe), and numbers stay numbers."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from motcua.admin.export import report_xlsx, table_csv
from motcua.admin.reports import Column, Period, Report, Table

DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\tcmd",
             "\rcmd"]


def report_with(names: list[str]) -> Report:
    table = Table(key="by_counter", title="=Theo quầy", columns=[
        Column("name", "Quầy", "text"), Column("count", "Số lượt", "count"),
        Column("wait", "Chờ (phút)", "minutes")],
        rows=[[name, -3, 2.5] for name in names])
    return Report(key="outcomes", title="Kết quả", hall="demo",
                  period=Period(date(2026, 11, 25), date(2026, 11, 25)), tables=[table])


def same(text: str) -> str:
    return text


@pytest.mark.parametrize("name", DANGEROUS)
def test_a_formula_like_name_is_text_in_the_csv_export(name):
    text = table_csv(report_with([name]).tables[0], same).decode("utf-8-sig")
    _, row = list(csv.reader(io.StringIO(text)))
    assert row == ["'" + name, "-3", "2.5"]


@pytest.mark.parametrize("name", DANGEROUS)
def test_a_formula_like_name_is_text_in_the_xlsx_export(name):
    workbook = load_workbook(io.BytesIO(report_xlsx(report_with([name]), same, "=Hall")))
    sheet = workbook.worksheets[0]
    name_cell, count_cell, wait_cell = sheet[3]
    assert name_cell.data_type == "s"  # text, not "f" (a formula)
    assert name_cell.value.startswith("'") and name_cell.value[1:].strip() == name.strip()
    assert count_cell.value == -3 and wait_cell.value == 2.5  # numbers stay numbers
    assert sheet["A1"].data_type == "s" and sheet["A1"].value.startswith("'=Hall")


def test_ordinary_names_are_left_alone():
    text = table_csv(report_with(["Quầy 1", "A-1"]).tables[0], same).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == ["Quầy 1", "A-1"]
