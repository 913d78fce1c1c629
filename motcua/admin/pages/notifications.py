"""A hall's notifications to citizens: the channel they go out by (administrators set it) and
the latest messages, sent or failed and why, with "send again" for a failed one."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from motcua.admin.pages.base import _, act, bp, explain, field_errors, page, signed_in_actor, viewed_hall
from motcua.changes.errors import Invalid
from motcua.core.errors import DomainError
from motcua.notify.channels import KINDS
from motcua.notify.models import NotificationStatus
from motcua.notify.outbox import DEFAULT_AHEAD, hall_channel
from motcua.notify.settings import SECRETS, configure_channel, notifications_of, retry_notification
from motcua.web import db, ports

# The form's fields of each channel; a checkbox is a boolean.
FIELDS: dict[str, tuple[str, ...]] = {
    "webhook": ("url", "secret"),
    "sms": ("url", "method", "body", "content_type", "unicode"),
    "zalo": ("access_token", "templates", "url"),
    "email": ("host", "port", "sender", "to", "username", "password", "starttls"),
    "fake_sms": ("file",),
}
CHECKBOXES = ("unicode", "starttls")


def _read(form: MultiDict[str, str]) -> tuple[str, dict[str, Any], int]:
    kind = form.get("kind", "off")
    config: dict[str, Any] = {}
    for name in FIELDS.get(kind, ()):
        if name in CHECKBOXES:
            config[name] = form.get(f"{kind}-{name}") == "1"
        elif name == "port":
            typed = form.get(f"{kind}-{name}", "").strip() or "25"
            config[name] = int(typed) if typed.isdigit() and len(typed) <= 5 else 0
        else:
            config[name] = form.get(f"{kind}-{name}", "").strip()
    ahead = form.get("ahead", "")
    return kind, config, int(ahead) if ahead.isdigit() and len(ahead) < 4 else 0


@bp.route("/<hall>/notifications", methods=["GET", "POST"])
def notifications(hall: str) -> Any:
    found = viewed_hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        kind, config, ahead = _read(request.form)
        try:
            configure_channel(ports(), actor=signed_in_actor(), hall_code=hall, kind=kind,
                              config=config, ahead=ahead)
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            errors = {None: [explain(exc)]}
        else:
            flash(_("Đã lưu cách gửi thông báo."), "ok")
            return redirect(url_for(".notifications", hall=hall))
    channel = hall_channel(db(), found)
    shown = request.args.get("status")
    status = NotificationStatus(shown) if shown in {s.value for s in NotificationStatus} else None
    # A refused form comes back as typed (its channel, its values), not as the saved one.
    form = request.form if errors else None
    return page("admin/notifications.html", found, "notifications", 422 if errors else 200,
                channel=channel,
                kind=form.get("kind", "off") if form else channel.kind if channel else "off",
                config=channel.config if channel else {},
                ahead=form.get("ahead", "") if form else channel.ahead if channel else DEFAULT_AHEAD,
                kinds=KINDS, secrets=SECRETS, form=form,
                rows=notifications_of(db(), found, status), shown=status,
                statuses=list(NotificationStatus), errors=errors)


@bp.post("/<hall>/notifications/<int:notification_id>/retry")
def notification_retry(hall: str, notification_id: int) -> Response:
    def work() -> str:
        retry_notification(ports(), actor=signed_in_actor(), hall_code=hall,
                           notification_id=notification_id)
        return _("Tin nhắn sẽ được gửi lại trong giây lát.")

    return act(url_for(".notifications", hall=hall), work)
