"""Citizens look a dossier up with the receipt: the QR code, or the code with its secret.

A code without its secret must tell nothing: the answer is the same as for a code that
does not exist (status and page), and look-ups are rate-limited per client.
"""
from __future__ import annotations

import re

import pytest

from motcua import create_app
from motcua.dossier import services as dossiers
from motcua.dossier.access import masked_name
from motcua.dossier.installation import installation
from motcua.dossier.models import DossierStatus as S
from motcua.models import metadata
from tests.dossier.support import INSTALLATION, prepare, receive, serve_a_citizen
from tests.support import hall_time


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports)


@pytest.fixture
def dossier(ports, officer):
    return receive(ports, officer, name="Nguyễn Văn Minh", id_card="079123456789")


def id_key(app):
    with app.app_context():
        return installation().id_card_key


@pytest.mark.parametrize("name, masked", [
    ("Nguyễn Văn Minh", "Nguyễn V. M."),
    ("Trần Thị Hồng Nhung", "Trần T. H. N."),
    ("  Lê   an ", "Lê A."),
    ("Ê", "Ê."),
    ("ư", "Ư."),
])
def test_names_are_masked_to_the_family_name_and_initials(name, masked):
    assert masked_name(name) == masked


def test_the_qr_secret_finds_the_dossier_and_a_similar_one_does_not(ports, dossier):
    assert dossiers.find_by_qr(ports.session, dossier.qr_secret) is dossier
    last = "y" if dossier.qr_secret.endswith("x") else "x"  # 1 secret in 64 ends in "x"
    assert dossiers.find_by_qr(ports.session, dossier.qr_secret[:-1] + last) is None
    assert dossiers.find_by_qr(ports.session, "short") is None


def test_the_code_with_its_short_secret_typed_loosely_finds_the_dossier(ports, dossier):
    typed = " ".join(dossier.short_secret.lower())
    found = dossiers.find_by_code(ports.session, " " + dossier.code.lower(), typed, INSTALLATION.id_card_key)
    assert found is dossier


def test_the_code_with_the_id_card_number_finds_the_dossier(ports, dossier):
    assert dossiers.find_by_code(ports.session, dossier.code, "079 123 456 789",
                                 INSTALLATION.id_card_key) is dossier
    assert dossiers.find_by_code(ports.session, dossier.code, "079123456788",
                                 INSTALLATION.id_card_key) is None


def test_a_dossier_without_id_card_cannot_be_opened_by_any_id_number(ports, officer):
    anonymous = receive(ports, officer, id_card=None)
    assert dossiers.find_by_code(ports.session, anonymous.code, "000000000",
                                 INSTALLATION.id_card_key) is None


def test_a_code_without_the_right_secret_is_not_found(ports, dossier):
    wrong = "AAAAAA" if dossier.short_secret != "AAAAAA" else "CCCCCC"
    assert dossiers.find_by_code(ports.session, dossier.code, wrong, INSTALLATION.id_card_key) is None
    assert dossiers.find_by_code(ports.session, dossier.code, "", INSTALLATION.id_card_key) is None


WRONG_SECRET = "K7Q2M9"  # the shape of a printed secret, of no dossier here


def test_a_wrong_secret_gets_exactly_the_answer_of_an_unknown_code(client, dossier):
    unknown_code = "H21.65-261125-9999"
    wrong = client.post("/tra-cuu", data={"code": dossier.code, "secret": WRONG_SECRET})
    unknown = client.post("/tra-cuu", data={"code": unknown_code, "secret": WRONG_SECRET})
    no_secret = client.post("/tra-cuu", data={"code": dossier.code, "secret": ""})
    assert wrong.status_code == unknown.status_code == no_secret.status_code == 404
    assert wrong.get_data() == no_secret.get_data()
    # Each page gives back only the code typed, so that it need not be typed again.
    assert (wrong.get_data(as_text=True).replace(dossier.code, "TYPED")
            == unknown.get_data(as_text=True).replace(unknown_code, "TYPED"))
    bad_qr = client.get("/tra-cuu/" + "A" * 24)
    assert bad_qr.status_code == 404
    assert bad_qr.get_data(as_text=True) == wrong.get_data(as_text=True).replace(
        f' value="{dossier.code}"', "")


