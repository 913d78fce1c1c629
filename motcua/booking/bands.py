"""Time bands: when a sector takes appointments, in slots of how long, for how many each.

An administrator writes one band a line, as a hall speaks of its week (Thứ 2 = Monday …
Thứ 7 = Saturday, CN = Sunday):

    dat-dai; 2-6; 07:30-11:00,13:30-16:30; 30; 2

(sector code; weekdays; windows; slot minutes; people per slot). Stored as JSON rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from motcua.core.errors import N_, Problems
from motcua.queue.errors import InvalidInput
from motcua.queue.hours import parse_windows

MAX_SLOT_MINUTES = 240
MAX_CAPACITY = 100


@dataclass(frozen=True)
class Band:
    sector: str
    weekdays: tuple[int, ...]  # 0 = Monday
    windows: str  # "07:30-11:00,13:30-16:30"
    slot_minutes: int
    capacity: int

    def as_json(self) -> dict[str, Any]:
        return {"sector": self.sector, "weekdays": list(self.weekdays), "windows": self.windows,
                "slot_minutes": self.slot_minutes, "capacity": self.capacity}

    @classmethod
    def of(cls, row: dict[str, Any]) -> Band:
        return cls(str(row["sector"]), tuple(int(d) for d in row["weekdays"]), str(row["windows"]),
                   int(row["slot_minutes"]), int(row["capacity"]))

    def starts_on(self, day: date, zone: ZoneInfo) -> list[datetime]:
        """The slots' starts on a hall-local day: whole slots inside each window."""
        if day.weekday() not in self.weekdays:
            return []
        length = timedelta(minutes=self.slot_minutes)
        starts: list[datetime] = []
        for opens, closes in parse_windows(self.windows):
            at = datetime.combine(day, opens, zone)
            end = datetime.combine(day, closes, zone)
            while at + length <= end:
                starts.append(at)
                at += length
        return starts


def _weekday_number(text: str) -> int:
    """'2'…'7' (Thứ Hai … Thứ Bảy) or 'CN' (Chủ nhật) → 0 (Monday) … 6 (Sunday)."""
    if text.upper() == "CN":
        return 6
    number = int(text)
    if not 2 <= number <= 7:
        raise ValueError(text)
    return number - 2


def _weekday_name(day: int) -> str:
    return "CN" if day == 6 else str(day + 2)


def parse_weekdays(text: str) -> tuple[int, ...]:
    days: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if "-" in part:
            first, last = (_weekday_number(x.strip()) for x in part.split("-", 1))
            if last < first:
                raise ValueError(part)
            days.update(range(first, last + 1))
        elif part:
            days.add(_weekday_number(part))
    if not days:
        raise ValueError(text)
    return tuple(sorted(days))


def format_weekdays(days: tuple[int, ...]) -> str:
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"{_weekday_name(days[0])}-{_weekday_name(days[-1])}"
    return ",".join(_weekday_name(d) for d in days)


def format_bands(bands: list[Band]) -> str:
    return "\n".join(f"{b.sector}; {format_weekdays(b.weekdays)}; {b.windows}; {b.slot_minutes}; "
                     f"{b.capacity}" for b in bands)


def parse_bands(text: str, sector_codes: set[str]) -> list[Band]:
    """Every line's problems at once, each naming its line."""
    problems = Problems()
    bands: list[Band] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 5:
            problems.add("bands", N_("Dòng %(line)d: cần 5 phần cách nhau bởi dấu chấm phẩy: "
                                     "lĩnh vực; thứ; giờ; số phút mỗi lượt; số người mỗi lượt."),
                         line=number)
            continue
        sector, days, windows, minutes, capacity = parts
        if sector not in sector_codes:
            problems.add("bands", N_("Dòng %(line)d: không có lĩnh vực “%(sector)s”."),
                         line=number, sector=sector)
            continue
        try:
            weekdays = parse_weekdays(days)
        except ValueError:
            problems.add("bands", N_("Dòng %(line)d: thứ viết như 2-6, 2,4,6 hoặc CN."), line=number)
            continue
        try:
            parse_windows(windows)
        except InvalidInput:
            problems.add("bands", N_("Dòng %(line)d: giờ viết như 07:30-11:00,13:30-16:30."),
                         line=number)
            continue
        if not (minutes.isdigit() and 5 <= int(minutes) <= MAX_SLOT_MINUTES
                and capacity.isdigit() and 1 <= int(capacity) <= MAX_CAPACITY):
            problems.add("bands", N_("Dòng %(line)d: mỗi lượt từ 5 đến %(minutes)d phút, "
                                     "từ 1 đến %(people)d người."),
                         line=number, minutes=MAX_SLOT_MINUTES, people=MAX_CAPACITY)
            continue
        bands.append(Band(sector, weekdays, windows.replace(" ", ""), int(minutes), int(capacity)))
    problems.raise_any()
    return bands


def within_hours(start: datetime, minutes: int, opening: list[tuple[time, time]],
                 zone: ZoneInfo) -> bool:
    """Whether the whole slot lies inside one of the hall's opening windows."""
    local = start.astimezone(zone)
    end = (local + timedelta(minutes=minutes)).time()
    begin = local.time()
    return any(opens <= begin and (end <= closes or closes == time.max) and end > begin
               for opens, closes in opening)
