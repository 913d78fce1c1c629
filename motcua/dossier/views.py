"""Staff pages for dossiers: intake at the counter, the hall's dossiers, one dossier with its
status changes, and its receipt (80 mm preview, A4 PDF, print again).

Views parse the form, call a service and render; a domain error re-renders the form with
the message next to the field at fault.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from motcua.core.accounts import StaffUser, staff_names
from motcua.core.actors import Actor, Role
from motcua.core.clock import local_day
from motcua.core.errors import N_, DomainError
from motcua.dossier import lifecycle, readmodels, services, texts, uploads
from motcua.dossier.cccd import UnreadableCard, parse_chip_card
from motcua.dossier.errors import BadInput, DossierNotFound, NotAllowed, TransitionRefused
from motcua.dossier.installation import installation
from motcua.dossier.models import CollectorRelation, Delivery, Dossier, DossierStatus, Procedure
from motcua.dossier.notice import TITLES as NOTICE_TITLES
from motcua.dossier.notice import notice_document
from motcua.dossier.online import upload_folder
from motcua.dossier.printing import notice_slip, print_notice, print_receipt, receipt_slip
from motcua.dossier.receipt import receipt_document
from motcua.inputs import db_int
from motcua.printer.models import PrintJobStatus
from motcua.queue.models import Counter, Hall
from motcua.queue.services import current_ticket, get_counter, get_hall
from motcua.web import current_actor, db, ports, runtime
from motcua.web.errors import answers_json, error_screen

bp = Blueprint("dossier", __name__, url_prefix="/dossier")
MAX_CARD_CODE = 400  # a chip card's QR code is about 150 characters


def _user() -> StaffUser:
    user: StaffUser = current_user.user
    return user


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None  # login_required ran
    return actor


def _lang() -> str:
    return str(get_locale() or "vi")


def _staff_hall(code: str) -> Hall:
    hall = get_hall(db(), code)
    if _user().hall_id not in (None, hall.id):
        raise NotAllowed(N_("Bạn không làm việc tại nơi này."))
    return hall


@error_screen(bp)
def _error_page(status: int, title: str, message: str, _exc: Exception) -> ResponseReturnValue:
    return render_template("counter/message.html", title=title, message=message,
                           links={"back": url_for("counter.home")}), status


def _page_words() -> dict[str, Any]:
    return {"statuses": texts.status_names(), "outcomes": texts.outcome_names(),
            "forms": texts.form_names(), "deliveries": texts.delivery_names(),
            "relations": texts.relation_names()}


def _counter_of(hall: Hall) -> Counter:
    try:
        number = db_int(request.args.get("counter", ""))
    except ValueError:
        raise BadInput(N_("Hãy mở trang tiếp nhận từ màn hình quầy.")) from None
    return get_counter(db(), hall, number)


# --- intake ---------------------------------------------------------------------------------


def _grouped(procedures: list[Procedure], counter: Counter) -> list[tuple[str, list[Procedure]]]:
    """Procedures by sector, the counter's own sectors first."""
    lang = _lang()
    mine = [s.id for s in counter.sectors]
    groups: dict[int, tuple[str, list[Procedure]]] = {}
    for procedure in procedures:
        groups.setdefault(procedure.sector_id, (procedure.sector.name(lang), []))[1].append(procedure)
    order = sorted(groups, key=lambda sid: (sid not in mine, mine.index(sid) if sid in mine else 0))
    return [groups[sid] for sid in order]


def _intake_page(hall: Hall, counter: Counter, form: dict[str, Any] | None = None,
                 error: DomainError | None = None, status: int = 200) -> ResponseReturnValue:
    session = db()
    clock = runtime().clock
    procedures = services.procedures_of(session, hall)
    code = (form or {}).get("procedure") or request.args.get("procedure", "")
    chosen = next((p for p in procedures if p.code == code), None)
    due_preview = None
    if chosen is not None:
        calendar = services.hall_calendar(session, hall, local_day(clock, hall.time_zone))
        due_preview = calendar.due_at(clock.now(), chosen.processing_time, chosen.unit)
    ticket = current_ticket(session, counter)
    page = render_template(
        "dossier/intake.html", hall=hall, counter=counter, ticket=ticket,
        groups=_grouped(procedures, counter), chosen=chosen, due_preview=due_preview,
        form=form or {}, error=error.translated(_) if error else None,
        error_field=error.field if error else None, words=_page_words(), lang=_lang(),
        processing=texts.processing_time,
        moment=lambda instant: texts.moment(instant, hall.time_zone),
    )
    return page, status


