"""The server side of the kiosk's pages: registration, friendly errors, QR codes, look-ups."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from sqlalchemy import update

from motcua.core.accounts import Device
from motcua.core.actors import SYSTEM
from motcua.kiosk.registration import COOKIE
from tests.support import bearer, system_ports


def _config(html: str, element_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>',
                      html, re.S)
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


def _issue(client, kiosk_token, **body):
    answer = client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai", **body},
                         headers=bearer(kiosk_token))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_an_unknown_hall_gets_a_friendly_404_page(client, demo_hall):
    answer = client.get("/kiosk/no-such-hall")
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
    assert "Không tìm thấy nơi tiếp nhận" in answer.get_data(as_text=True)
    assert "Traceback" not in answer.get_data(as_text=True)


def test_an_unregistered_browser_is_told_the_screen_is_not_registered(client, demo_hall):
    answer = client.get("/kiosk/demo")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "Màn hình này chưa được đăng ký" in page
    assert "kiosk-config" not in page  # no token, no way to issue


def test_the_setup_link_stores_the_token_in_an_httponly_cookie_and_leaves_the_address_bar(
        client, kiosk_token):
    answer = client.get(f"/kiosk/demo/setup?token={kiosk_token}")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/kiosk/demo"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/kiosk/" in cookie
    assert kiosk_token not in cookie  # signed, not the bare token


def test_a_wrong_setup_token_gets_a_friendly_page_and_no_cookie(client, demo_hall):
    answer = client.get("/kiosk/demo/setup?token=mck_not-a-real-token")
    assert answer.status_code == 403
    assert "Mã đăng ký không đúng" in answer.get_data(as_text=True)
    assert "Set-Cookie" not in answer.headers


def test_a_kiosk_of_another_hall_or_a_tablet_token_cannot_be_set_up_here(client, session, clock,
                                                                         demo_hall):
    from motcua.auth.accounts import register_device
    from motcua.core.actors import DeviceKind

    _, tablet = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                hall_code="demo", name="tablet-1",
                                kind=DeviceKind.TABLET, counter_number=1)
    assert client.get(f"/kiosk/demo/setup?token={tablet}").status_code == 403


def test_a_registered_kiosk_gets_its_page_with_sectors_and_its_token_for_the_api(
        kiosk_client, kiosk_token):
    answer = kiosk_client.get("/kiosk/demo")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert COOKIE in answer.headers["Set-Cookie"]  # renewed on every load
    config = _config(page, "kiosk-config")
    assert config["token"] == kiosk_token
    assert config["urls"]["issue"] == "/api/v1/halls/demo/tickets"
    assert len(config["sectors"]) == 13
    assert page.count('class="sector"') == 13
    assert "Đất đai" in page and "Ưu tiên" in page and "Tra cứu" in page
    assert "https://" not in page and "http://" not in page.replace("http://www.w3.org", "")


def test_a_deactivated_kiosk_is_locked_out_on_its_next_page_load(kiosk_client, session):
    session.execute(update(Device).values(active=False))
    session.commit()
    assert kiosk_client.get("/kiosk/demo").status_code == 403


def test_the_kiosk_page_speaks_english_when_asked(kiosk_client):
    page = kiosk_client.get("/kiosk/demo?lang=en").get_data(as_text=True)
    config = _config(page, "kiosk-config")
    assert '<html lang="en">' in page
    assert "Touch the service you need to take a number" in page
    assert "Land" in page and "Đất đai" not in page
    assert config["words"]["waiting"] == {"one": "{n} person waiting",
                                          "other": "{n} people waiting"}
    assert config["urls"]["start"] == "/kiosk/demo?lang=vi"
    assert "Tiếng Việt" in page  # the way back
    assert "Chạm vào màn hình để lấy số thứ tự" in page  # the attract screen says it in both


def test_closed_and_full_sectors_are_rendered_not_tappable(kiosk_client, kiosk_token, session,
                                                           demo_hall):
    demo_hall.sectors[0].is_open = False
    demo_hall.sectors[1].daily_cap = 1
    session.commit()
    _issue(kiosk_client, kiosk_token, sector="moi-truong")
    page = kiosk_client.get("/kiosk/demo").get_data(as_text=True)
    config = _config(page, "kiosk-config")
    availability = {s["code"]: s["availability"] for s in config["sectors"]}
    assert availability["dat-dai"] == "closed"
    assert availability["moi-truong"] == "cap_reached"
    assert re.search(r'data-sector="dat-dai" disabled', page)
    assert re.search(r'data-sector="moi-truong" disabled', page)
    assert not re.search(r'data-sector="nong-nghiep" disabled', page)


def test_the_phone_page_shows_number_sector_and_place_in_line(client, kiosk_token):
    _issue(client, kiosk_token)
    second = _issue(client, kiosk_token)
    answer = client.get(f"/t/{second['token']}")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "1002" in page and "Đất đai" in page
    assert "Sắp đến lượt của ông/bà" in page
    assert "Trước ông/bà còn 1 người" in page
    assert _config(page, "ticket-config")["urls"]["status"] == f"/api/v1/tickets/{second['token']}"


def test_the_phone_page_in_english_counts_people_in_english(client, kiosk_token):
    _issue(client, kiosk_token)
    second = _issue(client, kiosk_token)
    page = client.get(f"/t/{second['token']}?lang=en").get_data(as_text=True)
    assert "Your turn is near" in page and "1 person ahead of you" in page and "Land" in page


def test_an_unknown_or_malformed_ticket_code_gets_a_friendly_404_page(client, demo_hall):
    for token in ("AAAAAAAAAAAAAAAAAAAAAA", "not a token!", "x" * 200, "%3Cscript%3E"):
        answer = client.get(f"/t/{token}")
        assert answer.status_code == 404, token
        assert "Không tìm thấy số thứ tự" in answer.get_data(as_text=True)
        assert "<script>" not in answer.get_data(as_text=True)


def test_a_ticket_from_another_day_says_so(client, kiosk_token, clock):
    ticket = _issue(client, kiosk_token)
    clock.advance(days=1)
    page = client.get(f"/t/{ticket['token']}").get_data(as_text=True)
    assert "Số của ngày khác" in page
    assert "Số này của ngày 25/11/2026" in page


def test_the_qr_code_is_an_svg_pointing_at_the_phone_page(client, kiosk_token, app):
    ticket = _issue(client, kiosk_token)
    answer = client.get(f"/t/{ticket['token']}/qr.svg")
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    root = ET.fromstring(answer.data)
    assert root.tag.endswith("svg") and root.find("{http://www.w3.org/2000/svg}path") is not None
    assert client.get("/t/AAAAAAAAAAAAAAAAAAAAAA/qr.svg").status_code == 404


def test_the_qr_code_uses_the_public_base_url_when_one_is_configured(app, client, kiosk_token):
    from motcua.web.links import ticket_page_url

    with app.test_request_context("/", base_url="http://localhost:5000"):
        assert ticket_page_url("abcdefghijkl") == "http://localhost:5000/t/abcdefghijkl"
        app.config["PUBLIC_BASE_URL"] = "http://10.0.0.5:5000/"
        assert ticket_page_url("abcdefghijkl") == "http://10.0.0.5:5000/t/abcdefghijkl"


def test_a_lookup_by_scanned_url_finds_the_ticket(kiosk_client, kiosk_token):
    ticket = _issue(kiosk_client, kiosk_token)
    answer = kiosk_client.post("/kiosk/demo/lookup",
                               json={"code": f"http://192.168.1.10:5000/t/{ticket['token']}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["kind"] == "ticket"
    assert "1001" in body["html"] and "Sắp đến lượt của ông/bà" in body["html"]


def test_a_lookup_by_typed_number_finds_todays_ticket(kiosk_client, kiosk_token):
    _issue(kiosk_client, kiosk_token, sector="giao-duc")
    answer = kiosk_client.post("/kiosk/demo/lookup", json={"code": "a001"})
    assert answer.status_code == 200
    assert "A001" in answer.get_json()["html"]


def test_a_lookup_that_finds_nothing_or_gets_nothing_answers_clearly(kiosk_client, demo_hall):
    nothing = kiosk_client.post("/kiosk/demo/lookup", json={"code": "9999"})
    assert nothing.status_code == 404
    assert nothing.get_json()["error"]["code"] == "not_found"
    for body in ({}, {"code": ""}, {"code": 12}, {"code": "x" * 400}):
        answer = kiosk_client.post("/kiosk/demo/lookup", json=body)
        assert answer.status_code == 422, body
        assert answer.get_json()["error"]["message"]
    garbage = kiosk_client.post("/kiosk/demo/lookup", data="not json",
                                content_type="application/json")
    assert garbage.status_code == 422


def test_only_a_registered_kiosk_can_look_up(client, kiosk_token):
    _issue(client, kiosk_token)
    answer = client.post("/kiosk/demo/lookup", json={"code": "1001"})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "not_registered"


def test_look_ups_are_rate_limited_per_kiosk_with_a_clear_answer(tmp_path, clock):
    from motcua import create_app
    from motcua.auth.accounts import register_device
    from motcua.core.actors import DeviceKind
    from motcua.core.events import RecordingPublisher
    from motcua.core.ports import Ports
    from motcua.models import metadata
    from motcua.queue.demo import load_demo_hall

    limited = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "REDIS_URL": None,
                          "DATABASE_URL": f"sqlite:///{tmp_path / 'limited.sqlite'}",
                          "RATELIMIT_ENABLED": True, "LOOKUP_RATE_LIMIT": "2 per minute"},
                         clock=clock)
    runtime = limited.extensions["motcua"]
    metadata.create_all(runtime.engine)
    with runtime.sessions() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK)
    client = limited.test_client()
    client.get(f"/kiosk/demo/setup?token={token}")
    answers = [client.post("/kiosk/demo/lookup", json={"code": "1001"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert answers[2].get_json()["error"] == {"code": "rate_limited",
                                              "message": "Xin chờ một chút rồi thử lại."}
    runtime.engine.dispose()


def test_the_phone_page_says_a_transferred_citizen_keeps_waiting(client, kiosk_token,
                                                                supervisor_token):
    ticket = _issue(client, kiosk_token)
    for action, body in (("open", None), ("call-next", None),
                         ("transfer", {"to_sector": "xay-dung", "reason": "needs a permit"})):
        answer = client.post(f"/api/v1/halls/demo/counters/1/{action}", json=body,
                             headers=bearer(supervisor_token))
        assert answer.status_code == 200, answer.get_json()
    page = client.get(f"/t/{ticket['token']}").get_data(as_text=True)
    assert "Sắp đến lượt của ông/bà" in page
    assert "nay thuộc lĩnh vực Xây dựng, Nhà ở, Quy hoạch. Xin tiếp tục chờ." in page


def test_the_phone_page_marks_a_priority_ticket(client, kiosk_token):
    ticket = _issue(client, kiosk_token, priority="merit")
    assert "Ưu tiên: Người có công với cách mạng" in client.get(f"/t/{ticket['token']}").get_data(
        as_text=True)
    english = client.get(f"/t/{ticket['token']}?lang=en").get_data(as_text=True)
    assert "Priority: Person with merit to the revolution" in english


def test_the_priority_screen_says_who_qualifies_in_plain_words(kiosk_client):
    page = kiosk_client.get("/kiosk/demo").get_data(as_text=True)
    for words in ("Từ 60 tuổi trở lên", "Khó khăn khi đi lại, nhìn, nghe hoặc nói",
                  "Đang mang thai", "Thương binh, bệnh binh, thân nhân liệt sĩ",
                  "Người từ 60 tuổi, người khuyết tật, phụ nữ mang thai, người có công với cách mạng"):
        assert words in page
    assert "thuộc đối tượng nào" not in page  # a question some citizens cannot answer
    english = kiosk_client.get("/kiosk/demo?lang=en").get_data(as_text=True)
    assert "Aged 60 or over" in english and "You are served first if you are:" in english


def test_the_kiosk_page_has_no_inline_script_or_style_attribute(kiosk_client):
    page = kiosk_client.get("/kiosk/demo").get_data(as_text=True)
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)
    for script in re.findall(r"<script\b([^>]*)>", page):
        assert "src=" in script or 'type="application/json"' in script, script
