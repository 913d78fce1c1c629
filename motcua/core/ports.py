"""The ports every service is handed: what it reads and writes through, never imports.

The app hands each request its own session and shares the rest; tests hand fakes
(`FixedClock`, `RecordingPublisher`, `RecordingPrintQueue`); the simulator a simulated clock.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from motcua.core.clock import Clock
from motcua.core.events import Publisher

if TYPE_CHECKING:
    from motcua.core.uow import UnitOfWork

V = TypeVar("V")

# Run by the unit of work just before it commits, with the events the use case collected: what
# must be written in the same transaction as its cause (a notification for the citizen).
Reaction = Callable[["UnitOfWork"], None]


class PrintQueue(Protocol):
    """Where committed print jobs go: the server's printer workers or a kiosk's print agent."""

    def submit(self, job_id: int, printer_url: str | None) -> None:
        """`printer_url`: the printer the server drives, None for a kiosk's print agent."""


class RecordingPrintQueue:
    """The fake for tests: remembers the ids of submitted jobs, in order."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, job_id: int, printer_url: str | None) -> None:
        self.submitted.append(job_id)


class Memo:
    """Values reused for `seconds` of the clock, shared by every request of a process.

    For what moves slowly and costs a query or two on a hot path (the service rates behind
    a wait estimate). `seconds=0` never reuses: scripts and tests always read afresh.
    """

    def __init__(self, seconds: float) -> None:
        self._lifetime = timedelta(seconds=seconds)
        self._entries: dict[Hashable, tuple[datetime, Any]] = {}

    def get(self, key: Hashable, now: datetime, compute: Callable[[], V]) -> V:
        entry = self._entries.get(key)
        if entry is not None and entry[0] <= now < entry[0] + self._lifetime:
            value: V = entry[1]
            return value
        value = compute()
        self._entries[key] = (now, value)
        return value

    def forget(self, key: Hashable) -> None:
        """Read `key` afresh next time: what it rests on has just changed in this process.
        (Other processes see the change when their entry's `seconds` run out.)"""
        self._entries.pop(key, None)


@dataclass(frozen=True)
class Ports:
    session: Session
    clock: Clock
    publisher: Publisher
    print_queue: PrintQueue = field(default_factory=RecordingPrintQueue)
    memo: Memo = field(default_factory=lambda: Memo(seconds=0))
    reactions: tuple[Reaction, ...] = ()
