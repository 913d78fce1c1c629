"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Request bodies come from the pydantic models the views validate with, so the document
cannot drift from what the API accepts; a test checks that every route is described.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from motcua.api.schemas import CallSpecific, IssueTicket, Pause, Transfer
from motcua.inputs import DB_INT_MAX

ERROR = {"$ref": "#/components/schemas/Error"}
STAFF: list[dict[str, list[str]]] = [{"bearer": []}, {"staffSession": []}]

# Routes other components add under /api/v1, described by them from their `register(app)`.
COMPONENT_PATHS: dict[str, Any] = {}
COMPONENT_SCHEMAS: dict[str, Any] = {}


def describe(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> None:
    """Add a component's routes, and the schemas they refer to, to the document."""
    COMPONENT_PATHS.update(paths)
    COMPONENT_SCHEMAS.update(schemas or {})
    openapi_document.cache_clear()


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {400: "Malformed JSON", 401: "No or unknown credentials", 403: "Wrong role or not your counter",
            404: "Unknown hall, sector, counter or ticket", 409: "Not possible in the current state",
            413: "Body too large", 422: "Wrong or missing fields", 429: "Rate limited"}
    return {str(s): _json(ERROR, text[s]) for s in statuses}


def _body(model: Any) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"required": False, "content": {"application/json": {"schema": schema}}}


