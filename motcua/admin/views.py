"""The /admin pages: configuration, reports, the live view. Thin: parse, call a service, answer.

Administrators change things; supervisors see the same pages read-only for their own hall.
A form with mistakes comes back with each message beside its field; a refused change comes
back with its reason; nothing here decides a rule (see `motcua.admin.services`).
"""
from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from motcua.admin import forms, live, ops, reports, services, voicepacks
from motcua.admin.errors import N_, Denied, Invalid
from motcua.admin.export import report_xlsx, table_csv
from motcua.api.access import is_staff
from motcua.web.errors import error_screen
from motcua.web.links import kiosk_setup_url
from motcua.auth.accounts import actor_for_user, token_state
from motcua.auth.views import safe_next
from motcua.core.clock import local_day
from motcua.display.services import clip_pack, voice_enabled, voice_settings_of
from motcua.display.voice import build_announcement, render_wav
from motcua.dossier.models import HolidayKind
from motcua.printer import printer_policy
from motcua.extensions import LANGUAGES, csrf, login_manager
from motcua.inputs import hall_year
from motcua.queue.errors import DomainError
from motcua.queue.models import Hall
from motcua.core.accounts import Device, StaffUser
from motcua.core.actors import DeviceKind, Role
from motcua.queue.services import get_hall, settings_of
from motcua.core.actors import Actor
from motcua.web import current_actor, db, ports, runtime

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _(message: str, **params: Any) -> str:
    """Flask-Babel's gettext, typed: messages here are shown, so they are text."""
    return str(gettext(message, **params))

ICONS = ("document", "land", "leaf", "farm", "briefcase", "building", "car", "scale", "people",
         "health", "school", "factory", "culture", "science")


# --- who is asking ------------------------------------------------------------------------------


@bp.before_request
def _staff_only() -> Any:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.user.role not in (Role.ADMIN, Role.SUPERVISOR):
        return _error_page(_("Trang quản trị dành cho quản trị viên và lãnh đạo bộ phận."), 403)
    if request.method == "POST":
        _require_change()
    return None


def _require_change() -> None:
    """Every form here changes something: refuse with 403 before the view when the person may
    not change this hall (or, without a hall, every hall). The services check again."""
    code = (request.view_args or {}).get("hall")
    if code is not None:
        services.hall_to_change(ports(), _actor(), code)
    elif not services.is_global_admin(_actor()):
        raise Denied(N_("Chỉ quản trị viên toàn hệ thống mới được làm việc này."))


@bp.context_processor
def _texts() -> dict[str, Any]:
    """`tr`: translate a catalogue id computed in Python (a report's labels) without the
    %-formatting Jinja's `_` applies, as some labels hold a literal "%"."""
    return {"tr": _}


def _actor() -> Actor:
    return actor_for_user(current_user.user)


def _hall(code: str) -> Hall:
    hall = get_hall(db(), code)
    services.require_view(_actor(), hall)
    return hall


def _explain(exc: DomainError) -> str:
    translated = getattr(exc, "translated", None)
    if isinstance(exc, Invalid):
        return " ".join(p.translated(_) for p in exc.problems)
    return translated(_) if translated else exc.message


def _error_page(message: str, status: int) -> tuple[str, int]:
    return render_template("admin/error.html", message=message, status=status, hall=None,
                           halls=[], section=None, can_change=False, global_admin=False,
                           user=current_user.user), status


@error_screen(bp)
def _refused(status: int, _title: str, message: str, exc: Exception) -> tuple[str, int]:
    return _error_page(_explain(exc) if isinstance(exc, DomainError) else message, status)


def _field_errors(exc: Invalid) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.field, []).append(problem.translated(_))
    return errors


def _act(back: str, work: Callable[[], str]) -> Response:
    """Run a one-click change (open, move, delete, lock…) and go back with its outcome."""
    try:
        flash(work(), "ok")
    except DomainError as exc:
        flash(_explain(exc), "error")
    return redirect(back)


def _page(template: str, hall: Hall | None, section: str, status: int = 200,
          **context: Any) -> tuple[str, int]:
    actor = _actor()
    halls = (db().scalars(select(Hall).order_by(Hall.name)).all()
             if services.is_global_admin(actor) else [])
    return render_template(
        template, hall=hall, section=section, halls=halls,
        can_change=hall is not None and services.may_change(actor, hall),
        global_admin=services.is_global_admin(actor), user=current_user.user,
        **context), status


