"""Board notices, the sector filter and a hall's voice settings, without a web server."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from motcua.core.actors import SYSTEM, Actor, Role
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.display import services as board
from motcua.display.voice import VoiceSettings
from motcua.queue import errors
from motcua.queue.models import Hall, TicketEvent
from tests.support import make_officer


def supervisor(hall: Hall) -> Actor:
    return Actor(kind="staff", name="hong", role=Role.SUPERVISOR, user_id=1, hall_id=hall.id)


def test_new_notices_are_saved_audited_and_announced_to_the_boards(
        ports: Ports, session: Any, demo_hall: Hall, publisher: RecordingPublisher) -> None:
    saved = board.set_notices(ports, "demo",
                              ["  Đường dây nóng:\t1900 1234 ", "", "Nghỉ trưa\n12:00"],
                              supervisor(demo_hall))

    assert saved == ["Đường dây nóng: 1900 1234", "Nghỉ trưa 12:00"]
    session.expire_all()
    assert board.board_notices(session.get(Hall, demo_hall.id)) == saved
    audit = session.scalars(select(TicketEvent).where(TicketEvent.kind == "notices_changed")).one()
    assert audit.actor == "staff:hong"
    assert audit.data == {"before": [], "after": saved}
    (event,) = publisher.events
    assert (event.name, event.hall) == ("notices_changed", "demo")
    assert event.payload == {"notices": saved}


def test_other_hall_settings_survive_a_change_of_notices(
        ports: Ports, session: Any, demo_hall: Hall) -> None:
    demo_hall.settings = {"priority_cap": 3, "voice": {"south": True}}
    session.commit()
    board.set_notices(ports, "demo", ["Xin cảm ơn"], SYSTEM)
    session.expire_all()
    stored = session.get(Hall, demo_hall.id).settings
    assert stored == {"priority_cap": 3, "voice": {"south": True}, "notices": ["Xin cảm ơn"]}


def test_clearing_the_notices_leaves_an_empty_line(ports: Ports, demo_hall: Hall) -> None:
    board.set_notices(ports, "demo", ["Một"], SYSTEM)
    assert board.set_notices(ports, "demo", [], SYSTEM) == []


@pytest.mark.parametrize(("notices", "complaint"), [
    ("Đường dây nóng", "list of lines"),
    (["Một", 2], "Notice 2 is not text"),
    (["x" * (board.MAX_NOTICE_LENGTH + 1)], "longer than"),
    ([f"Thông báo {i}" for i in range(board.MAX_NOTICES + 1)], "At most"),
])
def test_notices_that_would_not_fit_the_board_are_refused(
        ports: Ports, demo_hall: Hall, publisher: RecordingPublisher, notices: Any,
        complaint: str) -> None:
    with pytest.raises(errors.InvalidInput, match=complaint):
        board.set_notices(ports, "demo", notices, SYSTEM)
    assert publisher.events == []


def test_only_the_halls_supervisors_and_admins_edit_its_notices(
        ports: Ports, session: Any, clock: Any, demo_hall: Hall) -> None:
    officer = make_officer(session, clock)
    with pytest.raises(errors.Forbidden):
        board.set_notices(ports, "demo", ["Xin chào"], officer)
    elsewhere = Actor(kind="staff", name="x", role=Role.SUPERVISOR, user_id=9,
                      hall_id=demo_hall.id + 100)
    with pytest.raises(errors.Forbidden):
        board.set_notices(ports, "demo", ["Xin chào"], elsewhere)
    with pytest.raises(errors.HallNotFound):
        board.set_notices(ports, "khong-co", ["Xin chào"], SYSTEM)


def test_a_sector_filter_keeps_known_sectors_in_the_order_given(demo_hall: Hall) -> None:
    assert board.sector_filter(demo_hall, None) == []
    assert board.sector_filter(demo_hall, " tu-phap, dat-dai,,tu-phap ") == ["tu-phap", "dat-dai"]
    with pytest.raises(errors.SectorNotFound, match="“dat”"):
        board.sector_filter(demo_hall, "dat,tu-phap")


def test_a_halls_voice_settings_come_from_its_settings(demo_hall: Hall, tmp_path: Path) -> None:
    assert board.voice_settings_of(demo_hall) == VoiceSettings()
    assert board.voice_enabled(demo_hall)
    demo_hall.settings = {"voice": {"south": True, "digits": True, "repeat": 1, "language": "en",
                                    "pack": str(tmp_path), "enabled": False}}
    assert board.voice_settings_of(demo_hall) == VoiceSettings(
        south=True, digits=True, repeat=1, language="en", pack=tmp_path)
    assert not board.voice_enabled(demo_hall)


def test_bad_voice_settings_fall_back_to_the_default_so_boards_keep_talking(
        demo_hall: Hall) -> None:
    demo_hall.settings = {"voice": {"repeat": 3, "south": True}}
    assert board.voice_settings_of(demo_hall) == VoiceSettings()


def test_a_halls_own_clip_pack_is_used_only_when_complete(
        demo_hall: Hall, default_pack: Path, tmp_path: Path) -> None:
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    (incomplete / "manifest.json").write_text('{"clips": {"chime": "chime.wav"}}')
    for settings in (VoiceSettings(), VoiceSettings(pack=incomplete),
                     VoiceSettings(pack=tmp_path / "nowhere")):
        pack = board.clip_pack(settings)
        assert pack is not None and pack.root == default_pack.resolve()
