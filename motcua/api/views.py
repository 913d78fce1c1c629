"""The routes of /api/v1. Each one parses, calls a service, and answers JSON."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from motcua.api.access import counter_actor, is_staff, request_actor, staff_actor
from motcua.api.answers import taken_ticket_json, ticket_json
from motcua.api.openapi import openapi_document
from motcua.api.schemas import CallSpecific, Empty, IssueTicket, Pause, Transfer
from motcua.core.clock import local_now
from motcua.core.errors import N_
from motcua.extensions import csrf, limiter
from motcua.kiosk.services import take_ticket
from motcua.printer import services as printing
from motcua.printer.models import PrintJob
from motcua.queue import readmodels, services
from motcua.queue.models import Counter, Ticket
from motcua.queue.services import COUNTER_STAFF_ONLY
from motcua.web import (
    begin_request_write,
    current_actor,
    current_device,
    db,
    ports,
    runtime,
)
from motcua.web.errors import ApiError
from motcua.web.links import ticket_page_url
from motcua.web.parsing import json_body

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens need none; cookie sessions are checked in `request_actor`


def _configured_limit(key: str) -> Callable[[], str]:
    return lambda: str(current_app.config[key])


def _kiosk_key() -> str:
    """Rate-limit a kiosk by its device, everyone else by address; never by a token, as the
    keys sit in Redis in plain text."""
    device = current_device()
    return f"kiosk:{device.id}" if device is not None else f"ip:{request.remote_addr}"


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/halls/<hall>/sectors")
def sectors(hall: str) -> Response:
    found = services.get_hall(db(), hall)
    return jsonify({
        # `now`: the hall's time, by which a kiosk sets its clock (a kiosk PC's own may drift).
        "hall": {"code": found.code, "name": found.name,
                 "now": local_now(runtime().clock, found.time_zone).isoformat()},
        "sectors": readmodels.hall_sectors(db(), runtime().clock, found),
    })


@bp.post("/halls/<hall>/tickets")
@limiter.limit(_configured_limit("KIOSK_RATE_LIMIT"), key_func=_kiosk_key)
def issue_ticket(hall: str) -> tuple[Response, int]:
    begin_request_write()
    actor = request_actor()
    body = json_body(IssueTicket)
    taken = take_ticket(ports(), device=current_device(), hall_code=hall, sector_code=body.sector,
                        priority=body.priority, actor=actor, status_url=ticket_page_url)
    return jsonify(taken_ticket_json(taken)), 201


@bp.get("/tickets/<token>")
def ticket_status(token: str) -> Response:
    ticket = services.get_ticket_by_token(db(), token)
    return jsonify(readmodels.ticket_status(db(), runtime().clock, ticket))


@bp.get("/halls/<hall>/queue")
def queue(hall: str) -> Response:
    found = services.get_hall(db(), hall)
    return jsonify(readmodels.queue_snapshot(db(), runtime().clock, found))


CounterAction = Callable[..., services.AtCounter]


def _counter_json(counter: Counter, current: Ticket | None, *, staff: bool = True
                  ) -> dict[str, Any]:
    """The counter and its ticket; the ticket's token (the phone page's secret) for staff only,
    everyone else reads what the board shows."""
    ticket = None
    if current is not None:
        ticket = ticket_json(current) if staff else services.ticket_payload(current)
    return {
        "ticket": ticket,
        "counter": readmodels.counter_view(counter, current),
    }


def _counter_answer(hall: str, number: int) -> Response:
    found = services.get_hall(db(), hall)
    counter = services.get_counter(db(), found, number)
    return jsonify(_counter_json(counter, services.current_ticket(db(), counter),
                                 staff=is_staff(current_actor())))


# The answers to counter actions (always hall staff's) show what the action left, as the
# service hands it back: reading the hall, the counter and the ticket again would double
# the queries of the officers' busiest requests.


@bp.post("/halls/<hall>/counters/<int:number>/call-next")
def call_next(hall: str, number: int) -> Response:
    begin_request_write()  # the officers' busiest request: one transaction, as a kiosk tap
    actor = counter_actor(COUNTER_STAFF_ONLY)
    json_body(Empty)
    done = services.call_next(ports(), hall_code=hall, counter_number=number, actor=actor)
    answer = _counter_json(done.counter, done.ticket)
    if done.ticket is None:
        answer["message"] = "Không có ai đang chờ / Nobody is waiting"
    return jsonify(answer)


@bp.post("/halls/<hall>/counters/<int:number>/call")
def call_specific(hall: str, number: int) -> Response:
    actor = counter_actor(COUNTER_STAFF_ONLY)
    body = json_body(CallSpecific)
    done = services.call_specific(ports(), hall_code=hall, counter_number=number, actor=actor,
                                  display_number=body.display_number, reason=body.reason)
    return jsonify(_counter_json(done.counter, done.ticket))


@bp.post("/halls/<hall>/counters/<int:number>/transfer")
def transfer(hall: str, number: int) -> Response:
    actor = counter_actor(COUNTER_STAFF_ONLY)
    body = json_body(Transfer)
    done = services.transfer(ports(), hall_code=hall, counter_number=number, actor=actor,
                             to_sector=body.to_sector, to_counter=body.to_counter,
                             reason=body.reason)
    assert done.acted_on is not None  # a transfer always moves the current ticket
    answer = _counter_json(done.counter, done.ticket)
    answer["transferred"] = ticket_json(done.acted_on)
    return jsonify(answer)


@bp.post("/halls/<hall>/counters/<int:number>/pause")
def pause(hall: str, number: int) -> Response:
    actor = counter_actor(COUNTER_STAFF_ONLY)
    body = json_body(Pause)
    done = services.pause_counter(ports(), hall_code=hall, counter_number=number, actor=actor,
                                  reason=body.reason)
    return jsonify(_counter_json(done.counter, done.ticket))


SIMPLE_ACTIONS: dict[str, CounterAction] = {
    "recall": services.recall,
    "start": services.start_serving,
    "complete": services.complete,
    "no-show": services.mark_no_show,
    "resume": services.resume_counter,
    "open": services.open_counter,
    "close": services.close_counter,
}


@bp.post("/halls/<hall>/counters/<int:number>/<action>")
def counter_action(hall: str, number: int, action: str) -> Response:
    if action not in SIMPLE_ACTIONS:
        raise ApiError(404, "not_found", f"Unknown counter action '{action}'")
    actor = counter_actor(COUNTER_STAFF_ONLY)
    json_body(Empty)
    done = SIMPLE_ACTIONS[action](ports(), hall_code=hall, counter_number=number, actor=actor)
    return jsonify(_counter_json(done.counter, done.ticket))


@bp.post("/print-jobs/<int:job_id>/reprint")
def reprint(job_id: int) -> tuple[Response, int]:
    """Print a ticket or receipt again on purpose (staff), e.g. after a printer fault."""
    actor = staff_actor(N_("Chỉ cán bộ của bộ phận một cửa mới in lại được."))
    json_body(Empty)
    job = db().get(PrintJob, job_id)
    if job is None or actor.hall_id not in (None, job.hall_id):
        raise ApiError(404, "print_job_not_found", f"No print job {job_id}")
    again = printing.reprint(ports(), job_id, requested_by=actor.label)
    return jsonify({"print_job": {"id": again.id, "status": again.status.value,
                                  "error": again.error}}), 201


@bp.get("/halls/<hall>/counters/<int:number>")
def counter(hall: str, number: int) -> Response:
    return _counter_answer(hall, number)
