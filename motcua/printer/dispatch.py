"""Delivering committed jobs without making a request wait for a printer.

The dispatcher is the app's print queue (`core.ports.PrintQueue`): a use case's jobs come
here by id once it has committed. A worker draws each undrawn job, then delivers it:
server-attached printers get one worker thread per printer URL (many printers accept one
connection at a time); agent jobs are emitted to the kiosk's print agent over Socket.IO.
While agent jobs are open, a sweeper fails those nobody confirmed in time, so a kiosk whose
agent is down learns it within seconds. Threads exist only while there is work. With
`printer_jobs_elsewhere` (MOTCUA_PRINT_WORKER=process) the server-attached printers' jobs are
not touched here: the print worker (`motcua.printer.worker`) draws and sends them. Nothing
here imports Flask: the Socket.IO emit function is handed in.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from motcua.core.clock import Clock
from motcua.core.events import Publisher
from motcua.core.ports import Ports
from motcua.printer import services
from motcua.printer.device import wire
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.transports import Printer
from motcua.printer.device.urls import DEFAULT_TIMEOUT
from motcua.printer.models import PrintJob

log = logging.getLogger(__name__)

Sessions = Callable[[], Session]
Emit = Callable[..., Any]  # flask_socketio.SocketIO.emit(event, data, to=…, namespace=…)
DELIVERED_TOGETHER = 50  # jobs read in one statement, at most
ACK_GATHER_SECONDS = 0.1  # agents' acknowledgements gathered into one write (see PrintDispatcher)
T = TypeVar("T")
Printed = tuple[int, int | None, bool]  # job id, its kiosk (None: any), confirmed


def job_message(job: services.JobToHandOn) -> dict[str, Any]:
    """A job as its kiosk's agent receives it (`wire.encode_job`): its document, which the
    agent draws, or the bytes of a job drawn before."""
    stored = services.document_of(job.data)
    if stored is None:
        return wire.encode_job(job.id, job.created_at, job.kind.value, job.ticket, data=job.data)
    document, native_qr = stored
    return wire.encode_job(job.id, job.created_at, job.kind.value, job.ticket, document=document,
                           native_qr=native_qr)


class _Grouped(Generic[T]):
    """Outcomes written in groups: a caller that finds no group being written writes its own
    and every one that came meanwhile, until none is left, and the others only leave theirs.
    A lone outcome is written before `add` returns; a burst (eight kiosks, a slip each) costs
    one transaction instead of eight, and on SQLite one wait for the write lock. `gather`:
    seconds the writer waits first for more to come, where a late write costs nothing."""

    def __init__(self, write: Callable[[list[T]], None], gather: float = 0.0) -> None:
        self._write = write
        self._gather = gather
        self._lock = threading.Lock()
        self._waiting: list[T] = []
        self._writing = False

    def add(self, outcome: T) -> None:
        with self._lock:
            self._waiting.append(outcome)
            if self._writing:
                return
            self._writing = True
        if self._gather:
            time.sleep(self._gather)
        while True:
            with self._lock:
                group, self._waiting = self._waiting, []
                if not group:
                    self._writing = False
                    return
            try:
                self._write(group)
            except Exception:  # the next group is still written; these jobs fail at their deadline
                log.exception("writing the outcomes %s", group)


class _Worker:
    """What the dispatcher's threads share: a session of their own per step, and the ports."""

    def __init__(self, sessions: Sessions, clock: Clock, publisher: Publisher) -> None:
        self._sessions = sessions
        self._clock = clock
        self._publisher = publisher

    def _ports(self, session: Session) -> Ports:
        return Ports(session=session, clock=self._clock, publisher=self._publisher)


