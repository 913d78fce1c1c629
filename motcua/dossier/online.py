"""Registering a dossier online, for citizens on a phone (`/nop-ho-so/<hall>`): no account.

The citizen picks a procedure, types who they are and attaches a file for each of its
documents; the answer is the dossier's code, its look-up secret and the QR code of its
status page. Files are checked by content and stored by hash before the dossier is written
(`motcua.dossier.uploads`). The form carries a CSRF token like every form, checked here once
the request may be as large as the files allow (the server's limit is for small forms), and
submissions are rate-limited per address (`ONLINE_RATE_LIMIT`).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from motcua.core.errors import N_, DomainError
from motcua.dossier import services, texts, uploads
from motcua.dossier.errors import BadInput
from motcua.dossier.installation import installation
from motcua.dossier.models import Delivery, Dossier, Procedure
from motcua.extensions import csrf, limiter
from motcua.kiosk.links import qr_svg
from motcua.queue.models import Hall
from motcua.queue.services import get_hall
from motcua.web import db, ports
from motcua.web.errors import error_screen
from motcua.web.links import dossier_lookup_page, dossier_lookup_url

bp = Blueprint("online", __name__)

FORM_ALLOWANCE = 64 * 1024  # the typed fields and the multipart framing around the files


def limits() -> uploads.UploadLimits:
    config = current_app.config
    types = frozenset(t.strip() for t in str(config["ONLINE_UPLOAD_TYPES"]).split(",") if t.strip())
    return uploads.UploadLimits(max_bytes=int(config["ONLINE_UPLOAD_MAX_BYTES"]),
                                max_files=int(config["ONLINE_UPLOAD_MAX_FILES"]),
                                types=types & frozenset(uploads.KINDS))


def upload_folder() -> Path:
    """Under the instance folder, which the web server never serves."""
    return Path(current_app.instance_path) / "dossier-files"


def _lang() -> str:
    return str(get_locale() or "vi")


def _private(page: str, status: int) -> ResponseReturnValue:
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _form_page(hall: Hall, chosen: Procedure | None, form: dict[str, Any] | None = None,
               error: str | None = None, error_field: str | None = None,
               status: int = 200) -> ResponseReturnValue:
    checked = limits()
    page = render_template(
        "dossier/online.html", hall=hall, procedures=services.procedures_of(db(), hall),
        chosen=chosen, form=form or {}, error=error, error_field=error_field, lang=_lang(),
        processing=texts.processing_time, deliveries=texts.delivery_names(),
        max_mb=f"{checked.max_bytes / 1024 / 1024:g}", max_files=checked.max_files,
        kinds=", ".join(uploads.KINDS[t] for t in uploads.KINDS if t in checked.types),
        accept=",".join(sorted(checked.types)))
    return _private(page, status)


def _chosen(hall: Hall, code: str) -> Procedure | None:
    return next((p for p in services.procedures_of(db(), hall) if p.code == code), None)


@error_screen(bp)
def _error_page(status: int, title: str, message: str, _exc: Exception) -> ResponseReturnValue:
    page = render_template("dossier/online_message.html", title=title, message=message,
                           lang=_lang())
    return _private(page, status)


@bp.errorhandler(TooManyRequests)
def _too_many(_exc: TooManyRequests) -> ResponseReturnValue:
    return _error_page(429, _("Gửi quá nhiều lần"),
                       _("Nơi này vừa nhận nhiều hồ sơ từ mạng của bạn. Xin thử lại sau ít phút."),
                       _exc)


@bp.get("/nop-ho-so/<hall_code>")
def form(hall_code: str) -> ResponseReturnValue:
    hall = get_hall(db(), hall_code)
    return _form_page(hall, _chosen(hall, request.args.get("procedure", "")))


def sent_files(procedure: Procedure) -> Iterator[tuple[str, FileStorage]]:
    """The files attached to the form's inputs, one input per document of the procedure
    (`doc-0`, `doc-1`, …), with the document each is for."""
    for index, document in enumerate(procedure.documents):
        for sent in request.files.getlist(f"doc-{index}"):
            if sent.filename or sent.content_length:  # an input left empty sends an empty part
                yield document["name"], sent


def stored_files(sent: Iterable[tuple[str, FileStorage]], checked: uploads.UploadLimits,
                 written: list[uploads.Written]) -> tuple[uploads.Upload, ...]:
    """Every file checked by content and stored by hash; what this request wrote is added to
    `written`, to be taken back if the dossier is not written."""
    files: list[uploads.Upload] = []
    folder = upload_folder()
    for document, part in sent:
        data = part.read(checked.max_bytes + 1)
        upload = uploads.check(data, original_name=part.filename or "", document=document,
                               limits=checked)
        stored = uploads.store(folder, data, upload)
        if stored is not None:
            written.append(stored)
        files.append(upload)
    return tuple(files)


@contextmanager
def taken_back_on_failure() -> Iterator[list[uploads.Written]]:
    """The files stored in the block are removed again if it fails (the dossier that would
    name them was not written), unless a dossier names them or they were stored again since."""
    written: list[uploads.Written] = []
    try:
        yield written
    except BaseException:
        if written:
            uploads.take_back(upload_folder(), written,
                              services.stored_hashes(db(), {w.sha256 for w in written}))
        raise


def refused_body(checked: uploads.UploadLimits) -> tuple[str, int] | None:
    """Read a form with files, under the size the files allow (the server's limit is for
    small forms), and check its CSRF token: the message and status when it is refused."""
    request.max_content_length = checked.max_bytes * checked.max_files + FORM_ALLOWANCE
    try:
        if current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()
        request.files  # noqa: B018 -- reads the body now, under the size allowed above
    except RequestEntityTooLarge:
        return _("Các tệp gửi kèm lớn quá: tối đa %(max)s MB mỗi tệp.",
                 max=f"{checked.max_bytes / 1024 / 1024:g}"), 413
    except CSRFError:
        return _("Trang đã mở quá lâu. Xin chọn lại tệp và gửi lại."), 400
    return None


def _registration(procedure: Procedure, files: tuple[uploads.Upload, ...]) -> services.Registration:
    """The typed fields and the attached files."""
    try:
        delivery = Delivery(request.form.get("delivery") or Delivery.COUNTER.value)
    except ValueError:
        raise BadInput(N_("Hãy chọn nơi nhận kết quả."), "delivery") from None
    return services.Registration(
        procedure_code=procedure.code,
        applicant=services.Applicant(name=request.form.get("name", ""),
                                     phone=request.form.get("phone", ""),
                                     address=request.form.get("address", ""),
                                     id_card=request.form.get("id_card") or None),
        files=files, delivery=delivery)


def configured_limit() -> str:
    return str(current_app.config["ONLINE_RATE_LIMIT"])


@bp.post("/nop-ho-so/<hall_code>")
@csrf.exempt  # checked below, once the request may be as large as its files
@limiter.limit(configured_limit)
def submit(hall_code: str) -> ResponseReturnValue:
    checked = limits()
    hall = get_hall(db(), hall_code)
    refused = refused_body(checked)
    if refused is not None:
        message, status = refused
        if status == 413:  # the form was not read
            return _form_page(hall, None, error=message, status=status)
        return _form_page(hall, _chosen(hall, request.form.get("procedure", "")),
                          request.form.to_dict(), error=message, status=status)
    form_data = request.form.to_dict()
    procedure = _chosen(hall, form_data.get("procedure", ""))
    if procedure is None:
        return _form_page(hall, None, error=_("Hãy chọn thủ tục."), status=422)
    try:
        with taken_back_on_failure() as written:
            files = stored_files(sent_files(procedure), checked, written)
            dossier = services.submit_online(
                ports(), hall_code=hall.code, registration=_registration(procedure, files),
                installation=installation(), max_files=checked.max_files)
    except DomainError as exc:
        return _form_page(hall, procedure, form_data, exc.translated(_), exc.field,
                          422 if isinstance(exc, BadInput) else 409)
    return _submitted(dossier)


def _submitted(dossier: Dossier) -> ResponseReturnValue:
    status_url = dossier_lookup_url(dossier.qr_secret)
    page = render_template(
        "dossier/online_done.html", dossier=dossier, lang=_lang(), status_url=status_url,
        qr=Markup(qr_svg(status_url)), lookup_page=dossier_lookup_page(),
        lang_path=url_for("lookup.lookup_by_qr", secret=dossier.qr_secret))
    return _private(page, 201)
