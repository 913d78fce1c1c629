"""What pages and the API show about dossiers: the citizen's view, the staff's view, and the
public figures per month. Plain dicts and dataclasses, no Flask."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from motcua.core.clock import Clock
from motcua.dossier import access, lifecycle
from motcua.dossier.calendar import Outcome, on_time_rate
from motcua.dossier.models import Dossier, DossierStatus, Procedure
from motcua.dossier.settings import DossierSettings
from motcua.queue.models import Hall, Sector

# The history a citizen sees shows the note only where it is addressed to them.
NOTES_FOR_CITIZENS = frozenset({
    DossierStatus.REFUSED, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.AWAITING_FEES,
    DossierStatus.STOPPED,
})


def is_late(dossier: Dossier, now: datetime) -> bool:
    """Late by the hall's calendar date, as on-time statistics judge it.

    A completed dossier is late if it was completed after its due date; an open one once
    its due date has passed without completion. A dossier paused for a supplement is not
    late while it waits for the citizen.
    """
    if dossier.outcome is not None:
        return dossier.outcome == Outcome.LATE.value
    if dossier.status not in lifecycle.RUNNING or dossier.due_at is None:
        return False
    zone = ZoneInfo(dossier.hall.time_zone)
    return now.astimezone(zone).date() > dossier.due_at.astimezone(zone).date()


def public_view(dossier: Dossier, clock: Clock) -> dict[str, Any]:
    """What the holder of the receipt may see: no phone, address or full name."""
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "sector": {"code": dossier.sector.code, "name_vi": dossier.sector.name_vi,
                   "name_en": dossier.sector.name_en},
        "applicant": access.masked_name(dossier.applicant_name),
        "status": int(dossier.status),
        "received_at": dossier.received_at.isoformat(),
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "paused": dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and dossier.due_at is not None,
        "completed_at": dossier.completed_at.isoformat() if dossier.completed_at else None,
        "closed": dossier.closed_at is not None,
        "outcome": dossier.outcome,
        "late": is_late(dossier, clock.now()),
        "delivery": dossier.delivery.value,
        "time_zone": dossier.hall.time_zone,
        "online": dossier.submitted_online,
        "supplement_received_at": (dossier.supplement_received_at.isoformat()
                                   if dossier.supplement_received_at else None),
        "history": [
            {"status": int(e.to_status), "kind": e.kind, "at": e.at.isoformat(),
             "note": e.note if e.to_status in NOTES_FOR_CITIZENS else None}
            for e in dossier.events
        ],
    }


def staff_view(dossier: Dossier, clock: Clock) -> dict[str, Any]:
    """Everything staff need: the applicant, the documents, who did what."""
    view = public_view(dossier, clock)
    view.update({
        "id": dossier.id,
        "hall": dossier.hall.code,
        "procedure_code": dossier.procedure.code,
        "applicant": dossier.applicant_name,
        "applicant_phone": dossier.applicant_phone,
        "applicant_address": dossier.applicant_address,
        "documents": dossier.documents,
        "sets": dossier.sets,
        "processing_time": dossier.processing_time,
        "unit": dossier.unit,
        "counter": dossier.counter.number if dossier.counter else None,
        "ticket": dossier.ticket.display_number if dossier.ticket else None,
        "received_by": dossier.received_by.username if dossier.received_by else None,
        "register_book": dossier.register_book,
        "register_entry": dossier.register_entry,
        "next_statuses": [int(s) for s in lifecycle.next_statuses(
            dossier.status, taken_on=dossier.due_at is not None)],
        "files": [{"id": f.id, "document": f.document, "name": f.original_name,
                   "content_type": f.content_type, "size": f.size, "sha256": f.sha256,
                   "uploaded_at": f.uploaded_at.isoformat()}
                  for f in dossier.files],
        "collected_by": ({"name": dossier.collected_by_name,
                          "relation": dossier.collected_by_relationship.value
                          if dossier.collected_by_relationship else None}
                         if dossier.collected_by_name else None),
        "history": [
            {"status": int(e.to_status), "from": int(e.from_status) if e.from_status else None,
             "kind": e.kind, "at": e.at.isoformat(), "actor": e.actor, "note": e.note,
             "data": e.data}
            for e in dossier.events
        ],
    })
    return view


def due_soon_item(dossier: Dossier, clock: Clock) -> dict[str, Any]:
    assert dossier.due_at is not None  # due soon: its clock runs
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "sector": dossier.sector.code,
        "status": int(dossier.status),
        "due_at": dossier.due_at.isoformat(),
        "overdue": dossier.due_at < clock.now(),
        "late": is_late(dossier, clock.now()),
    }


# --- public figures -------------------------------------------------------------------------


@dataclass
class Figures:
    """A month's (or any period's) numbers: received, completed and how completions went."""

    received: int = 0
    completed: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """(early + on time) ÷ completed; None when nothing was completed."""
        return on_time_rate(
            [Outcome.EARLY] * self.early + [Outcome.ON_TIME] * self.on_time + [Outcome.LATE] * self.late
        )

    def add(self, other: Figures) -> None:
        self.received += other.received
        self.completed += other.completed
        self.early += other.early
        self.on_time += other.on_time
        self.late += other.late

    def as_dict(self) -> dict[str, Any]:
        rate = self.on_time_rate
        return {"received": self.received, "completed": self.completed, "early": self.early,
                "on_time": self.on_time, "late": self.late,
                "on_time_rate": None if rate is None else round(rate, 4)}


@dataclass
class SectorFigures:
    code: str
    name_vi: str
    name_en: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class AgencyFigures:
    """One hall, the receiving agency, with its sectors."""

    hall_code: str
    hall_name: str
    agency_code: str | None
    sectors: list[SectorFigures]
    total: Figures = field(default_factory=Figures)


@dataclass
class Publication:
    date_from: date
    date_to: date
    agencies: list[AgencyFigures]
    total: Figures = field(default_factory=Figures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "total": self.total.as_dict(),
            "agencies": [
                {"hall": a.hall_code, "name": a.hall_name, "agency_code": a.agency_code,
                 "total": a.total.as_dict(),
                 "sectors": [{"code": s.code, "name_vi": s.name_vi, "name_en": s.name_en,
                              **s.figures.as_dict()} for s in a.sectors]}
                for a in self.agencies
            ],
        }


def dossier_figures(session: Session, hall: Hall | None, date_from: date, date_to: date,
                    *, default_agency: str | None = None) -> Publication:
    """Dossiers received and completed (early, on time, late) between two hall-local dates,
    both included, per sector of each hall; `hall` None: every hall.

    Received counts by the date received (for an online dossier, the date it was submitted,
    once the hall accepted it: one still waiting, or refused at intake, was never received);
    completed by the date the dossier reached
    "done" (9), which is also what early / on time / late judge. Two grouped queries on
    indexed dates, so a province's month takes milliseconds, not a scan of its years.
    """
    received_q = (select(Dossier.hall_id, Dossier.sector_id, func.count())
                  .where(Dossier.day >= date_from, Dossier.day <= date_to,
                         Dossier.due_at.is_not(None))
                  .group_by(Dossier.hall_id, Dossier.sector_id))
    completed_q = (select(Dossier.hall_id, Dossier.sector_id, Dossier.outcome, func.count())
                   .where(Dossier.completed_day >= date_from, Dossier.completed_day <= date_to)
                   .group_by(Dossier.hall_id, Dossier.sector_id, Dossier.outcome))
    halls_q = select(Hall).order_by(Hall.name)
    if hall is not None:
        received_q = received_q.where(Dossier.hall_id == hall.id)
        completed_q = completed_q.where(Dossier.hall_id == hall.id)
        halls_q = halls_q.where(Hall.id == hall.id)
    by_sector: dict[tuple[int, int], Figures] = {}
    for hall_id, sector_id, count in session.execute(received_q):
        by_sector.setdefault((hall_id, sector_id), Figures()).received += count
    for hall_id, sector_id, outcome, count in session.execute(completed_q):
        figures = by_sector.setdefault((hall_id, sector_id), Figures())
        figures.completed += count
        if outcome == Outcome.EARLY.value:
            figures.early += count
        elif outcome == Outcome.ON_TIME.value:
            figures.on_time += count
        elif outcome == Outcome.LATE.value:
            figures.late += count

    publication = Publication(date_from, date_to, [])
    halls = session.scalars(halls_q).all()
    sectors = session.scalars(
        select(Sector).where(Sector.hall_id.in_([h.id for h in halls]))
        .order_by(Sector.hall_id, Sector.position)).all()
    for each in halls:
        agency = AgencyFigures(each.code, each.name,
                               DossierSettings.of(each.settings).agency_code or default_agency, [])
        for sector in (s for s in sectors if s.hall_id == each.id):
            figures = by_sector.get((each.id, sector.id), Figures())
            agency.sectors.append(SectorFigures(sector.code, sector.name_vi, sector.name_en, figures))
            agency.total.add(figures)
        publication.agencies.append(agency)
        publication.total.add(agency.total)
    return publication


def what_to_bring(procedure: Procedure) -> dict[str, Any]:
    """A procedure as a citizen reads it before coming: the papers, how many of each, the
    time, the fee, the result and where it is returned, and the law it rests on."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": {"code": procedure.sector.code, "name_vi": procedure.sector.name_vi,
                   "name_en": procedure.sector.name_en},
        "documents": [{"name": d["name"], "form": d.get("form"), "originals": d.get("originals", 0),
                       "copies": d.get("copies", 0)} for d in procedure.documents],
        "sets": procedure.sets,
        "processing_time": procedure.processing_time,
        "unit": procedure.unit,
        "fee_vnd": procedure.fee_vnd,
        "fee_note": procedure.fee_note,
        "result": procedure.result,
        "result_place": procedure.result_place,
        "legal_basis": list(procedure.legal_basis),
        "inter_agency": procedure.inter_agency,
    }
