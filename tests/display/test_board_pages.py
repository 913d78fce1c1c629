"""The display blueprint through the Flask test client: pages, errors, announcements, clips."""
from __future__ import annotations

import json
import re
import shutil
import wave
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from motcua.display import voice
from motcua.display.voice import VoiceSettings, build_announcement
from motcua.queue.models import Hall


def page_config(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="display-config">(.*?)</script>',
                      html, re.S)
    assert found, "the page carries no configuration"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def set_voice(session: Any, hall: Hall, **settings: Any) -> None:
    hall.settings = {**hall.settings, "voice": settings}
    session.commit()


def test_the_board_page_carries_the_whole_state_and_its_translated_words(
        client: FlaskClient, demo_hall: Hall, default_pack: Path) -> None:
    answer = client.get("/display/demo")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Trung tâm Phục vụ hành chính công tỉnh (demo)" in html
    assert "/static/vendor/socket.io.min.js" in html and "http" not in html.split("<body")[0]
    config = page_config(html)
    assert config["hall"] == "demo" and config["namespace"] == "/display"
    assert config["time_zone"] == "Asia/Ho_Chi_Minh" and config["sectors"] == []
    assert len(config["state"]["sectors"]) == 13 and len(config["state"]["counters"]) == 12
    assert config["urls"]["state"] == "/api/v1/halls/demo/queue"
    assert config["strings"]["paused"] == "Tạm nghỉ"
    assert config["voice"]["enabled"] is True
    assert "/display/demo/voice/chime" in config["voice"]["preload"]


def test_the_board_speaks_english_words_when_asked(client: FlaskClient, demo_hall: Hall) -> None:
    html = client.get("/display/demo?lang=en").get_data(as_text=True)
    assert "Now calling number" in html and "People waiting" in html
    assert page_config(html)["strings"]["paused"] == "On a break"


def test_a_sector_board_names_its_sectors(client: FlaskClient, demo_hall: Hall) -> None:
    html = client.get("/display/demo?sectors=tu-phap,lao-dong").get_data(as_text=True)
    assert page_config(html)["sectors"] == ["tu-phap", "lao-dong"]
    assert ("Tư pháp (Hộ tịch, Lý lịch tư pháp, Chứng thực) · "
            "Lao động, Việc làm, Người có công") in html