# Path values as the routes accept them: codes as the admin forms make them, numbers that fit
# the database (the `<int:…>` converter of motcua.inputs); anything else is a JSON 404.
HALL = {"name": "hall", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,39}$"}}
ROW_NUMBER = {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}
COUNTER = {"name": "number", "in": "path", "required": True, "schema": ROW_NUMBER}
TICKET_TOKEN = {"name": "token", "in": "path", "required": True,
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{10,40}$"}}
COUNTER_ANSWER = {"$ref": "#/components/schemas/CounterAnswer"}


def _counter_op(summary: str, body: Any = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": [HALL, COUNTER],
        "security": STAFF,
        "responses": {"200": _json(COUNTER_ANSWER, "The counter and its current ticket"),
                      **_errors(400, 401, 403, 404, 409, 413, 422)},
    }
    if body is not None:
        op["requestBody"] = _body(body)
    return {"post": op}


@cache
def openapi_document() -> dict[str, Any]:
    simple = {
        "call-next": "Call the next citizen by the calling policy (ticket is null when nobody waits)",
        "recall": "Call the current ticket again (announced again)",
        "start": "Start serving the called citizen",
        "complete": "Finish the current ticket",
        "no-show": "Mark the called citizen as not present",
        "resume": "Resume a paused counter",
        "open": "Sit at the counter (an officer takes it) and open it",
        "close": "Close the counter",
    }
    paths: dict[str, Any] = {
        "/api/v1/openapi.json": {"get": {"summary": "This document",
                                         "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        "/api/v1/halls/{hall}/sectors": {"get": {
            "summary": "Sectors of a hall with waiting counts, estimated waits and whether they issue now",
            "parameters": [HALL],
            "responses": {"200": _json({"$ref": "#/components/schemas/Sectors"}, "Sectors"),
                          **_errors(404)}}},
        "/api/v1/halls/{hall}/tickets": {"post": {
            "summary": "Issue a ticket (kiosk token or staff)",
            "parameters": [HALL],
            "security": [{"bearer": []}, {"staffSession": []}],
            "requestBody": {**_body(IssueTicket), "required": True},
            "responses": {"201": _json({"$ref": "#/components/schemas/IssuedTicket"}, "The new ticket"),
                          **_errors(400, 401, 403, 404, 409, 413, 422, 429)}}},
        "/api/v1/tickets/{token}": {"get": {
            "summary": "A ticket's public status (the QR code's page reads this)",
            "parameters": [TICKET_TOKEN],
            "responses": {"200": _json({"type": "object"}, "Public status, no personal data"),
                          **_errors(404)}}},
        "/api/v1/halls/{hall}/queue": {"get": {
            "summary": "The hall's queue snapshot: sectors, counters, recent calls, who waits",
            "parameters": [HALL],
            "responses": {"200": _json({"type": "object"}, "Snapshot"), **_errors(404)}}},
        "/api/v1/halls/{hall}/counters/{number}": {"get": {
            "summary": "A counter and its current ticket",
            "parameters": [HALL, COUNTER],
            "responses": {"200": _json(COUNTER_ANSWER, "Counter"), **_errors(404)}}},
        "/api/v1/print-jobs/{job_id}/reprint": {"post": {
            "summary": "Print a ticket or receipt again on purpose (staff), e.g. after a printer fault",
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": ROW_NUMBER}],
            "security": STAFF,
            "responses": {"201": _json({"type": "object", "properties": {"print_job": {
                "$ref": "#/components/schemas/PrintJob"}}}, "The new job"),
                **_errors(401, 403, 404, 409)}}},
        "/api/v1/halls/{hall}/counters/{number}/call": _counter_op(
            "Call a specific number out of order (audited; needs a reason)", CallSpecific),
        "/api/v1/halls/{hall}/counters/{number}/transfer": _counter_op(
            "Transfer the current ticket to another sector or counter, keeping its place in line",
            Transfer),
        "/api/v1/halls/{hall}/counters/{number}/pause": _counter_op("Pause the counter", Pause),
    }
    for action, summary in simple.items():
        paths[f"/api/v1/halls/{{hall}}/counters/{{number}}/{action}"] = _counter_op(summary)
    ticket = {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "integer"},
        "display_number": {"type": "string"}, "sector": {"type": "string"},
        "status": {"type": "string", "enum": ["waiting", "called", "serving", "done", "no-show",
                                                "cancelled"]},
        "priority": {"type": ["string", "null"]}, "counter": {"type": ["integer", "null"]},
        "token": {"type": "string"}, "call_count": {"type": "integer"}}}
    schemas: dict[str, Any] = {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
        "Ticket": ticket,
        "IssuedTicket": {"allOf": [{"$ref": "#/components/schemas/Ticket"}, {"type": "object",
            "required": ["number", "display_number", "sector", "token", "ahead",
                         "estimated_wait_minutes"],
            "properties": {"ahead": {"type": "integer"}, "estimated_wait_minutes": {"type": "integer"},
                           "estimated_wait": {"$ref": "#/components/schemas/WaitRange"},
                           "counters": {"type": "array", "items": {"type": "integer"}},
                           "issued_at": {"type": "string", "format": "date-time"},
                           "print_job": {"oneOf": [{"type": "null"},
                                                   {"$ref": "#/components/schemas/PrintJob"}]}}}]},
        "WaitRange": {"type": "object", "required": ["low", "high"], "properties": {
            "low": {"type": "integer"}, "high": {"type": "integer"}}},
        "PrintJob": {"type": "object", "properties": {
            "id": {"type": "integer"}, "error": {"type": ["string", "null"]},
            "status": {"enum": ["queued", "sent", "printed", "unconfirmed", "failed"]}}},
        "Sectors": {"type": "object", "properties": {"hall": {"type": "object"}, "sectors": {
            "type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
                "is_open": {"type": "boolean"},
                "availability": {"enum": ["open", "closed", "outside_window", "cap_reached"]},
                "waiting": {"type": "integer"}, "estimated_wait_minutes": {"type": "integer"}}}}}},
        "CounterAnswer": {"type": "object", "required": ["ticket", "counter"], "properties": {
            "ticket": {"oneOf": [{"$ref": "#/components/schemas/Ticket"}, {"type": "null"}]},
            "counter": {"type": "object"}, "message": {"type": "string"}}},
    }
    for model in (IssueTicket, Transfer, CallSpecific, Pause):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    for path, operations in COMPONENT_PATHS.items():
        paths.setdefault(path, {}).update(operations)
    schemas.update(COMPONENT_SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {"title": "motcua API", "version": "1",
                 "description": "Queue and kiosk API of a one-stop administrative hall."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "Kiosk token (`motcua kiosk add`) "
                                          "or API token (`motcua token create`)"},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "session",
                                 "description": "Signed-in staff; send X-CSRFToken on POST"},
            },
        },
    }
