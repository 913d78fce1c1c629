"""The chip ID card's QR code at the kiosk's look-up: it finds the holder's dossiers, a bad
scan gets a message that says what to do, and the code is never written to a log."""
from __future__ import annotations

import logging

import pytest

from motcua.dossier import services as dossiers
from motcua.dossier.installation import installation
from tests.auth.signing import csrf_token, sign_in
from tests.dossier.support import an_intake, prepare, serve_a_citizen

NUMBER = "079203001234"
OLD_NUMBER = "271234567"
CARD = f"{NUMBER}|{OLD_NUMBER}|Nguyễn Thị Mai|05031990|Nữ|12 Lê Lợi, Phường Bến Thành|15062021"


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports)


def receive_with(app, ports, officer, id_card):
    with app.app_context():
        kept = installation()
    return dossiers.receive_dossier(ports, hall_code="demo", counter_number=1, actor=officer,
                                    intake=an_intake(name="Nguyễn Thị Mai", id_card=id_card),
                                    installation=kept)


def look_up(client, kiosk_token, code):
    client.get(f"/kiosk/demo/setup?token={kiosk_token}")
    return client.post("/kiosk/demo/lookup", json={"code": code})


def test_a_scanned_chip_card_finds_the_dossiers_filed_with_its_number_or_its_old_one(
        app, client, kiosk_token, ports, officer):
    by_card = receive_with(app, ports, officer, NUMBER)
    by_old_id = receive_with(app, ports, officer, OLD_NUMBER)
    someone_else = receive_with(app, ports, officer, "079203009999")
    answer = look_up(client, kiosk_token, CARD)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["kind"] == "id_card"
    html = body["html"]
    assert by_card.code in html and by_old_id.code in html and someone_else.code not in html
    assert "Nguyễn T. M." in html and "Mai" not in html and NUMBER not in html


def test_a_chip_card_without_dossiers_says_so_rather_than_not_found(client, kiosk_token, officer):
    answer = look_up(client, kiosk_token, CARD)
    assert answer.status_code == 200
    assert 'data-testid="no-dossier-for-card"' in answer.get_json()["html"]


@pytest.mark.parametrize("scan", [
    CARD.rsplit("|", 3)[0],  # truncated
    CARD.replace("05031990", "05/03/1990"),  # a date the card never prints
    CARD.replace("Nữ", "X"),
])
def test_a_malformed_chip_card_scan_gets_a_message_and_is_never_logged(
        client, kiosk_token, officer, caplog, scan):
    caplog.set_level(logging.DEBUG)
    answer = look_up(client, kiosk_token, scan)
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "unreadable_id_card"
    assert "căn cước" in error["message"]
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert NUMBER not in logged and "Nguyễn Thị Mai" not in logged and "Lê Lợi" not in logged
    assert NUMBER not in error["message"]


def test_a_good_chip_card_scan_is_not_logged_either(app, client, kiosk_token, ports, officer, caplog):
    receive_with(app, ports, officer, NUMBER)
    caplog.set_level(logging.DEBUG)
    assert look_up(client, kiosk_token, CARD).status_code == 200
    assert NUMBER not in caplog.text and "Lê Lợi" not in caplog.text


@pytest.fixture
def officer_client(app, officer):
    client = app.test_client()
    assert sign_in(client, "canbo1").status_code == 302
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/counter/demo")
    return client


def test_the_intake_reads_a_chip_card_into_the_forms_fields_and_logs_nothing(officer_client, caplog):
    caplog.set_level(logging.DEBUG)
    answer = officer_client.post("/dossier/demo/id-card", json={"code": CARD})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"name": "Nguyễn Thị Mai", "id_card": NUMBER, "born": "1990-03-05",
                                 "address": "12 Lê Lợi, Phường Bến Thành"}
    refused = officer_client.post("/dossier/demo/id-card", json={"code": CARD.replace("|Nữ|", "|?|")})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "unreadable_id_card"
    assert NUMBER not in caplog.text and "Lê Lợi" not in caplog.text

