"""The print agent against a real server (threading mode, a loopback port): jobs arrive,
print, are acknowledged; a reconnecting agent gets what it missed exactly once."""
from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator

import pytest

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.printer.device.agent import PrintAgent, PrintedJobs
from motcua.printer.device.document import document_to_json, ticket_document
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.render import to_escpos
from motcua.printer.device.samples import sample_slip
from motcua.printer.device.transports import Printer
from motcua.printer.device.wire import AGENT_NAMESPACE, JobMessage, encode_job
from motcua.printer.dispatch import job_message
from motcua.printer.models import PrintJob, PrintJobKind, PrintJobStatus
from motcua.printer.services import PrintTarget, jobs_to_hand_on, print_document
from motcua.queue.demo import load_demo_hall
from tests.support import system_ports


def eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture
def hall(live_server):
    with live_server.session() as s:
        load_demo_hall(Ports(s, SystemClock(), RecordingPublisher()))
        device, token = register_device(system_ports(s, SystemClock()), actor=SYSTEM, printers=None,
                                        hall_code="demo", name="kiosk-a",
                                        kind=DeviceKind.KIOSK, printer="agent")
        return device.id, token


class Agents:
    """Starts agents sharing one state file, as restarts of the same kiosk PC would."""

    def __init__(self, url: str, token: str, state) -> None:
        self.url, self.token, self.state = url, token, state
        self.running: list[PrintAgent] = []
        self.log: list[str] = []

    def start(self, kiosk: str = "kiosk-a", token: str | None = None) -> PrintAgent:
        agent = PrintAgent(self.url, kiosk, token or self.token, Printer("dummy:"), self.state,
                           say=self.log.append)
        self.running.append(agent)
        agent.start(retry_seconds=0.2)
        return agent

    def stop_all(self) -> None:
        for agent in self.running:
            agent.stop()
        self.running.clear()


@pytest.fixture
def agents(live_server, hall, tmp_path) -> Iterator[Agents]:
    started = Agents(live_server.url, hall[1], tmp_path / "agent-state.json")
    yield started
    started.stop_all()


def new_job(live_server, device_id: int, data: bytes) -> int:
    """A test print of `data`, stored and handed to the app's print queue as a use case's is
    (sent: the dispatcher's worker emits it in a moment, to whichever agent is connected
    then)."""
    dispatcher = live_server.app.extensions["motcua.printer"]
    with live_server.session() as s:
        now = SystemClock().now()
        job = PrintJob(hall_id=1, device_id=device_id, kind=PrintJobKind.TEST, data=data,
                       status=PrintJobStatus.SENT, attempts=1, created_at=now, updated_at=now)
        s.add(job)
        s.commit()
    dispatcher.submit(job.id, job.printer_url)
    return job.id


def status_of(live_server, job_id: int) -> PrintJobStatus:
    with live_server.session() as s:
        return s.get(PrintJob, job_id).status


def test_a_connected_agent_prints_a_new_job_and_acknowledges_it(live_server, hall, agents):
    agent = agents.start()
    job = new_job(live_server, hall[0], b"\x1b@first")
    eventually(lambda: status_of(live_server, job) == PrintJobStatus.PRINTED)
    assert agent.printer.transport.sent == [b"\x1b@first"]


def test_the_agent_reconnecting_receives_its_missed_jobs_exactly_once(live_server, hall, agents):
    device_id = hall[0]
    first = agents.start()
    printed_before = new_job(live_server, device_id, b"job-1")
    eventually(lambda: status_of(live_server, printed_before) == PrintJobStatus.PRINTED)
    agents.stop_all()

    missed = [new_job(live_server, device_id, b"job-2"), new_job(live_server, device_id, b"job-3")]
    time.sleep(0.3)  # emitted to nobody meanwhile (later, the agent gets each twice, prints it once)

    second = agents.start()
    eventually(lambda: all(status_of(live_server, j) == PrintJobStatus.PRINTED for j in missed))
    time.sleep(0.3)  # room for a duplicate to show up, were one coming
    assert first.printer.transport.sent == [b"job-1"]
    assert second.printer.transport.sent == [b"job-2", b"job-3"]

    agents.stop_all()
    third = agents.start()  # nothing is open: nothing comes
    time.sleep(0.5)
    assert third.printer.transport.sent == []


def test_a_resync_from_the_server_brings_the_agent_a_job_whose_message_was_lost(
        live_server, hall, agents):
    agent = agents.start()
    first = new_job(live_server, hall[0], b"first")  # the agent is connected and has said ready
    eventually(lambda: status_of(live_server, first) == PrintJobStatus.PRINTED)
    with live_server.session() as s:  # sent, as the server believes, but the message was lost
        now = SystemClock().now()
        lost = PrintJob(hall_id=1, device_id=hall[0], kind=PrintJobKind.TEST, data=b"lost",
                        status=PrintJobStatus.SENT, created_at=now, updated_at=now)
        s.add(lost)
        s.commit()
        job = lost.id
    time.sleep(0.3)
    assert status_of(live_server, job) == PrintJobStatus.SENT
    live_server.app.extensions["socketio"].emit("resync", {}, namespace=AGENT_NAMESPACE)
    eventually(lambda: status_of(live_server, job) == PrintJobStatus.PRINTED)
    assert agent.printer.transport.sent == [b"first", b"lost"]


def test_a_job_printed_whose_acknowledgement_was_lost_is_acknowledged_again_not_printed(
    live_server, hall, agents
):
    device_id = hall[0]
    job_id = new_job(live_server, device_id, b"printed-then-cut-off")
    with live_server.session() as s:
        # The agent printed it and wrote it down, then lost the connection before its ack.
        PrintedJobs(agents.state).add(job_message(jobs_to_hand_on(s, [job_id])[0])["key"])
    agent = agents.start()
    eventually(lambda: status_of(live_server, job_id) == PrintJobStatus.PRINTED)
    assert agent.printer.transport.sent == []


