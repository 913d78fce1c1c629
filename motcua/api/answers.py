"""The API's answers that more than one route gives: a ticket, and a ticket just taken (at
the kiosk's tap, or at a booking's check-in)."""
from __future__ import annotations

from typing import Any

from flask import url_for

from motcua.kiosk.services import TakenTicket
from motcua.queue import services
from motcua.queue.models import Ticket


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {**services.ticket_payload(ticket), "token": ticket.token,
            "status_url": url_for("api.ticket_status", token=ticket.token)}


def taken_ticket_json(taken: TakenTicket) -> dict[str, Any]:
    """The ticket, the people ahead, the estimate as a range, the counters that serve it, and
    its slip's print job (queued, never waited for)."""
    issued, job = taken.issued, taken.print_job
    ticket = issued.ticket
    return {
        **ticket_json(ticket),
        "issued_at": ticket.issued_at.isoformat(),
        "ahead": issued.ahead,
        "estimated_wait_minutes": issued.estimated_wait_minutes,
        "estimated_wait": {"low": issued.estimated_wait.low, "high": issued.estimated_wait.high},
        "counters": list(taken.counters),
        "past_closing": issued.past_closing,
        "print_job": {"id": job.id, "status": job.status.value, "error": job.error} if job else None,
    }
