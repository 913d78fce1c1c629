"""The unit of work: how every change in the hall is made.

A use case is a function whose first argument is a `UnitOfWork`, decorated with
`@use_case`. Its callers hand it `Ports`; the decorator opens a write transaction, runs the
function, commits, and only then publishes the events and submits the print jobs the
function collected. Just before the commit, the ports' reactions see those events and may
add rows of their own (the citizens' notifications), so they stand or fall with their cause.
If the database is busy (another writer holds SQLite's lock, a
PostgreSQL deadlock or serialization failure) the whole function runs again from the start,
with nothing of the failed attempt published. A refusal (a `DomainError`) or any other
error rolls the transaction back and publishes nothing.

A use case called with a `UnitOfWork` joins that unit instead: issuing a ticket and
queueing its slip commit together, and announce after the one commit.

(A decorator rather than a `with` block: a `with` body cannot be run again when the
database is busy.)
"""
from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Hashable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from motcua.core.clock import Clock
from motcua.core.db import begin_write, is_busy_error
from motcua.core.events import Event
from motcua.core.ports import Memo, Ports

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 8


class UnitOfWork:
    """One transaction of one use case, and what it will announce once committed."""

    def __init__(self, ports: Ports) -> None:
        self.ports = ports
        self.session: Session = ports.session
        self.clock: Clock = ports.clock
        self.memo: Memo = ports.memo
        self.events: list[Event] = []
        self.print_jobs: list[tuple[int, str | None]] = []
        self.changed: list[Hashable] = []

    def publish(self, event: Event) -> None:
        """Announce `event` once the transaction has committed."""
        self.events.append(event)

    def print_job(self, job_id: int, printer_url: str | None) -> None:
        """Hand the stored print job (for `printer_url`, None: its kiosk's agent) to the print
        queue once the transaction has committed."""
        self.print_jobs.append((job_id, printer_url))

    def forget(self, key: Hashable) -> None:
        """Drop the memo's `key` once committed: the use case changed what it rests on (not
        before, or a request in between would memorise the old value again)."""
        self.changed.append(key)

    def _announce(self) -> None:
        for key in self.changed:
            self.memo.forget(key)
        for event in self.events:
            self.ports.publisher.publish(event)
        for job_id, printer_url in self.print_jobs:
            self.ports.print_queue.submit(job_id, printer_url)


def _run(ports: Ports, work: Callable[[UnitOfWork], T]) -> T:
    """Run `work` in a write transaction, commit, then announce; again while the database is
    busy. Citizens never see "database is locked": a tap takes a few milliseconds longer."""
    session = ports.session
    for attempt in range(1, ATTEMPTS + 1):
        uow = UnitOfWork(ports)
        try:
            begin_write(session)
            result = work(uow)
            for react in ports.reactions:  # their rows commit, or roll back, with the cause
                react(uow)
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            if attempt == ATTEMPTS or not is_busy_error(exc):
                raise
            time.sleep(min(0.5, 0.01 * 2**attempt) * random.uniform(0.5, 1.5))
            continue
        except BaseException:
            session.rollback()
            raise
        uow._announce()
        return result
    raise AssertionError("unreachable")


def use_case(
    function: Callable[Concatenate[UnitOfWork, P], T],
) -> Callable[Concatenate[Ports | UnitOfWork, P], T]:
    """Make `function(uow, …)` callable as `function(ports, …)` in a unit of work of its own,
    or as `function(uow, …)` inside the caller's."""

    @functools.wraps(function)
    def run(where: Ports | UnitOfWork, /, *args: P.args, **kwargs: P.kwargs) -> T:
        if isinstance(where, UnitOfWork):
            return function(where, *args, **kwargs)
        return _run(where, lambda uow: function(uow, *args, **kwargs))

    return run
