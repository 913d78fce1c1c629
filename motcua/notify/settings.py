"""A hall's notification settings and its outbox as staff see them: choose the channel (an
audited configuration change; secrets are never written to the audit log), list what was
sent or failed and why, send a failed message again."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.changes.audit import audited, hall_to_change
from motcua.changes.errors import N_, Missing, Problems, invalid
from motcua.core.actors import Actor
from motcua.core.uow import UnitOfWork, use_case
from motcua.notify.channels import KINDS
from motcua.notify.models import HallChannel, Notification, NotificationStatus
from motcua.notify.outbox import DEFAULT_AHEAD, MESSAGE_KINDS, hall_channel, sending_key
from motcua.queue.models import Hall

SECRETS = ("secret", "access_token", "password")
MAX_AHEAD = 20


def _shown(config: Mapping[str, Any]) -> dict[str, Any]:
    """The settings as the audit log keeps them: a secret only as "set" or not."""
    return {k: ("••••" if v else "") if k in SECRETS else v for k, v in config.items()}


@use_case
def configure_channel(uow: UnitOfWork, *, actor: Actor, hall_code: str, kind: str,
                      config: Mapping[str, Any], ahead: int) -> HallChannel:
    """Set the hall's channel. A secret left empty keeps the one already set; Zalo's
    templates come as a mapping or as the form's lines."""
    hall = hall_to_change(uow.session, actor, hall_code)
    problems = Problems()
    if kind not in KINDS:
        problems.add("kind", N_("Kênh gửi không hợp lệ."))
    if not 1 <= ahead <= MAX_AHEAD:
        problems.add("ahead", N_("Số người còn lại phải từ 1 đến %(most)d."), most=MAX_AHEAD)
    url = config.get("url")
    if kind in ("webhook", "sms") and not (isinstance(url, str)
                                           and url.startswith(("http://", "https://"))):
        problems.add(f"{kind}-url", N_("Địa chỉ phải bắt đầu bằng http:// hoặc https://."))
    port = config.get("port")
    if kind == "email" and not (isinstance(port, int) and 0 < port < 65536):
        problems.add("email-port", N_("Cổng phải từ 1 đến 65535."))
    channel = hall_channel(uow.session, hall)
    old = dict(channel.config) if channel else {}
    if kind == "zalo":
        if not (config.get("access_token") or old.get("access_token")):
            problems.add("zalo-access_token", N_("Hãy nhập access token của OA."))
        templates = config.get("templates", {})
        if isinstance(templates, str):
            config = {**config, "templates": _zalo_templates(templates, problems)}
    problems.raise_any()
    if channel is None:
        channel = HallChannel(hall_id=hall.id, kind="off", config={}, ahead=DEFAULT_AHEAD,
                              updated_at=uow.clock.now())
        uow.session.add(channel)
    merged = {k: (old.get(k, "") if k in SECRETS and not v else v) for k, v in config.items()}
    with audited(uow, actor, hall, "notify_channel", hall.code, "update",
                 lambda: {"kind": channel.kind, "ahead": channel.ahead,
                          "config": _shown(channel.config)}):
        channel.kind = kind
        channel.config = merged
        channel.ahead = ahead
        channel.updated_at = uow.clock.now()
    uow.forget(sending_key(hall.code))
    return channel


def _zalo_templates(text: str, problems: Problems) -> dict[str, str]:
    """ZNS template ids as the form takes them, one "ticket_called = 231677" a line; each line
    that cannot be used is a problem naming it, rather than dropped or kept unused."""
    templates: dict[str, str] = {}
    for line in filter(None, map(str.strip, text.splitlines())):
        key, equals, value = (part.strip() for part in line.partition("="))
        if not (equals and key and value):
            problems.add("zalo-templates", N_("Dòng “%(line)s”: hãy viết loại tin = mã mẫu, "
                                              "ví dụ ticket_called = 231677."), line=line)
        elif key not in MESSAGE_KINDS:
            problems.add("zalo-templates", N_("Dòng “%(line)s”: không có loại tin “%(kind)s”; "
                                              "các loại tin: %(kinds)s."),
                         line=line, kind=key, kinds=", ".join(MESSAGE_KINDS))
        else:
            templates[key] = value
    return templates


@use_case
def retry_notification(uow: UnitOfWork, *, actor: Actor, hall_code: str,
                       notification_id: int) -> Notification:
    """Send a failed message again at the worker's next pass (one more attempt)."""
    hall = hall_to_change(uow.session, actor, hall_code)
    row = uow.session.get(Notification, notification_id)
    if row is None or row.hall_id != hall.id:
        raise Missing(N_("Không có tin nhắn này."))
    if row.status != NotificationStatus.FAILED:
        raise invalid(None, N_("Chỉ gửi lại được tin nhắn đã thất bại."))
    row.status = NotificationStatus.QUEUED
    row.next_attempt_at = uow.clock.now()
    return row


def notifications_of(session: Session, hall: Hall, status: NotificationStatus | None = None,
                     limit: int = 200) -> list[Notification]:
    """The hall's latest messages, newest first."""
    query = select(Notification).where(Notification.hall_id == hall.id)
    if status is not None:
        query = query.where(Notification.status == status)
    return list(session.scalars(query.order_by(Notification.created_at.desc(),
                                               Notification.id.desc()).limit(limit)))
