"""Booking routes of the JSON API v1 (same prefix, auth and error format as `motcua.api`):

    GET  /api/v1/halls/<hall>/sectors/<sector>/slots     free slots of the next days (public)
    POST /api/v1/halls/<hall>/bookings                   book for a citizen (a token of the hall)
    GET  /api/v1/halls/<hall>/bookings/<code>            one booking (a token of the hall)
    POST /api/v1/halls/<hall>/bookings/<code>/cancel     cancel it
    POST /api/v1/halls/<hall>/bookings/<code>/move       move it to another slot
    POST /api/v1/halls/<hall>/check-ins                  the kiosk checks a booking in: a ticket

A provincial portal books on a citizen's behalf with an API token of the hall
(`motcua tokens create`); the kiosk checks in with its device token.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from motcua.api.access import request_actor, staff_actor
from motcua.api.answers import taken_ticket_json
from motcua.api.openapi import ERROR, HALL
from motcua.booking import readmodels, services
from motcua.booking.models import Booking
from motcua.booking.slots import settings_of
from motcua.core.actors import Actor
from motcua.dossier.installation import installation
from motcua.extensions import csrf, limiter
from motcua.queue.errors import Forbidden
from motcua.queue.models import Hall
from motcua.queue.services import get_hall, get_hall_and_sector
from motcua.web import current_device, db, ports, runtime
from motcua.web.errors import ApiError
from motcua.web.links import booking_page_url, ticket_page_url
from motcua.web.parsing import json_body

bp = Blueprint("booking_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens need none; cookie sessions are checked in `request_actor`

HALL_TOKENS_ONLY = "Bookings are made and read with an API token of the hall"


class Book(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sector: str = Field(min_length=1, max_length=40)
    slot_at: datetime  # an offered slot's start, with its offset, as the slots route gives it
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=30)
    id_card: str | None = Field(default=None, max_length=20)
    procedure: str | None = Field(default=None, max_length=40)


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slot_at: datetime


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=300)  # typed code, scanned booking QR or chip card


def _hall_token(hall: Hall) -> Actor:
    actor = staff_actor(HALL_TOKENS_ONLY)
    if actor.hall_id not in (None, hall.id):
        raise ApiError(403, "forbidden", HALL_TOKENS_ONLY)
    return actor


def _booking_json(booking: Booking) -> dict[str, Any]:
    return {**readmodels.booking_view(booking), "links": {
        "page": booking_page_url(booking.secret),
        "api": url_for("booking_api.get_booking", hall=booking.hall.code, code=booking.code)}}


@bp.get("/halls/<hall>/sectors/<sector>/slots")
def free_slots(hall: str, sector: str) -> Response:
    found, chosen = get_hall_and_sector(db(), hall, sector)
    days = readmodels.free_slots(db(), runtime().clock, found, chosen)
    return jsonify({"hall": found.code, "sector": chosen.code, "days": readmodels.slots_json(days)})


@bp.post("/halls/<hall>/bookings")
def create_booking(hall: str) -> tuple[Response, int]:
    found = get_hall(db(), hall)
    actor = _hall_token(found)
    body = json_body(Book)
    made = services.book(ports(), hall_code=found.code, sector_code=body.sector,
                         slot_at=body.slot_at,
                         applicant=services.Applicant(body.name, body.phone, body.id_card,
                                                      body.procedure),
                         id_card_key=installation().id_card_key, booked_by=actor.label)
    return jsonify(_booking_json(made)), 201


@bp.get("/halls/<hall>/bookings/<code>")
def get_booking(hall: str, code: str) -> Response:
    found = get_hall(db(), hall)
    _hall_token(found)
    return jsonify(_booking_json(services.by_code(db(), found, code)))


@bp.post("/halls/<hall>/bookings/<code>/cancel")
def cancel_booking(hall: str, code: str) -> Response:
    found = get_hall(db(), hall)
    _hall_token(found)
    booking = services.by_code(db(), found, code)
    return jsonify(_booking_json(services.cancel(ports(), booking_id=booking.id)))


@bp.post("/halls/<hall>/bookings/<code>/move")
def move_booking(hall: str, code: str) -> Response:
    found = get_hall(db(), hall)
    _hall_token(found)
    body = json_body(Move)
    booking = services.by_code(db(), found, code)
    return jsonify(_booking_json(services.move(ports(), booking_id=booking.id,
                                               slot_at=body.slot_at)))


def _kiosk_key() -> str:
    device = current_device()
    return f"kiosk:{device.id}" if device is not None else f"ip:{request.remote_addr}"


@bp.post("/halls/<hall>/check-ins")
@limiter.limit(lambda: str(current_app.config["KIOSK_RATE_LIMIT"]), key_func=_kiosk_key)
def check_in(hall: str) -> tuple[Response, int]:
    """A ticket for a booking of today, as the kiosk's issuing answers, with what to say."""
    actor = request_actor()
    found = get_hall(db(), hall)
    if actor.kind not in ("kiosk", "staff", "token") or actor.hall_id not in (None, found.id):
        raise Forbidden("Only a kiosk or the staff of the hall check its bookings in")
    body = json_body(CheckIn)
    done = services.check_in(ports(), hall_code=found.code, scanned=body.code, device=current_device(),
                             actor=actor, status_url=ticket_page_url,
                             id_card_key=installation().id_card_key)
    ticket = done.taken.issued.ticket
    local = done.booking.slot_at.astimezone(ZoneInfo(ticket.hall.time_zone))
    if not done.appointment:
        note = _("Ông/bà đến muộn quá %(minutes)d phút so với giờ hẹn %(time)s nên được xếp "
                 "như người đến trực tiếp.", minutes=_grace(ticket.hall), time=local.strftime("%H:%M"))
    elif done.early:
        note = _("Ông/bà đến sớm: được mời từ %(time)s, giờ đã hẹn.", time=local.strftime("%H:%M"))
    else:
        note = _("Ông/bà được mời trước theo lịch hẹn %(time)s.", time=local.strftime("%H:%M"))
    answer = {
        **taken_ticket_json(done.taken),
        "booking": {"code": done.booking.code, "slot_at": local.isoformat(),
                    "appointment": done.appointment, "early": done.early, "note": note},
    }
    return jsonify(answer), 201


