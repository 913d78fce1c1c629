"""Reports over a period, on screen and as Excel or CSV."""
from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from flask import abort, request, send_file
from werkzeug.wrappers import Response

from motcua.admin import forms, reports
from motcua.admin.export import report_xlsx, table_csv
from motcua.admin.pages.base import _, bp, field_errors, lang, page, viewed_hall
from motcua.changes.errors import Invalid
from motcua.core.clock import local_day
from motcua.queue.models import Hall
from motcua.web import db, runtime


def _period(hall: Hall) -> reports.Period:
    clock = runtime().clock
    first, last = forms.read_period(request.args, local_day(clock, hall.time_zone),
                                    reports.MAX_DAYS)
    return reports.Period(first, last, clock.now())


@bp.get("/<hall>/reports/")
@bp.get("/<hall>/reports/<key>")
def report(hall: str, key: str = "traffic") -> Any:
    found = viewed_hall(hall)
    if key not in reports.REPORTS:
        abort(404)
    today = local_day(runtime().clock, found.time_zone)
    context: dict[str, Any] = {"key": key, "reports": reports.REPORTS, "args": request.args,
                               "quick_ranges": _quick_ranges(today)}
    try:
        period = _period(found)
    except Invalid as exc:
        return page("admin/report.html", found, "reports", 422, report=None, period=None,
                    period_args={}, errors=field_errors(exc), **context)
    built = reports.build_report(db(), found, key, period, lang())
    return page("admin/report.html", found, "reports", report=built, period=period,
                period_args={"from": period.first.isoformat(), "to": period.last.isoformat()},
                errors={}, chart_data=_chart_data(built), **context)


def _quick_ranges(today: date) -> list[tuple[str, date, date]]:
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return [
        (_("7 ngày qua"), today - timedelta(days=6), today),
        (_("30 ngày qua"), today - timedelta(days=29), today),
        (_("Tháng này"), month_start, today),
        (_("Tháng trước"), last_month_end.replace(day=1), last_month_end),
        (_("Năm nay"), today.replace(month=1, day=1), today),
    ]


def _chart_data(report: reports.Report) -> dict[str, Any]:
    """What the page's script draws: each table's rows and charts, labels translated (the
    heat map is drawn by the template as a grid)."""
    return {"tables": [{
        "key": table.key,
        "columns": [{"key": c.key, "label": _(c.label), "kind": c.kind} for c in table.columns],
        "rows": [[_chart_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)]
                 for row in table.rows],
        "charts": [{"kind": chart.kind, "title": _(chart.title), "label": chart.label,
                    "series": list(chart.series), "horizontal": chart.horizontal}
                   for chart in table.charts],
    } for table in report.tables], "lang": lang()}


def _chart_value(kind: str, value: Any) -> Any:
    if kind == "label":
        return _(value)
    if kind == "date":
        return date.fromisoformat(value).strftime("%d/%m")
    return value


def _export_name(hall: Hall, report: reports.Report, suffix: str) -> str:
    return (f"motcua-{hall.code}-{report.key}-{report.period.first.isoformat()}"
            f"-{report.period.last.isoformat()}{suffix}")


@bp.get("/<hall>/reports/<key>.xlsx")
def report_excel(hall: str, key: str) -> Response:
    found = viewed_hall(hall)
    if key not in reports.REPORTS:
        abort(404)
    built = reports.build_report(db(), found, key, _period(found), lang())
    return send_file(io.BytesIO(report_xlsx(built, _, found.name)), as_attachment=True,
                     download_name=_export_name(found, built, ".xlsx"),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/<hall>/reports/<key>/<table>.csv")
def report_csv(hall: str, key: str, table: str) -> Response:
    found = viewed_hall(hall)
    if key not in reports.REPORTS:
        abort(404)
    built = reports.build_report(db(), found, key, _period(found), lang())
    chosen = next((t for t in built.tables if t.key == table), None)
    if chosen is None:
        abort(404)
    return send_file(io.BytesIO(table_csv(chosen, _)), as_attachment=True,
                     download_name=_export_name(found, built, f"-{table}.csv"),
                     mimetype="text/csv")  # Werkzeug adds "; charset=utf-8" to a text type