def _lang() -> str:
    return str(get_locale() or "vi")


def _secret_page(hall: Hall, section: str, **context: Any) -> Response:
    """A password or token shown once: never kept in a cache or the browser's history."""
    body, status = _page("admin/secret.html", hall, section, **context)
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/language/<lang>")
def language(lang: str) -> Response:
    """Switch the admin pages' language (the `lang` cookie `select_locale` reads)."""
    if lang not in LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for(".index"))
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


# --- halls -----------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    actor = _actor()
    if not services.is_global_admin(actor):
        own = db().get(Hall, actor.hall_id) if actor.hall_id else None
        if own is None:
            abort(404)
        return redirect(url_for(".hall", hall=own.code))
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            created = services.create_hall(ports(), actor=actor, code=request.form.get(
                "code", "").strip(), fields=forms.read_hall(request.form))
        except Invalid as exc:
            errors = _field_errors(exc)
        else:
            flash(_("Đã tạo điểm tiếp nhận %(name)s.", name=created.name), "ok")
            return redirect(url_for(".hall", hall=created.code))
    return _page("admin/index.html", None, "halls", 422 if errors else 200, errors=errors,
                 form=request.form)


@bp.route("/<hall>/", methods=["GET", "POST"])
def hall(hall: str) -> Any:
    found = _hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            if request.form.get("part") == "board":
                services.update_board(ports(), actor=_actor(), hall_code=hall,
                                      fields=forms.read_board(request.form))
            else:
                services.update_hall(ports(), actor=_actor(), hall_code=hall,
                                     fields=forms.read_hall(request.form))
        except Invalid as exc:
            errors = _field_errors(exc)
        except DomainError as exc:
            flash(_explain(exc), "error")
        else:
            flash(_("Đã lưu. Máy lấy số và bảng hiển thị cập nhật ngay."), "ok")
            return redirect(url_for(".hall", hall=hall))
    return _page("admin/hall.html", found, "hall", 422 if errors else 200, errors=errors,
                 form=request.form if errors else None, settings=settings_of(found),
                 part=request.form.get("part"))


# --- sectors ---------------------------------------------------------------------------------


@bp.get("/<hall>/sectors")
def sectors(hall: str) -> Any:
    found = _hall(hall)
    return _page("admin/sectors.html", found, "sectors")


@bp.route("/<hall>/sectors/new", methods=["GET", "POST"])
@bp.route("/<hall>/sectors/<code>", methods=["GET", "POST"])
def sector(hall: str, code: str | None = None) -> Any:
    found = _hall(hall)
    existing = services.find_sector(db(), found, code) if code else None
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            fields = forms.read_sector(request.form)
            if existing is None:
                saved = services.create_sector(ports(), actor=_actor(), hall_code=hall,
                                               code=request.form.get("code", "").strip(),
                                               fields=fields)
            else:
                saved = services.update_sector(ports(), actor=_actor(), hall_code=hall,
                                               code=existing.code, fields=fields)
        except Invalid as exc:
            errors = _field_errors(exc)
        except DomainError as exc:
            errors = {None: [_explain(exc)]}
        else:
            flash(_("Đã lưu lĩnh vực %(name)s.", name=saved.name(_lang())), "ok")
            return redirect(url_for(".sectors", hall=hall))
    settings = settings_of(found)
    return _page("admin/sector.html", found, "sectors", 422 if errors else 200, sector=existing,
                 errors=errors, form=request.form if request.method == "POST" else None,
                 icons=ICONS, hall_wait_alert=settings.wait_alert_minutes,
                 wait_alert=settings.sector_wait_alert_minutes.get(code or "", ""))


