"""What to bring: a procedure's papers on the phone page, the kiosk's fragments and the
printed checklist (drawn to artifacts/screenshots/checklist-*.png to be looked at)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.dossier import services as dossiers
from motcua.dossier.printing import checklist_slip
from motcua.printer.device.document import PAPER_DOTS, checklist_document
from motcua.printer.device.render import preview
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.queue.models import Hall
from tests.dossier.support import BIRTH, prepare
from tests.support import system_ports

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def catalogue(ports, demo_hall):
    prepare(ports)


def on_kiosk(client, token):
    client.get(f"/kiosk/demo/setup?token={token}")
    return client


def test_the_phone_page_lists_the_papers_with_their_numbers_time_fee_result_and_law(client, catalogue):
    page = client.get(f"/thu-tuc/demo/{BIRTH}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in ("Đăng ký khai sinh", "Tờ khai đăng ký khai sinh", "Bản chính: 1", "8 giờ làm việc",
                     "Miễn lệ phí đăng ký khai sinh đúng hạn", "Giấy khai sinh (bản chính)",
                     "Luật Hộ tịch số 60/2014/QH13", "Giấy tờ cần mang theo"):
        assert expected in html


def test_the_phone_page_has_english_labels_around_the_official_vietnamese(client, catalogue):
    html = client.get(f"/thu-tuc/demo/{BIRTH}?lang=en").get_data(as_text=True)
    assert "Tờ khai đăng ký khai sinh" in html
    assert "Originals: 1" in html and "Legal basis" in html and "Papers to bring" in html


def test_an_unknown_procedure_is_not_found(client, catalogue):
    assert client.get("/thu-tuc/demo/9.999999").status_code == 404
    assert client.get("/thu-tuc/demo/9.999999/qr.svg").status_code == 404


def test_the_procedure_qr_code_is_an_svg(client, catalogue):
    answer = client.get(f"/thu-tuc/demo/{BIRTH}/qr.svg")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"


def test_the_kiosk_fragments_answer_only_a_registered_kiosk(client, catalogue):
    answer = client.get("/kiosk/demo/thu-tuc?sector=tu-phap")
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "not_registered"
    assert client.post(f"/kiosk/demo/thu-tuc/{BIRTH}/print").status_code == 403


def test_the_kiosk_lists_a_sectors_procedures_and_shows_one_with_its_qr_code(client, kiosk_token, catalogue):
    kiosk = on_kiosk(client, kiosk_token)
    listed = kiosk.get("/kiosk/demo/thu-tuc?sector=tu-phap").get_json()["html"]
    assert f'data-procedure="{BIRTH}"' in listed and "Đăng ký kết hôn" in listed
    assert "Đăng ký thành lập hộ kinh doanh" not in listed
    assert kiosk.get("/kiosk/demo/thu-tuc?sector=nope").status_code == 404
    sheet = kiosk.get(f"/kiosk/demo/thu-tuc/{BIRTH}").get_json()["html"]
    assert "Giấy chứng sinh" in sheet and f"/thu-tuc/demo/{BIRTH}/qr.svg" in sheet


def test_printing_the_checklist_queues_a_checklist_job_on_the_kiosks_printer(client, kiosk_token, catalogue,
                                                                              session):
    answer = on_kiosk(client, kiosk_token).post(f"/kiosk/demo/thu-tuc/{BIRTH}/print")
    assert answer.status_code == 200, answer.get_json()
    job = session.scalar(select(PrintJob))
    assert job.kind == PrintJobKind.CHECKLIST and job.ticket_id is None
    assert job.device_id is not None and job.requested_by == "kiosk:kiosk-test"


def test_a_kiosk_without_a_printer_says_to_scan_the_code_instead(client, session, clock, catalogue):
    _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                               hall_code="demo", name="kiosk-no-printer", kind=DeviceKind.KIOSK,
                               printer=None)
    answer = on_kiosk(client, token).post(f"/kiosk/demo/thu-tuc/{BIRTH}/print")
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "no_printer"
    assert session.scalar(select(PrintJob)) is None


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_the_printed_checklist_is_the_paper_width_and_carries_every_paper(app, session, catalogue, paper_mm):
    hall = session.scalar(select(Hall).where(Hall.code == "demo"))
    with app.test_request_context():
        slip = checklist_slip(dossiers.get_procedure(session, hall, "1.000894"), paper_mm)
    assert [item.how_many for item in slip.documents] == ["Bản chính: 1", "Bản chính: 1", "Bản chính: 2"]
    assert slip.page_url.endswith("/thu-tuc/demo/1.000894")
    image = preview(checklist_document(slip))
    assert image.width == PAPER_DOTS[paper_mm]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.save(SCREENSHOTS / f"checklist-{paper_mm}mm.png")
