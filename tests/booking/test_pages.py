"""The citizen's booking pages: Vietnamese first with an English toggle, mistakes shown beside
their fields, and the booking's page to cancel it."""
from __future__ import annotations

import re

import pytest

from motcua import create_app
from motcua.booking import services as booking
from motcua.core.actors import SYSTEM
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier.services import load_demo_catalogue
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Ticket
from tests.booking.support import ID_CARD_KEY, a_booking, prepare
from tests.support import hall_time

pytestmark = pytest.mark.usefixtures("demo_hall")
SLOT = hall_time(2026, 11, 26, 8, 0).isoformat()


def csrf(client, url):
    html = client.get(url).get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def test_the_pages_are_vietnamese_first_with_an_english_toggle(client, ports):
    prepare(ports)
    vietnamese = client.get("/dat-lich/demo").get_data(as_text=True)
    assert "Đất đai" in vietnamese and "?lang=en" in vietnamese
    english = client.get("/dat-lich/demo/dat-dai?lang=en").get_data(as_text=True)
    assert "Choose when to come" in english and "Land" in english


def test_a_wrong_phone_number_is_said_beside_its_field_and_nothing_is_booked(client, ports):
    prepare(ports)
    url = "/dat-lich/demo/dat-dai"
    answer = client.post(url, data={"csrf_token": csrf(client, url), "slot": SLOT,
                                    "name": "Lê Văn Dân", "phone": "123"})
    assert answer.status_code == 422
    assert "Số điện thoại gồm 10 chữ số" in answer.get_data(as_text=True)


def test_a_citizen_books_then_cancels_from_the_bookings_page(client, ports):
    prepare(ports)
    url = "/dat-lich/demo/dat-dai"
    booked = client.post(url, data={"csrf_token": csrf(client, url), "slot": SLOT,
                                    "name": "Lê Văn Dân", "phone": "0912345678"})
    assert booked.status_code == 302
    page_url = booked.headers["Location"]
    page = client.get(page_url)
    assert page.headers["Cache-Control"] == "no-store" and "08:00, 26/11/2026" in page.get_data(as_text=True)
    assert client.get(page_url + "/qr.svg").mimetype == "image/svg+xml"
    cancelled = client.post(page_url + "/huy", data={"csrf_token": csrf(client, page_url + "/huy")})
    assert cancelled.status_code == 302
    assert "Lịch hẹn này đã hủy." in client.get(page_url).get_data(as_text=True)


def test_once_checked_in_the_bookings_page_leads_to_its_tickets_page(client, ports, clock):
    prepare(ports)
    made = a_booking(ports, hall_time(2026, 11, 25, 9, 30))
    booking.check_in(ports, hall_code="demo", scanned=made.code, device=None, actor=SYSTEM,
                     status_url=lambda token: f"http://hall/t/{token}", id_card_key=ID_CARD_KEY)
    page = client.get(f"/dat-lich/xem/{made.secret}").get_data(as_text=True)
    ticket = ports.session.get(Ticket, made.ticket_id)
    assert f'href="http://localhost/t/{ticket.token}"' in page
    assert f"Theo dõi số {ticket.display_number}" in page


def test_an_unknown_booking_link_gets_a_friendly_page(client, ports):
    prepare(ports)
    answer = client.get("/dat-lich/xem/" + "x" * 24)
    assert answer.status_code == 404
    assert "Không tìm thấy lịch hẹn này." in answer.get_data(as_text=True)


def test_booking_from_one_address_is_rate_limited(tmp_path, clock, publisher):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite'}",
                      "SECRET_KEY": "t", "ASYNC_MODE": "threading", "REDIS_URL": None,
                      "PRINTER": "dummy:", "RATELIMIT_ENABLED": True,
                      "BOOKING_RATE_LIMIT": "2 per hour"}, clock=clock, publisher=publisher)
    engine = app.extensions["motcua"].engine
    metadata.create_all(engine)
    with app.extensions["motcua"].sessions() as session:
        ports = Ports(session, clock, RecordingPublisher())
        load_demo_hall(ports)
        prepare(ports)
    client = app.test_client()
    url = "/dat-lich/demo/dat-dai"
    answers = [client.post(url, data={"csrf_token": csrf(client, url), "slot": SLOT,
                                      "name": "Lê Văn Dân", "phone": "123"}).status_code
               for _ in range(3)]
    engine.dispose()
    assert answers == [422, 422, 429]


def test_a_citizen_moves_a_booking_from_its_page(client, ports):
    prepare(ports)
    url = "/dat-lich/demo/dat-dai"
    page_url = client.post(url, data={"csrf_token": csrf(client, url), "slot": SLOT,
                                      "name": "Lê Văn Dân", "phone": "0912345678"}).headers["Location"]
    move_url = page_url + "/doi"
    later = hall_time(2026, 11, 27, 14, 0).isoformat()
    moved = client.post(move_url, data={"csrf_token": csrf(client, move_url), "slot": later})
    assert moved.status_code == 302
    assert "14:00, 27/11/2026" in client.get(page_url).get_data(as_text=True)
    refused = client.post(move_url, data={"csrf_token": csrf(client, move_url),
                                          "slot": hall_time(2026, 11, 28, 8, 0).isoformat()})
    assert refused.status_code == 422 and "Giờ hẹn này không nhận đặt" in refused.get_data(as_text=True)
    assert "14:00, 27/11/2026" in client.get(page_url).get_data(as_text=True)


def test_the_bookings_page_names_the_procedure_chosen_with_the_sector(client, ports):
    prepare(ports)
    load_demo_catalogue(ports.session, ports.clock)
    ports.session.commit()
    url = "/dat-lich/demo/dat-dai"
    form = client.get(url).get_data(as_text=True)
    chosen = re.search(r'<option value="([^"]+)"\s*>([^<]+)</option>', form)
    assert chosen is not None, "the sector offers no procedure to choose"
    code, name = chosen.group(1), chosen.group(2)
    page_url = client.post(url, data={"csrf_token": csrf(client, url), "slot": SLOT, "procedure": code,
                                      "name": "Lê Văn Dân", "phone": "0912345678"}).headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert re.search(r"<dt>Lĩnh vực</dt><dd>Đất đai</dd>\s*<dt>Thủ tục</dt><dd[^>]*>" + re.escape(name) + "</dd>",
                     page)


def test_cancelling_asks_first_on_a_page_of_its_own_then_the_cancelled_page_offers_to_book_again(
        client, ports):
    prepare(ports)
    url = "/dat-lich/demo/dat-dai"
    page_url = client.post(url, data={"csrf_token": csrf(client, url), "slot": SLOT,
                                      "name": "Lê Văn Dân", "phone": "0912345678"}).headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert f'href="{page_url}/huy"' in page  # a link: one tap does not cancel
    asked = client.get(page_url + "/huy")
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and asked.headers["Cache-Control"] == "no-store"
    assert "Hủy lịch hẹn lúc 08:00, 26/11/2026?" in question
    assert f'href="{page_url}"' in question  # "Không, giữ lịch hẹn"
    assert "Lịch hẹn này đã hủy." not in client.get(page_url).get_data(as_text=True)
    client.post(page_url + "/huy", data={"csrf_token": csrf(client, page_url + "/huy")})
    cancelled = client.get(page_url).get_data(as_text=True)
    assert "Lịch hẹn này đã hủy." in cancelled
    assert 'href="/dat-lich/demo/dat-dai"' in cancelled and "Đặt lịch hẹn mới" in cancelled
