"""A hall's dossier settings, kept in `hall.settings` next to the queue's, with defaults.

Keys (all optional):

- ``agency_code``: the receiving unit's identifier (QCVN 102:2016), the first part of
  every dossier code, e.g. ``H21.65`` or ``000.00.21.H29``; else the installation's
  ``AGENCY_CODE`` (``MOTCUA_AGENCY_CODE``).
- ``receiving_unit``: the unit named on receipts; else the hall's name.
- ``working_windows``: the hours the processing clock runs, ``07:00-11:30,13:30-17:00``
  by default. Not the hall's opening windows, which may be longer (a demo issues
  tickets all day) or shorter (tickets stop before closing).
- ``saturday_windows``: e.g. ``07:30-11:30`` for a hall that works Saturday mornings.
- ``result_place``: where results are collected, printed on receipts.
- ``receipt_printers``: ``{"5": "tcp://10.0.0.15:9100"}``, the printer of a counter's
  receipts; else the installation's ``RECEIPT_PRINTER`` or ``PRINTER``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from motcua.core.errors import N_, InvalidInput
from motcua.dossier.calendar import SATURDAY, Window, WorkingCalendar
from motcua.dossier.errors import BadInput
from motcua.queue.hours import parse_windows

DEFAULT_WORKING_WINDOWS = "07:00-11:30,13:30-17:00"


@dataclass(frozen=True)
class DossierSettings:
    agency_code: str | None = None
    receiving_unit: str | None = None
    working_windows: str = DEFAULT_WORKING_WINDOWS
    saturday_windows: str | None = None
    result_place: str | None = None
    receipt_printers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> DossierSettings:
        stored = stored or {}
        return cls(
            agency_code=stored.get("agency_code") or None,
            receiving_unit=stored.get("receiving_unit") or None,
            working_windows=stored.get("working_windows") or DEFAULT_WORKING_WINDOWS,
            saturday_windows=stored.get("saturday_windows") or None,
            result_place=stored.get("result_place") or None,
            receipt_printers={str(k): str(v) for k, v in (stored.get("receipt_printers") or {}).items()},
        )

    def calendar(
        self, time_zone: str, holidays: frozenset[date], working_days: frozenset[date]
    ) -> WorkingCalendar:
        """The hall's working calendar, given its days off and its swapped working days (disjoint)."""
        weekday_windows: dict[int, tuple[Window, ...]] = {}
        if self.saturday_windows:
            weekday_windows[SATURDAY] = _windows(self.saturday_windows)
        try:
            return WorkingCalendar(
                windows=_windows(self.working_windows),
                weekday_windows=weekday_windows,
                holidays=holidays,
                compensatory_working_days=working_days,
                time_zone=time_zone,
            )
        except ValueError as exc:
            raise BadInput(N_("Giờ làm việc của nơi này không dùng được (%(problem)s)."),
                           problem=str(exc)) from None


def _windows(text: str) -> tuple[Window, ...]:
    try:
        windows = parse_windows(text)
    except InvalidInput as exc:
        raise BadInput(N_("Giờ làm việc của nơi này không dùng được (%(problem)s)."),
                       problem=exc.message) from None
    if any(end == time.max for _, end in windows):
        raise BadInput(N_("Giờ làm việc phải kết thúc trước nửa đêm: “%(windows)s”."), windows=text)
    return tuple(windows)
