"""The hall's voice: reading settings and a hall's own clip pack uploaded as a zip."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from motcua.changes.errors import Invalid, Refused
from motcua.changes.models import ConfigChange
from motcua.display import clips, voicepacks
from motcua.display.services import voice_enabled, voice_settings_of
from motcua.queue.services import get_hall
from tests.admin.conftest import csrf_token

NORTH = voicepacks.VoiceFields(enabled=True, repeat=2, digits=False, south=False,
                               four_as_tu=True, language="vi")


@pytest.fixture(scope="session")
def default_pack() -> Path:
    return clips.ensure_default_pack()


def pack_zip(pack: Path, *, drop: tuple[str, ...] = (), extra: dict[str, bytes] | None = None,
             folder: str = "goi-giong-doc/") -> bytes:
    """The default pack zipped as a hall would send it, less the clips in `drop`."""
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    manifest["name"] = "Giọng cán bộ phường"
    manifest["clips"] = {k: v for k, v in manifest["clips"].items() if k not in drop}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(folder + "manifest.json", json.dumps(manifest, ensure_ascii=False))
        for file in set(manifest["clips"].values()):
            archive.write(pack / file, folder + file)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def test_reading_settings_are_saved_audited_and_read_by_the_board(ports, admin, session,
                                                                  publisher):
    voicepacks.update_voice(ports, actor=admin, hall_code="demo", fields=voicepacks.VoiceFields(
        enabled=True, repeat=1, digits=True, south=True, four_as_tu=False, language="vi"))
    settings = voice_settings_of(get_hall(session, "demo"))
    assert (settings.repeat, settings.digits, settings.south, settings.four_as_tu) == \
        (1, True, True, False)
    change = session.scalar(select(ConfigChange).where(ConfigChange.entity == "voice"))
    assert change.changes["repeat"] == [2, 1]
    assert publisher.names() == ["hall_changed"]


def test_boards_can_be_silenced(ports, admin, session):
    voicepacks.update_voice(ports, actor=admin, hall_code="demo",
                            fields=voicepacks.VoiceFields(False, 2, False, False, True, "vi"))
    assert voice_enabled(get_hall(session, "demo")) is False


def test_a_complete_pack_replaces_the_previous_one(ports, admin, session, default_pack, tmp_path):
    first = voicepacks.install_pack(ports, actor=admin, hall_code="demo",
                                    archive=io.BytesIO(pack_zip(default_pack)), packs_root=tmp_path)
    settings = voice_settings_of(get_hall(session, "demo"))
    assert settings.pack == tmp_path / "demo" / first
    assert (settings.pack / "manifest.json").is_file()
    ports.clock.advance(seconds=1)
    second = voicepacks.install_pack(ports, actor=admin, hall_code="demo",
                                     archive=io.BytesIO(pack_zip(default_pack, folder="")),
                                     packs_root=tmp_path)
    assert [p.name for p in (tmp_path / "demo").iterdir()] == [second]
    voicepacks.remove_pack(ports, actor=admin, hall_code="demo", packs_root=tmp_path)
    assert voice_settings_of(get_hall(session, "demo")).pack is None
    assert list((tmp_path / "demo").iterdir()) == []


def test_a_pack_missing_clips_is_refused_with_each_missing_clip(ports, admin, session,
                                                                default_pack, tmp_path):
    with pytest.raises(Invalid) as caught:
        voicepacks.install_pack(ports, actor=admin, hall_code="demo",
                                archive=io.BytesIO(pack_zip(default_pack, drop=("chime", "mốt"))),
                                packs_root=tmp_path)
    texts = [p.text for p in caught.value.problems]
    assert "missing clip 'chime': not in manifest.json" in texts
    assert "missing clip 'mốt': not in manifest.json" in texts
    assert voice_settings_of(get_hall(session, "demo")).pack is None
    assert list((tmp_path / "demo").iterdir()) == []


@pytest.mark.parametrize("archive, message", [
    (b"RIFF not a zip", "không phải là tệp nén .zip"),
    (None, "đường dẫn không hợp lệ"),
])
def test_what_is_not_a_safe_zip_is_refused(ports, admin, tmp_path, archive, message):
    if archive is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as bad:
            bad.writestr("manifest.json", "{}")
            bad.writestr("../../escape.wav", b"x")
        archive = out.getvalue()
    with pytest.raises(Invalid) as caught:
        voicepacks.install_pack(ports, actor=admin, hall_code="demo",
                                archive=io.BytesIO(archive), packs_root=tmp_path)
    assert message in caught.value.problems[0].text
    assert not (tmp_path.parent / "escape.wav").exists()


def test_a_reading_the_hall_pack_cannot_say_is_refused(ports, admin, default_pack, tmp_path):
    voicepacks.install_pack(ports, actor=admin, hall_code="demo",
                            archive=io.BytesIO(pack_zip(default_pack, drop=("lẻ", "ngàn"))),
                            packs_root=tmp_path)
    southern = voicepacks.VoiceFields(True, 2, False, True, True, "vi")
    with pytest.raises(Refused) as caught:
        voicepacks.update_voice(ports, actor=admin, hall_code="demo", fields=southern)
    assert caught.value.params["count"] == 2


def test_a_pack_is_uploaded_through_the_page(admin_client, app, session, default_pack):
    data = pack_zip(default_pack)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]  # bigger than any other form
    answer = admin_client.post("/admin/demo/voice/pack", data={
        "csrf_token": csrf_token(admin_client, "/admin/demo/voice"),
        "archive": (io.BytesIO(data), "goi.zip")}, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    session.expire_all()  # the page changed the hall in its own session
    pack = voice_settings_of(get_hall(session, "demo")).pack
    assert pack is not None and pack.is_relative_to(Path(app.instance_path) / "voice-packs")
    page = admin_client.get("/admin/demo/voice").get_data(as_text=True)
    assert pack.name in page and "Đã dùng gói âm thanh mới" in page


def test_a_wrong_pack_uploaded_through_the_page_lists_what_is_missing(admin_client,
                                                                      default_pack):
    answer = admin_client.post("/admin/demo/voice/pack", data={
        "csrf_token": csrf_token(admin_client, "/admin/demo/voice"),
        "archive": (io.BytesIO(pack_zip(default_pack, drop=("chime",))), "goi.zip")},
        content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "missing clip &#39;chime&#39;" in answer.get_data(as_text=True)


def test_the_page_plays_the_sample_call_with_the_halls_pack(admin_client, default_pack):
    answer = admin_client.get("/admin/demo/voice/sample.wav")
    assert answer.status_code == 200 and answer.mimetype == "audio/wav"
    assert answer.get_data()[:4] == b"RIFF"


def test_a_manifest_without_clips_is_refused_saying_what_it_must_hold(ports, admin, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", "{}")
    with pytest.raises(Invalid) as caught:
        voicepacks.install_pack(ports, actor=admin, hall_code="demo",
                                archive=io.BytesIO(out.getvalue()), packs_root=tmp_path)
    [problem] = caught.value.problems
    assert problem.text == 'manifest.json thiếu mục "clips": tên đoạn ghi âm → tệp WAV.'
