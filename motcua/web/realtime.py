"""The publisher that turns domain events into Socket.IO messages, and the message queue
that carries them between server processes.

Each hall namespace gets the event in the hall's room (and the counter's room when the
event names a counter); the ticket's phone page gets it in the ticket's room, and the phones
waiting in a line that moved get a bare `line_moved` nudge (no other ticket's number or code). With a Redis
message queue configured, any process's emit reaches every server's clients. Only the queue
imports redis-py: a server without REDIS_URL does without its 7 MB.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask_socketio import SocketIO
from socketio import PubSubManager

from motcua.core.events import (
    Event,
    EventName,
    counter_room,
    hall_room,
    line_room,
    moved_line,
    ticket_room,
)

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

# The Socket.IO namespaces of the pages: each hall namespace has a room per hall (and per
# counter); the phone page behind a ticket's QR code has a room per ticket and per line.
DISPLAY_NAMESPACE = "/display"
COUNTER_NAMESPACE = "/counter"
KIOSK_NAMESPACE = "/kiosk"
HALL_NAMESPACES = (DISPLAY_NAMESPACE, COUNTER_NAMESPACE, KIOSK_NAMESPACE)
TICKET_NAMESPACE = "/ticket"


def redis_options(timeout: float) -> dict[str, Any]:
    """Options for every Redis client: each connect and each reply waits at most `timeout`,
    and a failure is reported at once rather than retried (redis-py retries ten times by
    default), so a request never waits on a Redis that is down or frozen."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": timeout, "socket_timeout": timeout,
            "retry": Retry(NoBackoff(), 0)}


class SocketIOPublisher:
    def __init__(self, socketio: SocketIO) -> None:
        self._socketio = socketio

    def publish(self, event: Event) -> None:
        if event.private:
            return  # boards, kiosks and consoles of the hall must not hear a citizen's phone
        name = event.name.value
        message = {"event": name, "hall": event.hall, **event.payload}
        rooms = [hall_room(event.hall)]
        if event.counter_number is not None:
            rooms.append(counter_room(event.hall, event.counter_number))
        for namespace in HALL_NAMESPACES:
            # One emit to the union of rooms: a client in both gets it once.
            self._socketio.emit(name, message, to=rooms, namespace=namespace)
        if event.ticket_token is not None:
            self._socketio.emit(name, message, to=ticket_room(event.ticket_token),
                                namespace=TICKET_NAMESPACE)
        sector = moved_line(event)
        if sector is not None:
            self._socketio.emit(EventName.LINE_MOVED.value, {}, to=line_room(event.hall, sector),
                                namespace=TICKET_NAMESPACE)


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str) -> str:
    """`scheme://host[:port]` as a browser writes an Origin (no default port, lower case)."""
    parts = urlsplit(f"{scheme}://{host}")
    if not parts.hostname:
        return ""
    port = parts.port if parts.port not in (None, DEFAULT_PORTS.get(parts.scheme)) else None
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")


def origin_rule(public_base_url: str | None) -> Callable[[str, dict[str, Any]], bool]:
    """Engine.IO's Origin check: a browser may connect from the server's own pages (its Host,
    or what a proxy in front says it is, as Engine.IO's own default) or from the configured
    public address; nothing else. A client sending no Origin (the print agent) is not asked."""
    public = None
    if public_base_url:
        parts = urlsplit(public_base_url)
        public = _origin(parts.scheme, parts.netloc)

    def allowed(origin: str, environ: dict[str, Any]) -> bool:
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        try:
            own = {_origin(scheme, host), public}
            if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
                own.add(_origin(
                    environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip(),
                    environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()))
            wanted = urlsplit(origin)
            candidate = _origin(wanted.scheme, wanted.netloc)
        except ValueError:  # a malformed Origin or Host (a bad port) is no origin of ours
            return False
        return bool(candidate) and candidate in own

    return allowed




