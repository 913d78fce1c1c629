"""Creating staff, tokens and devices, and turning a bearer token into an `Actor`.

Tokens are random and stored only as SHA-256 digests: a leaked database does not leak
working tokens. Passwords are hashed with scrypt (werkzeug's default).
"""
from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from motcua.clock import Clock
from motcua.queue import errors
from motcua.queue.models import ApiToken, Counter, Device, DeviceKind, Hall, Role, StaffUser
from motcua.queue.services import Actor, get_counter, get_hall

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(24)}"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password(user: StaffUser, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def actor_for_user(user: StaffUser) -> Actor:
    return Actor(kind="staff", name=user.username, role=user.role, user_id=user.id,
                 hall_id=user.hall_id)


def create_user(
    session: Session, clock: Clock, *, username: str, role: Role, password: str | None = None,
    hall_code: str | None = None, full_name: str = "",
) -> tuple[StaffUser, str]:
    """Returns the user and the password (generated when none is given)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise errors.InvalidInput("Username: 2-80 lower-case letters, digits, '.', '_' or '-'")
    if password is None:
        password = secrets.token_urlsafe(9)
    if len(password) < MIN_PASSWORD:
        raise errors.InvalidInput(f"Password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise errors.Conflict(f"User '{username}' already exists")
    hall = get_hall(session, hall_code) if hall_code else None
    if role != Role.ADMIN and hall is None:
        raise errors.InvalidInput("Officers and supervisors belong to a hall: give --hall")
    user = StaffUser(username=username, full_name=full_name or username, role=role,
                     password_hash=hash_password(password), hall_id=hall.id if hall else None,
                     created_at=clock.now())
    session.add(user)
    session.commit()
    return user, password


def create_api_token(
    session: Session, clock: Clock, *, name: str, role: Role, hall_code: str | None = None,
    username: str | None = None,
) -> str:
    """A token for a script (with its own role and hall) or one that acts as a staff member."""
    hall = get_hall(session, hall_code) if hall_code else None
    user = None
    if username is not None:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise errors.InvalidInput(f"No user '{username}'")
        role, hall_id = user.role, user.hall_id
    else:
        hall_id = hall.id if hall else None
    token = _new_token("mct")
    session.add(ApiToken(name=name, token_hash=hash_token(token), role=role, hall_id=hall_id,
                         user_id=user.id if user else None, created_at=clock.now()))
    session.commit()
    return token


def register_device(
    session: Session, clock: Clock, *, hall_code: str, name: str, kind: DeviceKind,
    printer: str | None = None, counter_number: int | None = None,
) -> tuple[Device, str]:
    hall: Hall = get_hall(session, hall_code)
    counter: Counter | None = (
        get_counter(session, hall, counter_number) if counter_number is not None else None)
    if kind == DeviceKind.TABLET and counter is None:
        raise errors.InvalidInput("A rating tablet belongs to a counter")
    if session.scalar(select(Device).where(Device.hall_id == hall.id, Device.name == name)):
        raise errors.Conflict(f"Hall '{hall.code}' already has a device named '{name}'")
    token = _new_token("mck" if kind == DeviceKind.KIOSK else "mcr")
    device = Device(hall_id=hall.id, kind=kind, name=name, token_hash=hash_token(token),
                    printer=printer, counter_id=counter.id if counter else None,
                    created_at=clock.now())
    session.add(device)
    session.commit()
    return device, token


def device_for_token(session: Session, token: str) -> Device | None:
    return session.scalar(
        select(Device).where(Device.token_hash == hash_token(token), Device.active.is_(True)))


def actor_for_bearer(session: Session, token: str) -> Actor | None:
    digest = hash_token(token)
    api_token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None)))
    if api_token is not None:
        if api_token.user is not None:
            return actor_for_user(api_token.user) if api_token.user.active else None
        return Actor(kind="token", name=api_token.name, role=api_token.role,
                     hall_id=api_token.hall_id)
    device = device_for_token(session, token)
    if device is not None:
        return Actor(kind=device.kind.value, name=device.name, hall_id=device.hall_id,
                     device_id=device.id)
    return None
