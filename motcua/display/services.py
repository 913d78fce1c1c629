"""What the hall board needs beyond the queue: its notices, its sector filter and its voice.

Notices and voice settings live in the hall's settings JSON (`HallSettings.notices`, `.voice`),
so admins change them live; `set_notices` is the one way to change the notices, leaving an
audit row and telling every board after the commit. No Flask here: callers pass their ports.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from motcua.core.actors import Actor
from motcua.core.errors import N_
from motcua.core.events import Event, EventName
from motcua.core.uow import UnitOfWork, use_case
from motcua.display import voice
from motcua.queue import errors
from motcua.queue.models import Hall, TicketEvent
from motcua.queue.services import get_hall, settings_of

log = logging.getLogger(__name__)

MAX_NOTICES = 10
MAX_NOTICE_LENGTH = 300
NOTICES_CHANGED = EventName.NOTICES_CHANGED.value  # also the kind of its audit row


# --- notices ------------------------------------------------------------------------------


def clean_notices(notices: Sequence[object]) -> list[str]:
    """Trimmed notices without blanks; refuses what would not fit on the scrolling line."""
    if isinstance(notices, str):
        raise errors.InvalidInput("Notices are a list of lines, not one text")
    cleaned: list[str] = []
    for position, notice in enumerate(notices, start=1):
        if not isinstance(notice, str):
            raise errors.InvalidInput(f"Notice {position} is not text")
        text = " ".join(notice.split())  # one line on the board: no tabs or line breaks
        if len(text) > MAX_NOTICE_LENGTH:
            raise errors.InvalidInput(
                f"Notice {position} is longer than {MAX_NOTICE_LENGTH} characters")
        if text:
            cleaned.append(text)
    if len(cleaned) > MAX_NOTICES:
        raise errors.InvalidInput(f"At most {MAX_NOTICES} notices fit on the board")
    return cleaned


@use_case
def set_notices(uow: UnitOfWork, hall_code: str, notices: Sequence[object], actor: Actor) -> list[str]:
    """Replace the hall's scrolling notices; boards show the new ones as soon as it commits."""
    cleaned = clean_notices(notices)
    hall = get_hall(uow.session, hall_code)
    if not actor.may_manage_hall(hall):
        raise errors.Forbidden("Only the hall's supervisors and admins edit the board notices")
    before = settings_of(hall).notices
    hall.settings = {**(hall.settings or {}), "notices": cleaned}  # new dict: JSON is saved
    uow.session.add(TicketEvent(hall_id=hall.id, kind=NOTICES_CHANGED, actor=actor.label,
                                at=uow.clock.now(), data={"before": before, "after": cleaned}))
    uow.publish(Event(name=EventName.NOTICES_CHANGED, hall=hall.code,
                      payload={"notices": cleaned}))
    return cleaned


def board_notices(hall: Hall) -> list[str]:
    return list(settings_of(hall).notices)


# --- sector filter ------------------------------------------------------------------------


def sector_filter(hall: Hall, text: str | None) -> list[str]:
    """The sector codes of `?sectors=a,b` (empty: the whole hall); unknown codes are refused."""
    wanted = [code.strip() for code in (text or "").split(",") if code.strip()]
    known = {sector.code for sector in hall.sectors}
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise errors.SectorNotFound(N_("Không có lĩnh vực “%(code)s” tại %(hall)s."),
                                    code=", ".join(unknown), hall=hall.code)
    return list(dict.fromkeys(wanted))


# --- voice --------------------------------------------------------------------------------

_VOICE_FIELDS = {f.name for f in fields(voice.VoiceSettings)}


def voice_enabled(hall: Hall) -> bool:
    """Halls may silence every board (`"voice": {"enabled": false}`)."""
    return settings_of(hall).voice.get("enabled", True) is not False


def voice_settings_of(hall: Hall) -> voice.VoiceSettings:
    """The hall's voice settings; on a bad value, the defaults, so the board keeps talking."""
    stored: dict[str, Any] = {
        k: v for k, v in settings_of(hall).voice.items() if k in _VOICE_FIELDS}
    if stored.get("pack"):
        stored["pack"] = Path(str(stored["pack"]))
    else:
        stored.pop("pack", None)
    try:
        return voice.VoiceSettings(**stored)
    except (TypeError, ValueError) as exc:
        log.warning("hall %s: voice settings %r ignored (%s)", hall.code, stored, exc)
        return voice.VoiceSettings()


@lru_cache(maxsize=32)
def _checked_pack(root: Path, manifest_mtime_ns: int,
                  settings: voice.VoiceSettings) -> voice.ClipPack | None:
    """A pack that has every clip `settings` needs, checked once per manifest version."""
    problems = voice.validate_pack(root, settings)
    if problems:
        log.warning("clip pack %s cannot be used: %s", root, "; ".join(problems))
        return None
    return voice.load_pack(root)


def _pack_if_usable(root: Path, settings: voice.VoiceSettings) -> voice.ClipPack | None:
    try:
        mtime = (root / voice.MANIFEST).stat().st_mtime_ns
    except OSError:
        log.warning("clip pack %s has no %s", root, voice.MANIFEST)
        return None
    return _checked_pack(root.resolve(), mtime, settings)


def clip_pack(settings: voice.VoiceSettings) -> voice.ClipPack | None:
    """The hall's own pack when it is complete, else the default pack; None when neither is."""
    pack = _pack_if_usable(settings.pack_dir, settings)
    if pack is None and settings.pack is not None:
        pack = _pack_if_usable(voice.DEFAULT_PACK_DIR, settings)
    return pack
