"""A hall's voice: whether boards speak, how numbers are read aloud, and its own clip pack.

Settings live in the hall's settings JSON under "voice" (`HallSettings.voice`), as the board
reads them (`motcua.display.services.voice_settings_of`): the fields of
`motcua.display.voice.VoiceSettings`, "enabled" (false silences every board) and "pack", the
folder of the hall's own pack (no "pack": the default pack). Uploaded packs are kept under
`<packs root>/<hall code>/`; the packs root is the instance folder's `voice-packs`.

The admin pages change them through here (as an administrator of the hall, audited) and
play `sample_wav` to hear the hall's reading before a board does.

A hall uploads its pack as a zip of the pack folder (`manifest.json` and the WAV files, at
the top of the zip or inside one folder). The zip is unpacked beside the live pack, checked
with the voice module's validator against the hall's reading settings, and only then made
the hall's pack; the previous pack's folder is removed after the switch is committed.
"""
from __future__ import annotations

import dataclasses
import json
import secrets
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from motcua.changes.audit import announce, audited, hall_to_change
from motcua.changes.errors import N_, Invalid, Problem, Problems, Refused
from motcua.core.actors import Actor
from motcua.core.clock import local_now
from motcua.core.events import EventName
from motcua.core.ports import Ports
from motcua.core.uow import UnitOfWork, use_case
from motcua.display import voice
from motcua.display.services import clip_pack, voice_enabled, voice_settings_of
from motcua.queue.models import Hall
from motcua.queue.settings import HallSettings

MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # what an upload may send
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_FILES = 2000
READING_KEYS = ("repeat", "digits", "south", "four_as_tu", "language")
VOICE_KEYS = ("enabled", *READING_KEYS)


def hall_packs(packs_root: Path, hall_code: str) -> Path:
    return packs_root / hall_code


@dataclass(frozen=True)
class VoiceFields:
    enabled: bool
    repeat: int
    digits: bool
    south: bool
    four_as_tu: bool
    language: str

    def reading(self, pack: Path | None) -> voice.VoiceSettings:
        return voice.VoiceSettings(repeat=self.repeat, digits=self.digits,  # type: ignore[arg-type]
                                   south=self.south, four_as_tu=self.four_as_tu,
                                   language=self.language, pack=pack)  # type: ignore[arg-type]


def _check_voice(fields: VoiceFields) -> None:
    problems = Problems()
    if fields.repeat not in (1, 2):
        problems.add("repeat", N_("Đọc một hoặc hai lần."))
    if fields.language not in ("vi", "en"):
        problems.add("language", N_("Ngôn ngữ đọc là tiếng Việt hoặc tiếng Anh."))
    problems.raise_any()


@use_case
def update_voice(uow: UnitOfWork, *, actor: Actor, hall_code: str, fields: VoiceFields) -> Hall:
    _check_voice(fields)
    hall = hall_to_change(uow.session, actor, hall_code)
    stored = dict(HallSettings.of(hall.settings).voice)
    current = voice_settings_of(hall)
    before = {"enabled": voice_enabled(hall), **{k: getattr(current, k) for k in READING_KEYS}}
    wanted = {k: getattr(fields, k) for k in VOICE_KEYS}
    changes = {k: [before[k], v] for k, v in wanted.items() if before[k] != v}
    if not changes:
        return hall
    if current.pack is not None:
        missing = voice.validate_pack(current.pack, fields.reading(current.pack))
        if missing:
            raise Refused(N_("Gói âm thanh riêng của điểm thiếu %(count)d đoạn ghi âm cho "
                             "cách đọc này (ví dụ: %(example)s). Hãy tải lên gói đủ đoạn, "
                             "hoặc quay về gói mặc định."),
                          count=len(missing), example=missing[0])
    with audited(uow, actor, hall, "voice", hall.code, "update") as edit:
        hall.settings = {**(hall.settings or {}), "voice": {**stored, **wanted}}
        edit.note(changes)
    announce(uow, EventName.HALL_CHANGED, hall, changes=["voice"])
    return hall


SAMPLE_NUMBER, SAMPLE_COUNTER = "1023", 5


def sample_sentence(hall: Hall) -> str:
    """What a board would say calling a sample ticket, with the hall's reading settings."""
    return voice.build_announcement(SAMPLE_NUMBER, SAMPLE_COUNTER, voice_settings_of(hall)).sentence


def sample_wav(hall: Hall, folder: Path) -> bytes | None:
    """The sample call read with the hall's settings and pack (written in `folder`), or None
    when no pack can read it."""
    settings = voice_settings_of(hall)
    pack = clip_pack(settings)
    if pack is None:
        return None
    announcement = voice.build_announcement(SAMPLE_NUMBER, SAMPLE_COUNTER, settings)
    return voice.render_wav(announcement, pack, folder / "sample.wav").read_bytes()


def _archive_problem(template: str, **params: Any) -> Invalid:
    return Invalid([Problem("archive", template, params)])


