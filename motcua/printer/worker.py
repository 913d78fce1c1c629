"""The print worker (`motcua printer worker`): draws and sends the jobs of the printers the
server drives (a kiosk's tcp:// printer, a counter's receipt printer), so that with
MOTCUA_PRINT_WORKER=process the server processes only store them and a printing kiosk's tap
costs them no drawing (Pillow, ~10 ms of CPU per slip).

Every `every` seconds it reads the queued jobs (ix_print_jobs_status_created; a read, no write
lock) and claims them with one conditional UPDATE (queued → sent): of two workers, one prints
each job. A claimed job is drawn here (in memory: the job keeps its document) and sent by
`ServerPrinters` as the server would (one sender per printer, `max_wait`, the jobs behind a
dead printer failed with it), marked and announced the same way: two writes per job (the
claim, shared by a poll's jobs, and the outcome), each one a tap on SQLite may wait for.
Jobs a stopped worker left queued are found by the next one's first poll; those it had
claimed but not sent are failed by `fail_overdue` (never printed twice).
Threads and `time.sleep` only: green under eventlet or gevent's patching, real otherwise.
"""
from __future__ import annotations

import logging
import time

from motcua.core.clock import Clock
from motcua.core.events import Publisher
from motcua.printer import services
from motcua.printer.device.errors import PrinterError
from motcua.printer.dispatch import ServerPrinters, Sessions, _Worker

log = logging.getLogger(__name__)

EVERY = 0.03  # seconds between polls: a print starts well within 100 ms of its tap
BATCH = 50


class PrintWorker(_Worker):
    def __init__(self, sessions: Sessions, clock: Clock, publisher: Publisher, printers: ServerPrinters,
                 *, every: float = EVERY) -> None:
        super().__init__(sessions, clock, publisher)
        self.printers = printers
        self._every = every

    def start(self) -> None:
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
                    data = services.escpos(job.data)
                except PrinterError as exc:
                    services.mark_failed(ports, job.id, str(exc))
                    continue
                self.printers.submit(job.id, job.printer_url, drawn=data)
        return len(claimed)

    def run(self) -> None:
        """Poll until stopped; a full batch polls again at once."""
        self.start()
        while True:
            try:
                claimed = self.once()
            except Exception:  # the database away for a moment: try again next poll
                log.exception("polling print jobs")
                claimed = 0
            if claimed < BATCH:
                time.sleep(self._every)
