"""The console's rules: who may act on which counter, and what the console shows."""
from __future__ import annotations

from sqlalchemy import select

from motcua.admin.staff import set_qualifications
from motcua.auth.accounts import create_user
from motcua.core.actors import SYSTEM, Role
from motcua.queue import services
from motcua.queue.models import Hall, Sector
from tests.auth.signing import sign_in
from tests.support import hall_time, system_ports


def test_an_officer_takes_a_free_counter_and_lands_on_its_console_afterwards(signed_in):
    lan = signed_in("lan")
    assert lan.client.get("/counter/").headers["Location"] == "/counter/demo"
    opened = lan.act(1, "open")
    assert opened.status_code == 200
    assert opened.get_json()["counter"]["state"] == "open"
    assert lan.client.get("/counter/").headers["Location"] == "/counter/demo/1"
    page = lan.client.get("/counter/demo/1").get_data(as_text=True)
    assert '<meta name="csrf-token"' in page
    assert "<kbd>F1</kbd>" in page


def test_an_officer_calling_on_another_officers_counter_gets_403(signed_in, issue):
    lan, binh = signed_in("lan"), signed_in("binh")
    lan.act(1, "open")
    issue("dat-dai")
    response = binh.act(1, "call-next")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_your_counter"
    assert binh.act(1, "open").get_json()["error"]["code"] == "counter_taken"


def test_an_officer_calling_on_a_closed_counter_is_told_to_open_it_first(signed_in, issue):
    lan = signed_in("lan")
    issue("dat-dai")
    response = lan.act(2, "call-next")
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "counter_not_open"
    assert error["message"] == "Quầy 2 đang đóng: hãy mở quầy trước."


def test_an_officer_cannot_open_another_officers_console_or_its_state(signed_in):
    lan, binh = signed_in("lan"), signed_in("binh")
    lan.act(1, "open")
    page = binh.client.get("/counter/demo/1")
    assert page.status_code == 302
    assert page.headers["Location"] == "/counter/demo"
    assert "không phải quầy của bạn" in binh.client.get("/counter/demo").get_data(as_text=True)
    state = binh.client.get("/counter/demo/1/state")
    assert state.status_code == 403
    assert state.get_json()["error"]["code"] == "not_your_counter"


def test_without_a_session_the_api_answers_401_and_the_console_json_too(client, staff):
    assert client.post("/api/v1/halls/demo/counters/1/open").status_code == 401
    state = client.get("/counter/demo/1/state")
    assert state.status_code == 401
    assert state.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/counter/demo/overview").status_code == 401


