"""Who a request is: the staff user, API token or device behind a credential.

In the kernel because every edge (API, pages, sockets, the print agent's link) asks it and
the components that manage accounts (auth, admin) sit above those edges.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from motcua.core.accounts import ApiToken, Device, StaffUser
from motcua.core.actors import Actor, DeviceKind
from motcua.core.clock import Clock
from motcua.core.db import as_loaded
from motcua.core.events import Event
from motcua.core.ports import Memo, Ports
from motcua.core.uow import UnitOfWork, use_case


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A token's prefix says what it is, so a request is authenticated with one look-up.
API_TOKEN_PREFIX = "mct_"
DEVICE_TOKEN_PREFIXES = {DeviceKind.KIOSK: "mck_", DeviceKind.TABLET: "mcr_"}


def new_token(prefix: str) -> str:
    return f"{prefix}{secrets.token_urlsafe(24)}"


def actor_for_user(user: StaffUser) -> Actor:
    return Actor(kind="staff", name=user.username, role=user.role, user_id=user.id,
                 hall_id=user.hall_id)


_LIVE_API_TOKEN = select(ApiToken).where(
    ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
    or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")))
# How exact "last used" is: one write per token per step, not one per request.
LAST_USED_STEP = timedelta(minutes=5)
_ACTIVE_DEVICE = select(Device).where(Device.token_hash == bindparam("digest"),
                                      Device.active.is_(True))


def device_for_token(session: Session, token: str) -> Device | None:
    if not token.startswith(tuple(DEVICE_TOKEN_PREFIXES.values())):
        return None
    return session.scalar(_ACTIVE_DEVICE, {"digest": hash_token(token)})


def actor_for_device(device: Device) -> Actor:
    return Actor(kind=device.kind.value, name=device.name, hall_id=device.hall_id,
                 device_id=device.id)


class _Unheard:
    """Marking a token used announces nothing: no screen shows it live."""

    def publish(self, event: Event) -> None:
        raise AssertionError(f"{event.name} published while noting a token's use")


@use_case
def _note_use(uow: UnitOfWork, *, api_token: ApiToken, now: datetime) -> None:
    api_token.last_used_at = now


# The bearer tokens used lately, per process: a kiosk or a staff client (a counter's script,
# a benchmark) sends its token with every request, and reading it each time was one of a
# call-next's round trips and a tenth of a tap's work. Kept for the memo's seconds
# (MOTCUA_ESTIMATE_CACHE_SECONDS), as one entry that any change to a token, a person or a
# device (`changes.audit`) drops at once in the process that made it; the other processes
# stop accepting a revoked token, a locked person's or a disabled device's, and take a
# kiosk's new printer, when their entry's seconds run out.
BEARER_TOKENS = "bearer_tokens"


@dataclass(frozen=True)
class _KnownToken:
    actor: Actor
    expires_at: datetime | None


def authenticate_bearer(session: Session, clock: Clock, memo: Memo,
                        token: str) -> tuple[Actor | None, Device | None]:
    """The actor behind a bearer token (None when unknown, revoked or expired) and, when the
    token is a kiosk's or a tablet's, that device (its printer is needed right after issuing)."""
    now = clock.now()
    known: dict[str, _KnownToken | dict[str, Any]] = memo.get(BEARER_TOKENS, now, dict)
    if token.startswith(API_TOKEN_PREFIX):
        digest = hash_token(token)
        found = known.get(digest)
        if not isinstance(found, _KnownToken) or (found.expires_at is not None and found.expires_at <= now):
            found = _api_token_actor(session, clock, digest, now)
            if found is None:
                return None, None
            known[digest] = found
        return found.actor, None
    if not token.startswith(tuple(DEVICE_TOKEN_PREFIXES.values())):
        return None, None
    digest = hash_token(token)
    columns = known.get(digest)
    if isinstance(columns, dict):  # its row as read then, put in this session without a read
        device = as_loaded(session, Device, columns)
        return actor_for_device(device), device
    read = session.scalar(_ACTIVE_DEVICE, {"digest": digest})
    if read is None:
        return None, None
    known[digest] = {column.key: getattr(read, column.key) for column in Device.__table__.columns}
    return actor_for_device(read), read


def _api_token_actor(session: Session, clock: Clock, digest: str, now: datetime) -> _KnownToken | None:
    api_token = session.scalar(_LIVE_API_TOKEN, {"digest": digest, "now": now})
    if api_token is None:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_STEP:
        # "Last used" for the admin page: at most one write per `LAST_USED_STEP`.
        _note_use(Ports(session, clock, _Unheard()), api_token=api_token, now=now)
    if api_token.user is None:
        actor = Actor(kind="token", name=api_token.name, role=api_token.role, hall_id=api_token.hall_id)
    elif api_token.user.active:
        actor = actor_for_user(api_token.user)
    else:
        return None
    return _KnownToken(actor, api_token.expires_at)