class HallMessageQueue(PubSubManager):
    """Socket.IO's message queue over Redis, for halls that must keep serving when Redis fails.

    Unlike python-socketio's RedisManager: a request never waits on Redis, as messages for the
    other processes go out through a sender task (its own clients get them at once, as
    before); while Redis is away they are dropped rather than queued (late events would undo
    newer state on the boards), and every Redis call has a time-out. When Redis answers again,
    every page re-reads its state: the sender publishes `resync` to every namespace once Redis
    takes messages again, and the listener, which resubscribes within `RETRY_SECONDS`, tells
    its own clients to resync once its subscription is confirmed. A silent link (a frozen
    Redis, a dropped route) is found by a PING when nothing was heard for `heartbeat` seconds.
    """

    name = "motcua-redis"
    RETRY_SECONDS = 0.5
    OUTBOX_LIMIT = 10_000  # messages waiting for a slow Redis; more are dropped (and resynced)
    BATCH_LIMIT = 100  # messages published in one round trip

    def __init__(self, url: str, *, timeout: float, heartbeat: float = 2.0,
                 channel: str = "flask-socketio") -> None:
        super().__init__(channel=channel)
        self.url = url
        self.timeout = timeout
        self.heartbeat = heartbeat
        self._outbox: Any = None
        self._away = False  # the sender could not publish: messages are dropped until Redis answers

    def _client(self) -> redis.Redis:
        import redis

        return redis.Redis.from_url(self.url, **redis_options(self.timeout))

    def _namespaces(self) -> list[str]:
        return sorted({*self.server.namespace_handlers, *self.server.handlers})

    # --- sending -------------------------------------------------------------------------

    def _publish(self, data: Any) -> None:
        """Hand the message to the sender task; never blocks on Redis."""
        if self._outbox is None:
            self._outbox = self.server.eio.create_queue()
            self.server.start_background_task(self._send_forever)
        if self._away:
            return  # dropped: the resync sent when Redis is back covers it
        if self._outbox.qsize() < self.OUTBOX_LIMIT:
            self._outbox.put(data)
        else:
            self._away = True

    def _resync_messages(self) -> list[dict[str, Any]]:
        return [{"method": "emit", "event": EventName.RESYNC.value, "data": [{}], "binary": False,
                 "namespace": namespace, "room": None, "skip_sid": None, "callback": None,
                 "host_id": self.host_id} for namespace in self._namespaces()]

    def _drop_waiting(self) -> None:
        empty = self.server.eio.get_queue_empty_exception()
        while True:
            try:
                self._outbox.get_nowait()
            except empty:
                return

    def _send_forever(self) -> None:
        import redis

        empty = self.server.eio.get_queue_empty_exception()
        client = self._client()
        retry_at = 0.0
        while True:
            try:
                message = self._outbox.get(timeout=self.RETRY_SECONDS if self._away else None)
            except empty:
                message = None
            try:
                if not self._away:
                    if message is not None:
                        self._send_waiting(client, message)
                elif time.monotonic() >= retry_at:
                    client.ping()
                    # What waited is older than the state the pages are about to re-read:
                    # delivered after the resync, it would undo newer calls on the boards.
                    self._drop_waiting()
                    for resync in self._resync_messages():
                        client.publish(self.channel, self.json.dumps(resync))
                    self._away = False
                    log.warning("message queue: Redis takes messages again; pages re-read their state")
            except (redis.RedisError, OSError) as exc:
                if not self._away:
                    log.warning("message queue: cannot publish to Redis (%s); other processes' "
                                "pages will re-read their state when it is back", exc)
                self._away = True
                retry_at = time.monotonic() + self.RETRY_SECONDS

    def _send_waiting(self, client: redis.Redis, first: Any) -> None:
        """Publish `first` and the messages waiting behind it, in order, in one round trip to
        Redis: one event is several messages (the hall's three namespaces, the ticket's page,
        its line), put in the outbox together."""
        empty = self.server.eio.get_queue_empty_exception()
        batch = client.pipeline(transaction=False)
        batch.publish(self.channel, self.json.dumps(first))
        for _ in range(self.BATCH_LIMIT - 1):
            try:
                message = self._outbox.get_nowait()
            except empty:
                break
            batch.publish(self.channel, self.json.dumps(message))
        batch.execute()

    # --- listening -----------------------------------------------------------------------

    def _listen(self) -> Iterator[Any]:
        import redis

        lost = False
        while True:
            pubsub = self._client().pubsub()
            try:
                pubsub.subscribe(self.channel)
                for message in self._messages(pubsub):
                    if message["type"] == "subscribe" and lost:
                        lost = False
                        log.warning("message queue: listening again; pages re-read their state")
                        self._tell_clients_to_resync()
                    elif message["type"] == "message":
                        yield message["data"]
            except (redis.RedisError, OSError) as exc:
                if not lost:
                    log.warning("message queue: lost Redis (%s); retrying every %g s",
                                exc, self.RETRY_SECONDS)
                lost = True
            finally:
                pubsub.close()
            self.server.sleep(self.RETRY_SECONDS)

    def _messages(self, pubsub: Any) -> Iterator[dict[str, Any]]:
        """The subscription's messages; raises when Redis stops answering a PING."""
        import redis

        heard = time.monotonic()
        pinged: float | None = None
        while True:
            message = pubsub.get_message(timeout=self.heartbeat)
            now = time.monotonic()
            if message is not None:
                heard, pinged = now, None
                yield message
            elif pinged is not None and now - pinged >= self.heartbeat:
                raise redis.ConnectionError(f"no answer to PING in {now - pinged:.1f} s")
            elif pinged is None and now - heard >= self.heartbeat:
                pubsub.ping()
                pinged = now

    def _tell_clients_to_resync(self) -> None:
        for namespace in list(self.get_namespaces()):
            self.server.emit(EventName.RESYNC.value, {}, namespace=namespace, ignore_queue=True)


def hall_message_queue(config: dict[str, Any]) -> HallMessageQueue | None:
    """The message queue for `REDIS_URL`, or None (one process: no queue)."""
    url = config.get("REDIS_URL")
    if not url:
        return None
    return HallMessageQueue(str(url), timeout=float(config["REDIS_TIMEOUT_SECONDS"]))
