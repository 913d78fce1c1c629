"""Supplements sent online: a citizen asked for more papers uploads them from the dossier's
status page; the files join the dossier with who and when in its log, the officers' online
queue shows the supplement as received, and the officer decides as before."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from motcua.core.db import make_session_factory
from motcua.core.events import EventName
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.dossier import uploads
from motcua.dossier.errors import BadInput, DossierNotFound, TransitionRefused
from motcua.dossier.models import Dossier, DossierFile
from motcua.dossier.models import DossierStatus as S
from motcua.queue.demo import load_demo_hall
from tests.auth.signing import sign_in
from tests.dossier.online_support import EXE, PDF, png_bytes
from tests.dossier.support import prepare, receive, serve_a_citizen
from tests.dossier.test_online import (  # officer_api: a fixture
    APPLICATION,
    CERTIFICATE,
    TOKEN,
    checked,
    officer_api,
    register,
)

REASON = "Giấy chứng nhận chụp mờ, xin chụp lại rõ nét"


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports, username="lan")


@pytest.fixture
def asked(ports, officer) -> Dossier:
    """An online dossier the officer asked for a supplement, before accepting it."""
    dossier = register(ports)
    return dossiers.change_status(ports, code=dossier.code, status=S.SUPPLEMENT_REQUESTED,
                                  actor=officer, note=REASON)


def supplement(ports, dossier: Dossier, *files: uploads.Upload) -> Dossier:
    return dossiers.submit_supplement(ports, secret=dossier.qr_secret, files=files, max_files=3)


SHARP = png_bytes((60, 40))
NEW_PDF = PDF + b"% signed again\n"  # not the registration's own PDF, which its rows name


# --- the service ----------------------------------------------------------------------------


def test_the_files_sent_join_the_dossier_and_its_log_says_who_and_when(ports, clock, asked, publisher):
    clock.advance(hours=2)
    sent = supplement(ports, asked, checked(SHARP, "gcn-ro.png", document=CERTIFICATE))
    assert [(f.document, f.original_name, f.uploaded_at) for f in sent.files][-1] == (
        CERTIFICATE, "gcn-ro.png", clock.now())
    assert len(sent.files) == 3 and sent.status == S.SUPPLEMENT_REQUESTED
    assert sent.supplement_received_at == clock.now()
    logged = sent.events[-1]
    assert (logged.kind, logged.actor, logged.at, logged.data["files"]) == (
        "supplement_submitted", "citizen:online", clock.now(), ["gcn-ro.png"])
    assert {d["name"]: d["copies"] for d in sent.documents} == {APPLICATION: 1, CERTIFICATE: 2}
    assert publisher.events[-1].name == EventName.DOSSIER_SUPPLEMENT_SUBMITTED
    assert dossiers.online_queue(ports.session, sent.hall) == [sent]


def test_the_officer_then_accepts_it_and_the_supplement_is_no_longer_marked(ports, clock, asked,
                                                                            officer):
    supplement(ports, asked, checked(SHARP, "gcn-ro.png", document=CERTIFICATE))
    clock.advance(hours=1)
    accepted = dossiers.change_status(ports, code=asked.code, status=S.ACCEPTED, actor=officer)
    assert accepted.due_at is not None and accepted.supplement_received_at is None
    assert dossiers.online_queue(ports.session, accepted.hall) == []


def test_a_dossier_not_waiting_for_a_supplement_takes_no_files(ports, officer):
    waiting = register(ports)
    with pytest.raises(TransitionRefused) as refused:
        supplement(ports, waiting, checked(SHARP, "gcn.png", document=CERTIFICATE))
    assert refused.value.field == "files" and refused.value.params["current"] == "Mới đăng ký"
    assert len(ports.session.get(Dossier, waiting.id).files) == 2


def test_a_dossier_received_at_the_counter_takes_its_supplement_at_the_counter(ports, officer):
    at_counter = receive(ports, officer)
    dossiers.change_status(ports, code=at_counter.code, status=S.SUPPLEMENT_REQUESTED,
                           actor=officer, note=REASON)
    with pytest.raises(TransitionRefused):
        supplement(ports, at_counter, checked(SHARP, "gcn.png", document=CERTIFICATE))
    assert ports.session.query(DossierFile).count() == 0


def test_a_supplement_needs_a_file_and_only_for_the_procedures_documents(ports, asked):
    with pytest.raises(BadInput) as empty:
        supplement(ports, asked)
    assert empty.value.field == "files"
    with pytest.raises(BadInput) as elsewhere:
        supplement(ports, asked, checked(SHARP, "x.png", document="Giấy khai sinh"))
    assert elsewhere.value.params["name"] == "Giấy khai sinh"
    with pytest.raises(BadInput) as too_many:
        supplement(ports, asked, *[checked(SHARP, f"{n}.png", document=CERTIFICATE) for n in range(4)])
    assert too_many.value.params["max"] == 3
    assert ports.session.get(Dossier, asked.id).supplement_received_at is None


def test_an_unknown_secret_finds_no_dossier(ports, asked):
    with pytest.raises(DossierNotFound):
        dossiers.submit_supplement(ports, secret="x" * len(asked.qr_secret),
                                   files=(checked(SHARP, "gcn.png", document=CERTIFICATE),))


def test_an_accepted_dossier_asked_again_comes_back_to_the_queue_once_the_supplement_came(
        ports, clock, officer):
    dossier = register(ports)
    dossiers.change_status(ports, code=dossier.code, status=S.ACCEPTED, actor=officer)
    paused = dossiers.change_status(ports, code=dossier.code, status=S.SUPPLEMENT_REQUESTED,
                                    actor=officer, note=REASON)
    assert paused.due_at is not None and dossiers.online_queue(ports.session, paused.hall) == []
    clock.advance(days=1)
    supplement(ports, paused, checked(SHARP, "gcn-ro.png", document=CERTIFICATE))
    assert dossiers.online_queue(ports.session, paused.hall) == [paused]
    due_before = paused.due_at
    moving = dossiers.change_status(ports, code=dossier.code, status=S.IN_PROCESS, actor=officer)
    assert moving.due_at > due_before and moving.supplement_received_at is None
    assert dossiers.online_queue(ports.session, paused.hall) == []


def test_the_api_lists_the_dossier_with_its_supplement_received(officer_api, ports, clock, asked):
    supplement(ports, asked, checked(SHARP, "gcn-ro.png", document=CERTIFICATE))
    waiting = officer_api.get("/api/v1/halls/demo/dossiers/online").get_json()["dossiers"]
    assert [(d["code"], d["supplement_received_at"], len(d["files"])) for d in waiting] == [
        (asked.code, clock.now().isoformat(), 3)]
    assert waiting[0]["files"][-1]["uploaded_at"] == clock.now().isoformat()


# --- the status page over HTTP --------------------------------------------------------------


def files_folder(app) -> Path:
    return Path(app.instance_path) / "dossier-files"


def post_supplement(client, dossier: Dossier, token: str, files: dict[str, tuple[bytes, str]]):
    data: dict[str, object] = {"csrf_token": token}
    for key, (content, name) in files.items():
        data[key] = (io.BytesIO(content), name)
    return client.post(f"/tra-cuu/{dossier.qr_secret}/bo-sung", data=data,
                       content_type="multipart/form-data")


def status_page(client, dossier: Dossier) -> tuple[str, str]:
    page = client.get(f"/tra-cuu/{dossier.qr_secret}").get_data(as_text=True)
    found = TOKEN.search(page)
    return page, found.group(1) if found else ""


def test_the_status_page_reached_by_the_link_offers_the_supplement_form(client, asked):
    page, token = status_page(client, asked)
    assert 'data-testid="supplement-form"' in page and token
    assert REASON in page
    assert f'action="/tra-cuu/{asked.qr_secret}/bo-sung"' in page
    assert 'name="doc-1"' in page and CERTIFICATE in page


def test_the_supplement_form_speaks_english_when_asked(client, asked):
    page = client.get(f"/tra-cuu/{asked.qr_secret}?lang=en").get_data(as_text=True)
    assert "Send the missing papers" in page and "send them online" in page
    assert f'action="/tra-cuu/{asked.qr_secret}/bo-sung?lang=en"' in page


def test_the_status_page_reached_by_code_and_secret_points_to_the_link(client, asked):
    page = client.post("/tra-cuu", data={"code": asked.code, "secret": asked.short_secret})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="supplement-by-link"' in text
    assert "supplement-form" not in text and asked.qr_secret not in text


def test_a_dossier_not_asked_for_a_supplement_shows_no_form(client, ports, officer):
    page, _token = status_page(client, register(ports))
    assert 'data-testid="supplement"' not in page


def test_files_sent_from_the_status_page_are_stored_and_the_page_says_so(app, client, ports, asked):
    _page, token = status_page(client, asked)
    answer = post_supplement(client, asked, token, {"doc-1": (SHARP, "gcn-ro.jpg")})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/tra-cuu/{asked.qr_secret}")
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="supplement-sent"' in shown and "Đã gửi 1 tệp bổ sung" in shown
    assert 'data-testid="supplement-received"' in shown and "Đã gửi giấy tờ bổ sung" in shown
    kept = ports.session.query(DossierFile).order_by(DossierFile.id.desc()).first()
    assert (kept.document, kept.original_name, kept.content_type) == (CERTIFICATE, "gcn-ro.jpg",
                                                                     "image/png")
    assert uploads.path_of(files_folder(app), kept.sha256).read_bytes() == SHARP


def test_a_dossier_no_longer_waiting_refuses_the_files_clearly_and_keeps_none(app, client, ports,
                                                                            asked, officer):
    _page, token = status_page(client, asked)
    dossiers.change_status(ports, code=asked.code, status=S.ACCEPTED, actor=officer)
    answer = post_supplement(client, asked, token, {"doc-1": (SHARP, "gcn-ro.png")})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409
    assert "không chờ bổ sung giấy tờ" in page and "Được tiếp nhận" in page
    assert not uploads.path_of(files_folder(app), checked(SHARP, "x").sha256).exists()


def test_a_renamed_program_is_refused_and_nothing_is_kept(app, client, ports, asked):
    _page, token = status_page(client, asked)
    answer = post_supplement(client, asked, token, {"doc-0": (NEW_PDF, "don-moi.pdf"),
                                                    "doc-1": (EXE, "gcn.pdf")})
    assert answer.status_code == 422 and "gcn.pdf" in answer.get_data(as_text=True)
    assert not uploads.path_of(files_folder(app), checked(NEW_PDF, "x").sha256).exists()
    assert ports.session.get(Dossier, asked.id).supplement_received_at is None


def test_the_supplement_form_needs_its_csrf_token(client, asked):
    assert post_supplement(client, asked, "forged", {"doc-1": (SHARP, "a.png")}).status_code == 400


def test_files_above_the_size_limit_are_refused_before_anything_is_read(app, client, asked):
    app.config["ONLINE_UPLOAD_MAX_BYTES"] = 2000
    app.config["ONLINE_UPLOAD_MAX_FILES"] = 2
    _page, token = status_page(client, asked)
    answer = post_supplement(client, asked, token, {"doc-1": (PDF + b" " * 80_000, "a.pdf")})
    assert answer.status_code == 413 and 'data-testid="supplement-error"' in answer.get_data(as_text=True)


def test_an_unknown_link_answers_like_a_failed_look_up(client, asked):
    answer = client.post(f"/tra-cuu/{'x' * len(asked.qr_secret)}/bo-sung", data={})
    assert answer.status_code == 404


def test_the_officer_sees_the_supplement_received_in_the_queue_and_in_the_history(app, client, asked):
    _page, token = status_page(client, asked)
    assert post_supplement(client, asked, token, {"doc-1": (SHARP, "gcn-ro.png")}).status_code == 303
    lan = app.test_client()
    assert sign_in(lan, "lan").status_code == 302
    queue = lan.get("/dossier/demo/online").get_data(as_text=True)
    assert re.search(r'data-testid="online-supplement-received">Bổ sung đã nộp 09:00 25/11/2026', queue)
    page = lan.get(f"/dossier/demo/{asked.code}").get_data(as_text=True)
    assert "Công dân gửi bổ sung: gcn-ro.png" in page and 'data-testid="supplement-received"' in page
    assert page.count('data-testid="online-file-link"') == 3


@pytest.mark.postgres
def test_a_supplement_on_postgresql_locks_the_dossier_and_reaches_the_queue(postgres_engine, clock,
                                                                           publisher):
    with make_session_factory(postgres_engine)() as session:
        ports = Ports(session=session, clock=clock, publisher=publisher)
        load_demo_hall(ports)
        prepare(ports)
        lan = serve_a_citizen(ports, username="lan")
        dossier = register(ports)
        dossiers.change_status(ports, code=dossier.code, status=S.SUPPLEMENT_REQUESTED, actor=lan,
                               note=REASON)
        sent = supplement(ports, dossier, checked(SHARP, "gcn-ro.png", document=CERTIFICATE))
        assert sent.supplement_received_at == clock.now() and len(sent.files) == 3
        assert dossiers.online_queue(session, sent.hall) == [sent]
