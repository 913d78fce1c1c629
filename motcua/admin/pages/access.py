"""Who can get in: the hall's API tokens and devices on one page, and revoking a token."""
from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from motcua.admin.pages.base import _, act, bp, page, signed_in_actor, viewed_hall
from motcua.auth import accounts
from motcua.core.accounts import Device
from motcua.web import db, ports, runtime


@bp.get("/<hall>/access")
def access(hall: str) -> Any:
    found = viewed_hall(hall)
    listed = db().scalars(select(Device).where(Device.hall_id == found.id)
                          .order_by(Device.kind, Device.name)).all()
    now = runtime().clock.now()
    tokens = [(token, accounts.token_state(token, now))
              for token in accounts.hall_tokens(db(), found)]
    return page("admin/access.html", found, "access", tokens=tokens, devices=listed)


@bp.post("/<hall>/tokens/<int:token_id>/revoke")
def token_revoke(hall: str, token_id: int) -> Response:
    def work() -> str:
        token = accounts.revoke_api_token(ports(), actor=signed_in_actor(), token_id=token_id,
                                          hall_code=hall)
        return _("Đã thu hồi mã truy cập “%(name)s”: mã ngừng hoạt động ngay.", name=token.name)

    return act(url_for(".access", hall=hall), work)