@bp.post("/<hall>/sectors/<code>/<action>")
def sector_action(hall: str, code: str, action: str) -> Response:
    back = url_for(".sectors", hall=hall)
    actor = _actor()

    def work() -> str:
        if action in ("open", "close"):
            done = services.set_sector_open(ports(), actor=actor, hall_code=hall, code=code,
                                            is_open=action == "open")
            return (_("Đã mở lấy số cho %(name)s.", name=done.name(_lang())) if done.is_open
                    else _("Đã ngừng lấy số cho %(name)s.", name=done.name(_lang())))
        if action in ("up", "down"):
            services.move_sector(ports(), actor=actor, hall_code=hall, code=code,
                                 step=-1 if action == "up" else 1)
            return _("Đã đổi thứ tự lĩnh vực.")
        if action == "delete":
            services.delete_sector(ports(), actor=actor, hall_code=hall, code=code)
            return _("Đã xóa lĩnh vực %(code)s.", code=code)
        abort(404)

    return _act(back, work)


# --- counters --------------------------------------------------------------------------------


@bp.get("/<hall>/counters")
def counters(hall: str) -> Any:
    return _page("admin/counters.html", _hall(hall), "counters")


@bp.route("/<hall>/counters/new", methods=["GET", "POST"])
@bp.route("/<hall>/counters/<int:number>", methods=["GET", "POST"])
def counter(hall: str, number: int | None = None) -> Any:
    found = _hall(hall)
    existing = services.find_counter(db(), found, number) if number is not None else None
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            fields = forms.read_counter(request.form, [s.code for s in found.sectors])
            if existing is None:
                saved = services.create_counter(ports(), actor=_actor(), hall_code=hall,
                                                fields=fields)
            else:
                saved = services.update_counter(ports(), actor=_actor(), hall_code=hall,
                                                number=existing.number, fields=fields)
        except Invalid as exc:
            errors = _field_errors(exc)
        except DomainError as exc:
            errors = {None: [_explain(exc)]}
        else:
            flash(_("Đã lưu quầy %(number)d. Màn hình của quầy cập nhật ngay.",
                    number=saved.number), "ok")
            return redirect(url_for(".counters", hall=hall))
    ranks = ({link.sector.code: link.rank + 1 for link in existing.sector_links}
             if existing else {})
    return _page("admin/counter.html", found, "counters", 422 if errors else 200,
                 counter=existing, ranks=ranks, errors=errors,
                 form=request.form if request.method == "POST" else None)


@bp.post("/<hall>/counters/<int:number>/delete")
def counter_delete(hall: str, number: int) -> Response:
    def work() -> str:
        services.delete_counter(ports(), actor=_actor(), hall_code=hall, number=number)
        return _("Đã xóa quầy %(number)d.", number=number)

    return _act(url_for(".counters", hall=hall), work)


# --- staff -----------------------------------------------------------------------------------


@bp.route("/<hall>/staff", methods=["GET", "POST"])
def staff(hall: str) -> Any:
    found = _hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            full_name, role = forms.read_staff(request.form)
            user, password = services.add_staff(
                ports(), actor=_actor(), hall_code=hall,
                username=request.form.get("username", ""), full_name=full_name, role=role,
                password=request.form.get("password") or None)
        except Invalid as exc:
            errors = _field_errors(exc)
        else:
            return _secret_page(found, "staff", title=_("Đã tạo tài khoản"),
                         lines=[(_("Tên đăng nhập"), user.username),
                                (_("Mật khẩu"), password)],
                         hint=_("Mật khẩu chỉ hiện một lần: hãy trao tận tay cho cán bộ."),
                         back=url_for(".staff", hall=hall))
    people = db().scalars(select(StaffUser).where(StaffUser.hall_id == found.id)
                          .order_by(StaffUser.active.desc(), StaffUser.full_name)).all()
    return _page("admin/staff.html", found, "staff", 422 if errors else 200, people=people,
                 errors=errors, form=request.form if errors else None, roles=services.STAFF_ROLES)


@bp.route("/<hall>/staff/<int:user_id>", methods=["GET", "POST"])
def staff_member(hall: str, user_id: int) -> Any:
    found = _hall(hall)
    person = services.find_staff(db(), found, user_id)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            full_name, role = forms.read_staff(request.form)
            services.update_staff(ports(), actor=_actor(), hall_code=hall, user_id=user_id,
                                  full_name=full_name, role=role)
        except Invalid as exc:
            errors = _field_errors(exc)
        except DomainError as exc:
            errors = {None: [_explain(exc)]}
        else:
            flash(_("Đã lưu tài khoản %(username)s.", username=person.username), "ok")
            return redirect(url_for(".staff", hall=hall))
    return _page("admin/staff_member.html", found, "staff", 422 if errors else 200,
                 person=person, errors=errors, roles=services.STAFF_ROLES,
                 form=request.form if request.method == "POST" else None)


