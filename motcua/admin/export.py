"""Reports as files: a table as CSV, a whole report as an XLSX workbook (a sheet per table).

The same `Table` rows the page charts, with translated headings. CSV is UTF-8 with a byte
order mark, so spreadsheet programs show Vietnamese letters right when they open it. Every
text cell of both formats passes `as_text`, so a name typed into a form never runs as a formula.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date

from motcua.admin.reports import Report, Table

Translate = Callable[[str], str]
NUMBER_FORMATS = {"minutes": "0.0", "percent": "0.0", "decimal": "0.0", "date": "dd/mm/yyyy"}
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
TRAILING_SIGNS = re.compile(r"[\W_]+$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: object) -> object:
    """OWASP's advice against formula injection: text a spreadsheet would read as a formula
    gets a leading apostrophe; numbers and dates stay what they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table_csv(table: Table, gettext: Translate) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([as_text(gettext(c.label)) for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(c.kind, v, gettext)
                         for c, v in zip(table.columns, row, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def _cell(kind: str, value: object, gettext: Translate) -> object:
    if value is None:
        return ""
    if kind == "label" and isinstance(value, str):
        value = gettext(value)
    return as_text(value)


def report_xlsx(report: Report, gettext: Translate, hall_name: str) -> bytes:
    # openpyxl is loaded when a workbook is asked for, not by every server process.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_name(gettext(table.title), used))
        sheet.append([as_text(f"{hall_name} — {gettext(report.title)}: "
                              f"{report.period.first.strftime('%d/%m/%Y')} – "
                              f"{report.period.last.strftime('%d/%m/%Y')}")])
        sheet.append([as_text(gettext(c.label)) for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_sheet_cell(c.kind, v, gettext)
                          for c, v in zip(table.columns, row, strict=True)])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            fmt = NUMBER_FORMATS.get(column.kind)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = fmt
            width = max([len(str(gettext(column.label)))]
                        + [len(str(r[index - 1])) for r in table.rows if r[index - 1] is not None])
            sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_cell(kind: str, value: object, gettext: Translate) -> object:
    """Dates as real dates, so the spreadsheet can sort and filter them."""
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return _cell(kind, value, gettext)


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name, and no two alike."""
    base = _fitted(" ".join(SHEET_NAME_BAD.sub(" ", title).split()), 31) or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = _fitted(base, 31 - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def _fitted(text: str, limit: int) -> str:
    """`text` cut to `limit` characters after a whole word, without the signs (×, –) a cut
    leaves at its end."""
    if len(text) <= limit:
        return text
    head = text[:limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return TRAILING_SIGNS.sub("", cut) or text[:limit]