def test_a_state_changing_request_without_its_csrf_header_is_refused(signed_in):
    lan = signed_in("lan")
    response = lan.client.post("/api/v1/halls/demo/counters/1/open", json={})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    wrong = lan.client.post("/api/v1/halls/demo/counters/1/open", json={},
                            headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400


def test_a_supervisor_sees_every_counter_and_moves_a_ticket_between_them(signed_in, issue):
    lan, hong = signed_in("lan"), signed_in("hong")
    lan.act(1, "open")
    number = issue("dat-dai")
    lan.act(1, "call-next")
    hall = hong.client.get("/counter/demo/overview").get_json()
    assert [c["number"] for c in hall["counters"]] == list(range(1, 13))
    assert hall["counters"][0]["current"]["display_number"] == number
    assert hong.client.get("/counter/demo/1").status_code == 200
    assert hong.client.get("/counter/demo/1/state").status_code == 200
    hong.act(2, "open")  # a closed counter is refused: nobody would call the citizen there
    moved = hong.act(1, "transfer", {"to_counter": 2, "reason": "Hồ sơ môi trường"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["transferred"]["display_number"] == number
    called = hong.act(2, "call-next").get_json()
    assert called["ticket"]["display_number"] == number


def test_staff_of_another_hall_are_turned_away(signed_in, session, clock):
    session.add(Hall(code="phuong", name="Phường Một", settings={}))
    session.commit()
    create_user(system_ports(session, clock), actor=SYSTEM,
                username="khach", role=Role.SUPERVISOR, password="secret-pass",
                hall_code="phuong")
    other = signed_in("khach")
    page = other.client.get("/counter/demo")
    assert page.status_code == 403
    assert "Không thực hiện được" in page.get_data(as_text=True)
    assert other.client.get("/counter/demo/overview").status_code == 403
    assert other.act(1, "open").status_code == 403


def test_an_unknown_hall_or_counter_gets_a_friendly_404(signed_in):
    hong = signed_in("hong")
    missing = hong.client.get("/counter/nowhere")
    assert missing.status_code == 404
    assert "Không có bộ phận một cửa mã “nowhere”." in missing.get_data(as_text=True)
    assert hong.client.get("/counter/demo/99").status_code == 404
    assert hong.client.get("/counter/demo/99/state").get_json()["error"]["code"] == "counter_not_found"


def test_an_admin_without_a_hall_picks_one(client, session, clock, demo_hall):
    session.add(Hall(code="phuong", name="Phường Một", settings={}))
    session.commit()
    create_user(system_ports(session, clock), actor=SYSTEM,
                username="root", role=Role.ADMIN, password="secret-pass")
    sign_in(client, "root")
    page = client.get("/counter/")
    assert page.status_code == 200
    assert 'href="/counter/phuong"' in page.get_data(as_text=True)
    assert client.get("/counter/demo/5").status_code == 200


def test_the_console_state_shows_waiting_next_numbers_and_today(signed_in, issue, clock, session):
    lan = signed_in("lan")
    lan.act(2, "open")  # counter 2 serves land first, then environment
    first = issue("dat-dai")
    clock.advance(minutes=1)
    env = issue("moi-truong")
    clock.advance(minutes=1)
    second = issue("dat-dai")
    priority = issue("dat-dai", priority="elderly")
    issue("xay-dung")  # another counter's sector: not shown
    state = lan.client.get("/counter/demo/2/state").get_json()
    assert state["waiting"] == [{"sector": "dat-dai", "count": 3}, {"sector": "moi-truong", "count": 1}]
    # Priority first; a second sector waits ten minutes' worth behind the first (policy).
    assert [n["display_number"] for n in state["next"]] == [priority, first, second, env]
    assert state["next"][0]["priority"] is True
    assert state["counter"]["current"] is None

    lan.act(2, "call-next")  # the priority citizen
    clock.advance(minutes=1)
    lan.act(2, "start")
    clock.advance(minutes=4)
    lan.act(2, "complete")
    lan.act(2, "call-next")  # the first land citizen; called, never started
    clock.advance(minutes=6)
    lan.act(2, "complete")
    lan.act(2, "call-next")
    lan.act(2, "no-show")
    state = lan.client.get("/counter/demo/2/state").get_json()
    assert state["today"] == {"served": 2, "no_show": 1, "average_service_seconds": 300}


def next_up(officer, counter):
    state = officer.client.get(f"/counter/demo/{counter}/state").get_json()
    return [n["display_number"] for n in state["next"]]


def test_the_next_up_under_overflow_names_another_sectors_citizen_when_the_own_lines_are_empty(
        signed_in, issue, staff, session, clock):
    hall = session.scalar(select(Hall).where(Hall.code == "demo"))
    hall.settings = {**hall.settings, "calling_policy": "overflow"}
    session.commit()
    set_qualifications(system_ports(session, clock), actor=SYSTEM, hall_code="demo",
                       user_id=staff["lan"].user_id, sectors=["dat-dai"])
    lan = signed_in("lan")
    lan.act(7, "open")  # Giao thông; its officer may also serve Đất đai
    land = issue("dat-dai")
    assert next_up(lan, 7) == [land]
    road = issue("giao-thong")
    assert next_up(lan, 7) == [road, land]
    assert lan.act(7, "call-next").get_json()["ticket"]["display_number"] == road


def test_the_next_up_follows_the_counters_schedule(signed_in, issue, session, clock):
    hall = session.scalar(select(Hall).where(Hall.code == "demo"))
    counter = services.get_counter(session, hall, 6)  # Xây dựng, in the afternoon only
    counter.sector_links[0].hours = "13:00-17:00"
    session.commit()
    lan = signed_in("lan")
    lan.act(6, "open")
    clock.set(hall_time(2026, 11, 25, 9, 0))
    building = issue("xay-dung")
    assert next_up(lan, 6) == []
    clock.set(hall_time(2026, 11, 25, 14, 0))
    assert next_up(lan, 6) == [building]


def test_the_current_ticket_says_where_it_was_transferred_from(signed_in, issue):
    lan, binh = signed_in("lan"), signed_in("binh")
    lan.act(1, "open")
    binh.act(3, "open")
    number = issue("dat-dai")
    lan.act(1, "call-next")
    lan.act(1, "transfer", {"to_counter": 3, "reason": "Cần cán bộ môi trường"})
    state = binh.client.get("/counter/demo/3/state").get_json()
    assert state["reserved_waiting"] == 1
    assert state["next"][0] == {"display_number": number, "sector": "dat-dai", "priority": False,
                                "reserved": True, "appointment": False}
    binh.act(3, "call-next")
    current = binh.client.get("/counter/demo/3/state").get_json()["counter"]["current"]
    assert current["display_number"] == number
    assert current["transferred_from_counter"] == 1


def test_the_hall_page_offers_officers_a_free_counter_and_supervisors_every_console(signed_in, session):
    lan, hong = signed_in("lan"), signed_in("hong")
    lan.act(4, "open")
    overview = lan.client.get("/counter/demo/overview").get_json()
    mine = [c for c in overview["counters"] if c["mine"]]
    assert [c["number"] for c in mine] == [4]
    assert all(c["free"] for c in overview["counters"] if c["number"] != 4)
    page = hong.client.get("/counter/demo").get_data(as_text=True)
    assert "Nhật ký hôm nay" in page
    assert "/counter/demo/12" in page  # the console links are handed to the page


def test_the_console_speaks_english_when_asked_and_remembers_it(signed_in):
    lan = signed_in("lan")
    lan.act(1, "open")
    page = lan.client.get("/counter/demo/1?lang=en")
    assert "Call next" in page.get_data(as_text=True)
    assert "lang=en" in page.headers["Set-Cookie"]
    assert "Call next" in lan.client.get("/counter/demo/1").get_data(as_text=True)


def test_sector_names_on_the_console_follow_the_language(signed_in, session):
    lan = signed_in("lan")
    lan.act(1, "open")
    sector = session.query(Sector).filter_by(code="dat-dai").one()
    assert sector.name_en in lan.client.get("/counter/demo/1?lang=en").get_data(as_text=True)


def test_the_console_tells_an_officer_to_open_the_counter_first_in_both_languages(signed_in):
    lan = signed_in("lan")
    for lang, words in (("vi", "hãy mở quầy trước"), ("en", "open the counter first")):
        lan.client.get(f"/counter/demo/1?lang={lang}")  # the console's language sticks
        refused = lan.act(1, "call-next")
        assert refused.get_json()["error"]["code"] == "counter_not_open"
        assert words in refused.get_json()["error"]["message"]