@bp.get("/<hall_code>/intake")
@login_required
def intake(hall_code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    return _intake_page(hall, _counter_of(hall))


def _count(value: str | None, field: str) -> int:
    try:
        return int(value or 0)
    except ValueError:
        raise BadInput(N_("“%(value)s” không phải là một số."), field, value=value) from None


def _born(value: str | None) -> date | None:
    """The date input's value (yyyy-mm-dd), or None when left empty."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(N_("Ngày sinh “%(value)s” không hợp lệ."), "born", value=value) from None


def _intake_from(form: dict[str, Any], procedure: Procedure) -> services.Intake:
    handed = tuple(
        services.HandedDocument(
            name=document["name"],
            originals=_count(form.get(f"doc-{index}-originals"), "documents"),
            copies=_count(form.get(f"doc-{index}-copies"), "documents"))
        for index, document in enumerate(procedure.documents))
    try:
        delivery = Delivery(form.get("delivery") or Delivery.COUNTER.value)
    except ValueError:
        raise BadInput(N_("Hãy chọn nơi nhận kết quả."), "delivery") from None
    return services.Intake(
        procedure_code=procedure.code,
        applicant=services.Applicant(name=form.get("name", ""), phone=form.get("phone", ""),
                                     address=form.get("address", ""),
                                     id_card=form.get("id_card") or None,
                                     born=_born(form.get("born"))),
        documents=handed, sets=_count(form.get("sets") or "1", "sets"), delivery=delivery)


@bp.post("/<hall_code>/id-card")
@answers_json
@login_required
def read_id_card(hall_code: str) -> ResponseReturnValue:
    """The intake form's fields from a scanned chip ID card's QR code (`{"code": …}`); the
    code is read here and forgotten: not stored, not logged."""
    _staff_hall(hall_code)
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, str) or len(code) > MAX_CARD_CODE:
        raise UnreadableCard(N_("Mã QR trên căn cước không đủ thông tin; xin quét lại."))
    card = parse_chip_card(code)
    return jsonify({"name": card.full_name, "id_card": card.number,
                    "born": card.born.isoformat(), "address": card.address})


# What an officer typed of the applicant, kept when the form is laid out for another procedure
# (the documents and the number of sets are the procedure's own, and start again).
APPLICANT_FIELDS = ("name", "phone", "address", "id_card", "born", "delivery")


@bp.post("/<hall_code>/intake/procedure")
@login_required
def intake_for_procedure(hall_code: str) -> ResponseReturnValue:
    """The intake form for the procedure chosen, with the applicant's fields as typed: a
    choice made after typing them must not lose them. A POST, so an ID number typed stays out
    of addresses and logs."""
    hall = _staff_hall(hall_code)
    kept = {key: request.form[key] for key in (*APPLICANT_FIELDS, "procedure") if key in request.form}
    return _intake_page(hall, _counter_of(hall), kept)


@bp.post("/<hall_code>/intake")
@login_required
def receive(hall_code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    counter = _counter_of(hall)
    form = request.form.to_dict()
    try:
        procedure = services.get_procedure(db(), hall, form.get("procedure", ""))
        dossier = services.receive_dossier(
            ports(), hall_code=hall.code, counter_number=counter.number, actor=_actor(),
            intake=_intake_from(form, procedure), installation=installation())
    except DomainError as exc:
        return _intake_page(hall, counter, form, exc, 422 if isinstance(exc, BadInput) else 409)
    job = print_receipt(dossier, _actor().label)
    if job.status == PrintJobStatus.FAILED:
        flash(_("Đã tiếp nhận hồ sơ %(code)s nhưng chưa in được giấy hẹn: hãy in lại hoặc in "
                "bản A4.", code=dossier.code), "error")
    else:
        flash(_("Đã tiếp nhận hồ sơ %(code)s. Giấy hẹn đang được in.", code=dossier.code), "ok")
    return redirect(url_for(".dossier", hall_code=hall.code, code=dossier.code,
                            counter=counter.number), 303)


# --- the hall's dossiers --------------------------------------------------------------------


@bp.get("/<hall_code>")
@login_required
def hall_dossiers(hall_code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    wanted = request.args.get("code", "").strip()
    if wanted:
        return redirect(url_for(".dossier", hall_code=hall.code, code=wanted))
    status: DossierStatus | None = None
    if request.args.get("status", "").isdigit() and int(request.args["status"]) in set(DossierStatus):
        status = DossierStatus(int(request.args["status"]))
    clock = runtime().clock
    due = services.due_soon(db(), clock, hall)
    return render_template(
        "dossier/list.html", hall=hall, due=due, recent=services.recent_dossiers(db(), hall, status=status),
        status=status, words=_page_words(), now=clock.now(),
        late=lambda d: readmodels.is_late(d, clock.now()),
        moment=lambda instant: texts.moment(instant, hall.time_zone),
        counter=request.args.get("counter", type=db_int))


def _received_dossier(hall: Hall, code: str) -> Dossier:
    """A dossier the hall took on: only those have a receipt (a due date to print)."""
    found = _hall_dossier(hall, code)
    if found.due_at is None:
        raise TransitionRefused(N_("Hồ sơ %(code)s chưa được tiếp nhận: chưa có giấy hẹn."),
                                code=found.code)
    return found


def _hall_dossier(hall: Hall, code: str) -> Dossier:
    dossier = services.get_dossier(db(), code)
    if dossier.hall_id != hall.id:
        raise DossierNotFound(N_("Không có hồ sơ nào mã %(code)s."), code=code)
    return dossier


@bp.get("/<hall_code>/<code>")
@login_required
def dossier(hall_code: str, code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    found = _hall_dossier(hall, code)
    return _dossier_page(hall, found)


def _due_moved(data: dict[str, Any]) -> bool:
    """A resumed dossier's due date moved by the working time it waited for a supplement (not
    when that was none; an acceptance sets the first due date, which moves nothing)."""
    return "due_before" in data and (datetime.fromisoformat(data["due_before"])
                                     != datetime.fromisoformat(data["due_after"]))


def _dossier_page(hall: Hall, found: Dossier, error: str | None = None, note: str = "",
                  status: int = 200, hand_back_error: str | None = None,
                  hand_back_form: dict[str, str] | None = None) -> ResponseReturnValue:
    clock = runtime().clock
    view = readmodels.staff_view(found, clock)
    names = staff_names(db(), (e.actor for e in found.events))
    history = [
        {"at": texts.moment(e.at, hall.time_zone), "status": int(e.to_status), "actor": e.actor,
         "actor_name": (names.get(e.actor) if not e.actor.startswith("citizen:")
                        else _("Công dân (trực tuyến)")),
         "note": (_("Công dân gửi bổ sung: %(files)s", files=", ".join(e.data["files"]))
                  if e.kind == "supplement_submitted" else e.note),
         "moved": texts.moment(datetime.fromisoformat(e.data["due_after"]), hall.time_zone)
         if _due_moved(e.data) else None}
        for e in found.events
    ]
    return render_template(
        "dossier/dossier.html", hall=hall, dossier=found, view=view, words=_page_words(),
        history=history,
        explained=texts.status_explained(found.delivery == Delivery.POST, found.submitted_online),
        processing=texts.processing_time(found.processing_time, found.unit, _lang()),
        moment=lambda instant: texts.moment(instant, hall.time_zone),
        # Returning the result has its own form, with who collected it.
        next_statuses=[s for s in lifecycle.next_statuses(found.status, taken_on=found.due_at is not None)
                       if s != DossierStatus.RETURNED],
        needs_note=lifecycle.NEEDS_NOTE,
        notice=any(e.to_status in NOTICE_TITLES for e in found.events),
        hand_back_error=hand_back_error, hand_back_form=hand_back_form or {},
        error=error, note=note, counter=request.args.get("counter", type=db_int),
        manager=_user().role in (Role.ADMIN, Role.SUPERVISOR)), status


@bp.post("/<hall_code>/<code>/status")
@login_required
def change_status(hall_code: str, code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    found = _hall_dossier(hall, code)
    note = request.form.get("note", "")
    try:
        wanted = DossierStatus(int(request.form.get("status", "")))
    except ValueError:
        return _dossier_page(hall, found, _("Hãy chọn trạng thái mới."), note, 422)
    try:
        changed = services.change_status(ports(), code=found.code, status=wanted, actor=_actor(),
                                         note=note)
    except DomainError as exc:
        return _dossier_page(hall, services.get_dossier(db(), code), exc.translated(_), note,
                             422 if isinstance(exc, BadInput) else 409)
    flash(_("Hồ sơ %(code)s: %(status)s.", code=found.code,
            status=texts.status_names()[wanted]), "ok")
    if wanted in NOTICE_TITLES:
        _print_notice(changed)
    return redirect(url_for(".dossier", hall_code=hall.code, code=found.code,
                            counter=request.args.get("counter", type=db_int)), 303)


def _print_notice(found: Dossier) -> None:
    """The refusal or supplement slip, on the printer of the counter the officer works at."""
    user = _user()
    job = print_notice(found, user.full_name or user.username, _actor().label,
                       request.args.get("counter", type=db_int))
    if job.status == PrintJobStatus.FAILED:
        flash(_("Chưa in được phiếu: hãy kiểm tra máy in rồi in lại."), "error")


@bp.post("/<hall_code>/<code>/hand-back")
@login_required
def hand_back(hall_code: str, code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    found = _hall_dossier(hall, code)
    form = request.form.to_dict()
    try:
        relation = CollectorRelation(form.get("collector_relation", ""))
    except ValueError:
        return _dossier_page(hall, found, hand_back_error=_("Hãy chọn người nhận là ai."),
                             hand_back_form=form, status=422)
    collector = services.Collector(name=form.get("collector_name", ""), relation=relation,
                                   id_card=form.get("collector_id_card") or None)
    try:
        services.hand_back(ports(), code=found.code, actor=_actor(), collector=collector,
                           installation=installation())
    except DomainError as exc:
        return _dossier_page(hall, services.get_dossier(db(), code), hand_back_error=exc.translated(_),
                             hand_back_form=form, status=422 if isinstance(exc, BadInput) else 409)
    flash(_("Hồ sơ %(code)s: đã trả kết quả.", code=found.code), "ok")
    return redirect(url_for(".dossier", hall_code=hall.code, code=found.code,
                            counter=request.args.get("counter", type=db_int)), 303)


# --- online dossiers ------------------------------------------------------------------------


@bp.get("/<hall_code>/online")
@login_required
def online_queue(hall_code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    return render_template(
        "dossier/online_queue.html", hall=hall, waiting=services.online_queue(db(), hall),
        words=_page_words(), moment=lambda instant: texts.moment(instant, hall.time_zone),
        counter=request.args.get("counter", type=db_int))


@bp.get("/<hall_code>/<code>/files/<int:file_id>")
@login_required
def online_file(hall_code: str, code: str, file_id: int) -> Response:
    """A file of an online dossier, as an attachment with the type read from its content,
    so a browser never runs it as a page."""
    found = _hall_dossier(_staff_hall(hall_code), code)
    kept = services.get_file(found, file_id)
    path = uploads.path_of(upload_folder(), kept.sha256)
    if not path.is_file():
        raise DossierNotFound(N_("Tệp “%(name)s” của hồ sơ %(code)s không còn trên máy chủ."),
                              name=kept.original_name, code=found.code)
    response = send_file(path, mimetype=kept.content_type,
                         as_attachment=True, download_name=kept.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the receipt ----------------------------------------------------------------------------


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = make_response(data)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # it carries the look-up secret
    return response


@bp.get("/<hall_code>/<code>/receipt.pdf")
@login_required
def receipt_a4(hall_code: str, code: str) -> Response:
    found = _received_dossier(_staff_hall(hall_code), code)
    from motcua.dossier.receipt_pdf import receipt_pdf  # fpdf2 only where a PDF is asked for

    return _download(receipt_pdf(receipt_slip(found)), "application/pdf",
                     f"giay-hen-{found.code}.pdf")


@bp.get("/<hall_code>/<code>/receipt.png")
@login_required
def receipt_preview(hall_code: str, code: str) -> Response:
    found = _received_dossier(_staff_hall(hall_code), code)
    from motcua.printer.device.render import preview_png  # Pillow only where a preview is asked for

    return _download(preview_png(receipt_document(receipt_slip(found))), "image/png",
                     f"giay-hen-{found.code}.png")


def _noticed_dossier(hall: Hall, code: str) -> Dossier:
    """A dossier that was refused or asked for a supplement: only those have a slip."""
    found = _hall_dossier(hall, code)
    if not any(e.to_status in NOTICE_TITLES for e in found.events):
        raise TransitionRefused(N_("Hồ sơ %(code)s chưa bị từ chối hay yêu cầu bổ sung: không có "
                                   "phiếu nào."), code=found.code)
    return found


@bp.get("/<hall_code>/<code>/notice.png")
@login_required
def notice_preview(hall_code: str, code: str) -> Response:
    found = _noticed_dossier(_staff_hall(hall_code), code)
    from motcua.printer.device.render import preview_png

    user = _user()
    return _download(preview_png(notice_document(notice_slip(found, user.full_name or user.username))),
                     "image/png", f"phieu-{found.code}.png")


@bp.post("/<hall_code>/<code>/notice/print")
@login_required
def print_notice_again(hall_code: str, code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    found = _noticed_dossier(hall, code)
    _print_notice(found)
    return redirect(url_for(".dossier", hall_code=hall.code, code=found.code,
                            counter=request.args.get("counter", type=db_int)), 303)


@bp.post("/<hall_code>/<code>/print")
@login_required
def print_again(hall_code: str, code: str) -> ResponseReturnValue:
    hall = _staff_hall(hall_code)
    found = _received_dossier(hall, code)
    if print_receipt(found, _actor().label).status == PrintJobStatus.FAILED:
        flash(_("Chưa in được giấy hẹn: hãy kiểm tra máy in, hoặc in bản A4."), "error")
    else:
        flash(_("Giấy hẹn đang được in lại."), "ok")
    return redirect(url_for(".dossier", hall_code=hall.code, code=found.code,
                            counter=request.args.get("counter", type=db_int)), 303)
