"""The print worker (MOTCUA_PRINT_WORKER=process): the servers store network printers' jobs,
the worker claims, draws and sends them; two workers never print one job twice."""
from __future__ import annotations

import threading
import time

import pytest

from motcua.printer import print_worker_process, services
from motcua.printer.device.stream import commands
from motcua.printer.dispatch import PrintDispatcher, ServerPrinters
from motcua.printer.models import PrintJob, PrintJobStatus
from motcua.printer.worker import PrintWorker
from tests.conftest import runtime_of
from tests.printer.fakes import FakeNetworkPrinter, closed_port
from tests.printer.test_jobs import issue, kiosk, store_slip, wait_for_outcome


@pytest.fixture(autouse=True)
def _hall(demo_hall):
    return demo_hall


@pytest.fixture
def server(app, clock, publisher):
    """A server's print queue with the setting on."""
    rt = runtime_of(app)
    return PrintDispatcher(rt.sessions, clock, publisher, lambda *a, **k: None,
                           printer_jobs_elsewhere=True)


def a_worker(app, clock, publisher):
    rt = runtime_of(app)
    return PrintWorker(rt.sessions, clock, publisher, ServerPrinters(rt.sessions, clock, publisher))


def job_now(app, job_id):
    with runtime_of(app).sessions() as s:
        job = s.get(PrintJob, job_id)
        s.expunge(job)
        return job


def test_a_server_with_the_setting_on_stores_the_job_undrawn_and_the_worker_prints_it(
        app, ports, session, clock, publisher, server):
    device = kiosk(session, clock, "dummy:")
    job = store_slip(ports, server, issue(ports, device), device)
    assert job is not None
    time.sleep(0.1)  # the server's drawing thread, had it been handed the job
    stored = job_now(app, job.id)
    assert stored.status == PrintJobStatus.QUEUED and services.undrawn(stored)

    worker = a_worker(app, clock, publisher)  # started after the job: a restarted worker
    with runtime_of(app).engine.connect() as doorbell:
        assert services.server_jobs_waiting(doorbell)
        assert worker.once() == 1
        assert not services.server_jobs_waiting(doorbell)  # nothing left to look for
    printed = job_now(app, job.id)
    assert (printed.status, printed.attempts) == (PrintJobStatus.PRINTED, 1)
    [sent] = worker.printers.printer("dummy:").transport.sent
    assert sent == services.escpos(printed.data) and "raster" in [c.name for c in commands(sent)]
    assert publisher.names().count("print_printed") == 1
    assert worker.once() == 0


def test_agent_jobs_stay_with_the_server_and_the_worker_leaves_them_alone(
        app, ports, session, clock, publisher):
    emitted = []
    rt = runtime_of(app)
    server = PrintDispatcher(rt.sessions, clock, publisher, lambda *a, **k: emitted.append(a),
                             printer_jobs_elsewhere=True)
    device = kiosk(session, clock, "agent")
    job = store_slip(ports, server, issue(ports, device), device)
    assert job is not None
    with runtime_of(app).engine.connect() as doorbell:
        assert not services.server_jobs_waiting(doorbell)
    assert a_worker(app, clock, publisher).once() == 0
    deadline = time.monotonic() + 5
    while not emitted and time.monotonic() < deadline:  # the server's dispatcher emits it
        time.sleep(0.02)
    sent = job_now(app, job.id)
    assert sent.status == PrintJobStatus.SENT and services.undrawn(sent) and emitted  # the agent draws


