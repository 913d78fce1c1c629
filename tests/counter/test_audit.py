"""The day's event log for supervisors: every call, recall, skip, out-of-order call, transfer."""
from __future__ import annotations

import re

from motcua.core.actors import SYSTEM
from motcua.display.services import set_notices
from motcua.dossier.services import load_demo_catalogue
from tests.support import hall_time


def rows(page: str) -> list[str]:
    """Each table row's text, tags stripped and spaces squeezed."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")[:-1]]


def test_a_supervisor_sees_who_did_what_when_and_why(signed_in, issue, clock):
    lan, hong = signed_in("lan"), signed_in("hong")
    lan.act(1, "open")
    first, second, third = issue("dat-dai"), issue("dat-dai"), issue("dat-dai")
    clock.advance(minutes=2)
    lan.act(1, "call-next")
    lan.act(1, "recall")
    lan.act(1, "no-show")
    lan.act(1, "call", {"display_number": third, "reason": "Người khuyết tật"})
    lan.act(1, "transfer", {"to_sector": "moi-truong", "reason": "Hồ sơ môi trường"})
    page = hong.client.get("/counter/demo/audit")
    assert page.status_code == 200
    log = rows(page.get_data(as_text=True))
    called, recalled, skipped, out_of_order, transferred = log[-5:]
    assert called == f"09:02:00 Gọi số {first} 1 lan (lan)"
    assert recalled == f"09:02:00 Gọi lại {first} 1 lan (lan)"
    assert skipped == f"09:02:00 Vắng mặt (bỏ qua) {first} 1 lan (lan)"
    assert out_of_order == f"09:02:00 Gọi số không theo thứ tự {third} 1 lan (lan) Người khuyết tật"
    assert transferred == (f"09:02:00 Chuyển {third} 1 lan (lan) Hồ sơ môi trường"
                           " → Môi trường, Tài nguyên nước, Khoáng sản")
    assert second not in " ".join(log[-5:])


def test_the_log_can_be_filtered_by_kind_and_shows_english(signed_in, issue):
    lan, hong = signed_in("lan"), signed_in("hong")
    lan.act(1, "open")
    issue("dat-dai")
    lan.act(1, "call-next")
    page = hong.client.get("/counter/demo/audit?kind=called&lang=en").get_data(as_text=True)
    log = rows(page)
    assert len(log) == 1
    assert log[0].startswith("09:00:00 Called 1001 1 lan (lan)")


def test_the_log_is_the_hall_local_day(signed_in, issue, clock):
    lan, hong = signed_in("lan"), signed_in("hong")
    clock.set(hall_time(2026, 11, 24, 23, 50))  # 16:50 UTC on the 24th
    lan.act(1, "open")
    clock.set(hall_time(2026, 11, 25, 0, 10))  # 17:10 UTC, still the 24th in UTC
    lan.act(1, "pause")
    today = rows(hong.client.get("/counter/demo/audit").get_data(as_text=True))
    assert [r.split(" ")[0] for r in today] == ["00:10:00"]
    yesterday = rows(hong.client.get("/counter/demo/audit?day=2026-11-24").get_data(as_text=True))
    assert [r.split(" ")[0] for r in yesterday] == ["23:50:00"]


def test_officers_cannot_read_the_log_and_a_bad_day_is_explained(signed_in):
    lan, hong = signed_in("lan"), signed_in("hong")
    refused = lan.client.get("/counter/demo/audit")
    assert refused.status_code == 403
    assert "Chỉ lãnh đạo" in refused.get_data(as_text=True)
    bad = hong.client.get("/counter/demo/audit?day=25/11/2026")
    assert bad.status_code == 400
    assert "NNNN-TT-NN" in bad.get_data(as_text=True)
    empty = hong.client.get("/counter/demo/audit?day=2026-01-01").get_data(as_text=True)
    assert "Không có sự kiện nào trong ngày này." in empty


def test_a_catalogue_import_and_new_board_notices_are_named_in_words(signed_in, ports, clock):
    hong = signed_in("hong")
    load_demo_catalogue(ports.session, clock)
    set_notices(ports, "demo", ["Nghỉ trưa 11:30–13:30"], SYSTEM)
    page = hong.client.get("/counter/demo/audit").get_data(as_text=True)
    log = " ".join(rows(page))
    assert "Nhập danh mục thủ tục" in log and "Đổi thông báo trên bảng" in log
    for kind in ("procedures_imported", "notices_changed"):  # nor in the filter's choices
        assert kind not in log and f">{kind}<" not in page
