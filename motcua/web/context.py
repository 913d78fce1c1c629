"""Where request handlers get their ports (one session per request, the app's clock and
publisher) and who is asking (a device's bearer token or a signed-in staff member)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from motcua.core.accounts import Device
from motcua.core.actors import Actor
from motcua.core.clock import Clock
from motcua.core.db import begin_write, is_unavailable_error
from motcua.core.events import Publisher
from motcua.core.identity import actor_for_user, authenticate_bearer
from motcua.core.ports import Memo, Ports, PrintQueue, Reaction, RecordingPrintQueue


@dataclass
class Runtime:
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    publisher: Publisher
    memo: Memo
    # The printer component puts its dispatcher here when it registers.
    print_queue: PrintQueue = field(default_factory=RecordingPrintQueue)
    # Run before each use case commits; the notify component puts its outbox writer here.
    reactions: tuple[Reaction, ...] = ()


def runtime() -> Runtime:
    return current_app.extensions["motcua"]


def db() -> Session:
    if "db_session" not in g:
        g.db_session = runtime().sessions()
    return g.db_session


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()
    except SQLAlchemyError as exc:
        if not is_unavailable_error(exc):
            raise
        # The connection died with whatever transaction was left (the database rolls it back):
        # the answer already made stands, and the pool drops the connection.
        session.invalidate()


def begin_request_write() -> None:
    """Open the request's write transaction now, before authenticating, so that a kiosk tap
    is one transaction (token, number, ticket) instead of a read and then a write.

    The body is read first: under eventlet, waiting on the network while holding SQLite's
    write lock would hold up every other writer of the process.
    """
    request.get_data(cache=True)
    begin_write(db())


def ports() -> Ports:
    rt = runtime()
    return Ports(session=db(), clock=rt.clock, publisher=rt.publisher,
                 print_queue=rt.print_queue, memo=rt.memo, reactions=rt.reactions)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_actor() -> Actor | None:
    """The bearer token's actor, else the signed-in staff member, else None."""
    if "actor" not in g:
        token = bearer_token()
        if token is not None:
            rt = runtime()
            g.actor, g.device = authenticate_bearer(db(), rt.clock, rt.memo, token)
        else:
            g.actor = actor_for_user(current_user.user) if current_user.is_authenticated else None
            g.device = None
    return g.actor


def current_device() -> Device | None:
    """The kiosk or tablet whose token authenticated this request, if any."""
    current_actor()
    return g.device