def test_a_printer_failure_on_the_kiosk_marks_the_job_failed(live_server, hall, agents, tmp_path):
    agent = agents.start()
    agent.printer = Printer(f"file:{tmp_path}/no/such/lp0")
    job = new_job(live_server, hall[0], b"job")
    eventually(lambda: status_of(live_server, job) == PrintJobStatus.FAILED)
    with live_server.session() as s:
        assert "Cannot open" in (s.get(PrintJob, job).error or "")


def test_a_wrong_token_is_refused_with_one_clear_error(live_server, hall, agents):
    with pytest.raises(PrinterError, match="refused kiosk kiosk-a: kiosk token rejected"):
        agents.start(token="mck_not-the-token")
    with pytest.raises(PrinterError, match="refused"):
        agents.start(kiosk="kiosk-b")  # the right token, but another kiosk's name


def agent_alone(tmp_path, state_name: str = "state.json") -> tuple[PrintAgent, list[dict]]:
    """An agent not connected anywhere, its acknowledgements recorded instead of sent."""
    agent = PrintAgent("http://127.0.0.1:1", "kiosk-a", "token", Printer("dummy:"), tmp_path / state_name,
                       say=lambda _message: None)
    acks: list[dict] = []
    agent.client.emit = lambda _event, answer, namespace=None: acks.append(answer)  # type: ignore[method-assign]
    return agent, acks


def work_through(agent: PrintAgent, *jobs: object) -> None:
    for job in jobs:
        agent._on_job(job)
    agent._jobs.put(None)
    agent._work()


def test_the_agent_prints_each_key_once_and_answers_every_copy(tmp_path):
    agent, acks = agent_alone(tmp_path)
    job = {"id": 7, "key": "7@t", "kind": "ticket", "data": base64.b64encode(b"bytes").decode()}
    work_through(agent, job, dict(job), "not a job")
    work_through(agent, dict(job))
    assert agent.printer.transport.sent == [b"bytes"]
    assert acks == [{"id": 7, "ok": True}, {"id": 7, "ok": True}]
    assert "7@t" in PrintedJobs(tmp_path / "state.json")


def test_a_job_without_bytes_or_a_state_file_that_cannot_be_written_does_not_stop_the_agent(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "state.tmp").mkdir()  # the atomic write's temporary cannot be created
    agent, acks = agent_alone(tmp_path, "locked/state.json")
    work_through(agent, {"id": 1, "key": "1@t"}, {"id": 2, "key": "2@t", "data": "not base64!"},
                 {"id": 3, "key": "3@t", "data": base64.b64encode(b"ok").decode()})
    no_bytes = "the job came without its document or its bytes"
    assert acks == [{"id": 1, "ok": False, "error": no_bytes}, {"id": 2, "ok": False, "error": no_bytes},
                    {"id": 3, "ok": True}]
    assert agent.printer.transport.sent == [b"ok"]


def test_the_agent_draws_a_jobs_document_into_the_bytes_the_server_would_have_drawn(tmp_path):
    agent, acks = agent_alone(tmp_path)
    document = ticket_document(sample_slip("elderly"))
    job = encode_job(8, SystemClock().now(), "ticket", "1001",
                     document=document_to_json(document), native_qr=False)
    work_through(agent, job)
    assert acks == [{"id": 8, "ok": True}]
    assert agent.printer.transport.sent == [to_escpos(document, native_qr=False)]


def test_a_document_the_agent_cannot_draw_fails_its_job_with_the_reason(tmp_path):
    agent, acks = agent_alone(tmp_path)
    job = encode_job(9, SystemClock().now(), "ticket", "1001", document={"blocks": [{"type": "hologram"}]})
    work_through(agent, job)
    assert acks[0]["ok"] is False and "cannot be drawn" in acks[0]["error"]
    assert agent.printer.transport.sent == []


def test_the_server_sends_an_agents_job_undrawn_and_a_drawn_copy_as_bytes(live_server, hall, agents):
    """The kiosk's slip reaches the agent as its document (the server draws nothing), and a
    job stored drawn (a copy of one a server printer printed) as its bytes."""
    agent = agents.start()
    document = ticket_document(sample_slip())
    sent: list[JobMessage] = []
    printing = agent._print
    agent._print = lambda job: (sent.append(job), printing(job))[1]  # type: ignore[method-assign]
    with live_server.session() as s:  # handed to the app's print queue, as a tap's slip is
        ports = Ports(s, SystemClock(), RecordingPublisher(),
                      print_queue=live_server.app.extensions["motcua.printer"])
        job = print_document(ports, PrintTarget("agent", device_id=hall[0]),
                             lambda _mm: document, hall_id=1, kind=PrintJobKind.TEST)
    eventually(lambda: status_of(live_server, job.id) == PrintJobStatus.PRINTED)
    with live_server.session() as s:
        assert s.get(PrintJob, job.id).data.startswith(b"motcua-document:")  # never drawn there
    # (a job may come twice: as the agent connects, and from the queue; it prints once)
    received = {message.id: message for message in sent}
    assert received[job.id].document is not None and received[job.id].data is None
    assert agent.printer.transport.sent == [to_escpos(document, native_qr=True)]
    copy = new_job(live_server, hall[0], b"\x1b@drawn")
    eventually(lambda: status_of(live_server, copy) == PrintJobStatus.PRINTED)
    received = {message.id: message for message in sent}
    assert received[copy].document is None and received[copy].data == b"\x1b@drawn"
