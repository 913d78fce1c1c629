"""The dossier routes of /api/v1: intake at a counter, status changes, due soon, the catalogue."""
from __future__ import annotations

from datetime import datetime

import pytest

from motcua.auth.accounts import create_api_token
from motcua.core.actors import SYSTEM, Role
from tests.auth.signing import csrf_token, sign_in
from tests.dossier.support import prepare, serve_a_citizen
from tests.support import bearer, hall_time, system_ports

BODY = {
    "procedure": "1.012770",
    "applicant_name": "Lê Thị Thu",
    "applicant_phone": "0912345678",
    "applicant_address": "5 Trần Phú, Nha Trang",
    "documents": [{"name": "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", "originals": 1},
                  {"name": "Giấy chứng nhận đã cấp", "originals": 1, "copies": 1}],
    "sets": 1,
    "delivery": "post",
}


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports, username="lan")


@pytest.fixture
def officer_client(app, officer):
    client = app.test_client()
    assert sign_in(client, "lan").status_code == 302
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/counter/demo")
    return client


def test_an_officer_receives_a_dossier_and_its_receipt_goes_to_the_printer(officer_client):
    answer = officer_client.post("/api/v1/halls/demo/counters/1/dossiers", json=BODY)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["code"] == "H21.65-261125-0001" and body["status"] == 2
    assert body["delivery"] == "post" and body["counter"] == 1 and body["received_by"] == "lan"
    assert datetime.fromisoformat(body["due_at"]) == hall_time(2026, 12, 4, 9, 0)
    assert body["links"]["lookup"].endswith("/tra-cuu/" + body["links"]["lookup"].rsplit("/", 1)[1])
    assert body["print_job"] is not None and body["print_job"]["status"] in ("queued", "sent", "printed")
    pdf = officer_client.get(body["links"]["receipt_pdf"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.headers["Cache-Control"] == "no-store"
    png = officer_client.get(body["links"]["receipt_png"])
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def test_a_cookie_session_without_the_csrf_header_is_refused(app, officer):
    client = app.test_client()
    sign_in(client, "lan")
    answer = client.post("/api/v1/halls/demo/counters/1/dossiers", json=BODY)
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize("change, where", [
    ({"sets": 0}, "sets"),
    ({"documents": []}, "documents"),
    ({"delivery": "pigeon"}, "delivery"),
    ({"extra": 1}, "extra"),
])
def test_malformed_bodies_get_a_422_naming_the_field(officer_client, change, where):
    answer = officer_client.post("/api/v1/halls/demo/counters/1/dossiers", json={**BODY, **change})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["message"].startswith(where)


def test_domain_refusals_are_translated_json_errors(officer_client):
    answer = officer_client.post("/api/v1/halls/demo/counters/1/dossiers?lang=en",
                                 json={**BODY, "applicant_address": ""})
    assert answer.status_code == 422
    assert answer.get_json()["error"] == {"code": "invalid_input",
                                          "message": "Results by post need the applicant's address."}
    idle = officer_client.post("/api/v1/halls/demo/counters/2/dossiers", json=BODY)
    assert idle.status_code == 403 and idle.get_json()["error"]["code"] == "forbidden"


def test_status_changes_through_the_api_follow_the_table(officer_client):
    code = officer_client.post("/api/v1/halls/demo/counters/1/dossiers", json=BODY).get_json()["code"]
    moved = officer_client.post(f"/api/v1/dossiers/{code}/status", json={"status": 4})
    assert moved.status_code == 200 and moved.get_json()["next_statuses"] == [5, 6, 7, 8, 9]
    refused = officer_client.post(f"/api/v1/dossiers/{code}/status", json={"status": 10})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_transition"
    unknown = officer_client.post("/api/v1/dossiers/H21.65-000000-0000/status", json={"status": 4})
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "dossier_not_found"
    wrong = officer_client.post(f"/api/v1/dossiers/{code}/status", json={"status": 11})
    assert wrong.status_code == 422


def test_due_soon_needs_staff_of_the_hall(client, officer_client, session, clock):
    token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="reports", role=Role.SUPERVISOR, hall_code="demo")
    officer_client.post("/api/v1/halls/demo/counters/1/dossiers", json=BODY)
    clock.set(hall_time(2026, 12, 3, 10, 0))
    due = officer_client.get("/api/v1/halls/demo/dossiers/due-soon").get_json()
    assert [d["code"] for d in due["dossiers"]] == ["H21.65-261125-0001"]
    assert due["dossiers"][0]["overdue"] is False
    assert client.get("/api/v1/halls/demo/dossiers/due-soon").status_code == 401
    assert client.get("/api/v1/halls/demo/dossiers/due-soon", headers=bearer(token)).status_code == 200


def test_the_catalogue_is_public(client, officer):
    answer = client.get("/api/v1/halls/demo/procedures").get_json()
    assert len(answer["procedures"]) == 39
    birth = next(p for p in answer["procedures"] if p["code"] == "1.001193")
    assert birth["unit"] == "working_hours" and birth["processing_time"] == 8
    assert birth["documents"][0] == {"name": "Tờ khai đăng ký khai sinh", "form": "original",
                                     "originals": 1, "copies": 0}
    assert (birth["fee_vnd"], birth["fee_note"]) == (None, "Miễn lệ phí đăng ký khai sinh đúng hạn")
    assert birth["legal_basis"] == ["Luật Hộ tịch số 60/2014/QH13", "Nghị định 123/2015/NĐ-CP"]
    assert birth["result_place"].startswith("Bộ phận Một cửa") and birth["sets"] == 1
    assert birth["page_url"].endswith("/thu-tuc/demo/1.001193")


def test_counter_actions_of_the_core_api_still_answer_next_to_the_dossier_route(officer_client):
    assert officer_client.post("/api/v1/halls/demo/counters/1/recall", json={}).status_code == 200
