"""The print worker (`motcua printer worker`): draws and sends the jobs of the printers the
server drives (a kiosk's tcp:// printer, a counter's receipt printer), so that with
MOTCUA_PRINT_WORKER=process the server processes only store them and a printing kiosk's tap
costs them no drawing (Pillow, ~10 ms of CPU per slip).

Every `every` seconds it looks whether any job is queued (ix_print_jobs_status_created, on a
connection it keeps; a read, no write lock); when one is, it reads the queued jobs and claims
them with one conditional UPDATE (queued → sent): of two workers, one prints each job. A
claimed job is drawn here (in memory: the job keeps its document) and sent by
`ServerPrinters` as the server would (one sender per printer, `max_wait`, the jobs behind a
dead printer failed with it), marked and announced the same way: two writes per poll's jobs
(the claim, and their outcomes, written together as they come), each one a tap on SQLite may
wait for.
Jobs a stopped worker left queued are found by the next one's first poll; those it had
claimed but not sent are failed by `fail_overdue` (never printed twice).
Threads and `time.sleep` only: green under eventlet or gevent's patching, real otherwise.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import Connection, Engine

from motcua.core.clock import Clock
from motcua.core.events import Publisher
from motcua.core.ports import Ports
from motcua.printer import services
from motcua.printer.device.errors import PrinterError
from motcua.printer.dispatch import ServerPrinters, Sessions, _Worker

log = logging.getLogger(__name__)

EVERY = 0.03  # seconds between polls: a print starts well within 100 ms of its tap
BATCH = 50
SWEEP_EVERY = 30.0  # seconds between looks for jobs lost by a stopped worker (`fail_overdue`)


class PrintWorker(_Worker):
    def __init__(self, sessions: Sessions, clock: Clock, publisher: Publisher, printers: ServerPrinters,
                 *, every: float = EVERY) -> None:
        super().__init__(sessions, clock, publisher)
        self.printers = printers
        self._every = every

    def sweep(self) -> None:
        """Fail what a stopped worker had claimed and never finished, once it is overdue."""
        with self._sessions() as session:
            services.fail_overdue(self._ports(session))

    def once(self) -> int:
        """Claim, draw and hand on the queued jobs; how many this worker claimed."""
        with self._sessions() as session:
            seen = services.queued_server_jobs(session, BATCH)
            session.rollback()  # end the read: SQLite's writers must not wait for it
            if not seen:
                return 0
            ports = self._ports(session)
            claimed = services.claim_server_jobs(ports, seen)
            for job in claimed:
                try:
                    self._hand_on(ports, job)
                except Exception:  # one job's hiccup must not strand the others claimed with it
                    log.exception("print job %s", job.id)
        return len(claimed)

    def _hand_on(self, ports: Ports, job: services.ClaimedJob) -> None:
        try:
            data = services.escpos(job.data)
        except PrinterError as exc:  # a font missing: the job fails, announced; staff may reprint
            services.mark_failed(ports, job.id, str(exc))
            return
        self.printers.submit(job.id, job.printer_url, drawn=data)

    def run(self, engine: Engine) -> None:
        """Poll until stopped; a full batch polls again at once. Each poll first asks, on a
        connection kept open, whether anything is queued at all (`server_jobs_waiting`), and
        reads and claims the jobs only then."""
        swept = -SWEEP_EVERY
        doorbell: Connection | None = None
        while True:
            try:
                if time.monotonic() - swept >= SWEEP_EVERY:
                    self.sweep()
                    swept = time.monotonic()
                doorbell = doorbell or engine.connect()
                claimed = self.once() if services.server_jobs_waiting(doorbell) else 0
            except Exception:  # the database away for a moment: try again next poll
                log.exception("polling print jobs")
                if doorbell is not None:
                    doorbell.invalidate()  # a new connection next time
                    doorbell = None
                claimed = 0
            if claimed < BATCH:
                time.sleep(self._every)
