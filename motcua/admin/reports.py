"""Reports for a hall and a range of hall-local dates, as tables that charts and exports share.

Every report is a list of `Table`s: the page draws each table's `charts` from its rows, shows
the rows one click away, and exports the same rows as CSV and XLSX, so a chart and its
numbers never disagree. Labels are Vietnamese catalogue ids, translated where they are shown.

The heavy lifting is one grouped or narrow query per report; percentiles are computed in
Python from per-ticket durations the database computes in seconds, so the same code runs on
SQLite and PostgreSQL. Definitions (shown under the tables, too):

- waiting time: from taking the number (or, for a transferred ticket, from its last transfer)
  to the call the citizen answered — the last call, as a recall moves the call time;
- service time: from the start of service (or the call, when the officer did not press
  "start") to the finish, for tickets served to the end;
- per officer: the officer who finished the ticket (or marked it no-show), from the queue log.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, select, text, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from motcua.booking.readmodels import BookingFigures, booking_figures
from motcua.changes.errors import N_
from motcua.core.accounts import StaffUser
from motcua.queue.models import Counter, Hall, Sector, Ticket, TicketEvent, TicketStatus

MAX_DAYS = 366
WEEKDAYS = (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"),
            N_("Thứ Bảy"), N_("Chủ Nhật"))


@dataclass(frozen=True)
class Period:
    """Hall-local dates, both ends included, read at `now` (the clock's): what is not over by
    then (an appointment whose time has not passed) is not counted as missed. `None` reads the
    dates as over."""

    first: date
    last: date
    now: datetime | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def each_day(self) -> Iterable[date]:
        return (self.first + timedelta(days=n) for n in range(self.days))


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # catalogue id
    kind: str = "count"  # "text", "count", "minutes", "percent", "score"


@dataclass(frozen=True)
class Chart:
    """How the page draws a table: `series` are column keys plotted against `label`."""

    kind: str  # "bar", "line", "stacked", "heatmap"
    title: str
    label: str
    series: tuple[str, ...]
    horizontal: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    charts: list[Chart] = field(default_factory=list)
    note: str | None = None

    def column(self, key: str) -> list[Any]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


@dataclass
class Report:
    key: str
    title: str
    hall: str
    period: Period
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# --- helpers that differ by database ----------------------------------------------------------


def _utc_hour(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%H", column), Integer)
    return cast(func.extract("hour", func.timezone("UTC", column)), Integer)


def _seconds(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return cast(func.extract("epoch", end - start), Float)  # numeric otherwise


def _in_period(hall: Hall, period: Period) -> ColumnElement[bool]:
    return and_(Ticket.hall_id == hall.id, Ticket.day >= period.first, Ticket.day <= period.last)


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _minutes(seconds: float) -> float:
    return round(seconds / 60.0, 1)


STEP_S = 6  # durations are counted to the nearest 0.1 minute, the precision reports show


@dataclass(frozen=True)
class Spread:
    """Median, 90th percentile and longest of a set of durations, in minutes."""

    count: int
    median: float | None
    p90: float | None
    longest: float | None

    @classmethod
    def of(cls, histogram: dict[int, int]) -> Spread:
        """From how many durations fell in each `STEP_S`-second step."""
        steps = sorted(histogram.items())
        count = sum(n for _, n in steps)
        if not count:
            return cls(0, None, None, None)
        return cls(count, _minutes(_quantile(steps, count, 0.5)),
                   _minutes(_quantile(steps, count, 0.9)), _minutes(steps[-1][0] * STEP_S))


def _quantile(steps: list[tuple[int, int]], count: int, q: float) -> float:
    """The q-quantile in seconds, interpolating between ranks as spreadsheets do, of `count`
    durations given as sorted (step, how many) pairs."""
    position = q * (count - 1)
    low_rank, fraction = int(position), position - int(position)
    low = high = None
    seen = 0
    for step, n in steps:
        if low is None and low_rank < seen + n:
            low = step
        if low_rank + 1 < seen + n or seen + n == count:
            high = step
            break
        seen += n
    assert low is not None and high is not None
    return max((low + (high - low) * fraction) * STEP_S, 0.0)


# --- tickets issued: per hour, per weekday, per day ------------------------------------------


def _local_hour(day: date, utc_hour: int, zone: ZoneInfo) -> int:
    """The hall-local hour of the UTC hour `utc_hour` that falls on hall-local `day`."""
    for offset in (0, -1, 1):
        moment = datetime.combine(day + timedelta(days=offset), datetime.min.time(),
                                  tzinfo=UTC).replace(hour=utc_hour)
        local = moment.astimezone(zone)
        if local.date() == day:
            return local.hour
    return utc_hour


def traffic_report(session: Session, hall: Hall, period: Period, lang: str) -> Report:
    hour = _utc_hour(session, Ticket.issued_at)
    rows = session.execute(
        select(Ticket.day, hour, func.count(Ticket.id))
        .where(_in_period(hall, period)).group_by(Ticket.day, hour)).all()
    zone = ZoneInfo(hall.time_zone)
    per_day: dict[date, int] = defaultdict(int)
    grid: dict[tuple[int, int], int] = defaultdict(int)
    for day, utc_hour, count in rows:
        per_day[day] += count
        grid[(day.weekday(), _local_hour(day, int(utc_hour), zone))] += count
    working_days = len(per_day)
    days_by_weekday: dict[int, int] = defaultdict(int)
    for day in per_day:
        days_by_weekday[day.weekday()] += 1
    hours = sorted({h for _, h in grid}) or list(range(7, 18))
    hours = list(range(min(hours), max(hours) + 1))
    by_hour = [[f"{h:02d}:00", sum(grid[(w, h)] for w in range(7)),
                round(sum(grid[(w, h)] for w in range(7)) / working_days, 1) if working_days else 0]
               for h in hours]
    by_weekday = [[WEEKDAYS[w], sum(grid[(w, h)] for h in hours), days_by_weekday[w],
                   round(sum(grid[(w, h)] for h in hours) / days_by_weekday[w], 1)
                   if days_by_weekday[w] else 0]
                  for w in range(7)]
    heat = [[WEEKDAYS[w], *(grid[(w, h)] for h in hours)] for w in range(7)]
    tables = [
        Table("by_hour", N_("Số phiếu theo giờ trong ngày"),
              [Column("hour", N_("Giờ"), "text"), Column("tickets", N_("Số phiếu")),
               Column("per_day", N_("Trung bình mỗi ngày có cấp số"), "decimal")],
              by_hour, [Chart("bar", N_("Số phiếu theo giờ"), "hour", ("tickets",))]),
        Table("heatmap", N_("Bản đồ nhiệt: ngày trong tuần × giờ"),
              [Column("weekday", N_("Thứ"), "label"),
               *(Column(f"h{h:02d}", f"{h:02d}:00") for h in hours)],
              heat, [Chart("heatmap", N_("Số phiếu theo ngày trong tuần và giờ"), "weekday",
                           tuple(f"h{h:02d}" for h in hours))],
              note=N_("Ô càng đậm, càng nhiều phiếu được cấp trong giờ đó.")),
        Table("by_weekday", N_("Số phiếu theo ngày trong tuần"),
              [Column("weekday", N_("Thứ"), "label"), Column("tickets", N_("Số phiếu")),
               Column("days", N_("Số ngày có cấp số")),
               Column("per_day", N_("Trung bình mỗi ngày"), "decimal")],
              by_weekday, [Chart("bar", N_("Trung bình số phiếu mỗi ngày"), "weekday",
                                 ("per_day",))]),
        Table("by_day", N_("Số phiếu theo ngày"),
              [Column("day", N_("Ngày"), "date"), Column("tickets", N_("Số phiếu"))],
              [[day.isoformat(), per_day.get(day, 0)] for day in period.each_day()],
              [Chart("line", N_("Số phiếu mỗi ngày"), "day", ("tickets",))]),
    ]
    return Report("traffic", N_("Lượt lấy số"), hall.code, period, tables)


# --- waiting and service times ----------------------------------------------------------------


def _names(session: Session, hall: Hall, lang: str) -> tuple[dict[Any, str], dict[Any, str]]:
    name = Sector.name_en if lang == "en" else Sector.name_vi
    sectors = dict(session.execute(
        select(Sector.id, name).where(Sector.hall_id == hall.id)).all())
    counters = {cid: name or f"{number}" for cid, number, name in session.execute(
        select(Counter.id, Counter.number, Counter.name).where(Counter.hall_id == hall.id))}
    return sectors, counters


def _officer_names(session: Session, labels: Iterable[str]) -> dict[str, str]:
    usernames = {label.split(":", 1)[1] for label in labels if label.startswith("staff:")}
    found = dict(session.execute(
        select(StaffUser.username, StaffUser.full_name)
        .where(StaffUser.username.in_(usernames))).all()) if usernames else {}
    return {f"staff:{u}": name or u for u, name in found.items()}


def _last_transfer() -> Any:
    """When the ticket of the outer query was last transferred (a correlated subquery)."""
    event = aliased(TicketEvent)
    return (select(event.at).where(event.ticket_id == Ticket.id, event.kind == "transferred")
            .order_by(event.id.desc()).limit(1).scalar_subquery())


def _time_table(key: str, title: str, who: str, waits: dict[Any, dict[int, int]],
                services: dict[Any, dict[int, int]], names: Callable[[Any], str]) -> Table:
    rows: list[list[Any]] = []
    for group in waits.keys() | services.keys():
        wait, service = Spread.of(waits.get(group, {})), Spread.of(services.get(group, {}))
        rows.append([names(group), wait.count, wait.median, wait.p90, wait.longest,
                     service.count, service.median, service.p90, service.longest])
    rows.sort(key=lambda r: (-(r[1] or 0), r[0]))
    return Table(
        key, title,
        [Column("name", who, "text"), Column("called", N_("Số lượt gọi")),
         Column("wait_median", N_("Chờ: trung vị (phút)"), "minutes"),
         Column("wait_p90", N_("Chờ: 90% trong vòng (phút)"), "minutes"),
         Column("wait_max", N_("Chờ: lâu nhất (phút)"), "minutes"),
         Column("served", N_("Số lượt phục vụ xong")),
         Column("service_median", N_("Phục vụ: trung vị (phút)"), "minutes"),
         Column("service_p90", N_("Phục vụ: 90% trong vòng (phút)"), "minutes"),
         Column("service_max", N_("Phục vụ: lâu nhất (phút)"), "minutes")],
        rows,
        [Chart("bar", N_("Thời gian chờ (phút)"), "name", ("wait_median", "wait_p90"),
               horizontal=True),
         Chart("bar", N_("Thời gian phục vụ (phút)"), "name", ("service_median", "service_p90"),
               horizontal=True)])


def times_report(session: Session, hall: Hall, period: Period, lang: str) -> Report:
    waited_from = case((Ticket.transferred_from_counter_id.is_(None), Ticket.issued_at),
                       else_=_last_transfer())
    service_from = func.coalesce(Ticket.started_at, Ticket.called_at)
    service_s = case((Ticket.status == TicketStatus.DONE,
                      _seconds(session, service_from, Ticket.finished_at)))
    # Who finished the ticket (or marked it a no-show): the log's final event of the ticket.
    # (A citizen called back after a no-show and missed again has two such events, and counts
    # twice among the no-shows' waits.)
    final = aliased(TicketEvent)
    final_kind = case((Ticket.status == TicketStatus.DONE, "completed"), else_="no_show")
    durations = (
        select(Ticket.sector_id, Ticket.counter_id, final.actor.label("actor"),
               _steps(_seconds(session, waited_from, Ticket.called_at)).label("wait"),
               _steps(service_s).label("service"))
        .join(final, and_(final.ticket_id == Ticket.id, final.kind.in_(("completed", "no_show")),
                          final.kind == final_kind), isouter=True)
        .where(_in_period(hall, period), Ticket.called_at.is_not(None),
               Ticket.status.in_((TicketStatus.DONE, TicketStatus.NO_SHOW)))
    ).cte("durations").prefix_with("MATERIALIZED")
    # A histogram per (sector, counter, officer): a year of a busy hall has 150,000 durations
    # but only some thousands of (combination, step) pairs to bring over and add up.
    keys = (durations.c.sector_id, durations.c.counter_id, durations.c.actor)
    histograms = union_all(*(
        select(literal(what).label("what"), *keys, column.label("step"), func.count())
        .where(column.is_not(None)).group_by(*keys, column)
        for what, column in ((0, durations.c.wait), (1, durations.c.service))))
    tables_of: tuple[tuple[dict[Any, dict[int, int]], ...], ...] = tuple(
        (defaultdict(lambda: defaultdict(int)), defaultdict(lambda: defaultdict(int)),
         defaultdict(lambda: defaultdict(int))) for _ in range(2))
    for what, sector_id, counter_id, actor, step, count in session.connection().execute(
            histograms):
        for by, key in zip(tables_of[what], (sector_id, counter_id, actor or "?"), strict=True):
            by[key][step] += count
    waits, services = tables_of
    sectors, counters = _names(session, hall, lang)
    officers = _officer_names(session, waits[2])
    note = N_("Thời gian chờ: từ lúc lấy số (hoặc lúc được chuyển) đến lần gọi mà công dân "
              "đến quầy. Thời gian phục vụ: từ lúc bắt đầu phục vụ (hoặc lúc gọi) đến lúc xong. "
              "“90% trong vòng”: 9 trên 10 lượt không lâu hơn số này.")
    tables = [
        _time_table("by_sector", N_("Theo lĩnh vực"), N_("Lĩnh vực"), waits[0], services[0],
                    lambda k: sectors.get(k, "?")),
        _time_table("by_counter", N_("Theo quầy"), N_("Quầy"), waits[1], services[1],
                    lambda k: counters.get(k, "?")),
        _time_table("by_officer", N_("Theo cán bộ"), N_("Cán bộ"), waits[2], services[2],
                    lambda k: officers.get(k, k)),
    ]
    for table in tables:
        table.note = note
    return Report("times", N_("Thời gian chờ và phục vụ"), hall.code, period, tables)


def _steps(seconds: Any) -> Any:
    """A duration as a whole number of `STEP_S`-second steps, to the nearest."""
    return cast(func.round(seconds / STEP_S), Integer)


# --- no-shows and transfers -------------------------------------------------------------------


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def outcomes_report(session: Session, hall: Hall, period: Period, lang: str) -> Report:
    # A sector's tickets are those it issued, wherever they ended (a ticket transferred to
    # another sector and served there counts once, here); the counters' table says who served.
    origin = Ticket.issued_sector_id
    issued = dict((row[0], row[1:]) for row in session.execute(
        select(origin, func.count(Ticket.id),
               _count_if(Ticket.transferred_from_counter_id.is_not(None)),
               _count_if(Ticket.status.in_((TicketStatus.WAITING, TicketStatus.CANCELLED))),
               _count_if(Ticket.status == TicketStatus.DONE),
               _count_if(Ticket.status == TicketStatus.NO_SHOW))
        .where(_in_period(hall, period)).group_by(origin)).all())
    at_counter = dict((row[0], row[1:]) for row in session.execute(
        select(Ticket.counter_id, _count_if(Ticket.status == TicketStatus.DONE),
               _count_if(Ticket.status == TicketStatus.NO_SHOW))
        .where(_in_period(hall, period), Ticket.counter_id.is_not(None))
        .group_by(Ticket.counter_id)).all())
    sent_on = dict(session.execute(
        select(Ticket.transferred_from_counter_id, func.count(Ticket.id))
        .where(_in_period(hall, period), Ticket.transferred_from_counter_id.is_not(None))
        .group_by(Ticket.transferred_from_counter_id)).all())
    sectors, counters = _names(session, hall, lang)
    sector_rows = []
    for sector_id in sorted(issued, key=lambda s: sectors.get(s, "")):
        total, moved, unserved, done, no_show = (int(v or 0) for v in issued[sector_id])
        sector_rows.append([sectors.get(sector_id, "?"), total, done, no_show,
                            _share(no_show, done + no_show), moved, _share(moved, total),
                            unserved])
    counter_rows = []
    for counter_id in sorted(set(at_counter) | set(sent_on), key=lambda c: counters.get(c, "")):
        done, no_show = (int(v or 0) for v in at_counter.get(counter_id, (0, 0)))
        moved = int(sent_on.get(counter_id, 0))
        counter_rows.append([counters.get(counter_id, "?"), done, no_show,
                             _share(no_show, done + no_show), moved,
                             _share(moved, done + no_show + moved)])
    rates = (Chart("bar", N_("Tỉ lệ bỏ về và chuyển (%)"), "name",
                   ("no_show_rate", "transfer_rate"), horizontal=True),)
    tables = [
        Table("by_sector", N_("Theo lĩnh vực"),
              [Column("name", N_("Lĩnh vực"), "text"), Column("tickets", N_("Số phiếu lấy")),
               Column("served", N_("Phục vụ xong")), Column("no_show", N_("Bỏ về")),
               Column("no_show_rate", N_("Tỉ lệ bỏ về (%)"), "percent"),
               Column("transferred", N_("Chuyển đi")),
               Column("transfer_rate", N_("Tỉ lệ chuyển (%)"), "percent"),
               Column("unserved", N_("Chưa được gọi"))],
              sector_rows, list(rates),
              note=N_("Phiếu được tính vào lĩnh vực đã cấp số; “bỏ về” là được gọi mà không "
                      "đến, tính trên số lượt được gọi; “chuyển đi” là được chuyển sang lĩnh vực "
                      "hoặc quầy khác.")),
        Table("by_counter", N_("Theo quầy"),
              [Column("name", N_("Quầy"), "text"), Column("served", N_("Phục vụ xong")),
               Column("no_show", N_("Bỏ về")),
               Column("no_show_rate", N_("Tỉ lệ bỏ về (%)"), "percent"),
               Column("transferred", N_("Chuyển đi")),
               Column("transfer_rate", N_("Tỉ lệ chuyển (%)"), "percent")],
              counter_rows, list(rates)),
    ]
    return Report("outcomes", N_("Bỏ về và chuyển"), hall.code, period, tables)


# --- satisfaction --------------------------------------------------------------------------


LEVELS = (("very_satisfied", N_("Rất hài lòng")), ("satisfied", N_("Hài lòng")),
          ("neutral", N_("Bình thường")), ("unsatisfied", N_("Không hài lòng")))


def _rating_table(key: str, title: str, who: str, counts: dict[Any, dict[str, int]],
                  names: Callable[[Any], str], served: dict[Any, int] | None) -> Table:
    rows = []
    for group, levels in counts.items():
        total = sum(levels.values())
        happy = levels.get("very_satisfied", 0) + levels.get("satisfied", 0)
        row: list[Any] = [names(group), total]
        if served is not None:
            row.append(_share(total, served.get(group, 0)))
        row += [levels.get(level, 0) for level, _ in LEVELS]
        row.append(_share(happy, total))
        rows.append(row)
    rows.sort(key=lambda r: (-r[1], r[0]))
    columns = [Column("name", who, "text"), Column("ratings", N_("Số lượt đánh giá"))]
    if served is not None:
        columns.append(Column("answered", N_("Tỉ lệ trả lời (%)"), "percent"))
    columns += [Column(level, label) for level, label in LEVELS]
    columns.append(Column("satisfied_rate", N_("Hài lòng trở lên (%)"), "percent"))
    return Table(key, title, columns, rows, [
        Chart("stacked", N_("Các mức đánh giá"), "name", tuple(level for level, _ in LEVELS),
              horizontal=True),
        Chart("bar", N_("Tỉ lệ hài lòng trở lên (%)"), "name", ("satisfied_rate",),
              horizontal=True)],
        note=N_("“Hài lòng trở lên” = (Rất hài lòng + Hài lòng) ÷ số lượt đánh giá. “Tỉ lệ trả "
                "lời” = số lượt đánh giá ÷ số lượt phục vụ xong tại quầy."))


def satisfaction_report(session: Session, hall: Hall, period: Period, lang: str) -> Report:
    from motcua.counter.models import Rating

    in_period = and_(Rating.hall_id == hall.id, Rating.day >= period.first,
                     Rating.day <= period.last)
    by_counter: dict[Any, dict[str, int]] = defaultdict(dict)
    by_officer: dict[Any, dict[str, int]] = defaultdict(dict)
    for groups, column in ((by_counter, Rating.counter_id), (by_officer, Rating.officer_id)):
        for group, level, count in session.execute(
                select(column, Rating.level, func.count(Rating.id)).where(in_period)
                .group_by(column, Rating.level)):
            groups[group][level.value] = count
    served = dict(session.execute(
        select(Ticket.counter_id, func.count(Ticket.id))
        .where(_in_period(hall, period), Ticket.status == TicketStatus.DONE)
        .group_by(Ticket.counter_id)).all())
    _, counters = _names(session, hall, lang)
    officers: dict[Any, str] = dict(session.execute(
        select(StaffUser.id, StaffUser.full_name)
        .where(StaffUser.id.in_([k for k in by_officer if k is not None]))).all())
    tables = [
        _rating_table("by_counter", N_("Theo quầy"), N_("Quầy"), by_counter,
                      lambda k: counters.get(k, "?"), served),
        _rating_table("by_officer", N_("Theo cán bộ"), N_("Cán bộ"), by_officer,
                      lambda k: officers.get(k, "?"), None),
    ]
    return Report("satisfaction", N_("Mức độ hài lòng"), hall.code, period, tables)


# --- dossiers ---------------------------------------------------------------------------------


def dossiers_report(session: Session, hall: Hall, period: Period, lang: str) -> Report:
    """Dossiers received, completed, early, on time and late per sector (the dossier module's
    figures, which the public page publishes too)."""
    from motcua.dossier.readmodels import dossier_figures

    publication = dossier_figures(session, hall, period.first, period.last)
    rows = []
    for agency in publication.agencies:
        for sector in agency.sectors:
            figures = sector.figures
            if not (figures.received or figures.completed):
                continue
            rate = figures.on_time_rate
            rows.append([sector.name_en if lang == "en" else sector.name_vi, figures.received,
                         figures.completed, figures.early, figures.on_time, figures.late,
                         None if rate is None else round(100 * rate, 1)])
    table = Table(
        "by_sector", N_("Hồ sơ theo lĩnh vực"),
        [Column("name", N_("Lĩnh vực"), "text"), Column("received", N_("Tiếp nhận")),
         Column("completed", N_("Giải quyết xong")), Column("early", N_("Trước hạn")),
         Column("on_time", N_("Đúng hạn")), Column("late", N_("Trễ hạn")),
         Column("on_time_rate", N_("Tỉ lệ đúng hạn (%)"), "percent")],
        rows,
        [Chart("bar", N_("Hồ sơ tiếp nhận và giải quyết xong"), "name",
               ("received", "completed"), horizontal=True),
         Chart("stacked", N_("Giải quyết xong: trước, đúng và trễ hạn"), "name",
               ("early", "on_time", "late"), horizontal=True)],
        note=N_("Tiếp nhận tính theo ngày nhận hồ sơ; giải quyết xong tính theo ngày xử lý "
                "xong. Tỉ lệ đúng hạn = (trước hạn + đúng hạn) ÷ số hồ sơ giải quyết xong."))
    return Report("dossiers", N_("Hồ sơ"), hall.code, period, [table])


# --- wait estimates ---------------------------------------------------------------------------

CLOSE_MINUTES = 5  # an estimate within this of the real wait held for the citizen


def _estimate_row(errors: list[float]) -> list[Any]:
    """Tickets, mean absolute error (minutes) and the share within ±CLOSE_MINUTES."""
    close = sum(1 for e in errors if e <= CLOSE_MINUTES)
    return [len(errors), _minutes(60 * sum(errors) / len(errors)), _share(close, len(errors))]


def estimates_report(session: Session, hall: Hall, period: Period, lang: str) -> Report:
    """How well the wait told at issue held: per sector per day, against the first call (a
    recall or transfer later does not change what the citizen waited before being called)."""
    waited = _seconds(session, Ticket.issued_at, Ticket.first_called_at)
    by_day: dict[tuple[date, Any], list[float]] = defaultdict(list)
    by_sector: dict[Any, list[float]] = defaultdict(list)
    for day, sector_id, told, seconds in session.execute(
            select(Ticket.day, Ticket.issued_sector_id, Ticket.estimated_wait_minutes, waited)
            .where(_in_period(hall, period), Ticket.estimated_wait_minutes.is_not(None),
                   Ticket.first_called_at.is_not(None))):
        error = abs(seconds / 60.0 - told)
        by_day[(day, sector_id)].append(error)
        by_sector[sector_id].append(error)
    sectors, _ = _names(session, hall, lang)
    figures = [Column("tickets", N_("Số được báo trước")),
               Column("mae", N_("Sai số trung bình (phút)"), "minutes"),
               Column("within", N_("Trong khoảng ±5 phút (%)"), "percent")]
    note = N_("Sai số = |thời gian chờ thực tế đến lần gọi đầu tiên − thời gian chờ dự kiến "
              "báo lúc lấy số|, chỉ tính các số đã được gọi.")
    overall = Table(
        "by_sector", N_("Độ chính xác theo lĩnh vực"),
        [Column("name", N_("Lĩnh vực"), "text"), *figures],
        sorted(([sectors.get(k, "?"), *_estimate_row(v)] for k, v in by_sector.items()),
               key=lambda row: row[0]),
        [Chart("bar", N_("Sai số trung bình (phút)"), "name", ("mae",), horizontal=True)],
        note=note)
    daily = Table(
        "by_day", N_("Độ chính xác theo ngày và lĩnh vực"),
        [Column("day", N_("Ngày"), "date"), Column("name", N_("Lĩnh vực"), "text"), *figures],
        sorted([day.isoformat(), sectors.get(k, "?"), *_estimate_row(v)]
               for (day, k), v in by_day.items()),
        note=note)
    return Report("estimates", N_("Thời gian chờ dự kiến"), hall.code, period, [overall, daily])


# --- bookings ---------------------------------------------------------------------------------

BOOKING_FIGURES = [
    Column("made", N_("Đã đặt")), Column("cancelled", N_("Đã hủy")),
    Column("checked_in", N_("Đã đến lấy số")), Column("no_show", N_("Không đến")),
    Column("no_show_rate", N_("Tỉ lệ không đến (%)"), "percent"),
    Column("upcoming", N_("Chưa đến giờ")), Column("early", N_("Đến sớm")),
    Column("on_time", N_("Đúng giờ")), Column("late", N_("Đến muộn")),
    Column("minutes_early", N_("Sớm trung bình (phút)"), "minutes"),
    Column("minutes_late", N_("Muộn trung bình (phút)"), "minutes"),
    Column("through_api", N_("Đặt qua API")),
    Column("api_share", N_("Tỉ lệ đặt qua API (%)"), "percent"),
]


def _booking_row(figures: BookingFigures) -> list[Any]:
    return [figures.made, figures.cancelled, figures.checked_in, figures.no_show,
            _share(figures.no_show, figures.checked_in + figures.no_show), figures.upcoming,
            figures.early, figures.on_time, figures.late,
            _minutes(figures.seconds_early / figures.early) if figures.early else None,
            _minutes(figures.seconds_late / figures.late) if figures.late else None,
            figures.through_api, _share(figures.through_api, figures.made)]


def bookings_report(session: Session, hall: Hall, period: Period, lang: str) -> Report:
    """Appointments per sector, per day and per both: booked, cancelled, checked in, missed,
    punctuality and the share booked through the API (booking's figures)."""
    figures = booking_figures(session, hall, period.first, period.last, period.now)
    by_sector: dict[int, BookingFigures] = defaultdict(BookingFigures)
    by_day: dict[date, BookingFigures] = defaultdict(BookingFigures)
    for (day, sector_id), found in figures.items():
        by_sector[sector_id].add(found)
        by_day[day].add(found)
    sectors, _ = _names(session, hall, lang)
    note = N_("Tính theo ngày hẹn. Không đến: lịch còn hiệu lực đã quá giờ hẹn cộng thời gian "
              "cho phép đến muộn; chưa đến giờ: chưa quá. Đến sớm: lấy số trước giờ hẹn; đúng "
              "giờ: từ giờ hẹn đến hết thời gian cho phép đến muộn; đến muộn: sau đó (được cấp "
              "số như người đến trực tiếp). Tỉ lệ không đến = không đến ÷ (đã đến lấy số + "
              "không đến). Đặt qua API: cổng dịch vụ công đặt thay công dân; còn lại đặt trên "
              "trang đặt lịch.")
    tables = [
        Table("by_sector", N_("Theo lĩnh vực"),
              [Column("name", N_("Lĩnh vực"), "text"), *BOOKING_FIGURES],
              sorted(([sectors.get(k, "?"), *_booking_row(v)] for k, v in by_sector.items()),
                     key=lambda row: row[0]),
              [Chart("stacked", N_("Đến lấy số so với giờ hẹn, và không đến"), "name",
                     ("early", "on_time", "late", "no_show"), horizontal=True),
               Chart("bar", N_("Lịch đã đặt, trong đó qua API"), "name", ("made", "through_api"),
                     horizontal=True)],
              note=note),
        Table("by_day", N_("Theo ngày"),
              [Column("day", N_("Ngày"), "date"), *BOOKING_FIGURES],
              [[day.isoformat(), *_booking_row(by_day.get(day, BookingFigures()))]
               for day in period.each_day()],
              [Chart("line", N_("Lịch hẹn mỗi ngày"), "day", ("made", "checked_in", "no_show"))],
              note=note),
        Table("by_day_sector", N_("Theo ngày và lĩnh vực"),
              [Column("day", N_("Ngày"), "date"), Column("name", N_("Lĩnh vực"), "text"),
               *BOOKING_FIGURES],
              sorted(([day.isoformat(), sectors.get(k, "?"), *_booking_row(v)]
                      for (day, k), v in figures.items()), key=lambda row: (row[0], row[1])),
              note=note),
    ]
    return Report("bookings", N_("Lịch hẹn đã đặt"), hall.code, period, tables)


# --- the registry the page and the exports use ------------------------------------------------

ReportFunction = Callable[[Session, Hall, Period, str], Report]

REPORTS: dict[str, tuple[str, ReportFunction]] = {
    "traffic": (N_("Lượt lấy số"), traffic_report),
    "times": (N_("Thời gian chờ và phục vụ"), times_report),
    "outcomes": (N_("Bỏ về và chuyển"), outcomes_report),
    "satisfaction": (N_("Mức độ hài lòng"), satisfaction_report),
    "dossiers": (N_("Hồ sơ"), dossiers_report),
    "estimates": (N_("Thời gian chờ dự kiến"), estimates_report),
    "bookings": (N_("Lịch hẹn đã đặt"), bookings_report),
}


def build_report(session: Session, hall: Hall, key: str, period: Period,
                 lang: str = "vi") -> Report:
    """Report `key` (one of `REPORTS`); `lang` picks the sectors' names ("vi" or "en")."""
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL would JIT-compile these queries (their estimates look big) and spend
        # longer compiling than running them: a quarter of a second on a year.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))  # a year's join without temp files
    return REPORTS[key][1](session, hall, period, lang)
