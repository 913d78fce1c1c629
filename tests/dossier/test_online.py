"""Online registration: files checked by content, a dossier in status 1 with no due date, the
counter's decisions (accept starts the clock, supplement, refuse with a slip), hand-back with
who collected the result, and the public form over HTTP."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from motcua.core.events import EventName
from motcua.dossier import services as dossiers
from motcua.dossier import uploads
from motcua.dossier.errors import BadInput, TransitionRefused
from motcua.dossier.models import CollectorRelation, Dossier, DossierFile
from motcua.dossier.models import DossierStatus as S
from motcua.dossier.notice import notice_document, notice_for
from motcua.dossier.services import Applicant, Collector, Registration
from motcua.printer.device.render import preview_png
from motcua.printer.models import PrintJob, PrintJobKind
from tests.auth.signing import sign_in
from tests.dossier.online_support import EXE, PDF, jpeg_bytes, png_bytes
from tests.dossier.support import INSTALLATION, LAND_EXCHANGE, prepare, serve_a_citizen
from tests.support import hall_time

LIMITS = uploads.UploadLimits(max_bytes=64 * 1024, max_files=5)
APPLICATION = "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất"
CERTIFICATE = "Giấy chứng nhận đã cấp"


def checked(data: bytes, name: str, limits: uploads.UploadLimits = LIMITS,
            document: str = APPLICATION) -> uploads.Upload:
    return uploads.check(data, original_name=name, document=document, limits=limits)


# --- files, by content ----------------------------------------------------------------------


def test_a_pdf_named_pdf_is_a_pdf():
    upload = checked(PDF, "don.pdf")
    assert (upload.content_type, upload.size) == ("application/pdf", len(PDF))


def test_a_png_named_pdf_is_kept_as_the_png_it_is():
    assert checked(png_bytes(), "giay-chung-nhan.pdf").content_type == "image/png"


def test_a_jpeg_is_accepted_by_its_content():
    assert checked(jpeg_bytes(), "anh").content_type == "image/jpeg"


def test_a_program_renamed_pdf_is_refused():
    with pytest.raises(BadInput) as refused:
        checked(EXE, "don.pdf")
    assert refused.value.field == "files" and refused.value.params["name"] == "don.pdf"


def test_a_file_that_only_begins_like_a_png_is_refused():
    with pytest.raises(BadInput):
        checked(png_bytes()[:20] + b"\x00" * 100, "anh.png")


def test_a_file_larger_than_the_limit_is_refused():
    with pytest.raises(BadInput) as refused:
        checked(png_bytes((1500, 1500)) + b"\x00" * (LIMITS.max_bytes), "anh.png")
    assert "MB" in refused.value.translated(lambda text, **p: text % p)


def test_a_type_the_hall_does_not_take_is_refused_even_when_real():
    only_pdf = uploads.UploadLimits(max_bytes=LIMITS.max_bytes, types=frozenset({uploads.PDF}))
    with pytest.raises(BadInput):
        checked(png_bytes(), "anh.png", only_pdf)


def test_a_file_name_never_becomes_a_path(tmp_path):
    upload = checked(PDF, "../../etc/passwd.pdf")
    written = uploads.store(tmp_path, PDF, upload)
    path = tmp_path / upload.sha256[:2] / upload.sha256
    assert upload.original_name == "passwd.pdf" and written.sha256 == upload.sha256
    assert path.read_bytes() == PDF and [p for p in tmp_path.rglob("*") if p.is_file()] == [path]
    assert uploads.store(tmp_path, PDF, upload) is None  # stored once


# --- the dossier ----------------------------------------------------------------------------


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports, username="lan")


def register(ports, files=None, **applicant):
    files = files if files is not None else (checked(PDF, "don.pdf", document=APPLICATION),
                                             checked(png_bytes(), "gcn.png", document=CERTIFICATE))
    person = {"name": "Trần Thị Thu Hà", "phone": "0905 123 456", "id_card": "079123456789",
              "address": "12 Lê Thánh Tôn, Nha Trang", **applicant}
    return dossiers.submit_online(
        ports, hall_code="demo",
        registration=Registration(LAND_EXCHANGE, Applicant(**person), tuple(files)),
        installation=INSTALLATION)


def test_a_dossier_registered_online_waits_in_status_1_with_a_code_and_no_due_date(ports, officer,
                                                                                  publisher):
    dossier = register(ports)
    assert dossier.status == S.SUBMITTED and dossier.submitted_online
    assert dossier.code == "H21.65-261125-0001" and dossier.due_at is None
    assert dossier.id_card_digest and "079123456789" not in str(vars(dossier))
    assert [(f.document, f.content_type) for f in dossier.files] == [
        (APPLICATION, "application/pdf"), (CERTIFICATE, "image/png")]
    assert dossiers.online_queue(ports.session, dossier.hall) == [dossier]
    assert publisher.events[-1].name == EventName.DOSSIER_SUBMITTED_ONLINE
    assert publisher.events[-1].payload["dossier"] == dossier.id


def test_every_document_of_the_procedure_needs_a_file(ports, officer):
    with pytest.raises(BadInput) as refused:
        register(ports, files=[checked(PDF, "don.pdf")])
    assert refused.value.params["name"] == CERTIFICATE
    assert ports.session.query(Dossier).count() == 0


def test_an_online_dossier_needs_a_phone_number(ports, officer):
    with pytest.raises(BadInput) as refused:
        register(ports, phone="")
    assert refused.value.field == "phone"


def test_accepting_starts_the_clock_from_the_acceptance(ports, clock, officer, publisher):
    dossier = register(ports)
    clock.set(hall_time(2026, 11, 26, 14, 0))
    accepted = dossiers.change_status(ports, code=dossier.code, status=S.ACCEPTED, actor=officer)
    assert accepted.received_at == hall_time(2026, 11, 26, 14, 0)
    # 7 working days of 8 hours from Thursday 14:00: the next Monday week at 14:00.
    assert accepted.due_at == hall_time(2026, 12, 7, 14, 0)
    assert accepted.received_by_id == officer.user_id
    assert [e.name for e in publisher.events[-2:]] == [EventName.DOSSIER_STATUS_CHANGED,
                                                       EventName.DOSSIER_ACCEPTED]
    assert dossiers.online_queue(ports.session, dossier.hall) == []
    with pytest.raises(TransitionRefused):  # accepted once is accepted
        dossiers.change_status(ports, code=dossier.code, status=S.REFUSED, actor=officer, note="x")


def test_a_supplement_request_before_acceptance_keeps_it_in_the_queue_without_a_clock(ports, clock,
                                                                                     officer, publisher):
    dossier = register(ports)
    asked = dossiers.change_status(ports, code=dossier.code, status=S.SUPPLEMENT_REQUESTED,
                                   actor=officer, note="Giấy chứng nhận chụp mờ")
    assert asked.paused_at is None and asked.due_at is None
    assert publisher.events[-1].name == EventName.DOSSIER_SUPPLEMENT_REQUESTED
    assert dossiers.online_queue(ports.session, dossier.hall) == [dossier]
    clock.advance(days=1)
    accepted = dossiers.change_status(ports, code=dossier.code, status=S.ACCEPTED, actor=officer)
    assert accepted.due_at is not None and accepted.paused_at is None


def test_a_refusal_closes_the_dossier_and_its_slip_says_why(ports, officer, publisher):
    dossier = register(ports)
    refused = dossiers.change_status(ports, code=dossier.code, status=S.REFUSED, actor=officer,
                                     note="Thủ tục không thuộc thẩm quyền của phường")
    assert refused.closed_at is not None and refused.due_at is None
    assert publisher.events[-1].name == EventName.DOSSIER_REFUSED
    slip = notice_for(refused, receiving_unit="UBND phường Lộc Thọ", officer_name="Nguyễn Văn An",
                      lookup_url="http://hall.example/tra-cuu/x")
    assert slip.reason == "Thủ tục không thuộc thẩm quyền của phường" and slip.kind == S.REFUSED
    png = preview_png(notice_document(slip))
    assert png.startswith(b"\x89PNG")


def test_the_result_is_handed_back_to_a_recorded_person_with_a_hashed_id_number(ports, officer):
    dossier = register(ports)
    for status in (S.ACCEPTED, S.DONE):
        dossiers.change_status(ports, code=dossier.code, status=status, actor=officer)
    with pytest.raises(BadInput):  # a hand-back needs who collected it
        dossiers.change_status(ports, code=dossier.code, status=S.RETURNED, actor=officer)
    with pytest.raises(BadInput) as no_id:
        dossiers.hand_back(ports, code=dossier.code, actor=officer, installation=INSTALLATION,
                           collector=Collector("Lê Văn Tám", CollectorRelation.AUTHORISED))
    assert no_id.value.field == "collector_id_card"
    returned = dossiers.hand_back(
        ports, code=dossier.code, actor=officer, installation=INSTALLATION,
        collector=Collector("  Lê Văn  Tám ", CollectorRelation.AUTHORISED, "079 099 000 111"))
    assert returned.status == S.RETURNED and returned.closed_at is not None
    assert (returned.collected_by_name, returned.collected_by_relationship) == (
        "Lê Văn Tám", CollectorRelation.AUTHORISED)
    assert len(returned.collected_by_id_card_digest) == 64
    assert "079099000111" not in returned.collected_by_id_card_digest


# --- the public form and the officer's pages over HTTP --------------------------------------


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def public_form(client) -> str:
    page = client.get(f"/nop-ho-so/demo?procedure={LAND_EXCHANGE}")
    assert page.status_code == 200
    return TOKEN.search(page.get_data(as_text=True)).group(1)


def post(client, token, files, **fields):
    data = {"csrf_token": token, "procedure": LAND_EXCHANGE, "name": "Trần Thị Thu Hà",
            "phone": "0905123456", "id_card": "079123456789", "delivery": "counter", **fields}
    for key, (content, name) in files.items():
        data[key] = (io.BytesIO(content), name)
    return client.post("/nop-ho-so/demo", data=data, content_type="multipart/form-data")


def test_the_public_form_registers_a_dossier_and_answers_with_its_code_and_qr(client, ports, officer):
    answer = post(client, public_form(client), {"doc-0": (PDF, "don.pdf"),
                                                "doc-1": (png_bytes(), "gcn.pdf")})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 201, page
    assert 'data-testid="online-code">H21.65-261125-0001<' in page and "<svg" in page
    assert answer.headers["Cache-Control"] == "no-store"
    dossier = ports.session.query(Dossier).one()
    assert f"/tra-cuu/{dossier.qr_secret}" in page
    kept = ports.session.query(DossierFile).all()
    assert [f.content_type for f in kept] == ["application/pdf", "image/png"]


def test_the_public_form_refuses_a_renamed_program_and_keeps_what_was_typed(client, ports, officer):
    answer = post(client, public_form(client), {"doc-0": (EXE, "don.pdf"),
                                                "doc-1": (PDF, "gcn.pdf")})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "don.pdf" in page and "Trần Thị Thu Hà" in page
    assert ports.session.query(Dossier).count() == 0


def test_the_public_form_needs_its_csrf_token(client, officer):
    answer = post(client, "forged", {"doc-0": (PDF, "a.pdf"), "doc-1": (PDF, "b.pdf")})
    assert answer.status_code == 400


def test_files_above_the_size_limit_are_refused_before_anything_is_read(app, client, officer):
    app.config["ONLINE_UPLOAD_MAX_BYTES"] = 2000
    app.config["ONLINE_UPLOAD_MAX_FILES"] = 2
    answer = post(client, public_form(client), {"doc-0": (PDF + b" " * 80_000, "a.pdf"),
                                                "doc-1": (PDF, "b.pdf")})
    assert answer.status_code == 413 and "MB" in answer.get_data(as_text=True)


def test_an_officer_sees_the_online_queue_opens_a_file_and_refusing_prints_a_slip(app, client, ports,
                                                                                officer):
    dossier = register(ports)
    uploads.store(Path(app.instance_path) / "dossier-files", PDF, checked(PDF, "don.pdf"))
    lan = app.test_client()
    assert sign_in(lan, "lan").status_code == 302
    queue = lan.get("/dossier/demo/online").get_data(as_text=True)
    assert dossier.code in queue
    page = lan.get(f"/dossier/demo/{dossier.code}?counter=1").get_data(as_text=True)
    first = dossier.files[0]
    assert f"/dossier/demo/{dossier.code}/files/{first.id}" in page
    download = lan.get(f"/dossier/demo/{dossier.code}/files/{first.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    token = TOKEN.search(page).group(1)
    refused = lan.post(f"/dossier/demo/{dossier.code}/status?counter=1",
                       data={"csrf_token": token, "status": "3", "note": "Sai thẩm quyền"})
    assert refused.status_code == 303
    job = ports.session.query(PrintJob).filter_by(kind=PrintJobKind.NOTICE).one()
    assert job.hall_id == dossier.hall_id


def test_the_public_form_speaks_english_when_asked(client, officer):
    page = client.get(f"/nop-ho-so/demo?procedure={LAND_EXCHANGE}&lang=en").get_data(as_text=True)
    assert "Submit a dossier online" in page and "Submit the dossier" in page
    assert "?lang=vi" in page  # and back


# --- the API --------------------------------------------------------------------------------


@pytest.fixture
def officer_api(app, officer):
    from tests.auth.signing import csrf_token

    client = app.test_client()
    assert sign_in(client, "lan").status_code == 302
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/counter/demo")
    return client


def test_the_api_lists_online_dossiers_and_accepting_one_sets_its_due_date(officer_api, ports):
    dossier = register(ports)
    waiting = officer_api.get("/api/v1/halls/demo/dossiers/online").get_json()["dossiers"]
    assert [(d["code"], d["status"], d["due_at"], d["online"]) for d in waiting] == [
        (dossier.code, 1, None, True)]
    assert [f["content_type"] for f in waiting[0]["files"]] == ["application/pdf", "image/png"]
    assert waiting[0]["next_statuses"] == [2, 3, 5, 7]
    accepted = officer_api.post(f"/api/v1/dossiers/{dossier.code}/status", json={"status": 2})
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["due_at"] == hall_time(2026, 12, 4, 9, 0).isoformat()
    assert officer_api.get("/api/v1/halls/demo/dossiers/online").get_json()["dossiers"] == []


def test_a_refusal_through_the_api_prints_its_slip(officer_api, ports):
    dossier = register(ports)
    refused = officer_api.post(f"/api/v1/dossiers/{dossier.code}/status",
                               json={"status": 3, "note": "Sai thẩm quyền"})
    assert refused.status_code == 200 and refused.get_json()["print_job"]["status"] != "failed"
    assert ports.session.query(PrintJob).filter_by(kind=PrintJobKind.NOTICE).count() == 1


def test_the_api_hands_a_result_back_to_a_recorded_collector(officer_api, ports, officer):
    dossier = register(ports)
    for status in (S.ACCEPTED, S.DONE):
        dossiers.change_status(ports, code=dossier.code, status=status, actor=officer)
    path = f"/api/v1/dossiers/{dossier.code}/hand-back"
    free_text = officer_api.post(path, json={"collector_name": "Tám", "relation": "neighbour"})
    assert free_text.status_code == 422
    no_id = officer_api.post(path, json={"collector_name": "Lê Văn Tám", "relation": "authorised"})
    assert no_id.status_code == 422 and no_id.get_json()["error"]["code"] == "invalid_input"
    done = officer_api.post(path, json={"collector_name": "Lê Văn Tám", "relation": "authorised",
                                        "id_card": "079099000111"})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == 10
    assert body["collected_by"] == {"name": "Lê Văn Tám", "relation": "authorised"}
    assert "079099000111" not in done.get_data(as_text=True)


def test_the_hand_back_form_records_the_collector_and_the_page_shows_it(app, ports, officer):
    dossier = register(ports)
    for status in (S.ACCEPTED, S.DONE):
        dossiers.change_status(ports, code=dossier.code, status=status, actor=officer)
    lan = app.test_client()
    assert sign_in(lan, "lan").status_code == 302
    page = lan.get(f"/dossier/demo/{dossier.code}").get_data(as_text=True)
    assert 'data-testid="hand-back-form"' in page and 'value="3. ' not in page
    token = TOKEN.search(page).group(1)
    wrong = lan.post(f"/dossier/demo/{dossier.code}/hand-back",
                     data={"csrf_token": token, "collector_name": "Trần Thị Thu Hà",
                           "collector_relation": "self", "collector_id_card": "123"})
    assert wrong.status_code == 422 and 'data-testid="hand-back-error"' in wrong.get_data(as_text=True)
    done = lan.post(f"/dossier/demo/{dossier.code}/hand-back",
                    data={"csrf_token": token, "collector_name": "Trần Thị Thu Hà",
                          "collector_relation": "self", "collector_id_card": "079123456789"})
    assert done.status_code == 303
    shown = lan.get(f"/dossier/demo/{dossier.code}").get_data(as_text=True)
    assert re.search(r'data-testid="collected-by">Trần Thị Thu Hà · Người nộp hồ sơ · đã đối chiếu', shown)


def test_the_public_figures_count_an_online_dossier_as_received_once_accepted(ports, officer):
    from motcua.dossier.readmodels import dossier_figures

    waiting, refused, accepted = register(ports), register(ports), register(ports)
    dossiers.change_status(ports, code=refused.code, status=S.REFUSED, actor=officer, note="Sai")
    dossiers.change_status(ports, code=accepted.code, status=S.ACCEPTED, actor=officer)
    day = accepted.day
    figures = dossier_figures(ports.session, accepted.hall, day, day)
    assert figures.total.received == 1
    assert waiting.due_at is None


def test_a_supplement_slip_says_what_to_bring(ports, officer):
    dossier = register(ports)
    asked = dossiers.change_status(ports, code=dossier.code, status=S.SUPPLEMENT_REQUESTED,
                                   actor=officer, note="Bản chụp Giấy chứng nhận rõ nét")
    slip = notice_for(asked, receiving_unit="UBND phường Lộc Thọ", officer_name="Nguyễn Văn An",
                      lookup_url="http://hall.example/tra-cuu/x")
    texts = [block.text for block in notice_document(slip).blocks if hasattr(block, "text")]
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in texts
    assert "Bản chụp Giấy chứng nhận rõ nét" in texts
    assert any("mang giấy tờ bổ sung" in text for text in texts)


def test_an_unknown_hall_has_no_online_form(client, officer):
    answer = client.get("/nop-ho-so/khong-co")
    assert answer.status_code == 404 and 'data-testid="online-message"' in answer.get_data(as_text=True)