@bp.post("/<hall>/staff/<int:user_id>/<action>")
def staff_action(hall: str, user_id: int, action: str) -> Any:
    found = _hall(hall)
    back = url_for(".staff", hall=hall)
    if action == "password":
        try:
            password = services.reset_password(ports(), actor=_actor(), hall_code=hall,
                                               user_id=user_id,
                                               password=request.form.get("password") or None)
        except DomainError as exc:
            flash(_explain(exc), "error")
            return redirect(url_for(".staff_member", hall=hall, user_id=user_id))
        person = services.find_staff(db(), found, user_id)
        return _secret_page(found, "staff", title=_("Đã đặt lại mật khẩu"),
                     lines=[(_("Tên đăng nhập"), person.username), (_("Mật khẩu mới"), password)],
                     hint=_("Mật khẩu chỉ hiện một lần: hãy trao tận tay cho cán bộ."),
                     back=back)
    if action not in ("lock", "unlock"):
        abort(404)

    def work() -> str:
        person = services.set_staff_active(ports(), actor=_actor(), hall_code=hall,
                                           user_id=user_id, active=action == "unlock")
        return (_("Đã mở khóa %(name)s.", name=person.full_name) if person.active
                else _("Đã khóa %(name)s: tài khoản bị đăng xuất ngay.", name=person.full_name))

    return _act(back, work)


# --- devices ---------------------------------------------------------------------------------


@bp.route("/<hall>/devices", methods=["GET", "POST"])
def devices(hall: str) -> Any:
    found = _hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        kind = DeviceKind.TABLET if request.form.get("kind") == "tablet" else DeviceKind.KIOSK
        try:
            device, token = services.add_device(ports(), actor=_actor(), hall_code=hall,
                                                fields=forms.read_device(request.form, kind),
                                                printers=printer_policy())
        except Invalid as exc:
            errors = _field_errors(exc)
        else:
            return _device_token_page(found, device, token)
    listed = db().scalars(select(Device).where(Device.hall_id == found.id)
                          .order_by(Device.kind, Device.name)).all()
    return _page("admin/devices.html", found, "devices", 422 if errors else 200, devices=listed,
                 errors=errors, form=request.form if errors else None,
                 counter_numbers=_counter_numbers(found))


def _counter_numbers(hall: Hall) -> dict[int, int]:
    return {c.id: c.number for c in hall.counters}


def _device_token_page(hall: Hall, device: Device, token: str) -> Response:
    lines = [(_("Thiết bị"), device.name), (_("Mã truy cập (token)"), token)]
    if device.kind == DeviceKind.KIOSK:
        lines.append((_("Địa chỉ cài đặt máy lấy số"), kiosk_setup_url(hall.code, token)))
    return _secret_page(hall, "devices", title=_("Mã truy cập của thiết bị"),
                 lines=lines,
                 hint=_("Mã chỉ hiện một lần. Nhập mã này khi cài đặt thiết bị; mất mã thì cấp "
                        "mã mới."), back=url_for(".devices", hall=hall.code))


@bp.route("/<hall>/devices/<int:device_id>", methods=["GET", "POST"])
def device(hall: str, device_id: int) -> Any:
    found = _hall(hall)
    existing = services.find_device(db(), found, device_id)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            services.update_device(ports(), actor=_actor(), hall_code=hall, device_id=device_id,
                                   fields=forms.read_device(request.form, existing.kind),
                                   printers=printer_policy())
        except Invalid as exc:
            errors = _field_errors(exc)
        else:
            flash(_("Đã lưu thiết bị %(name)s.", name=existing.name), "ok")
            return redirect(url_for(".devices", hall=hall))
    return _page("admin/device.html", found, "devices", 422 if errors else 200, device=existing,
                 errors=errors, form=request.form if request.method == "POST" else None,
                 counter_numbers=_counter_numbers(found))