@pytest.mark.parametrize(("path", "title"), [
    ("/display/khong-co", "Không tìm thấy điểm một cửa"),
    ("/display/demo?sectors=dat-dai,nha-dat", "Không tìm thấy lĩnh vực"),
    ("/display/demo/counter/13", "Không tìm thấy quầy"),
    ("/display/khong-co/counter/1", "Không tìm thấy điểm một cửa"),
])
def test_a_screen_with_a_wrong_address_gets_a_friendly_page(
        client: FlaskClient, demo_hall: Hall, path: str, title: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html
    assert "Xin báo cán bộ quản trị" in html
    assert "Traceback" not in html


@pytest.mark.parametrize(("lang", "said"), [
    ("vi", "Không có lĩnh vực “xxx” tại demo."),
    ("en", "No sector 'xxx' in hall 'demo'"),
])
def test_an_unknown_sector_in_the_filter_is_named_in_the_pages_language(
        client: FlaskClient, demo_hall: Hall, lang: str, said: str) -> None:
    answer = client.get(f"/display/demo?sectors=tu-phap,xxx&lang={lang}")
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert f'<p class="error-detail">{escape(said)}</p>' in html


def test_the_counter_display_page_carries_its_counter(
        client: FlaskClient, demo_hall: Hall) -> None:
    html = client.get("/display/demo/counter/11").get_data(as_text=True)
    config = page_config(html)
    assert config["counter"] == 11
    assert config["state"]["counter"]["state"] == "closed"
    assert config["urls"]["state"] == "/api/v1/halls/demo/counters/11"
    assert ("<li>Giáo dục và Đào tạo</li><li>Văn hóa, Thể thao và Du lịch</li>"
            "<li>Khoa học và Công nghệ</li>") in html


def test_a_hall_can_silence_its_boards_and_one_board_can_be_silenced(
        client: FlaskClient, session: Any, demo_hall: Hall) -> None:
    assert page_config(client.get("/display/demo?voice=off").get_data(as_text=True))["voice"] == {
        "enabled": False, "preload": [], "announcement": "/display/demo/announcement"}
    set_voice(session, demo_hall, enabled=False)
    assert not page_config(client.get("/display/demo").get_data(as_text=True))["voice"]["enabled"]


def test_the_board_reads_its_notices(client: FlaskClient, session: Any, demo_hall: Hall) -> None:
    demo_hall.settings = {"notices": ["Đường dây nóng: 1900 1234"]}
    session.commit()
    assert client.get("/display/demo/notices").get_json() == {
        "notices": ["Đường dây nóng: 1900 1234"]}
    assert client.get("/display/khong-co/notices").status_code == 404


def test_an_announcement_lists_the_clips_to_play_and_each_clip_is_served(
        client: FlaskClient, demo_hall: Hall, default_pack: Path) -> None:
    answer = client.get("/display/demo/announcement?number=1023&counter=5")
    assert answer.status_code == 200
    spoken = answer.get_json()
    expected = build_announcement("1023", 5)
    assert spoken["text"] == expected.text
    assert "một nghìn không trăm hai mươi ba đến quầy số năm" in spoken["sentence"]
    assert spoken["parts"] == [list(part) for part in expected.parts]
    assert set(spoken["clips"]) == set(expected.clips)
    for url in spoken["clips"].values():
        clip = client.get(url)
        assert clip.status_code == 200 and clip.mimetype == "audio/wav"
        assert clip.data[:4] == b"RIFF"


def test_an_announcement_follows_the_halls_voice_settings(
        client: FlaskClient, session: Any, demo_hall: Hall, default_pack: Path) -> None:
    set_voice(session, demo_hall, south=True, repeat=1)
    spoken = client.get("/display/demo/announcement?number=1005&counter=2").get_json()
    assert spoken["text"] == build_announcement(
        "1005", 2, VoiceSettings(south=True, repeat=1)).text
    assert "một ngàn không trăm lẻ năm" in spoken["text"]
    assert len(spoken["parts"]) == 2  # the chime, then the sentence once


@pytest.mark.parametrize("query", ["counter=5", "number=&counter=5", "number=1023",
                                   "number=1023&counter=hai", "number=1023&counter=1000",
                                   "number=%3Cb%3E&counter=1", "number=" + "1" * 13 + "&counter=1"])
def test_an_announcement_for_a_bad_number_or_counter_is_refused_clearly(
        client: FlaskClient, demo_hall: Hall, default_pack: Path, query: str) -> None:
    answer = client.get(f"/display/demo/announcement?{query}")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "invalid_request"


def test_announcements_and_clips_of_an_unknown_hall_or_clip_are_not_found(
        client: FlaskClient, demo_hall: Hall, default_pack: Path) -> None:
    assert client.get("/display/khong-co/announcement?number=1&counter=1").status_code == 404
    assert client.get("/display/khong-co/voice/chime").status_code == 404
    missing = client.get("/display/demo/voice/manifest.json")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "clip_not_found"


def test_a_hall_with_its_own_recordings_is_served_from_its_folder(
        client: FlaskClient, session: Any, demo_hall: Hall, default_pack: Path,
        tmp_path: Path) -> None:
    own = Path(shutil.copytree(default_pack, tmp_path / "hall-voice"))
    pack = voice.load_pack(own)
    with wave.open(str(pack.clips["chime"]), "rb") as w:
        params = w.getparams()
    with wave.open(str(pack.clips["chime"]), "wb") as w:  # the hall's own (silent) chime
        w.setparams(params)
        w.writeframes(b"\0\0" * 800)
    set_voice(session, demo_hall, pack=str(own))
    chime = client.get("/display/demo/voice/chime")
    assert chime.status_code == 200
    assert chime.data == pack.clips["chime"].read_bytes()


def test_without_any_usable_clip_pack_the_board_stays_silent(
        client: FlaskClient, demo_hall: Hall, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setattr(voice, "DEFAULT_PACK_DIR", tmp_path / "not-built")
    answer = client.get("/display/demo/announcement?number=1001&counter=1")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "voice_unavailable"
    assert not page_config(client.get("/display/demo").get_data(as_text=True))["voice"]["enabled"]
