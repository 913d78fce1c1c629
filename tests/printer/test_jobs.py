"""Print jobs on a real (SQLite) database: created once per ticket after it is committed,
reprinted only on request, marked and announced; server printers that fail in time."""
from __future__ import annotations

import base64
import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, Actor, DeviceKind
from motcua.core.ports import RecordingPrintQueue
from motcua.printer import services
from motcua.printer.device.agent import draw
from motcua.printer.device.document import ticket_document
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.stream import commands
from motcua.printer.device.wire import decode_job
from motcua.printer.dispatch import PrintDispatcher
from motcua.printer.models import PrintJob, PrintJobKind, PrintJobStatus
from motcua.queue import errors
from motcua.queue import services as queue_services
from motcua.queue.models import Priority, Ticket
from tests.conftest import runtime_of
from tests.printer.fakes import FakeNetworkPrinter, closed_port
from tests.support import system_ports

URL = "http://10.0.0.5:5000/t/"


@pytest.fixture(autouse=True)
def _hall(demo_hall):
    return demo_hall


def kiosk(session, clock, printer, name="kiosk-1"):
    device, _ = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                hall_code="demo", name=name,
                                kind=DeviceKind.KIOSK, printer=printer)
    return device


def issue(ports, device, priority=None):
    actor = Actor(kind="kiosk", name=device.name, hall_id=device.hall_id, device_id=device.id)
    return queue_services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                       priority=priority, actor=actor)


def store_slip(ports, queue, issued, device):
    """The ticket's slip as a kiosk's tap stores it (undrawn), handed to `queue` on commit."""
    target = services.kiosk_target(device)
    if target is None:
        return None
    ticket = issued.ticket

    def layout(paper_mm):
        return ticket_document(services.slip_for_ticket(
            ticket, ahead=issued.ahead, counters=(1, 2),
            status_url=URL + ticket.token, paper_mm=paper_mm))

    return services.print_document(
        dataclasses.replace(ports, print_queue=queue), target, layout,
        hall_id=ticket.hall_id, kind=PrintJobKind.TICKET, ticket_id=ticket.id)


def print_it(ports, queue, issued, device):
    """The slip stored, and drawn as the print queue draws it."""
    job = store_slip(ports, queue, issued, device)
    if job is None or job.status == PrintJobStatus.FAILED:
        return job
    return services.draw_job(ports, job.id)


def test_a_ticket_job_holds_the_rendered_bytes_and_goes_to_the_queue_once(ports, session, clock):
    device = kiosk(session, clock, "dummy:")
    issued = issue(ports, device)
    queue = RecordingPrintQueue()
    job = print_it(ports, queue, issued, device)
    assert job is not None and queue.submitted == [job.id]
    assert (job.kind, job.status, job.ticket_id, job.printer_url) == (
        PrintJobKind.TICKET, PrintJobStatus.QUEUED, issued.ticket.id, "dummy:")
    names = [c.name for c in commands(job.data)]
    assert "raster" in names and "qr" in names and names[-1] == "cut"
    assert (URL + issued.ticket.token).encode() in job.data


def test_the_database_refuses_a_second_original_job_for_a_ticket(ports, session, clock):
    device = kiosk(session, clock, "dummy:")
    issued = issue(ports, device)
    first = print_it(ports, RecordingPrintQueue(), issued, device)
    assert first is not None
    now = clock.now()
    session.add(PrintJob(hall_id=first.hall_id, device_id=device.id, printer_url="dummy:",
                         ticket_id=issued.ticket.id, kind=PrintJobKind.TICKET, data=b"x",
                         attempts=0, created_at=now, updated_at=now))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_a_reprint_is_a_new_job_pointing_at_the_original(ports, session, clock):
    device = kiosk(session, clock, "dummy:")
    issued = issue(ports, device)
    queue = RecordingPrintQueue()
    original = print_it(ports, queue, issued, device)
    assert original is not None
    with_queue = dataclasses.replace(ports, print_queue=queue)
    one = services.reprint_ticket(with_queue, issued.ticket.id, requested_by="officer:lan")
    two = services.reprint(with_queue, one.id, requested_by="officer:lan")
    assert one.reprint_of_id == original.id and two.reprint_of_id == original.id
    assert one.data == original.data and one.requested_by == "officer:lan"
    assert queue.submitted == [original.id, one.id, two.id]
    with pytest.raises(errors.NotFound):
        services.reprint(with_queue, 999_999, requested_by="x")