@bp.post("/<hall>/devices/<int:device_id>/<action>")
def device_action(hall: str, device_id: int, action: str) -> Any:
    found = _hall(hall)
    if action == "token":
        try:
            token = services.renew_device_token(ports(), actor=_actor(), hall_code=hall,
                                                device_id=device_id)
        except DomainError as exc:
            flash(_explain(exc), "error")
            return redirect(url_for(".devices", hall=hall))
        return _device_token_page(found, services.find_device(db(), found, device_id), token)
    if action not in ("enable", "disable"):
        abort(404)

    def work() -> str:
        done = services.set_device_active(ports(), actor=_actor(), hall_code=hall,
                                          device_id=device_id, active=action == "enable")
        return (_("Đã bật %(name)s.", name=done.name) if done.active
                else _("Đã tắt %(name)s: mã của thiết bị ngừng hoạt động ngay.", name=done.name))

    back = safe_next(request.form.get("next")) or url_for(".devices", hall=hall)
    return _act(back, work)


# --- access: API tokens and devices, to see who can get in and take it back ---------------------


@bp.get("/<hall>/access")
def access(hall: str) -> Any:
    found = _hall(hall)
    listed = db().scalars(select(Device).where(Device.hall_id == found.id)
                          .order_by(Device.kind, Device.name)).all()
    now = runtime().clock.now()
    tokens = [(token, token_state(token, now)) for token in services.hall_tokens(db(), found)]
    return _page("admin/access.html", found, "access", tokens=tokens, devices=listed)


@bp.post("/<hall>/tokens/<int:token_id>/revoke")
def token_revoke(hall: str, token_id: int) -> Response:
    def work() -> str:
        token = services.revoke_api_token(ports(), actor=_actor(), token_id=token_id,
                                          hall_code=hall)
        return _("Đã thu hồi mã truy cập “%(name)s”: mã ngừng hoạt động ngay.", name=token.name)

    return _act(url_for(".access", hall=hall), work)


# --- holidays ----------------------------------------------------------------------------------


@bp.route("/<hall>/holidays", methods=["GET", "POST"])
def holidays(hall: str) -> Any:
    found = _hall(hall)
    today = local_day(runtime().clock, found.time_zone)
    year = hall_year(request.args["year"]) if "year" in request.args else today.year
    if year is None:
        abort(400)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            day, name, kind, every_hall = forms.read_holiday(request.form)
            services.add_holiday(ports(), actor=_actor(), hall_code=hall, day=day, name=name,
                                 kind=kind, for_every_hall=every_hall)
        except Invalid as exc:
            errors = _field_errors(exc)
        except DomainError as exc:
            errors = {None: [_explain(exc)]}
        else:
            flash(_("Đã thêm ngày %(day)s.", day=day.strftime("%d/%m/%Y")), "ok")
            return redirect(url_for(".holidays", hall=hall, year=day.year))
    rows = services.holidays(db(), found, year)
    return _page("admin/holidays.html", found, "holidays", 422 if errors else 200, rows=rows,
                 year=year, errors=errors, form=request.form if errors else None,
                 kinds=HolidayKind)


@bp.post("/<hall>/holidays/defaults")
def holidays_defaults(hall: str) -> Response:
    year = hall_year(request.form.get("year")) or 0
    every_hall = request.form.get("scope") == "all"

    def work() -> str:
        added = services.load_default_holidays(ports(), actor=_actor(), hall_code=hall,
                                               year=year, for_every_hall=every_hall)
        return _("Đã thêm %(count)d ngày nghỉ theo luật của năm %(year)d.", count=added,
                 year=year)

    return _act(url_for(".holidays", hall=hall, year=year or None), work)


@bp.post("/<hall>/holidays/<int:holiday_id>/delete")
def holiday_delete(hall: str, holiday_id: int) -> Response:
    def work() -> str:
        services.delete_holiday(ports(), actor=_actor(), hall_code=hall, holiday_id=holiday_id)
        return _("Đã xóa ngày khỏi bảng.")

    return _act(url_for(".holidays", hall=hall, year=request.form.get("year") or None), work)


# --- voice -----------------------------------------------------------------------------------


def _packs_root() -> Path:
    return Path(current_app.instance_path) / "voice-packs"