def _pack_members(archive: zipfile.ZipFile) -> tuple[PurePosixPath, list[zipfile.ZipInfo]]:
    """The folder in the zip that holds manifest.json, and the files under it."""
    files = [m for m in archive.infolist() if not m.is_dir()]
    if len(files) > MAX_FILES:
        raise _archive_problem(N_("Tệp nén có quá %(max)d tệp."), max=MAX_FILES)
    if sum(m.file_size for m in files) > MAX_UNPACKED_BYTES:
        raise _archive_problem(N_("Tệp nén giải nén ra quá %(max)d MB."),
                               max=MAX_UNPACKED_BYTES // 2**20)
    for member in files:
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in member.filename:
            raise _archive_problem(N_("Tệp nén chứa đường dẫn không hợp lệ: %(name)s"),
                                   name=member.filename)
        if stat.S_ISLNK(member.external_attr >> 16):
            raise _archive_problem(N_("Tệp nén chứa liên kết (symlink): %(name)s"),
                                   name=member.filename)
    manifests = sorted((PurePosixPath(m.filename) for m in files
                        if PurePosixPath(m.filename).name == voice.MANIFEST),
                       key=lambda p: len(p.parts))
    if not manifests:
        raise _archive_problem(N_("Trong tệp nén không có %(manifest)s."),
                               manifest=voice.MANIFEST)
    root = manifests[0].parent
    return root, [m for m in files if PurePosixPath(m.filename).is_relative_to(root)]


def _unpack(data: IO[bytes], into: Path) -> None:
    try:
        archive = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError):
        raise _archive_problem(N_("Tệp tải lên không phải là tệp nén .zip.")) from None
    with archive:
        root, members = _pack_members(archive)
        for member in members:
            target = into / PurePosixPath(member.filename).relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
            except (zipfile.BadZipFile, OSError, EOFError):
                raise _archive_problem(N_("Không đọc được %(name)s trong tệp nén."),
                                       name=member.filename) from None


def _check_manifest(path: Path) -> None:
    """The manifest's own mistakes in the admin's words (`voice.load_pack` words them in
    English for the command line)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _archive_problem(N_("%(manifest)s không phải JSON đọc được (lưu dạng UTF-8)."),
                               manifest=voice.MANIFEST) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("clips"), dict):
        raise _archive_problem(N_('%(manifest)s thiếu mục "clips": tên đoạn ghi âm → tệp WAV.'),
                               manifest=voice.MANIFEST)


def install_pack(ports: Ports, *, actor: Actor, hall_code: str, archive: IO[bytes],
                 packs_root: Path) -> str:
    """Unpack, check and switch to a hall's own clip pack; returns the pack's folder name.

    Not one unit of work: the files are unpacked and checked before the switch is committed,
    and the previous pack's files go only after it (`_switch_pack` is the use case)."""
    hall = hall_to_change(ports.session, actor, hall_code)
    settings = voice_settings_of(hall)
    stamp = local_now(ports.clock, hall.time_zone).strftime("%Y%m%d-%H%M%S")
    folder = (hall_packs(packs_root, hall.code) / f"pack-{stamp}-{secrets.token_hex(3)}").resolve()
    folder.mkdir(parents=True)
    try:
        _unpack(archive, folder)
        _check_manifest(folder / voice.MANIFEST)
        problems = voice.validate_pack(folder, dataclasses.replace(settings, pack=folder))
        if problems:
            raise Invalid([Problem("archive", "%(problem)s", {"problem": p}) for p in problems])
        previous = _switch_pack(ports, actor=actor, hall_code=hall_code, folder=str(folder))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _discard(packs_root, hall.code, previous)
    return folder.name


def remove_pack(ports: Ports, *, actor: Actor, hall_code: str, packs_root: Path) -> None:
    """Go back to the default pack and delete the hall's own."""
    previous = _switch_pack(ports, actor=actor, hall_code=hall_code, folder=None)
    _discard(packs_root, hall_code, previous)


def _discard(packs_root: Path, hall_code: str, previous: str | None) -> None:
    """Remove a pack folder the hall no longer uses, if it is one we unpacked."""
    if not previous:
        return
    old = Path(previous).resolve()
    if old.parent == hall_packs(packs_root, hall_code).resolve() and old.is_dir():
        shutil.rmtree(old, ignore_errors=True)


@use_case
def _switch_pack(uow: UnitOfWork, *, actor: Actor, hall_code: str,
                 folder: str | None) -> str | None:
    hall = hall_to_change(uow.session, actor, hall_code)
    stored = dict(HallSettings.of(hall.settings).voice)
    previous = stored.get("pack")
    if folder is None and previous is None:
        return None
    if folder is None:
        stored.pop("pack", None)
    else:
        stored["pack"] = folder
    with audited(uow, actor, hall, "voice", hall.code,
                 "install_pack" if folder else "default_pack") as edit:
        hall.settings = {**(hall.settings or {}), "voice": stored}
        edit.note({"pack": [previous, folder]})
    announce(uow, EventName.HALL_CHANGED, hall, changes=["voice"])
    return previous