def test_a_kiosk_without_a_printer_gets_no_job(ports, session, clock):
    device = kiosk(session, clock, None)
    assert print_it(ports, RecordingPrintQueue(), issue(ports, device), device) is None


def test_an_unusable_printer_setting_fails_the_job_not_the_ticket(ports, session, clock, publisher):
    device = kiosk(session, clock, "agent")
    device.printer = "lpt1:"  # no longer accepted anywhere, but an older database may hold it
    session.commit()
    issued = issue(ports, device)
    queue = RecordingPrintQueue()
    job = print_it(ports, queue, issued, device)
    assert job is not None and job.status == PrintJobStatus.FAILED
    assert "Unknown printer URL" in (job.error or "")
    assert queue.submitted == []
    assert session.get(Ticket, issued.ticket.id) is not None
    failed = [e for e in publisher.events if e.name == "print_failed"]
    assert len(failed) == 1 and failed[0].payload["ticket_token"] == issued.ticket.token


def test_an_agent_kiosk_gets_jobs_drawn_for_its_printer_settings(ports, session, clock):
    device = kiosk(session, clock, "agent:?width=58&qr=image")
    job = print_it(ports, RecordingPrintQueue(), issue(ports, device, Priority.MERIT), device)
    assert job is not None and job.printer_url is None and job.for_agent
    rasters = [c for c in commands(job.data) if c.name == "raster"]
    assert {c.width for c in rasters} == {384}
    assert "qr" not in [c.name for c in commands(job.data)]


def test_printed_and_failed_are_announced_once_with_what_the_kiosk_needs(ports, session, clock, publisher):
    device = kiosk(session, clock, "agent")
    issued = issue(ports, device)
    job = print_it(ports, RecordingPrintQueue(), issued, device)
    assert job is not None
    services.mark_sent(ports, job.id)
    services.mark_failed(ports, job.id, "paper out")
    services.mark_failed(ports, job.id, "paper out again")
    failed = [e for e in publisher.events if e.name == "print_failed"]
    assert len(failed) == 1
    event = failed[0]
    assert event.hall == "demo"
    assert {k: event.payload[k] for k in ("ticket_token", "display_number", "device", "error")} == {
        "ticket_token": issued.ticket.token, "display_number": issued.ticket.display_number,
        "device": "kiosk-1", "error": "paper out"}
    # A late acknowledgement wins: the paper is the truth.
    services.record_printed(ports, [(job.id, None, True)])
    services.record_printed(ports, [(job.id, None, True)])
    assert [e.name for e in publisher.events].count("print_printed") == 1
    assert session.get(PrintJob, job.id).status == PrintJobStatus.PRINTED


def test_another_kiosks_acknowledgement_changes_nothing(ports, session, clock, publisher):
    mine, other = kiosk(session, clock, "agent"), kiosk(session, clock, "agent", "kiosk-2")
    job = print_it(ports, RecordingPrintQueue(), issue(ports, mine), mine)
    assert job is not None
    assert services.record_printed(ports, [(job.id, other.id, True)]) == []
    assert session.get(PrintJob, job.id).status == PrintJobStatus.SENT


def test_agent_jobs_nobody_confirms_fail_after_the_deadline(ports, session, clock, publisher):
    device = kiosk(session, clock, "agent")
    job = print_it(ports, RecordingPrintQueue(), issue(ports, device), device)
    assert job is not None
    assert services.fail_overdue(ports) == []
    assert [found.id for found in services.open_agent_jobs(session, device.id)] == [job.id]
    clock.advance(seconds=services.AGENT_ACK_SECONDS + 1)
    assert [j.id for j in services.fail_overdue(ports)] == [job.id]
    assert "did not confirm" in (session.get(PrintJob, job.id).error or "")
    assert services.open_agent_jobs(session, device.id) == []


def test_a_server_printer_job_lost_by_a_restart_is_failed_later(ports, session, clock, publisher):
    device = kiosk(session, clock, "tcp://127.0.0.1:9")
    job = print_it(ports, RecordingPrintQueue(), issue(ports, device), device)
    assert job is not None
    clock.advance(seconds=services.AGENT_ACK_SECONDS + 1)
    assert services.fail_overdue(ports) == []
    clock.advance(seconds=services.SERVER_JOB_SECONDS)
    assert len(services.fail_overdue(ports)) == 1


