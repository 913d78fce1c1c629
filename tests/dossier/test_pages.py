"""Staff pages: intake from the console, the hall's dossiers, one dossier and its status form."""
from __future__ import annotations

import re

import pytest

from motcua.core.accounts import StaffUser
from motcua.dossier import services as dossiers
from motcua.dossier.models import DossierStatus as S
from tests.auth.signing import sign_in
from tests.dossier.support import prepare, receive, serve_a_citizen
from tests.support import hall_time

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports, username="lan")


@pytest.fixture
def lan(app, officer):
    client = app.test_client()
    assert sign_in(client, "lan").status_code == 302
    return client


def form_token(page: str) -> str:
    match = TOKEN.search(page)
    assert match, "no CSRF token in the form"
    return match.group(1)


def intake_form(client, procedure="1.012770") -> str:
    page = client.get(f"/dossier/demo/intake?counter=1&procedure={procedure}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_staff_pages_need_a_signed_in_officer(client, officer):
    assert client.get("/dossier/demo/intake?counter=1").status_code in (302, 401)
    assert client.get("/dossier/demo").status_code in (302, 401)


def test_the_intake_page_shows_the_citizen_served_and_the_procedures_of_the_counter_first(lan):
    page = lan.get("/dossier/demo/intake?counter=1").get_data(as_text=True)
    assert 'data-testid="intake-ticket">1001<' in page
    first_group = re.search(r'<optgroup label="([^"]+)"', page).group(1)
    assert first_group == "Đất đai"
    assert 'data-testid="intake-form"' not in page  # a procedure comes first


def test_choosing_a_procedure_lists_its_documents_and_the_due_date_if_received_now(lan):
    page = intake_form(lan)
    assert "Giấy chứng nhận đã cấp" in page and 'name="doc-1-originals"' in page
    assert 'data-testid="due-preview">09:00 04/12/2026<' in page


def test_receiving_through_the_form_leads_to_the_dossier_page_with_its_receipt(lan, ports):
    page = intake_form(lan)
    answer = lan.post("/dossier/demo/intake?counter=1", data={
        "csrf_token": form_token(page), "procedure": "1.012770", "name": "Phan Văn Đức",
        "phone": "0905000111", "address": "", "id_card": "", "doc-0-originals": "1", "doc-0-copies": "0",
        "doc-1-originals": "1", "doc-1-copies": "2", "sets": "1", "delivery": "counter"})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/dossier/demo/H21.65-261125-0001")
    detail = lan.get(answer.headers["Location"]).get_data(as_text=True)
    assert "H21.65-261125-0001" in detail and "Phan Văn Đức" in detail
    assert "Giấy hẹn đang được in" in detail  # the flash after printing
    assert "09:00 04/12/2026" in detail
    ports.session.rollback()  # end the test's read snapshot: the request committed since
    assert dossiers.get_dossier(ports.session, "H21.65-261125-0001").documents[1]["copies"] == 2


def test_a_bad_form_comes_back_with_the_message_and_what_was_typed(lan):
    page = intake_form(lan)
    answer = lan.post("/dossier/demo/intake?counter=1", data={
        "csrf_token": form_token(page), "procedure": "1.012770", "name": "Phan Văn Đức",
        "phone": "0905000111", "doc-0-originals": "1", "doc-1-originals": "x", "delivery": "counter"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "“x” không phải là một số." in text and 'value="Phan Văn Đức"' in text


def test_a_date_of_birth_still_to_come_is_refused_in_the_officers_language(lan):
    page = intake_form(lan)
    answer = lan.post("/dossier/demo/intake?counter=1&lang=en", data={
        "csrf_token": form_token(page), "procedure": "1.012770", "name": "Phan Văn Đức",
        "born": "2030-01-01", "doc-0-originals": "1", "delivery": "counter"})
    assert answer.status_code == 422
    assert "Date of birth 01/01/2030 cannot be right" in answer.get_data(as_text=True)


def test_choosing_another_procedure_keeps_the_applicant_as_typed(lan):
    page = intake_form(lan)
    answer = lan.post("/dossier/demo/intake/procedure?counter=1", data={
        "csrf_token": form_token(page), "procedure": "1.012774", "name": "Hoàng Văn Thái",
        "phone": "0987654321", "address": "12 Trần Phú, Nha Trang", "id_card": "",
        "born": "1960-05-01", "doc-0-originals": "3", "sets": "2", "delivery": "post"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert '<option value="1.012774" selected>' in text
    for typed in ("Hoàng Văn Thái", "0987654321", "12 Trần Phú, Nha Trang", "1960-05-01"):
        assert f'value="{typed}"' in text
    assert re.search(r'value="post" checked', text)
    # the documents and sets are the new procedure's, not what was counted for the other one
    assert not re.search(r'name="doc-0-originals"[^>]*value="3"', text) and 'name="sets" value="2"' not in text


def test_an_intake_page_for_an_unknown_counter_is_a_friendly_page(lan):
    answer = lan.get("/dossier/demo/intake?counter=99")
    assert answer.status_code == 404 and "Không tìm thấy" in answer.get_data(as_text=True)
    missing = lan.get("/dossier/demo/intake?lang=en")
    assert missing.status_code == 422
    assert "Open the intake page from the counter console." in missing.get_data(as_text=True)


def test_the_status_form_moves_the_dossier_and_refuses_a_missing_note(lan, ports, officer):
    dossier = receive(ports, officer)
    url = f"/dossier/demo/{dossier.code}"
    page = lan.get(url).get_data(as_text=True)
    assert 'value="4"' in page and 'value="10"' not in page
    refused = lan.post(f"{url}/status", data={"csrf_token": form_token(page), "status": "5", "note": ""})
    assert refused.status_code == 422
    assert "cần ghi chú lý do" in refused.get_data(as_text=True)
    moved = lan.post(f"{url}/status", data={"csrf_token": form_token(page), "status": "5",
                                            "note": "Thiếu bản sao CCCD"})
    assert moved.status_code == 303
    detail = lan.get(url).get_data(as_text=True)
    assert "Đang tạm dừng chờ bổ sung" in detail and "Thiếu bản sao CCCD" in detail


def test_the_history_says_the_due_date_moved_only_when_it_did(lan, ports, officer, clock):
    dossier = receive(ports, officer)
    url = f"/dossier/demo/{dossier.code}"
    token = form_token(lan.get(url).get_data(as_text=True))
    for status, note in (("5", "Thiếu bản sao CCCD"), ("4", ""), ("5", "Thiếu tờ khai")):
        assert lan.post(f"{url}/status", data={"csrf_token": token, "status": status,
                                                "note": note}).status_code == 303
    assert "Hẹn trả dời đến" not in lan.get(url).get_data(as_text=True)  # paused for no time
    clock.advance(hours=2)  # two working hours: the due date moves by them
    assert lan.post(f"{url}/status", data={"csrf_token": token, "status": "4"}).status_code == 303
    assert lan.get(url).get_data(as_text=True).count("Hẹn trả dời đến") == 1


def test_a_dossier_waiting_to_be_handed_back_shows_the_hand_back_and_no_empty_status_card(
        lan, ports, officer):
    dossier = receive(ports, officer)
    for status in (S.IN_PROCESS, S.DONE):
        dossiers.change_status(ports, code=dossier.code, status=status, actor=officer, note="")
    page = lan.get(f"/dossier/demo/{dossier.code}").get_data(as_text=True)
    assert 'id="handback-title"' in page
    assert 'id="change-title"' not in page


def test_the_history_names_the_officer_who_did_each_step(lan, ports, officer):
    dossier = receive(ports, officer)
    ports.session.get(StaffUser, officer.user_id).full_name = "Nguyễn Thị Lan"
    ports.session.commit()
    page = lan.get(f"/dossier/demo/{dossier.code}").get_data(as_text=True)
    assert 'Nguyễn Thị Lan <span class="muted">(lan)</span>' in page
    assert "staff:lan" not in page


def test_the_hall_list_flags_dossiers_due_within_24_hours(lan, ports, officer, clock):
    dossier = receive(ports, officer)
    clock.set(hall_time(2026, 12, 4, 10, 0))  # an hour past due
    page = lan.get("/dossier/demo?counter=1").get_data(as_text=True)
    assert 'data-testid="due-count">1<' in page and "Quá hạn" in page and dossier.code in page
    found = lan.get(f"/dossier/demo?code={dossier.code}")
    assert found.status_code == 302 and found.headers["Location"].endswith(dossier.code)


def test_the_console_links_to_intake_and_shows_how_many_dossiers_fall_due(lan, ports, officer, clock):
    receive(ports, officer)
    clock.set(hall_time(2026, 12, 3, 12, 0))
    page = lan.get("/counter/demo/1").get_data(as_text=True)
    assert 'data-testid="dossier-intake-link"' in page
    assert 'class="due-badge"' in page


def test_another_halls_dossier_is_not_shown(lan, ports, officer):
    dossier = receive(ports, officer)
    assert lan.get(f"/dossier/elsewhere/{dossier.code}").status_code == 404


def test_the_intake_form_starts_with_the_catalogues_numbers_of_originals_and_copies(lan):
    page = intake_form(lan, "1.000894")  # Đăng ký kết hôn: both partners' ID cards, two originals
    counts = dict(re.findall(r'name="(doc-\d-(?:originals|copies))"[^>]*?value="(\d+)"', page))
    assert counts == {"doc-0-originals": "1", "doc-0-copies": "0", "doc-1-originals": "1",
                      "doc-1-copies": "0", "doc-2-originals": "2", "doc-2-copies": "0"}
    assert "Miễn lệ phí đăng ký kết hôn" in page
