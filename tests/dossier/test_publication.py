"""Public figures: each sector's and agency's dossiers received, completed, early, on time and
late in a month, and the on-time rate; the query admin reports reuse, the page and the feed."""
from __future__ import annotations

from datetime import date

import pytest

from motcua.dossier import services as dossiers
from motcua.dossier.models import DossierStatus as S
from motcua.dossier.readmodels import dossier_figures
from tests.dossier.support import BIRTH, prepare, receive, serve_a_citizen
from tests.support import hall_time


@pytest.fixture
def month_of_work(ports, clock, demo_hall):
    """November: land receives 4 (2 early, 1 late), civil status 1 (on time); December: 1 more."""
    prepare(ports)
    land = serve_a_citizen(ports, counter=1)
    civil = serve_a_citizen(ports, counter=8, sector="tu-phap")
    clock.set(hall_time(2026, 11, 2, 9, 0))
    early = [receive(ports, land) for _ in range(2)]
    late = receive(ports, land)
    receive(ports, land)  # still in process
    on_time = receive(ports, civil, counter=8, procedure=BIRTH)  # due 3/11 09:00
    for dossier in early:
        move(ports, land, dossier, S.DONE, hall_time(2026, 11, 5, 10, 0))
    move(ports, civil, on_time, S.DONE, hall_time(2026, 11, 3, 16, 0))
    move(ports, land, late, S.DONE, hall_time(2026, 12, 1, 6, 30))  # completed in December
    clock.set(hall_time(2026, 12, 1, 8, 0))
    receive(ports, land)
    return demo_hall


def move(ports, actor, dossier, status, at):
    ports.clock.set(at)
    dossiers.change_status(ports, code=dossier.code, status=status, actor=actor)


def test_a_months_figures_count_received_and_completed_by_the_hall_date(ports, month_of_work):
    november = dossier_figures(ports.session, month_of_work, date(2026, 11, 1), date(2026, 11, 30))
    (agency,) = november.agencies
    sectors = {s.code: s.figures for s in agency.sectors}
    assert (sectors["dat-dai"].received, sectors["dat-dai"].completed, sectors["dat-dai"].early) == (4, 2, 2)
    assert (sectors["tu-phap"].received, sectors["tu-phap"].on_time, sectors["tu-phap"].on_time_rate) == (1, 1, 1.0)
    assert sectors["y-te"].received == 0 and sectors["y-te"].on_time_rate is None
    assert (november.total.received, november.total.completed, november.total.late) == (5, 3, 0)
    december = dossier_figures(ports.session, None, date(2026, 12, 1), date(2026, 12, 31))
    assert (december.total.received, december.total.completed, december.total.late) == (1, 1, 1)
    assert december.total.on_time_rate == 0.0
    assert len(december.agencies[0].sectors) == 13  # every sector is listed, with zeros


def test_the_json_feed_gives_a_month_with_rates(client, month_of_work):
    answer = client.get("/api/v1/publication?month=2026-11&hall=demo")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["month"] == "2026-11" and body["from"] == "2026-11-01" and body["to"] == "2026-11-30"
    assert body["total"] == {"received": 5, "completed": 3, "early": 2, "on_time": 1, "late": 0,
                             "on_time_rate": 1.0}
    (agency,) = body["agencies"]
    assert agency["agency_code"] == "H21.65" and agency["hall"] == "demo"


@pytest.mark.parametrize("month", ["2026-13", "11-2026", "abc"])
def test_a_malformed_month_is_a_json_error(client, demo_hall, month):
    answer = client.get(f"/api/v1/publication?month={month}")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "invalid_request"


def test_an_unknown_hall_in_the_feed_is_not_found(client, demo_hall):
    assert client.get("/api/v1/publication?hall=nowhere").get_json()["error"]["code"] == "hall_not_found"


def test_the_public_page_shows_each_sector_and_the_agency_total(client, month_of_work):
    page = client.get("/cong-khai?month=2026-11")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Công khai kết quả giải quyết hồ sơ" in text and "Đất đai" in text and "Cả đơn vị" in text
    assert "100,0 %" in text
    english = client.get("/cong-khai?month=2026-12&lang=en").get_data(as_text=True)
    assert "Land" in english and "On-time rate" in english and "0.0 %" in english


def test_the_public_page_answers_bad_input_with_a_friendly_page(client, demo_hall):
    bad = client.get("/cong-khai?month=2026-99")
    assert bad.status_code == 400 and "NNNN-TT" in bad.get_data(as_text=True)
    assert client.get("/cong-khai?hall=nowhere").status_code == 404