@bp.route("/<hall>/voice", methods=["GET", "POST"])
def voice(hall: str) -> Any:
    found = _hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            voicepacks.update_voice(ports(), actor=_actor(), hall_code=hall,
                                    fields=forms.read_voice(request.form))
        except Invalid as exc:
            errors = _field_errors(exc)
        except DomainError as exc:
            errors = {None: [_explain(exc)]}
        else:
            flash(_("Đã lưu cách đọc số. Bảng hiển thị dùng ngay từ lần gọi sau."), "ok")
            return redirect(url_for(".voice", hall=hall))
    return _voice_page(found, errors)


def _voice_page(hall: Hall, errors: dict[str | None, list[str]]) -> tuple[str, int]:
    settings = voice_settings_of(hall)
    sample = build_announcement("1023", 5, settings)
    return _page("admin/voice.html", hall, "voice", 422 if errors else 200, settings=settings,
                 enabled=voice_enabled(hall), sample=sample.sentence, errors=errors,
                 pack_name=settings.pack.name if settings.pack else None,
                 max_mb=voicepacks.MAX_ARCHIVE_BYTES // 2**20)


@bp.get("/<hall>/voice/sample.wav")
def voice_sample(hall: str) -> Response:
    """The sample call read with the hall's settings and pack, to listen to before a board."""
    found = _hall(hall)
    settings = voice_settings_of(found)
    pack = clip_pack(settings)
    if pack is None:
        abort(404)
    with tempfile.TemporaryDirectory(prefix="motcua-voice-") as folder:
        wav = render_wav(build_announcement("1023", 5, settings), pack,
                         Path(folder) / "sample.wav").read_bytes()
    response = send_file(io.BytesIO(wav), mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<hall>/voice/pack")
def voice_pack(hall: str) -> Any:
    request.max_content_length = voicepacks.MAX_ARCHIVE_BYTES  # a pack is bigger than a form
    csrf.protect()
    found = _hall(hall)
    if request.form.get("action") == "default":
        def work() -> str:
            voicepacks.remove_pack(ports(), actor=_actor(), hall_code=hall,
                                   packs_root=_packs_root())
            return _("Đã quay về gói âm thanh mặc định.")

        return _act(url_for(".voice", hall=hall), work)
    upload = request.files.get("archive")
    if upload is None or not upload.filename:
        return _voice_page(found, {"archive": [_("Hãy chọn tệp .zip của gói âm thanh.")]})
    try:
        voicepacks.install_pack(ports(), actor=_actor(), hall_code=hall,
                                archive=io.BytesIO(upload.read()), packs_root=_packs_root())
    except Invalid as exc:
        db().refresh(found)
        return _voice_page(found, _field_errors(exc))
    flash(_("Đã dùng gói âm thanh mới. Bảng hiển thị dùng ngay từ lần gọi sau."), "ok")
    return redirect(url_for(".voice", hall=hall))


csrf.exempt(voice_pack)  # checked in the view, once the upload may be as big as a pack


# --- the audit log -------------------------------------------------------------------------------


@bp.get("/<hall>/audit")
def audit(hall: str) -> Any:
    found = _hall(hall)
    return _page("admin/audit.html", found, "audit", changes=services.audit_log(db(), found))


# --- reports ---------------------------------------------------------------------------------


def _period(hall: Hall) -> reports.Period:
    today = local_day(runtime().clock, hall.time_zone)
    first, last = forms.read_period(request.args, today, reports.MAX_DAYS)
    return reports.Period(first, last)


@bp.get("/<hall>/reports/")
@bp.get("/<hall>/reports/<key>")
def report(hall: str, key: str = "traffic") -> Any:
    found = _hall(hall)
    if key not in reports.REPORTS:
        abort(404)
    today = local_day(runtime().clock, found.time_zone)
    context: dict[str, Any] = {"key": key, "reports": reports.REPORTS, "args": request.args,
                               "quick_ranges": _quick_ranges(today)}
    try:
        period = _period(found)
    except Invalid as exc:
        return _page("admin/report.html", found, "reports", 422, report=None, period=None,
                     period_args={}, errors=_field_errors(exc), **context)
    built = reports.build_report(db(), found, key, period, _lang())
    return _page("admin/report.html", found, "reports", report=built, period=period,
                 period_args={"from": period.first.isoformat(), "to": period.last.isoformat()},
                 errors={}, chart_data=_chart_data(built), **context)


def _quick_ranges(today: date) -> list[tuple[str, date, date]]:
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return [
        (_("7 ngày qua"), today - timedelta(days=6), today),
        (_("30 ngày qua"), today - timedelta(days=29), today),
        (_("Tháng này"), month_start, today),
        (_("Tháng trước"), last_month_end.replace(day=1), last_month_end),
        (_("Năm nay"), today.replace(month=1, day=1), today),
    ]


def _chart_data(report: reports.Report) -> dict[str, Any]:
    """What the page's script draws: each table's rows and charts, labels translated (the
    heat map is drawn by the template as a grid)."""
    return {"tables": [{
        "key": table.key,
        "columns": [{"key": c.key, "label": _(c.label), "kind": c.kind} for c in table.columns],
        "rows": [[_chart_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)]
                 for row in table.rows],
        "charts": [{"kind": chart.kind, "title": _(chart.title), "label": chart.label,
                    "series": list(chart.series), "horizontal": chart.horizontal}
                   for chart in table.charts],
    } for table in report.tables], "lang": _lang()}


def _chart_value(kind: str, value: Any) -> Any:
    if kind == "label":
        return _(value)
    if kind == "date":
        return date.fromisoformat(value).strftime("%d/%m")
    return value


def _export_name(hall: Hall, report: reports.Report, suffix: str) -> str:
    return (f"motcua-{hall.code}-{report.key}-{report.period.first.isoformat()}"
            f"-{report.period.last.isoformat()}{suffix}")


@bp.get("/<hall>/reports/<key>.xlsx")
def report_excel(hall: str, key: str) -> Response:
    found = _hall(hall)
    if key not in reports.REPORTS:
        abort(404)
    built = reports.build_report(db(), found, key, _period(found), _lang())
    return send_file(io.BytesIO(report_xlsx(built, _, found.name)), as_attachment=True,
                     download_name=_export_name(found, built, ".xlsx"),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/<hall>/reports/<key>/<table>.csv")
def report_csv(hall: str, key: str, table: str) -> Response:
    found = _hall(hall)
    if key not in reports.REPORTS:
        abort(404)
    built = reports.build_report(db(), found, key, _period(found), _lang())
    chosen = next((t for t in built.tables if t.key == table), None)
    if chosen is None:
        abort(404)
    return send_file(io.BytesIO(table_csv(chosen, _)), as_attachment=True,
                     download_name=_export_name(found, built, f"-{table}.csv"),
                     mimetype="text/csv; charset=utf-8")


# --- the live view -------------------------------------------------------------------------------


@bp.get("/<hall>/live")
def live_page(hall: str) -> Any:
    found = _hall(hall)
    return _page("admin/live.html", found, "live",
                 state=live.live_view(db(), runtime().clock, found))


@bp.get("/<hall>/live.json")
def live_state(hall: str) -> Response:
    found = _hall(hall)
    return jsonify(live.live_view(db(), runtime().clock, found))


@bp.app_template_filter("admin_hall_time")
def _hall_time(moment: datetime | None, zone: str, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """An instant shown in the hall's own time."""
    return moment.astimezone(ZoneInfo(zone)).strftime(pattern) if moment else ""


@bp.app_template_filter("admin_date")
def _date(iso: str) -> str:
    """A report's ISO date as Vietnamese offices write it: 25/11/2026."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


# --- health: for monitoring, no sign-in ------------------------------------------------------

health_bp = Blueprint("health", __name__)


@health_bp.get("/health")
def health() -> tuple[Response, int]:
    """The database, the message queue and every printer's last job, as JSON; 503 when the
    database does not answer (a printer out of paper is "degraded", still 200). Details for
    hall staff only; monitoring without sign-in reads the states."""
    found = ops.health(db(), current_app.config.get("REDIS_URL"),
                       float(current_app.config["REDIS_TIMEOUT_SECONDS"]))
    answer = found if is_staff(current_actor()) else ops.public_health(found)
    return jsonify(answer), 503 if found["status"] == "down" else 200