class ServerPrinters(_Worker):
    """One worker per printer URL, each printing its jobs one by one (a transport that never
    waits, such as dummy:, prints in the caller's thread).

    A printer gets `printer_timeout` seconds to take a job (unless its URL says timeout=).
    When it fails one, the jobs that queued behind meanwhile fail with it instead of each
    waiting out a time-out of its own: no job waits longer than one time-out for a dead
    printer, and the next job after that tries the printer again. `max_wait` bounds how long
    a job may queue behind others that do print: past it the job fails without trying.
    """

    def __init__(
        self,
        sessions: Sessions,
        clock: Clock,
        publisher: Publisher,
        *,
        max_wait: float = 10.0,
        idle_seconds: float = 30.0,
        printer_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(sessions, clock, publisher)
        self._max_wait = max_wait
        self._printer_timeout = printer_timeout
        self._idle = idle_seconds
        self._lock = threading.Lock()
        self._queues: dict[str, queue.Queue[tuple[int, bytes | None]]] = {}
        self._workers: dict[str, threading.Thread] = {}
        self._printers: dict[str, Printer] = {}
        self._printed: _Grouped[Printed] = _Grouped(self._record_printed)

    def printer(self, url: str) -> Printer:
        """The printer object of a URL, kept so a dummy: printer's bytes can be read."""
        with self._lock:
            if url not in self._printers:
                self._printers[url] = Printer(url, default_timeout=self._printer_timeout)
            return self._printers[url]

    def submit(self, job_id: int, url: str, drawn: bytes | None = None) -> None:
        """`drawn`: the job's bytes, drawn by a print worker that claimed the job (sent, its
        attempt counted); None: the job's stored bytes, its attempt counted here."""
        try:
            waits = self.printer(url).transport.waits
        except PrinterError:
            waits = True  # the worker fails the job with the printer's error
        if not waits:
            self._print(url, job_id, drawn)
            return
        with self._lock:
            jobs = self._queues.setdefault(url, queue.Queue())
            jobs.put((job_id, drawn))
            worker = self._workers.get(url)
            if worker is None or not worker.is_alive():
                worker = threading.Thread(target=self._work, args=(url,), name=f"printer {url}", daemon=True)
                self._workers[url] = worker
                worker.start()

    def _work(self, url: str) -> None:
        jobs = self._queues[url]
        while True:
            try:
                job_id, drawn = jobs.get(timeout=self._idle)
            except queue.Empty:
                with self._lock:
                    if jobs.empty():
                        del self._workers[url]
                        return
                continue
            try:
                failure = self._print(url, job_id, drawn)
                if failure is not None:
                    self._fail_waiting(url, jobs, failure)
            except Exception:  # a database hiccup must not kill the printer's only worker
                log.exception("print job %s on %s", job_id, url)

    def _print(self, url: str, job_id: int, drawn: bytes | None) -> str | None:
        """Print one job; the printer's error when it failed the job, else None."""
        with self._sessions() as session:
            ports = self._ports(session)
            job = session.get(PrintJob, job_id)
            if job is None or not job.open:
                return None
            data = job.data if drawn is None else drawn
            waited = (self._clock.now() - job.created_at).total_seconds()
            if waited > self._max_wait:
                services.mark_failed(
                    ports, job_id, f"Waited {waited:.0f} s behind other jobs for the printer {url}")
                return None
            try:
                printer = self.printer(url)
                if drawn is None:
                    services.mark_sent(ports, job_id)
                confirmed = printer.print_bytes(data, name=f"job-{job_id}")
            except PrinterError as exc:
                services.mark_failed(ports, job_id, str(exc))
                return str(exc)
        self._printed.add((job_id, None, confirmed))
        return None

    def _record_printed(self, group: list[Printed]) -> None:
        with self._sessions() as session:
            services.record_printed(self._ports(session), group)

    def _fail_waiting(self, url: str, jobs: queue.Queue[tuple[int, bytes | None]], failure: str) -> None:
        """Fail the jobs that queued while the printer failed the one before them."""
        waiting = []
        while True:
            try:
                waiting.append(jobs.get_nowait()[0])
            except queue.Empty:
                break
        with self._sessions() as session:
            for job_id in waiting:
                services.mark_failed(self._ports(session), job_id,
                                     f"The printer {url} failed the job before this one: {failure}")


class PrintDispatcher(_Worker):
    """The app's print queue (`core.ports.PrintQueue`) and the print agents' server side.

    `submit` only hands the job's id to a worker: a tap's request stores its slip undrawn
    and answers, and the worker delivers it: to the kiosk's print agent as it is (the agent
    draws it), or drawn to a server-driven printer. Threads as everywhere
    here, so under eventlet (monkey-patched) they are green threads, and real ones in
    threading mode. Each agent job handed out gets a deadline (wall-clock, kept here):
    unconfirmed by then, it is failed and the kiosk told. A sweeper thread runs only while
    deadlines are pending. `printer_jobs_elsewhere`: jobs with a printer URL are left queued
    for the print worker process (a tap's server then spends no CPU on drawing them).
    """

    def __init__(
        self,
        sessions: Sessions,
        clock: Clock,
        publisher: Publisher,
        emit: Emit,
        *,
        agent_seconds: float = services.AGENT_ACK_SECONDS,
        ack_gather: float = ACK_GATHER_SECONDS,
        sweep_every: float = 0.5,
        max_wait: float = 10.0,
        printer_timeout: float = DEFAULT_TIMEOUT,
        printer_jobs_elsewhere: bool = False,
    ) -> None:
        super().__init__(sessions, clock, publisher)
        self._emit = emit
        self._printer_jobs_elsewhere = printer_jobs_elsewhere
        self._agent_seconds = agent_seconds
        self._sweep_every = sweep_every
        self._lock = threading.Lock()
        self._deadlines: dict[int, float] = {}  # agent job id -> time.monotonic() deadline
        # An agent's word that a job printed may be written late, or never: the job stays
        # sent, so the agent gets it again when it reconnects and, having printed its key,
        # only acknowledges it again. Waiting lets one UPDATE carry a whole burst of kiosks.
        self._printed: _Grouped[Printed] = _Grouped(self._record_printed, gather=ack_gather)
        self._sweeper: threading.Thread | None = None
        self._incoming: queue.Queue[int] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._idle = 30.0
        self.printers = ServerPrinters(
            sessions, clock, publisher, max_wait=max_wait, printer_timeout=printer_timeout)

    def submit(self, job_id: int, printer_url: str | None) -> None:
        """Hand a committed job on; returns at once."""
        if printer_url is not None and self._printer_jobs_elsewhere:
            return
        self._incoming.put(job_id)
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="print jobs", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        """Deliver jobs in the order they were stored, a server-driven printer's once drawn;
        the jobs that came while the last ones were delivered are read in one statement."""
        while True:
            try:
                job_ids = [self._incoming.get(timeout=self._idle)]
            except queue.Empty:
                with self._lock:
                    if self._incoming.empty():
                        self._worker = None
                        return
                continue
            while len(job_ids) < DELIVERED_TOGETHER and not self._incoming.empty():
                job_ids.append(self._incoming.get_nowait())
            try:
                with self._sessions() as session:
                    for job in services.jobs_to_hand_on(session, job_ids):
                        self._hand_on(session, job)
            except Exception:  # the next jobs are still delivered; these fail at their deadline
                log.exception("print jobs %s", job_ids)

    def _hand_on(self, session: Session, job: services.JobToHandOn) -> None:
        try:
            if job.printer_url is not None:  # a printer the server drives: drawn here first
                drawn = services.draw_job(self._ports(session), job.id)
                if drawn is not None and drawn.open:
                    self.printers.submit(drawn.id, job.printer_url)
            elif job.open:
                assert job.device_id is not None  # stored as sent (`print_document`): only emitted here
                self._emit(wire.JOB, job_message(job), to=wire.agent_room(job.device_id),
                           namespace=wire.AGENT_NAMESPACE)
                self._expect([job.id])
        except Exception:  # one job's hiccup must not stop the drawing of the others
            log.exception("print job %s", job.id)

    # --- the agents' side, called by the Socket.IO namespace ---------------------------------

    def authenticate(self, kiosk: str | None, token: str | None) -> int | None:
        """The kiosk's device id when the token is an active kiosk's (and matches `kiosk`,
        its id or name, when given)."""
        if not token:
            return None
        with self._sessions() as session:
            return services.authenticate_agent(self._ports(session), kiosk, token)

    def open_jobs(self, device_id: int) -> list[dict[str, Any]]:
        """What a (re)connected agent missed, marked sent as it goes out.

        A job past its deadline is failed instead (the kiosk was told, staff may reprint):
        an agent back after an hour must not print an hour-old ticket for nobody.
        """
        messages = []
        now = self._clock.now()
        with self._sessions() as session:
            ports = self._ports(session)
            for job in services.open_agent_jobs(session, device_id):
                if (now - job.created_at).total_seconds() > self._agent_seconds:
                    services.fail_unconfirmed(ports, job.id, self._agent_seconds)
                    continue
                messages.append(job_message(job))
                services.mark_sent(ports, job.id)
        self._expect([m["id"] for m in messages])
        return messages

    def acknowledge(self, device_id: int, message: Any) -> None:
        """An agent's word on a job (`wire.Ack`); another kiosk's job is left alone. Printed
        jobs are written in groups (`_Grouped`)."""
        ack = wire.decode_ack(message)
        if ack is None:
            return
        if not ack.ok:
            with self._sessions() as session:
                status = services.mark_failed(self._ports(session), ack.id, ack.error or "",
                                              device_id=device_id)
            if status is not None:  # the job is this kiosk's
                self._settled([ack.id])
            return
        self._printed.add((ack.id, device_id, not ack.unconfirmed))

    def _record_printed(self, group: list[Printed]) -> None:
        with self._sessions() as session:
            self._settled(services.record_printed(self._ports(session), group))

    def _settled(self, job_ids: list[int]) -> None:
        with self._lock:
            for job_id in job_ids:
                self._deadlines.pop(job_id, None)

    # --- deadlines ---------------------------------------------------------------------------

    def _expect(self, job_ids: list[int]) -> None:
        if not job_ids:
            return
        with self._lock:
            deadline = time.monotonic() + self._agent_seconds
            for job_id in job_ids:
                self._deadlines.setdefault(job_id, deadline)  # a re-sent job keeps its first
            if self._sweeper is None:
                self._sweeper = threading.Thread(target=self._sweep_loop, name="print deadlines", daemon=True)
                self._sweeper.start()

    def _sweep_loop(self) -> None:
        try:  # jobs another process or a restarted server left open
            with self._sessions() as session:
                services.fail_overdue(self._ports(session), agent_seconds=self._agent_seconds)
        except Exception:
            log.exception("failing overdue print jobs")
        while True:
            time.sleep(self._sweep_every)
            with self._lock:
                now = time.monotonic()
                due = [job_id for job_id, deadline in self._deadlines.items() if deadline <= now]
                for job_id in due:
                    del self._deadlines[job_id]
                if not self._deadlines and not due:
                    self._sweeper = None
                    return
            for job_id in due:
                try:
                    with self._sessions() as session:
                        services.fail_unconfirmed(self._ports(session), job_id, self._agent_seconds)
                except Exception:  # one job's database hiccup must not strand the others
                    log.exception("failing unconfirmed print job %s", job_id)