def _grace(hall: Hall) -> int:
    settings = settings_of(db(), hall)
    return settings.grace_minutes if settings else 0


def openapi_description() -> tuple[dict[str, Any], dict[str, Any]]:
    """These routes for /api/v1/openapi.json: their paths, and the request schemas (pydantic)."""
    token: list[dict[str, list[str]]] = [{"bearer": []}]
    sector = {"name": "sector", "in": "path", "required": True, "schema": {"type": "string"}}
    code = {"name": "code", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": r"^\d{8}$"}, "description": "The booking code"}
    booking = _json({"$ref": "#/components/schemas/Booking"}, "The booking")

    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{name}"}}}}

    paths = {
        "/api/v1/halls/{hall}/sectors/{sector}/slots": {"get": {
            "summary": "Days with free slots for booking a sector, each slot with its free places",
            "parameters": [HALL, sector],
            "responses": {"200": _json({"type": "object"}, "Days and slots"), **_errors(404)}}},
        "/api/v1/halls/{hall}/bookings": {"post": {
            "summary": "Book a slot for a citizen (a portal, with an API token of the hall); the "
                       "answer has the 8-digit code and the link of the booking's page",
            "parameters": [HALL], "security": token, "requestBody": body("Book"),
            "responses": {"201": booking, **_errors(401, 403, 404, 409, 422)}}},
        "/api/v1/halls/{hall}/bookings/{code}": {"get": {
            "summary": "One booking", "parameters": [HALL, code], "security": token,
            "responses": {"200": booking, **_errors(401, 403, 404)}}},
        "/api/v1/halls/{hall}/bookings/{code}/cancel": {"post": {
            "summary": "Cancel a booking: its place is free again",
            "parameters": [HALL, code], "security": token,
            "responses": {"200": booking, **_errors(401, 403, 404, 409)}}},
        "/api/v1/halls/{hall}/bookings/{code}/move": {"post": {
            "summary": "Move a booking to another slot of its sector",
            "parameters": [HALL, code], "security": token, "requestBody": body("Move"),
            "responses": {"200": booking, **_errors(401, 403, 404, 409, 422)}}},
        "/api/v1/halls/{hall}/check-ins": {"post": {
            "summary": "Check a booking of today in at the kiosk (typed code, scanned booking QR "
                       "or chip ID card QR): a ticket flagged as an appointment, or a walk-in "
                       "ticket when later than the grace period",
            "parameters": [HALL], "security": token, "requestBody": body("CheckIn"),
            "responses": {"201": _json({"type": "object"}, "The ticket and the booking"),
                          **_errors(401, 403, 404, 409, 422, 429)}}},
    }
    schemas: dict[str, Any] = {"Booking": {"type": "object", "properties": {
        "code": {"type": "string"}, "sector": {"type": "string"},
        "slot_at": {"type": "string", "format": "date-time"},
        "status": {"type": "string", "enum": ["confirmed", "cancelled", "checked-in"]},
        "links": {"type": "object"}}}}
    for model in (Book, Move, CheckIn):
        schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return paths, schemas


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): _json(ERROR, "An error: {\"error\": {code, message}}") for s in statuses}
