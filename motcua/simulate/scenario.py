"""A scenario: one hall day as a TOML file — its hours, its sectors' citizens, its counters.

Read with `load_scenario`; anything wrong is a `ScenarioError` whose message names the place
in the file (`sector 'dat-dai': service_minutes: …`), on one line for the CLI. Times of day
are hall time ("07:30"); inside the simulator they are minutes since the hall's midnight.
"""
from __future__ import annotations

import itertools
import math
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from motcua.core.errors import InvalidInput
from motcua.queue.settings import HallSettings

# z of the normal distribution's 90th percentile: a lognormal's p90 is median · e^(σ·z)
P90_Z = 1.2815515655446004
# Hall settings a scenario may set (the rest are screens' business, not the queue's)
SIMULATED_SETTINGS = ("priority_cap", "rank_penalty_minutes", "default_service_minutes",
                      "estimate_sample", "fair_wait_minutes", "switch_penalty_minutes")


class ScenarioError(InvalidInput):
    """A scenario file that cannot be simulated; the message says where and why."""

    code = "invalid_scenario"


def minutes_of(text: str) -> float:
    """'07:30' or '07:30:15' → minutes since midnight; '24:00' is the day's end."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"'{text}' is not a time of day like 07:30")
    hours, minutes, seconds = (int(p) for p in parts + ["0"] * (3 - len(parts)))
    if (hours, minutes, seconds) > (24, 0, 0) or minutes > 59 or seconds > 59:
        raise ValueError(f"'{text}' is not a time of day like 07:30")
    return hours * 60 + minutes + seconds / 60


def clock_text(minutes: float) -> str:
    """Minutes since midnight → 'HH:MM'."""
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def window_of(text: str) -> tuple[float, float]:
    """'11:30-13:00' → (690.0, 780.0)."""
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"'{text}' is not a time window like 11:30-13:00")
    window = minutes_of(start), minutes_of(end)
    if window[1] <= window[0]:
        raise ValueError(f"'{text}' ends before it starts")
    return window


def _windows(texts: list[str]) -> list[tuple[float, float]]:
    windows = sorted(window_of(t) for t in texts)
    for (_, end), (start, _) in itertools.pairwise(windows):
        if start < end:
            raise ValueError(f"windows overlap in {texts}")
    return windows


Share = Annotated[float, Field(ge=0, le=1)]
Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectorSpec(_Strict):
    """A sector's citizens: when they come, how long they take, who they are."""

    code: Code
    name: str = ""
    # [["07:30", 40], ["09:00", 70]]: Poisson arrivals, that many per hour from that time on
    arrivals: list[tuple[str, Annotated[float, Field(ge=0)]]] = []
    service_minutes: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]] | None = None
    priority_share: Share = 0.0
    no_show_share: Share = 0.0
    # some citizens turn out, at the counter, to belong to another sector: sent there
    transfer_share: Share = 0.0
    transfer_to: Code | None = None
    daily_cap: Annotated[int, Field(ge=1)] | None = None

    @field_validator("arrivals")
    @classmethod
    def _arrivals_in_order(cls, value: list[tuple[str, float]]) -> list[tuple[str, float]]:
        times = [minutes_of(at) for at, _ in value]
        if times != sorted(set(times)):
            raise ValueError("the times of arrivals must go up, each given once")
        return value

    @field_validator("service_minutes")
    @classmethod
    def _percentile_above_median(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and value[1] <= value[0]:
            raise ValueError(f"[median, 90th percentile]: the 90th percentile ({value[1]:g}) "
                             f"must be above the median ({value[0]:g})")
        return value

    @model_validator(mode="after")
    def _complete(self) -> SectorSpec:
        if any(rate > 0 for _, rate in self.arrivals) and self.service_minutes is None:
            raise ValueError("service_minutes = [median, 90th percentile] is needed with arrivals")
        if (self.transfer_share > 0) != (self.transfer_to is not None):
            raise ValueError("transfer_share and transfer_to go together")
        if self.transfer_to == self.code:
            raise ValueError("transfer_to must name another sector")
        return self

    @property
    def rates(self) -> list[tuple[float, float]]:
        """[(from minute, citizens per hour)]."""
        return [(minutes_of(at), rate) for at, rate in self.arrivals]

    @property
    def lognormal(self) -> tuple[float, float]:
        """μ and σ of the service time's lognormal, from its median and 90th percentile."""
        assert self.service_minutes is not None
        median, p90 = self.service_minutes
        return math.log(median), math.log(p90 / median) / P90_Z


class CounterSpec(_Strict):
    number: Annotated[int, Field(ge=1, le=9999)]
    sectors: Annotated[list[Code], Field(min_length=1)]  # in order of preference
    qualified: list[Code] = []  # other sectors the officer may serve (overflow, balanced)
    hours: list[str] | None = None  # None: the hall's hours; []: closed all day

    @field_validator("hours")
    @classmethod
    def _hours_are_windows(cls, value: list[str] | None) -> list[str] | None:
        if value:
            _windows(value)
        return value

    @model_validator(mode="after")
    def _each_sector_once(self) -> CounterSpec:
        listed = self.sectors + self.qualified
        if len(set(listed)) != len(listed):
            raise ValueError("a sector is named twice in sectors and qualified")
        return self


class VisitSpec(_Strict):
    """One citizen as they came (a replayed day): when, for what, and how long they took."""

    at: str
    sector: Code
    service_minutes: Annotated[float, Field(ge=0)] | None = None
    priority: bool = False
    no_show: bool = False
    transfer_to: Code | None = None

    @field_validator("at")
    @classmethod
    def _a_time(cls, value: str) -> str:
        minutes_of(value)
        return value

    @model_validator(mode="after")
    def _service_known(self) -> VisitSpec:
        if self.service_minutes is None and not self.no_show:
            raise ValueError("service_minutes is needed unless no_show = true")
        return self

    @property
    def minute(self) -> float:
        return minutes_of(self.at)


class Scenario(_Strict):
    name: Annotated[str, Field(min_length=1)]
    day: date = date(2026, 12, 7)  # a Monday; the date only names the tickets' day
    opens: str
    closes: str
    breaks: list[str] = []
    issuing_in_breaks: bool = False
    # when the kiosks issue, if not the hall's hours (e.g. stopping 15 minutes before a break)
    issuing: list[str] | None = None
    walk_minutes: Annotated[float, Field(ge=0)] = 0.5  # from the call to the counter
    no_show_grace_minutes: Annotated[float, Field(ge=0)] = 2.0  # waited for before no-show
    transfer_after_minutes: Annotated[float, Field(ge=0)] = 2.0  # at the counter before it
    settings: dict[str, float] = {}
    sectors: Annotated[list[SectorSpec], Field(min_length=1)]
    counters: Annotated[list[CounterSpec], Field(min_length=1)]
    visits: list[VisitSpec] = []

    @field_validator("opens", "closes")
    @classmethod
    def _a_time(cls, value: str) -> str:
        minutes_of(value)
        return value

    @field_validator("breaks")
    @classmethod
    def _breaks_are_windows(cls, value: list[str]) -> list[str]:
        _windows(value)
        return value

    @field_validator("issuing")
    @classmethod
    def _issuing_windows(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError("at least one window, like 07:30-11:15 (or leave the key out)")
            _windows(value)
        return value

    @field_validator("settings")
    @classmethod
    def _known_settings(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(SIMULATED_SETTINGS))
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: "
                             f"{', '.join(SIMULATED_SETTINGS)}")
        HallSettings.of(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        opens, closes = self.open_minute, self.close_minute
        if closes <= opens:
            raise ValueError(f"closes ({self.closes}) must come after opens ({self.opens})")
        if any(start < opens or end > closes for start, end in self.break_windows):
            raise ValueError("breaks must lie between opens and closes")
        codes = [s.code for s in self.sectors]
        doubled = sorted({c for c in codes if codes.count(c) > 1})
        if doubled:
            raise ValueError(f"sector {doubled[0]} is given twice")
        numbers = [c.number for c in self.counters]
        twice = sorted({n for n in numbers if numbers.count(n) > 1})
        if twice:
            raise ValueError(f"counter {twice[0]} is given twice")
        known = set(codes)
        for sector in self.sectors:
            if sector.transfer_to and sector.transfer_to not in known:
                raise ValueError(f"sector {sector.code}: transfer_to names no sector of the "
                                 f"scenario ('{sector.transfer_to}')")
        for counter in self.counters:
            for code in counter.sectors + counter.qualified:
                if code not in known:
                    raise ValueError(f"counter {counter.number} names no sector of the scenario "
                                     f"('{code}')")
        for number, visit in enumerate(self.visits, start=1):
            for named in (visit.sector, visit.transfer_to):
                if named is not None and named not in known:
                    raise ValueError(f"visit {number} names no sector of the scenario ('{named}')")
        return self

    @property
    def open_minute(self) -> float:
        return minutes_of(self.opens)

    @property
    def close_minute(self) -> float:
        return minutes_of(self.closes)

    @property
    def break_windows(self) -> list[tuple[float, float]]:
        return _windows(self.breaks)

    def open_windows(self) -> list[tuple[float, float]]:
        """The hall's working windows: from opening to closing, less the breaks."""
        windows, start = [], self.open_minute
        for break_start, break_end in self.break_windows:
            if break_start > start:
                windows.append((start, break_start))
            start = max(start, break_end)
        if start < self.close_minute:
            windows.append((start, self.close_minute))
        return windows

    def issuing_windows(self) -> list[tuple[float, float]]:
        if self.issuing is not None:
            return _windows(self.issuing)
        if self.issuing_in_breaks:
            return [(self.open_minute, self.close_minute)]
        return self.open_windows()

    def counter_windows(self, counter: CounterSpec) -> list[tuple[float, float]]:
        """When the counter works: its hours (or the hall's), less the breaks."""
        if counter.hours is None:
            return self.open_windows()
        windows = []
        for start, end in _windows(counter.hours):
            for open_start, open_end in self.open_windows():
                if min(end, open_end) > max(start, open_start):
                    windows.append((max(start, open_start), min(end, open_end)))
        return windows

    def sector(self, code: str) -> SectorSpec:
        return next(s for s in self.sectors if s.code == code)

    def hall_settings(self) -> dict[str, Any]:
        return dict(self.settings)


def parse_scenario(data: dict[str, Any], source: str = "scenario") -> Scenario:
    """A `Scenario` from TOML's tables, or a `ScenarioError` naming what is wrong where."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(data, error) for error in exc.errors()]
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise ScenarioError("%(source)s: %(problems)s", source=source, problems=shown) from None


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError("%(source)s: cannot be read (%(reason)s)", source=str(path),
                            reason=exc.strerror or str(exc)) from None
    except UnicodeDecodeError:
        raise ScenarioError("%(source)s: not UTF-8 text", source=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError("%(source)s: not valid TOML: %(reason)s", source=str(path),
                            reason=str(exc)) from None
    return parse_scenario(data, str(path))


def _problem(data: dict[str, Any], error: Any) -> str:
    """'sector dat-dai: service_minutes: …' from pydantic's location and message."""
    place: list[str] = []
    loc = list(error["loc"])
    if len(loc) >= 2 and loc[0] in ("sectors", "counters", "visits") and isinstance(loc[1], int):
        table, index = loc[0], loc[1]
        rows = data.get(table)
        item = rows[index] if isinstance(rows, list) and index < len(rows) else None
        item = item if isinstance(item, dict) else {}
        if table == "sectors":
            place.append(f"sector {item.get('code', f'#{index + 1}')}")
        elif table == "counters":
            place.append(f"counter {item.get('number', f'#{index + 1}')}")
        else:
            place.append(f"visit {index + 1}")
        loc = loc[2:]
    field = next((str(part) for part in loc if isinstance(part, str)), "")
    if field:
        place.append(field)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (a typo?)"
    elif error["type"] == "missing":
        message = "missing"
    elif error["type"] == "string_pattern_mismatch":
        message = f"'{error['input']}' is not a code: lower-case letters, digits and dashes, like dat-dai"
    return ": ".join(place + [message]) if place else message
