"""Issuing a ticket through the API queues its slip and never waits for the printer."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select

from motcua.core.accounts import Device
from motcua.printer.device.stream import commands
from motcua.printer.models import PrintJob, PrintJobStatus
from motcua.queue.models import Ticket
from tests.conftest import runtime_of
from tests.printer.fakes import FakeNetworkPrinter
from tests.support import bearer

ISSUE = "/api/v1/halls/demo/tickets"


def use_printer(session, url):
    device = session.scalar(select(Device).where(Device.name == "kiosk-test"))
    device.printer = url
    session.commit()


def printed(app, count=1):
    """What the dummy: printer got, once `count` jobs are there (slips are drawn after the
    tap's answer, by the dispatcher's drawing worker)."""
    sent = app.extensions["motcua.printer"].printers.printer("dummy:").transport.sent
    deadline = time.monotonic() + 10
    while len(sent) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return sent


def test_a_ticket_issued_at_a_kiosk_prints_on_its_printer(app, client, kiosk_token, session):
    use_printer(session, "dummy:")
    response = client.post(ISSUE, json={"sector": "dat-dai"}, headers=bearer(kiosk_token))
    assert response.status_code == 201
    body = response.get_json()
    assert body["print_job"]["status"] in ("queued", "printed")  # drawn after the answer
    sent = printed(app)
    assert len(sent) == 1
    deadline = time.monotonic() + 10
    while True:
        with runtime_of(app).sessions() as s:
            status = s.get(PrintJob, body["print_job"]["id"]).status
        if status == PrintJobStatus.PRINTED or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert status == PrintJobStatus.PRINTED
    qr = [c.payload for c in commands(sent[0]) if c.name == "qr" and c.payload.startswith(b"1P0")]
    assert qr == [b"1P0http://localhost/t/" + body["token"].encode()]


def test_the_qr_code_uses_the_public_base_url_when_one_is_set(app, client, kiosk_token, session):
    use_printer(session, "dummy:")
    app.config["PUBLIC_BASE_URL"] = "http://10.0.0.5:5000/"
    client.post(ISSUE, json={"sector": "dat-dai"}, headers=bearer(kiosk_token))
    (sent,) = printed(app)
    assert b"1P0http://10.0.0.5:5000/t/" in sent


def test_a_printer_that_never_answers_does_not_delay_the_ticket(app, client, kiosk_token, session, publisher):
    with FakeNetworkPrinter(silent=True) as printer:
        use_printer(session, f"{printer.url}?timeout=1")
        started = time.monotonic()
        response = client.post(ISSUE, json={"sector": "dat-dai"}, headers=bearer(kiosk_token))
        assert time.monotonic() - started < 1.0
        assert response.status_code == 201
        body = response.get_json()
        assert body["print_job"]["status"] in ("queued", "sent")
        deadline = time.monotonic() + 6
        while "print_failed" not in publisher.names() and time.monotonic() < deadline:
            time.sleep(0.05)
    failed = [e for e in publisher.events if e.name == "print_failed"]
    assert len(failed) == 1 and failed[0].payload["ticket_token"] == body["token"]
    assert "did not answer" in failed[0].payload["error"]
    with runtime_of(app).sessions() as s:
        assert s.scalar(select(Ticket).where(Ticket.token == body["token"])) is not None
        assert s.get(PrintJob, body["print_job"]["id"]).status == PrintJobStatus.FAILED


def test_issuing_twice_with_one_tap_each_prints_two_tickets_once_each(app, client, kiosk_token, session):
    use_printer(session, "dummy:")
    for _ in range(2):
        client.post(ISSUE, json={"sector": "dat-dai"}, headers=bearer(kiosk_token))
    with runtime_of(app).sessions() as s:
        jobs = s.scalars(select(PrintJob)).all()
        assert len(jobs) == 2 and len({j.ticket_id for j in jobs}) == 2


def test_a_printing_kiosks_tap_is_answered_before_its_slip_is_drawn(app, client, kiosk_token,
                                                                    session, monkeypatch):
    from motcua.printer.device import render

    drawing_may_end = threading.Event()
    draw = render.to_escpos

    def slow_drawing(*args, **kwargs):
        drawing_may_end.wait(timeout=5)
        return draw(*args, **kwargs)

    monkeypatch.setattr(render, "to_escpos", slow_drawing)
    use_printer(session, "dummy:")
    started = time.monotonic()
    response = client.post(ISSUE, json={"sector": "dat-dai"}, headers=bearer(kiosk_token))
    assert time.monotonic() - started < 2.5  # long before the 5 s the drawing is held
    assert response.status_code == 201 and response.get_json()["print_job"]["status"] == "queued"
    drawing_may_end.set()
    assert len(printed(app)) == 1
