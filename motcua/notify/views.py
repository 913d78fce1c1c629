"""The opt-in over JSON: the kiosk attaches the phone typed after taking a ticket (its bearer
token proves it issued the ticket), and a ticket's phone page attaches one with the ticket's
token. Each parses, calls one use case and answers; errors are the API's."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from pydantic import BaseModel, ConfigDict, Field

from motcua.api.access import request_actor
from motcua.api.openapi import ERROR, HALL, ROW_NUMBER, TICKET_TOKEN
from motcua.core.errors import N_, Forbidden
from motcua.extensions import csrf, limiter
from motcua.notify.outbox import subscribe_at_kiosk, subscribe_by_token
from motcua.web import begin_request_write, ports
from motcua.web.parsing import json_body

bp = Blueprint("notify", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # the kiosk's bearer token, or the ticket's token in the URL


class Phone(BaseModel):
    phone: str = Field(min_length=1, max_length=30)

    model_config = ConfigDict(extra="forbid", strict=True)


def _limit() -> str:
    return str(current_app.config["KIOSK_RATE_LIMIT"])


@bp.post("/halls/<hall>/tickets/<int:ticket_id>/phone")
@limiter.limit(_limit)
def phone_from_kiosk(hall: str, ticket_id: int) -> Response:
    begin_request_write()
    actor = request_actor()
    if actor.kind != "kiosk" or actor.device_id is None:
        raise Forbidden(N_("Chỉ máy lấy số đã cấp số này mới gắn được số điện thoại."))
    subscribe_at_kiosk(ports(), hall_code=hall, device_id=actor.device_id, ticket_id=ticket_id,
                       phone=json_body(Phone).phone)
    return jsonify({"subscribed": True})


@bp.post("/tickets/<token>/phone")
@limiter.limit(_limit)
def phone_from_ticket_page(token: str) -> Response:
    begin_request_write()
    subscribe_by_token(ports(), token=token, phone=json_body(Phone).phone)
    return jsonify({"subscribed": True})


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): _json(ERROR, "An error: {\"error\": {code, message}}") for s in statuses}


def openapi_description() -> tuple[dict[str, Any], dict[str, Any]]:
    """These routes for /api/v1/openapi.json: their paths, and the request schema."""
    body = {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Phone"}}}}
    done = _json({"type": "object", "properties": {"subscribed": {"type": "boolean"}}},
                 "The phone number will get the ticket's messages")
    paths = {
        "/api/v1/halls/{hall}/tickets/{ticket_id}/phone": {"post": {
            "summary": "Attach the citizen's mobile number to the ticket this kiosk just issued "
                       "(the optional step after the slip; the kiosk's token)",
            "parameters": [HALL, {"name": "ticket_id", "in": "path", "required": True,
                                  "schema": ROW_NUMBER}],
            "security": [{"bearer": []}], "requestBody": body,
            "responses": {"200": done, **_errors(400, 401, 403, 404, 409, 422, 429)}}},
        "/api/v1/tickets/{token}/phone": {"post": {
            "summary": "Attach the citizen's mobile number to a ticket from its phone page",
            "parameters": [TICKET_TOKEN], "requestBody": body,
            "responses": {"200": done, **_errors(400, 404, 409, 422, 429)}}},
    }
    return paths, {"Phone": Phone.model_json_schema()}
