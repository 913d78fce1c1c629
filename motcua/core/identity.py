"""Who a request is: the staff user, API token or device behind a credential.

In the kernel because every edge (API, pages, sockets, the print agent's link) asks it and
the components that manage accounts (auth, admin) sit above those edges.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from motcua.core.accounts import ApiToken, Device, StaffUser
from motcua.core.actors import Actor, DeviceKind
from motcua.core.clock import Clock
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


# The actors of the API tokens used lately, per process: a staff client (a counter's script,
# a benchmark) sends its token with every request, and reading it each time was one of a
# call-next's round trips. Kept for the memo's seconds (MOTCUA_ESTIMATE_CACHE_SECONDS), as
# one entry that any change to a token or a person (`changes.audit`) drops at once in the
# process that made it; the other processes stop accepting a revoked token, or a locked
# person's, when their entry's seconds run out.
API_TOKEN_ACTORS = "api_token_actors"


@dataclass(frozen=True)
class _KnownToken:
    actor: Actor
    expires_at: datetime | None


def authenticate_bearer(session: Session, clock: Clock, memo: Memo,
                        token: str) -> tuple[Actor | None, Device | None]:
    """The actor behind a bearer token (None when unknown, revoked or expired) and, when the
    token is a kiosk's or a tablet's, that device (its printer is needed right after issuing)."""
    if token.startswith(API_TOKEN_PREFIX):
        now = clock.now()
        digest = hash_token(token)
        known: dict[str, _KnownToken] = memo.get(API_TOKEN_ACTORS, now, dict)
        found = known.get(digest)
        if found is None or (found.expires_at is not None and found.expires_at <= now):
            found = _api_token_actor(session, clock, digest, now)
            if found is None:
                return None, None
            known[digest] = found
        return found.actor, None
    device = device_for_token(session, token)
    return (actor_for_device(device) if device is not None else None), device


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
