"""Turning submitted form text into typed values, with a message for each field that is wrong.

No Flask here: the views hand over `request.form`, the CLI or tests hand over a dict.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from motcua.admin.counters import CounterFields
from motcua.admin.devices import DeviceFields
from motcua.admin.halls import BoardFields, HallFields
from motcua.admin.sectors import SectorFields
from motcua.changes.errors import N_, Problems
from motcua.core.actors import DeviceKind, Role
from motcua.display.voicepacks import VoiceFields
from motcua.dossier.models import HolidayKind
from motcua.inputs import hall_day
from motcua.queue.policy import POLICIES as CALLING_POLICIES
from motcua.queue.settings import HallSettings


class FormReader:
    """Reads fields of one submitted form; each unreadable field adds a problem."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.data = data
        self.problems = Problems()

    def text(self, name: str) -> str:
        return (self.data.get(name) or "").strip()

    def optional_text(self, name: str) -> str | None:
        return self.text(name) or None

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in (self.data.get(name) or "").splitlines() if line.strip()]

    def flag(self, name: str) -> bool:
        return (self.data.get(name) or "").strip().lower() in ("1", "on", "true", "yes")

    def integer(self, name: str, *, low: int, high: int) -> int:
        value = self.optional_integer(name, low=low, high=high)
        if value is None and not any(p.field == name for p in self.problems.items):
            self.problems.add(name, N_("Hãy nhập một số."))
        return value if value is not None else low

    def optional_integer(self, name: str, *, low: int, high: int) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            self.problems.add(name, N_("“%(value)s” không phải là một số nguyên."), value=raw)
            return None
        if not low <= value <= high:
            self.problems.add(name, N_("Hãy nhập một số từ %(low)d đến %(high)d."),
                              low=low, high=high)
            return None
        return value

    def day(self, name: str) -> date | None:
        raw = self.text(name)
        if not raw:
            self.problems.add(name, N_("Hãy chọn một ngày."))
            return None
        try:
            return hall_day(raw)
        except ValueError:
            self.problems.add(name, N_("“%(value)s” không phải là ngày (năm-tháng-ngày)."),
                              value=raw)
            return None

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        raw = self.text(name)
        if raw not in allowed:
            self.problems.add(name, N_("Hãy chọn một trong các giá trị cho phép."))
            return allowed[0]
        return raw

    def done(self) -> None:
        """Raise `Invalid` with every problem found so far."""
        self.problems.raise_any()


# --- the admin forms ------------------------------------------------------------------------


def read_hall(data: Mapping[str, str]) -> HallFields:
    form = FormReader(data)
    fields = HallFields(name=form.text("name"), time_zone=form.text("time_zone"),
                        opening_windows=form.text("opening_windows"))
    form.done()
    return fields


def read_board(data: Mapping[str, str]) -> BoardFields:
    form = FormReader(data)
    fields = BoardFields(
        notices=[" ".join(line.split()) for line in form.lines("notices")],
        ticket_footer=form.lines("ticket_footer"),
        wait_alert_minutes=form.integer("wait_alert_minutes", low=1, high=600),
        priority_cap=form.integer("priority_cap", low=1, high=10),
        rating_levels=int(form.choice("rating_levels", ("3", "4"))),
        near_turn_people=form.optional_integer("near_turn_people", low=1, high=50)
        or HallSettings.near_turn_people,
        calling_policy=form.choice("calling_policy", CALLING_POLICIES),
        fair_wait_minutes=form.optional_integer("fair_wait_minutes", low=1, high=120)
        or HallSettings.fair_wait_minutes,
        stop_issuing_past_closing=form.flag("stop_issuing_past_closing"),
    )
    form.done()
    return fields


def read_sector(data: Mapping[str, str]) -> SectorFields:
    form = FormReader(data)
    fields = SectorFields(
        name_vi=form.text("name_vi"),
        name_en=form.text("name_en"),
        prefix=form.text("prefix").upper(),
        number_start=form.integer("number_start", low=0, high=99999),
        number_end=form.integer("number_end", low=1, high=99999),
        daily_cap=form.optional_integer("daily_cap", low=1, high=99999),
        issuing_windows=form.optional_text("issuing_windows"),
        icon=form.text("icon") or "document",
        is_open=form.flag("is_open"),
        wait_alert_minutes=form.optional_integer("wait_alert_minutes", low=1, high=600),
    )
    form.done()
    return fields