def test_a_code_that_is_not_found_stays_in_its_field_and_the_secret_is_cleared(client, dossier):
    typed = "H21.65-261125-9999"
    page = client.post("/tra-cuu", data={"code": typed, "secret": WRONG_SECRET}).get_data(as_text=True)
    assert "Không tìm thấy hồ sơ" in page
    code_field = re.search(r'<input name="code"[^>]*>', page)
    assert code_field is not None and f'value="{typed}"' in code_field.group()
    assert WRONG_SECRET not in page


def test_the_page_shows_status_history_due_date_and_only_a_masked_name(ports, client, dossier):
    dossiers.change_status(ports, code=dossier.code, status=S.SUPPLEMENT_REQUESTED,
                           actor=dossiers.SYSTEM, note="Thiếu bản sao Giấy chứng nhận")
    page = client.get(f"/tra-cuu/{dossier.qr_secret}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nguyễn V. M." in text and "Nguyễn Văn Minh" not in text and "0905" not in text
    assert "Cấp đổi Giấy chứng nhận" in text
    assert "Yêu cầu bổ sung giấy tờ" in text and "Được tiếp nhận" in text
    assert "Thiếu bản sao Giấy chứng nhận" in text  # the note addressed to the citizen
    assert "09:00 04/12/2026" in text
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"


def test_the_typed_look_up_page_answers_in_english_too(client, dossier):
    page = client.post("/tra-cuu?lang=en", data={"code": dossier.code, "secret": dossier.short_secret})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Accepted" in text and "Nguyễn V. M." in text


def test_an_open_dossier_past_its_due_date_says_late(ports, clock, client, dossier):
    clock.set(hall_time(2026, 12, 4, 17, 0))
    assert "flag--late" not in client.get(f"/tra-cuu/{dossier.qr_secret}").get_data(as_text=True)
    clock.set(hall_time(2026, 12, 5, 8, 0))
    page = client.get(f"/tra-cuu/{dossier.qr_secret}").get_data(as_text=True)
    assert "flag--late" in page and "Trễ hạn" in page


def test_look_ups_are_rate_limited_per_client(tmp_path, clock, publisher):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'limited.sqlite'}",
                      "SECRET_KEY": "s", "RATELIMIT_ENABLED": True, "LOOKUP_RATE_LIMIT": "3 per minute",
                      "LOOKUP_ADDRESS_RATE_LIMIT": "5 per minute", "PRINTER": "dummy:"},
                     clock=clock, publisher=publisher)
    metadata.create_all(app.extensions["motcua"].engine)
    client = app.test_client()
    answers = [client.post("/tra-cuu", data={"code": "H21.65-261125-0001", "secret": "AAAAAA"}).status_code
               for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    assert client.get("/tra-cuu/" + "B" * 24).status_code == 404
    throttled = client.get("/tra-cuu/" + "C" * 24)  # the address's sixth look-up
    assert throttled.status_code == 429
    assert "quá nhiều lần" in throttled.get_data(as_text=True)
    other = app.test_client()
    assert other.post("/tra-cuu", data={"code": "x", "secret": "y"},
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404


def test_the_kiosk_look_up_screen_finds_a_dossier_by_its_scanned_qr_code(client, kiosk_token, dossier):
    client.get(f"/kiosk/demo/setup?token={kiosk_token}")
    answer = client.post("/kiosk/demo/lookup", json={"code": f"http://10.0.0.5:5000/tra-cuu/{dossier.qr_secret}"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["kind"] == "dossier"
    assert dossier.code in body["html"] and "Nguyễn V. M." in body["html"] and "Minh" not in body["html"]


def test_the_kiosk_look_up_treats_a_code_with_a_wrong_secret_as_unknown(client, kiosk_token, dossier):
    client.get(f"/kiosk/demo/setup?token={kiosk_token}")
    wrong = client.post("/kiosk/demo/lookup", json={"code": f"{dossier.code} ZZZZZZ"})
    unknown = client.post("/kiosk/demo/lookup", json={"code": "H21.65-261125-9999 ZZZZZZ"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()
    right = client.post("/kiosk/demo/lookup", json={"code": f"{dossier.code} {dossier.short_secret}"})
    assert right.status_code == 200 and right.get_json()["kind"] == "dossier"


def test_the_id_card_key_is_derived_from_the_installation_secret(app):
    key = id_key(app)
    app.config["SECRET_KEY"] = "another installation"
    assert len(key) == 32 and id_key(app) != key
