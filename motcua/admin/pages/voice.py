"""How the hall's boards read numbers aloud, a sample to listen to, and its own clip pack."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from werkzeug.wrappers import Response

from motcua.admin import forms
from motcua.admin.pages.base import (
    _,
    act,
    bp,
    explain,
    field_errors,
    page,
    signed_in_actor,
    viewed_hall,
)
from motcua.changes.errors import Invalid
from motcua.core.errors import DomainError
from motcua.display import voicepacks
from motcua.display.services import voice_enabled, voice_settings_of
from motcua.extensions import csrf
from motcua.queue.models import Hall
from motcua.web import db, ports


def _packs_root() -> Path:
    return Path(current_app.instance_path) / "voice-packs"


@bp.route("/<hall>/voice", methods=["GET", "POST"])
def voice(hall: str) -> Any:
    found = viewed_hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            voicepacks.update_voice(ports(), actor=signed_in_actor(), hall_code=hall,
                                    fields=forms.read_voice(request.form))
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            errors = {None: [explain(exc)]}
        else:
            flash(_("Đã lưu cách đọc số. Bảng hiển thị dùng ngay từ lần gọi sau."), "ok")
            return redirect(url_for(".voice", hall=hall))
    return _voice_page(found, errors)


def _voice_page(hall: Hall, errors: dict[str | None, list[str]]) -> tuple[str, int]:
    settings = voice_settings_of(hall)
    return page("admin/voice.html", hall, "voice", 422 if errors else 200, settings=settings,
                enabled=voice_enabled(hall), sample=voicepacks.sample_sentence(hall),
                errors=errors,
                 pack_name=settings.pack.name if settings.pack else None,
                 max_mb=voicepacks.MAX_ARCHIVE_BYTES // 2**20)


@bp.get("/<hall>/voice/sample.wav")
def voice_sample(hall: str) -> Response:
    """The sample call read with the hall's settings and pack, to listen to before a board."""
    found = viewed_hall(hall)
    with tempfile.TemporaryDirectory(prefix="motcua-voice-") as folder:
        wav = voicepacks.sample_wav(found, Path(folder))
    if wav is None:
        abort(404)
    response = send_file(io.BytesIO(wav), mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<hall>/voice/pack")
def voice_pack(hall: str) -> Any:
    request.max_content_length = voicepacks.MAX_ARCHIVE_BYTES  # a pack is bigger than a form
    csrf.protect()
    found = viewed_hall(hall)
    if request.form.get("action") == "default":
        def work() -> str:
            voicepacks.remove_pack(ports(), actor=signed_in_actor(), hall_code=hall,
                                   packs_root=_packs_root())
            return _("Đã quay về gói âm thanh mặc định.")

        return act(url_for(".voice", hall=hall), work)
    upload = request.files.get("archive")
    if upload is None or not upload.filename:
        return _voice_page(found, {"archive": [_("Hãy chọn tệp .zip của gói âm thanh.")]})
    try:
        voicepacks.install_pack(ports(), actor=signed_in_actor(), hall_code=hall,
                                archive=io.BytesIO(upload.read()), packs_root=_packs_root())
    except Invalid as exc:
        db().refresh(found)
        return _voice_page(found, field_errors(exc))
    flash(_("Đã dùng gói âm thanh mới. Bảng hiển thị dùng ngay từ lần gọi sau."), "ok")
    return redirect(url_for(".voice", hall=hall))


csrf.exempt(voice_pack)  # checked in the view, once the upload may be as big as a pack