def poll_together(workers):
    """Workers polling at the same moment until none finds a job; the bytes they printed."""
    start = threading.Barrier(len(workers))

    def poll(worker):
        start.wait()
        while worker.once():
            pass

    threads = [threading.Thread(target=poll, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return [data for w in workers for data in w.printers.printer("dummy:").transport.sent]


def test_a_job_two_workers_saw_is_claimed_by_one(app, ports, session, clock, publisher, server):
    device = kiosk(session, clock, "dummy:")
    job = store_slip(ports, server, issue(ports, device), device)
    assert job is not None
    seen = services.queued_server_jobs(session, 10)
    session.rollback()
    assert seen == [job.id]
    assert [claimed.id for claimed in services.claim_server_jobs(ports, seen)] == [job.id]
    assert services.claim_server_jobs(ports, seen) == []


def test_a_job_claimed_by_a_worker_that_stopped_is_never_printed_again_but_failed_as_lost(
        app, ports, session, clock, publisher, server):
    device = kiosk(session, clock, "dummy:")
    job = store_slip(ports, server, issue(ports, device), device)
    assert job is not None
    services.claim_server_jobs(ports, [job.id])  # and the worker stopped there
    restarted = a_worker(app, clock, publisher)
    restarted.sweep()
    assert restarted.once() == 0 and job_now(app, job.id).status == PrintJobStatus.SENT
    clock.advance(seconds=services.SERVER_JOB_SECONDS + 1)
    restarted.sweep()
    assert job_now(app, job.id).status == PrintJobStatus.FAILED
    assert restarted.printers.printer("dummy:").transport.sent == []
    assert publisher.names().count("print_failed") == 1


def test_two_workers_polling_together_print_every_job_once(app, ports, session, clock, publisher, server):
    device = kiosk(session, clock, "dummy:")
    jobs = [store_slip(ports, server, issue(ports, device), device) for _ in range(12)]
    workers = [a_worker(app, clock, publisher) for _ in range(2)]
    printed = poll_together(workers)
    assert len(printed) == len(set(printed)) == len(jobs)
    for job in jobs:
        assert job is not None
        assert (job_now(app, job.id).status, job_now(app, job.id).attempts) == (PrintJobStatus.PRINTED, 1)
    assert publisher.names().count("print_printed") == len(jobs)


def test_a_dead_printer_fails_its_jobs_with_the_alert_in_one_time_out(
        app, ports, session, clock, publisher, server):
    with FakeNetworkPrinter(silent=True) as silent:
        dead = kiosk(session, clock, f"{silent.url}?timeout=1")
        refused = kiosk(session, clock, f"tcp://127.0.0.1:{closed_port()}", name="kiosk-2")
        jobs = [store_slip(ports, server, issue(ports, dead), dead) for _ in range(3)]
        other = store_slip(ports, server, issue(ports, refused), refused)
        started = time.monotonic()
        assert a_worker(app, clock, publisher).once() == 4
        done = [wait_for_outcome(app, job.id, seconds=5) for job in jobs if job is not None]
        took = time.monotonic() - started
    assert [job.status for job in done] == [PrintJobStatus.FAILED] * 3
    assert all("failed the job before this one" in (job.error or "") for job in done[1:])
    assert took < 1.9, "three jobs for a dead printer cost one time-out, not three"
    assert other is not None and wait_for_outcome(app, other.id, seconds=5).status == PrintJobStatus.FAILED
    assert publisher.names().count("print_failed") == 4


def test_the_worker_draws_only_when_the_setting_says_process():
    """Other values stop the app before (`tests/test_config.py`)."""
    assert not print_worker_process({})
    assert not print_worker_process({"PRINT_WORKER": "server"})
    assert print_worker_process({"PRINT_WORKER": "process"})


def test_the_worker_command_refuses_to_run_beside_servers_that_print_themselves(app):
    result = app.test_cli_runner().invoke(args=["printer", "worker"])
    assert result.exit_code == 1 and "MOTCUA_PRINT_WORKER" in result.output


@pytest.mark.postgres
def test_on_postgresql_two_workers_polling_together_print_every_job_once(postgres_engine, clock, publisher):
    from motcua.core.db import make_session_factory
    from motcua.core.events import RecordingPublisher
    from motcua.core.ports import Ports
    from motcua.queue.demo import load_demo_hall

    sessions = make_session_factory(postgres_engine)
    with sessions() as pg:
        load_demo_hall(Ports(pg, clock, RecordingPublisher()))
        ports = Ports(session=pg, clock=clock, publisher=publisher)
        device = kiosk(pg, clock, "dummy:")
        store = PrintDispatcher(sessions, clock, publisher, lambda *a, **k: None, printer_jobs_elsewhere=True)
        jobs = [store_slip(ports, store, issue(ports, device), device) for _ in range(12)]
    workers = [PrintWorker(sessions, clock, publisher, ServerPrinters(sessions, clock, publisher))
               for _ in range(2)]
    printed = poll_together(workers)
    assert len(printed) == len(set(printed)) == len(jobs)
    with sessions() as pg:
        assert {(job.status, job.attempts) for job in pg.query(PrintJob)} == {(PrintJobStatus.PRINTED, 1)}
