"""Dossier routes of the JSON API v1 (same prefix, auth and error format as `motcua.api`).

    POST /api/v1/halls/<hall>/counters/<n>/dossiers   receive at a counter (staff)
    GET  /api/v1/halls/<hall>/procedures               the hall's catalogue
    GET  /api/v1/halls/<hall>/dossiers/due-soon        due within 24 h, overdue first (staff)
    GET  /api/v1/dossiers/<code>                       one dossier (staff)
    POST /api/v1/dossiers/<code>/status                change its status (staff)
    POST /api/v1/dossiers/<code>/hand-back             return the result, recording who took it (staff)
    GET  /api/v1/halls/<hall>/dossiers/online          online dossiers awaiting a decision (staff)
    GET  /api/v1/publication?month=YYYY-MM[&hall=]     public monthly figures
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from pydantic import BaseModel, ConfigDict, Field

from motcua.api.access import counter_actor, staff_actor
from motcua.api.openapi import COUNTER, ERROR, HALL, STAFF
from motcua.core.actors import Actor
from motcua.core.errors import N_
from motcua.dossier import readmodels, services
from motcua.dossier.installation import installation as configured
from motcua.dossier.models import CollectorRelation, Delivery, Dossier, DossierStatus
from motcua.dossier.notice import TITLES as NOTICE_TITLES
from motcua.dossier.printing import print_notice, print_receipt
from motcua.dossier.public import publication_for
from motcua.extensions import csrf
from motcua.queue.services import get_hall
from motcua.web import db, ports, runtime
from motcua.web.errors import ApiError, error_response
from motcua.web.links import dossier_lookup_url, procedure_page_url
from motcua.web.parsing import json_body

STAFF_ONLY = N_("Chỉ cán bộ của bộ phận một cửa mới làm việc được với hồ sơ.")

bp = Blueprint("dossier_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens need none; cookie sessions are checked in `staff_actor`


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=500)
    originals: int = Field(default=0, ge=0, le=services.MAX_COUNT)
    copies: int = Field(default=0, ge=0, le=services.MAX_COUNT)


class ReceiveDossier(BaseModel):
    model_config = ConfigDict(extra="forbid")
    procedure: str = Field(min_length=1, max_length=20)
    applicant_name: str = Field(min_length=1, max_length=200)
    applicant_phone: str = Field(default="", max_length=20)
    applicant_address: str = Field(default="", max_length=300)
    id_card: str | None = Field(default=None, max_length=20)
    documents: list[Document] = Field(min_length=1, max_length=50)
    sets: int = Field(default=1, ge=1, le=services.MAX_SETS)
    delivery: Delivery = Delivery.COUNTER
    print_receipt: bool = True


class ChangeStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: DossierStatus
    note: str | None = Field(default=None, max_length=1000)
    print_notice: bool = True  # a refusal or supplement request prints its slip


class HandBack(BaseModel):
    model_config = ConfigDict(extra="forbid")
    collector_name: str = Field(min_length=1, max_length=200)
    relation: CollectorRelation
    id_card: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=1000)


def _own(actor: Actor, dossier: Dossier) -> Dossier:
    if actor.hall_id not in (None, dossier.hall_id):
        raise ApiError(404, "dossier_not_found", "No such dossier")  # other halls' stay unseen
    return dossier


def _dossier_json(dossier: Dossier) -> dict[str, Any]:
    view = readmodels.staff_view(dossier, runtime().clock)
    hall = dossier.hall.code
    view["links"] = {
        "lookup": dossier_lookup_url(dossier.qr_secret),
        "receipt_pdf": url_for("dossier.receipt_a4", hall_code=hall, code=dossier.code),
        "receipt_png": url_for("dossier.receipt_preview", hall_code=hall, code=dossier.code),
        "page": url_for("dossier.dossier", hall_code=hall, code=dossier.code),
    }
    view["short_secret"] = dossier.short_secret
    return view


@bp.post("/halls/<hall>/counters/<int:number>/dossiers")
def receive(hall: str, number: int) -> tuple[Response, int]:
    actor = counter_actor(STAFF_ONLY)
    body: ReceiveDossier = json_body(ReceiveDossier)
    intake = services.Intake(
        procedure_code=body.procedure,
        applicant=services.Applicant(name=body.applicant_name, phone=body.applicant_phone,
                                     address=body.applicant_address, id_card=body.id_card),
        documents=tuple(services.HandedDocument(d.name, d.originals, d.copies) for d in body.documents),
        sets=body.sets, delivery=body.delivery)
    dossier = services.receive_dossier(ports(), hall_code=hall, counter_number=number, actor=actor,
                                       intake=intake, installation=configured())
    answer = _dossier_json(dossier)
    if body.print_receipt:
        job = print_receipt(dossier, actor.label)
        answer["print_job"] = {"id": job.id, "status": job.status.value}
    return jsonify(answer), 201


@bp.get("/halls/<hall>/procedures")
def procedures(hall: str) -> Response:
    found = get_hall(db(), hall)
    return jsonify({"hall": found.code, "procedures": [
        {"code": p.code, "name": p.name, "sector": p.sector.code,
         "processing_time": p.processing_time, "unit": p.unit, "inter_agency": p.inter_agency,
         "documents": p.documents, "fee_vnd": p.fee_vnd, "fee_note": p.fee_note, "sets": p.sets,
         "result": p.result, "result_place": p.result_place, "legal_basis": p.legal_basis,
         "page_url": procedure_page_url(found.code, p.code)}
        for p in services.procedures_of(db(), found)]})


@bp.get("/halls/<hall>/dossiers/due-soon")
def due_soon(hall: str) -> Response:
    actor = staff_actor(STAFF_ONLY)
    found = get_hall(db(), hall)
    if actor.hall_id not in (None, found.id):
        raise ApiError(403, "forbidden", "This hall is not yours")
    clock = runtime().clock
    return jsonify({"hall": found.code, "within_hours": 24, "dossiers": [
        readmodels.due_soon_item(d, clock) for d in services.due_soon(db(), clock, found)]})


@bp.get("/dossiers/<code>")
def dossier(code: str) -> Response:
    actor = staff_actor(STAFF_ONLY)
    return jsonify(_dossier_json(_own(actor, services.get_dossier(db(), code))))


@bp.post("/dossiers/<code>/status")
def change_status(code: str) -> Response:
    actor = staff_actor(STAFF_ONLY)
    body: ChangeStatus = json_body(ChangeStatus)
    _own(actor, services.get_dossier(db(), code))
    changed = services.change_status(ports(), code=code, status=body.status, actor=actor,
                                     note=body.note)
    answer = _dossier_json(changed)
    if body.print_notice and body.status in NOTICE_TITLES:
        job = print_notice(changed, actor.name, actor.label)
        answer["print_job"] = {"id": job.id, "status": job.status.value}
    return jsonify(answer)


@bp.post("/dossiers/<code>/hand-back")
def hand_back(code: str) -> Response:
    actor = staff_actor("Only hall staff can work on dossiers")
    _own(actor, services.get_dossier(db(), code))  # another hall's dossier stays unseen
    body: HandBack = json_body(HandBack)
    returned = services.hand_back(
        ports(), code=code, actor=actor, installation=configured(), note=body.note,
        collector=services.Collector(body.collector_name, body.relation, body.id_card))
    return jsonify(_dossier_json(returned))


@bp.get("/halls/<hall>/dossiers/online")
def online_queue(hall: str) -> Response:
    actor = staff_actor("Only hall staff can work on dossiers")
    found = get_hall(db(), hall)
    if actor.hall_id not in (None, found.id):
        raise ApiError(403, "forbidden", "This hall is not yours")
    return jsonify({"hall": found.code, "dossiers": [
        _dossier_json(d) for d in services.online_queue(db(), found)]})


@bp.get("/publication")
def publication() -> Response | tuple[Response, int]:
    found = publication_for(request.args.get("month"), request.args.get("hall") or None)
    if found is None:
        return error_response(422, "invalid_request", "month: expected YYYY-MM, e.g. 2026-11")
    figures, first, _last = found
    return jsonify({"month": f"{first:%Y-%m}", **figures.as_dict()})


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): _json(ERROR, "An error: {\"error\": {code, message}}") for s in statuses}


def openapi_description() -> tuple[dict[str, Any], dict[str, Any]]:
    """These routes for /api/v1/openapi.json: their paths, and the request schemas (pydantic)."""
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
            "description": "The dossier code, e.g. H21.65-261125-0001"}
    dossier = _json({"$ref": "#/components/schemas/Dossier"}, "The dossier as staff see it")
    paths = {
        "/api/v1/halls/{hall}/counters/{number}/dossiers": {"post": {
            "summary": "Receive a dossier from the citizen served at the counter: code, due date, "
                       "secrets; the receipt is printed on the counter's printer",
            "parameters": [HALL, COUNTER], "security": STAFF,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ReceiveDossier"}}}},
            "responses": {"201": dossier, **_errors(400, 401, 403, 404, 409, 413, 422)}}},
        "/api/v1/halls/{hall}/procedures": {"get": {
            "summary": "The hall's procedure catalogue: papers to bring with the numbers of "
                       "originals and copies, fees, result, where it is returned, legal basis, "
                       "and the public page of each",
            "parameters": [HALL],
            "responses": {"200": _json({"type": "object"}, "Procedures"), **_errors(404)}}},
        "/api/v1/halls/{hall}/dossiers/due-soon": {"get": {
            "summary": "Open dossiers due within 24 hours, overdue first",
            "parameters": [HALL], "security": STAFF,
            "responses": {"200": _json({"type": "object"}, "Dossiers due soon"),
                          **_errors(401, 403, 404)}}},
        "/api/v1/dossiers/{code}": {"get": {
            "summary": "A dossier, its documents and its history (staff of its hall)",
            "parameters": [code], "security": STAFF,
            "responses": {"200": dossier, **_errors(401, 403, 404)}}},
        "/api/v1/dossiers/{code}/status": {"post": {
            "summary": "Move a dossier to another status of the national catalogue (allowed "
                       "transitions only; statuses that concern the citizen need a note)",
            "parameters": [code], "security": STAFF,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ChangeStatus"}}}},
            "responses": {"200": dossier, **_errors(400, 401, 403, 404, 409, 422)}}},
        "/api/v1/dossiers/{code}/hand-back": {"post": {
            "summary": "Return the result (status 9 → 10), recording who collected it: name, "
                       "relation, ID-card number (kept only as a keyed hash; not for the post)",
            "parameters": [code], "security": STAFF,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/HandBack"}}}},
            "responses": {"200": dossier, **_errors(400, 401, 403, 404, 409, 422)}}},
        "/api/v1/halls/{hall}/dossiers/online": {"get": {
            "summary": "Dossiers registered online that await a counter's decision, oldest first: "
                       "those not accepted yet, and those whose citizen sent the supplement asked "
                       "for (supplement_received_at)",
            "parameters": [HALL], "security": STAFF,
            "responses": {"200": _json({"type": "object"}, "Online dossiers"),
                          **_errors(401, 403, 404)}}},
        "/api/v1/publication": {"get": {
            "summary": "Dossiers received, completed, early, on time and late per sector and agency "
                       "in a month, with the on-time rate (public)",
            "parameters": [
                {"name": "month", "in": "query", "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                 "description": "YYYY-MM; this month when omitted"},
                {"name": "hall", "in": "query", "schema": {"type": "string"},
                 "description": "One hall's code; every hall when omitted"}],
            "responses": {"200": _json({"type": "object"}, "The month's figures"),
                          **_errors(404, 422)}}},
    }
    schemas: dict[str, Any] = {"Dossier": {"type": "object", "properties": {
        "code": {"type": "string"}, "status": {"type": "integer", "minimum": 1, "maximum": 10},
        "due_at": {"type": ["string", "null"], "format": "date-time",
                   "description": "null until an online dossier is accepted"},
        "late": {"type": "boolean"},
        "supplement_received_at": {"type": ["string", "null"], "format": "date-time",
                                   "description": "when the citizen of an online dossier sent "
                                                  "the supplement asked for, until the next "
                                                  "status change"},
        "next_statuses": {"type": "array", "items": {"type": "integer"}},
        "history": {"type": "array", "items": {"type": "object"}},
        "links": {"type": "object"}, "print_job": {"type": ["object", "null"]}}}}
    for model in (ReceiveDossier, ChangeStatus, HandBack):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return paths, schemas