def read_counter(data: Mapping[str, str], sector_codes: list[str]) -> CounterFields:
    """The counter's sectors come as `rank-<code>` fields: 1 for its first sector, 2 …, blank
    for a sector it does not serve; and, for a sector served only at some times,
    `hours-<code>` ("07:30-11:30") and `weekdays-<code>` ("1-5")."""
    form = FormReader(data)
    ranked: list[tuple[int, str]] = []
    for code in sector_codes:
        rank = form.optional_integer(f"rank-{code}", low=1, high=len(sector_codes))
        if rank is not None:
            ranked.append((rank, code))
        elif not form.text(f"rank-{code}") and (form.text(f"hours-{code}")
                                                 or form.text(f"weekdays-{code}")):
            form.problems.add(f"rank-{code}", N_("Đã ghi lịch cho lĩnh vực này: hãy ghi thứ tự "
                                                 "(1, 2…) để quầy phục vụ, hoặc xóa lịch."))
    ranks = [rank for rank, _ in ranked]
    if len(set(ranks)) != len(ranks):
        form.problems.add("sectors", N_("Mỗi thứ tự ưu tiên chỉ dùng cho một lĩnh vực."))
    schedules = {code: (form.optional_text(f"hours-{code}"), form.optional_text(f"weekdays-{code}"))
                 for _, code in ranked}
    fields = CounterFields(number=form.integer("number", low=1, high=999),
                           name=form.text("name"),
                           sectors=[code for _, code in sorted(ranked)],
                           schedules={code: times for code, times in schedules.items() if any(times)})
    form.done()
    return fields


def read_staff(data: Mapping[str, str]) -> tuple[str, Role]:
    form = FormReader(data)
    full_name = form.text("full_name")
    role = Role(form.choice("role", tuple(r.value for r in (Role.OFFICER, Role.SUPERVISOR,
                                                            Role.ADMIN))))
    form.done()
    return full_name, role


def read_device(data: Mapping[str, str], kind: DeviceKind) -> DeviceFields:
    form = FormReader(data)
    fields = DeviceFields(
        name=form.text("name"), kind=kind,
        printer=form.optional_text("printer") if kind == DeviceKind.KIOSK else None,
        counter_number=(form.optional_integer("counter_number", low=1, high=999)
                        if kind == DeviceKind.TABLET else None))
    form.done()
    return fields


def read_holiday(data: Mapping[str, str]) -> tuple[date, str, HolidayKind, bool]:
    form = FormReader(data)
    day = form.day("day")
    name = form.text("name")
    kind = HolidayKind(form.choice("kind", tuple(k.value for k in HolidayKind)))
    every_hall = form.text("scope") == "all"
    form.done()
    assert day is not None
    return day, name, kind, every_hall


def read_voice(data: Mapping[str, str]) -> VoiceFields:
    form = FormReader(data)
    fields = VoiceFields(
        enabled=form.flag("enabled"),
        repeat=int(form.choice("repeat", ("2", "1"))),
        digits=form.flag("digits"), south=form.flag("south"), four_as_tu=form.flag("four_as_tu"),
        language=form.choice("language", ("vi", "en")))
    form.done()
    return fields


def read_period(data: Mapping[str, str], today: date, max_days: int) -> tuple[date, date]:
    """The report's dates; without any, the last 30 days up to today (hall-local)."""
    if not data.get("from") and not data.get("to"):
        return today - timedelta(days=29), today
    form = FormReader(data)
    first, last = form.day("from"), form.day("to")
    if first and last:
        if last < first:
            form.problems.add("to", N_("Ngày cuối phải sau ngày đầu."))
        elif (last - first).days + 1 > max_days:
            form.problems.add("to", N_("Chọn khoảng tối đa %(days)d ngày."), days=max_days)
    form.done()
    assert first is not None and last is not None
    return first, last