# --- server printers, driven by their worker thread ------------------------------------------


@pytest.fixture
def dispatcher(app, clock, publisher):
    rt = runtime_of(app)
    return PrintDispatcher(rt.sessions, clock, publisher, lambda *a, **k: None, max_wait=10)


def wait_for_outcome(app, job_id, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with runtime_of(app).sessions() as s:
            job = s.get(PrintJob, job_id)
            if job is not None and not job.open:
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still open after {seconds} s")


@pytest.mark.parametrize("kind", ["refuses", "never answers"])
def test_a_network_printer_that_fails_leaves_the_ticket_issued_and_the_job_failed_in_time(
    kind, app, ports, session, clock, publisher, dispatcher
):
    with FakeNetworkPrinter(silent=True) as silent:
        url = f"tcp://127.0.0.1:{closed_port()}" if kind == "refuses" else silent.url
        device = kiosk(session, clock, f"{url}?timeout=1")
        issued = issue(ports, device)
        started = time.monotonic()
        job = store_slip(ports, dispatcher, issued, device)
        assert job is not None
        assert time.monotonic() - started < 0.5, "issuing never waits for the printer"
        done = wait_for_outcome(app, job.id, seconds=5)
        assert done.status == PrintJobStatus.FAILED and done.attempts == 1
        assert time.monotonic() - started < 3.5
    with runtime_of(app).sessions() as s:
        assert s.get(Ticket, issued.ticket.id) is not None
    assert "print_failed" in publisher.names()


def test_a_server_printer_prints_jobs_one_at_a_time_on_its_own_connection(
    app, ports, session, clock, publisher, dispatcher
):
    with FakeNetworkPrinter() as fake:
        device = kiosk(session, clock, fake.url)
        jobs = [store_slip(ports, dispatcher, issue(ports, device), device) for _ in range(3)]
        for job in jobs:
            assert job is not None
            assert wait_for_outcome(app, job.id, seconds=10).status == PrintJobStatus.PRINTED
        deadline = time.monotonic() + 5
        while len(fake.jobs) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    assert fake.connections == 3 and len(fake.jobs) == 3
    assert publisher.names().count("print_printed") == 3


def test_a_job_stuck_behind_a_dead_printer_for_too_long_fails_without_trying(
    app, ports, session, clock, publisher
):
    rt = runtime_of(app)
    impatient = PrintDispatcher(rt.sessions, clock, publisher, lambda *a, **k: None, max_wait=5)
    device = kiosk(session, clock, f"tcp://127.0.0.1:{closed_port()}")
    job = print_it(ports, RecordingPrintQueue(), issue(ports, device), device)
    assert job is not None
    clock.advance(seconds=6)
    impatient.submit(job.id, job.printer_url)
    done = wait_for_outcome(app, job.id, seconds=5)
    assert done.attempts == 0 and "Waited 6 s" in (done.error or "")


def test_dummy_printers_print_at_once_in_the_callers_thread(app, ports, session, clock, publisher, dispatcher):
    device = kiosk(session, clock, "dummy:")
    job = print_it(ports, RecordingPrintQueue(), issue(ports, device), device)
    assert job is not None
    dispatcher.printers.submit(job.id, "dummy:")
    with runtime_of(app).sessions() as s:
        assert s.get(PrintJob, job.id).status == PrintJobStatus.PRINTED
    assert dispatcher.printers.printer("dummy:").transport.sent == [job.data]
    assert session.scalar(select(PrintJob.attempts).where(PrintJob.id == job.id)) == 1
    assert timedelta(0) <= clock.now() - job.created_at


def test_a_printer_url_target_is_drawn_for_that_printer_and_agent_urls_need_a_kiosk():
    target = services.PrintTarget("tcp://10.0.0.15:9100?width=58&qr=image")
    assert (target.device_id, target.printer_url) == (None, "tcp://10.0.0.15:9100?width=58&qr=image")
    settings = target.resolve()
    assert (settings.width, settings.native_qr) == (384, False)
    with pytest.raises(PrinterError, match="needs a kiosk"):
        services.PrintTarget("agent").resolve()


@pytest.mark.postgres
def test_on_postgresql_a_ticket_has_one_original_job_and_marks_lock_the_row(postgres_engine, clock, publisher):
    from motcua.core.db import make_session_factory
    from motcua.core.events import RecordingPublisher
    from motcua.core.ports import Ports
    from motcua.queue.demo import load_demo_hall

    with make_session_factory(postgres_engine)() as pg:
        load_demo_hall(Ports(pg, clock, RecordingPublisher()))
        ports = Ports(session=pg, clock=clock, publisher=publisher)
        device = kiosk(pg, clock, "agent")
        issued = issue(ports, device)
        queue = RecordingPrintQueue()
        job = print_it(ports, queue, issued, device)
        assert job is not None
        services.mark_sent(ports, job.id)
        assert pg.scalar(select(PrintJob.status).where(PrintJob.id == job.id)) == PrintJobStatus.SENT
        assert services.record_printed(ports, [(job.id, device.id, True)]) == [job.id]
        assert pg.scalar(select(PrintJob.status).where(PrintJob.id == job.id)) == PrintJobStatus.PRINTED
        second = store_slip(ports, queue, issue(ports, device), device)
        assert services.record_printed(ports, [(second.id, device.id, False)]) == [second.id]
        now = clock.now()
        pg.add(PrintJob(hall_id=job.hall_id, device_id=device.id, ticket_id=issued.ticket.id,
                        kind=PrintJobKind.TICKET, data=b"x", attempts=0, created_at=now, updated_at=now))
        with pytest.raises(IntegrityError):
            pg.commit()
        pg.rollback()


def test_a_job_on_a_printer_not_asked_for_its_status_is_sent_never_printed(
    app, ports, session, clock, publisher, dispatcher
):
    # The printer takes the connection and never reads: the bytes sit in the sockets' buffers.
    with FakeNetworkPrinter(silent=True) as silent:
        device = kiosk(session, clock, f"{silent.url}?status=off&timeout=2")
        job = store_slip(ports, dispatcher, issue(ports, device), device)
        assert job is not None
        done = wait_for_outcome(app, job.id, seconds=10)
    assert done.status == PrintJobStatus.UNCONFIRMED and done.error is None
    assert "print_printed" not in publisher.names()
    assert publisher.names().count("print_unconfirmed") == 1


def test_a_job_the_printer_confirmed_by_its_status_is_printed(
    app, ports, session, clock, publisher, dispatcher
):
    with FakeNetworkPrinter() as fake:
        device = kiosk(session, clock, fake.url)
        job = store_slip(ports, dispatcher, issue(ports, device), device)
        assert job is not None
        assert wait_for_outcome(app, job.id, seconds=10).status == PrintJobStatus.PRINTED


def test_an_agent_whose_printer_cannot_tell_leaves_its_jobs_unconfirmed(ports, session, clock, publisher):
    device = kiosk(session, clock, "agent")
    job = print_it(ports, RecordingPrintQueue(), issue(ports, device), device)
    assert job is not None
    services.mark_sent(ports, job.id)
    assert services.record_printed(ports, [(job.id, device.id, False)]) == [job.id]
    assert session.get(PrintJob, job.id).status == PrintJobStatus.UNCONFIRMED
    assert services.fail_overdue(ports) == []
    clock.advance(seconds=services.SERVER_JOB_SECONDS * 2)
    assert services.fail_overdue(ports) == []


def test_jobs_queued_behind_one_the_printer_failed_fail_with_it_not_a_time_out_later(
    app, ports, session, clock, publisher, dispatcher
):
    with FakeNetworkPrinter(silent=True) as silent:
        device = kiosk(session, clock, f"{silent.url}?timeout=1")
        started = time.monotonic()
        jobs = [store_slip(ports, dispatcher, issue(ports, device), device) for _ in range(3)]
        done = [wait_for_outcome(app, job.id, seconds=5) for job in jobs if job is not None]
        took = time.monotonic() - started
    assert [job.status for job in done] == [PrintJobStatus.FAILED] * 3
    assert all("failed the job before this one" in (job.error or "") for job in done[1:])
    assert done[0].attempts == 1 and done[1].attempts == done[2].attempts == 0
    assert took < 1.9, "three jobs for a dead printer cost one time-out, not three"


def test_an_agent_job_its_process_never_handed_on_is_sent_undrawn_when_the_agent_comes_back(
        app, ports, session, clock, publisher, dispatcher):
    device = kiosk(session, clock, "agent")
    issued = issue(ports, device)
    # Stored as handed over, and the process died before its worker emitted it.
    job = store_slip(ports, RecordingPrintQueue(), issued, device)
    assert job is not None and (job.status, job.attempts) == (PrintJobStatus.SENT, 1)
    (message,) = dispatcher.open_jobs(device.id)
    assert message["id"] == job.id and "data" not in message  # the agent draws it
    data = draw(decode_job(message))
    assert "raster" in [c.name for c in commands(data)]
    assert (URL + issued.ticket.token).encode() in data
    with runtime_of(app).sessions() as s:
        assert (s.get(PrintJob, job.id).status, s.get(PrintJob, job.id).attempts) == (PrintJobStatus.SENT, 2)


def test_a_kiosks_ticket_and_its_slips_job_commit_together_and_reach_the_queue_after(
        ports, session, clock, publisher):
    from motcua.kiosk.services import take_ticket

    device = kiosk(session, clock, "agent")
    queue = RecordingPrintQueue()
    actor = Actor(kind="kiosk", name=device.name, hall_id=device.hall_id, device_id=device.id)
    asked: list[str] = []

    def status_url(token):
        asked.append(token)
        return URL + token

    taken = take_ticket(dataclasses.replace(ports, print_queue=queue), device=device,
                        hall_code="demo", sector_code="dat-dai", priority=None, actor=actor,
                        status_url=status_url)
    job = taken.print_job
    assert job is not None and job.ticket_id == taken.issued.ticket.id
    assert queue.submitted == [job.id] and asked == [taken.issued.ticket.token]
    assert publisher.names() == ["ticket_issued"]
    drawn = services.draw_job(ports, job.id)
    assert (URL + taken.issued.ticket.token).encode() in drawn.data

    without = kiosk(session, clock, None, "kiosk-2")
    bare = take_ticket(ports, device=without, hall_code="demo", sector_code="dat-dai", priority=None,
                       actor=Actor(kind="kiosk", name="kiosk-2", hall_id=without.hall_id,
                                   device_id=without.id), status_url=status_url)
    assert bare.print_job is None and len(asked) == 1


def test_a_refused_ticket_stores_no_print_job(ports, session, clock, publisher):
    from motcua.kiosk.services import take_ticket

    device = kiosk(session, clock, "agent")
    actor = Actor(kind="kiosk", name=device.name, hall_id=device.hall_id, device_id=device.id)
    with pytest.raises(errors.NotFound):
        take_ticket(ports, device=device, hall_code="demo", sector_code="nothing", priority=None,
                    actor=actor, status_url=lambda token: URL + token)
    assert session.scalars(select(PrintJob)).all() == [] and publisher.names() == []


def test_a_receipt_whose_printer_cannot_be_used_is_a_failed_job_announced_like_a_tickets(
        ports, session, clock, publisher):
    from motcua.printer.device.document import Cut, Document, Text

    queue = RecordingPrintQueue()
    job = services.print_document(
        dataclasses.replace(ports, print_queue=queue), services.PrintTarget("lpt1:"),
        lambda paper_mm: Document((Text("GIẤY HẸN"), Cut())), hall_id=1,
        kind=PrintJobKind.RECEIPT, requested_by="officer:lan")
    assert (job.status, job.kind, job.printer_url) == (PrintJobStatus.FAILED, PrintJobKind.RECEIPT, "lpt1:")
    assert "Unknown printer URL" in (job.error or "") and queue.submitted == []
    (failed,) = [e for e in publisher.events if e.name == "print_failed"]
    assert failed.payload["kind"] == "receipt" and failed.payload["error"] == job.error
    with pytest.raises(errors.Conflict):
        services.reprint(ports, job.id, requested_by="officer:lan")


def test_agents_acknowledgements_written_together_mark_and_announce_each_kiosks_own_jobs(
        ports, session, clock, publisher):
    first, second = kiosk(session, clock, "agent"), kiosk(session, clock, "agent", "kiosk-2")
    jobs = [store_slip(ports, RecordingPrintQueue(), issue(ports, device), device)
            for device in (first, first, second)]
    mine, unconfirmed, theirs = (job.id for job in jobs)

    changed = services.record_printed(ports, [
        (mine, first.id, True), (unconfirmed, first.id, False),
        (theirs, first.id, True),  # another kiosk's job: left alone
    ])

    assert sorted(changed) == sorted([mine, unconfirmed])
    statuses = dict(session.execute(select(PrintJob.id, PrintJob.status)).all())
    assert (statuses[mine], statuses[unconfirmed], statuses[theirs]) == (
        PrintJobStatus.PRINTED, PrintJobStatus.UNCONFIRMED, PrintJobStatus.SENT)
    announced = {(e.name, e.payload["job"], e.payload["device"]) for e in publisher.events
                 if e.name.startswith("print_")}
    assert announced == {("print_printed", mine, "kiosk-1"), ("print_unconfirmed", unconfirmed, "kiosk-1")}
    assert services.record_printed(ports, [(mine, first.id, True)]) == []  # said twice: once
    networked = kiosk(session, clock, "dummy:", "kiosk-3")  # a printer the server drives
    driven = store_slip(ports, RecordingPrintQueue(), issue(ports, networked), networked)
    assert services.record_printed(ports, [(driven.id, None, True)]) == [driven.id]


def test_acknowledgements_that_come_while_others_are_written_are_written_next_in_one_group(
        session, clock, dispatcher, monkeypatch):
    device = kiosk(session, clock, "agent")
    writing, release = threading.Event(), threading.Event()
    groups: list[list[int]] = []

    def record_printed(ports, printed):
        groups.append([job_id for job_id, _, _ in printed])
        writing.set()
        release.wait(5)
        return []

    monkeypatch.setattr(services, "record_printed", record_printed)
    first = threading.Thread(target=dispatcher.acknowledge, args=(device.id, {"id": 1, "ok": True}))
    first.start()
    assert writing.wait(5)
    dispatcher.acknowledge(device.id, {"id": 2, "ok": True})  # left for the writer: returns at once
    dispatcher.acknowledge(device.id, {"id": 3, "ok": True, "unconfirmed": True})
    release.set()
    first.join(5)
    assert groups == [[1], [2, 3]]


def test_acknowledgements_that_come_within_the_gathering_pause_are_written_as_one_group(
        app, session, clock, publisher, monkeypatch):
    device = kiosk(session, clock, "agent")
    groups: list[list[int]] = []
    monkeypatch.setattr(services, "record_printed",
                        lambda ports, printed: groups.append([job_id for job_id, _, _ in printed]) or [])
    rt = runtime_of(app)
    dispatcher = PrintDispatcher(rt.sessions, clock, publisher, lambda *a, **k: None, ack_gather=0.3)
    first = threading.Thread(target=dispatcher.acknowledge, args=(device.id, {"id": 1, "ok": True}))
    first.start()
    dispatcher.acknowledge(device.id, {"id": 2, "ok": True})  # while the first one's writer waits
    dispatcher.acknowledge(device.id, {"id": 3, "ok": True})
    assert groups == []
    first.join(5)
    assert groups == [[1, 2, 3]]


def test_jobs_stored_while_the_dispatcher_delivers_are_read_together_and_delivered_in_order(
        app, ports, session, clock, publisher):
    from sqlalchemy import event

    device = kiosk(session, clock, "agent")
    release = threading.Event()
    emitted: list[int] = []

    def emit(_name, message, **_where):
        emitted.append(message["id"])
        release.wait(5)  # the first delivery takes its time

    rt = runtime_of(app)
    slow = PrintDispatcher(rt.sessions, clock, publisher, emit)
    first = store_slip(ports, slow, issue(ports, device), device)
    while not emitted:
        time.sleep(0.01)
    later = [store_slip(ports, slow, issue(ports, device), device) for _ in range(2)]
    reads: list[str] = []

    def note(_conn, _cursor, sql, *_args):
        if sql.startswith("SELECT") and "FROM print_jobs LEFT OUTER JOIN tickets" in sql:  # a delivery's
            reads.append(sql)

    event.listen(rt.engine, "before_cursor_execute", note)
    try:
        release.set()
        deadline = time.monotonic() + 5
        while len(emitted) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        event.remove(rt.engine, "before_cursor_execute", note)
    assert emitted == [first.id, *(job.id for job in later)]
    assert len(reads) == 1
