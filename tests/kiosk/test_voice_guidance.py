"""Voice guidance at the kiosk: its phrases are in the clip pack, each sector's name is
synthesised once and served as speech, and the ticket's guidance names clips that play.
sox is the oracle that each clip is real speech: it lasts and it is not silent."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from motcua.display import clips, voice
from motcua.kiosk import voice as kiosk_voice

needs_sox = pytest.mark.skipif(shutil.which("sox") is None,
                               reason="sox is not installed (./dev test installs it)")


@pytest.fixture(scope="module", autouse=True)
def _default_pack() -> Path:
    return clips.ensure_default_pack()


def speech(path: Path) -> tuple[float, float]:
    """(seconds, RMS amplitude) of a WAV file, as sox measures them."""
    seconds = subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True,
                             check=True)
    stat = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True,
                          check=True).stderr
    rms = re.search(r"RMS\s+amplitude:\s+([\d.]+)", stat)
    assert rms, stat
    return float(seconds.stdout), float(rms.group(1))


def save(response, path: Path) -> Path:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "audio/wav"
    path.write_bytes(response.get_data())
    return path


@needs_sox
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_pack_has_the_kiosks_phrases_as_speech(language):
    pack = voice.load_pack(voice.DEFAULT_PACK_DIR)
    for clip in voice.KIOSK_CLIPS[language].values():
        seconds, rms = speech(pack.clips[clip])
        assert seconds > 0.8, clip  # a whole phrase, not a syllable
        assert rms > 0.03, f"{clip} is (nearly) silent"


@needs_sox
def test_a_sectors_name_is_synthesised_once_and_served_as_speech(client, demo_hall, app,
                                                                  tmp_path):
    first = save(client.get("/kiosk/demo/voice/sector/dat-dai?lang=vi"), tmp_path / "a.wav")
    seconds, rms = speech(first)
    assert 0.3 < seconds < 5 and rms > 0.03
    folder = Path(app.instance_path) / kiosk_voice.SECTOR_FOLDER
    made = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.wav")}
    assert len(made) == 2 * len(demo_hall.sectors)  # the hall's every name, both languages
    long = save(client.get("/kiosk/demo/voice/sector/tu-phap?lang=en"), tmp_path / "b.wav")
    assert speech(long)[0] > seconds  # "Justice (Civil status, …)" is longer than "Đất đai"
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.wav")} == made  # cached


def test_an_unknown_sector_has_no_clip(client, demo_hall):
    answer = client.get("/kiosk/demo/voice/sector/nope")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "sector_not_found"


@needs_sox
@pytest.mark.parametrize(("language", "words"), [
    ("vi", "Số thứ tự của ông bà là một nghìn không trăm linh hai. Khi số của ông bà được gọi, "
           "xin mời đến quầy hiện trên màn hình lớn."),
    ("en", "Your number is one thousand two. When your number is called, please go to "
           "the counter shown on the board."),
])
def test_after_issuing_the_number_and_where_to_go_are_read_from_clips(client, demo_hall,
                                                                      tmp_path, language,
                                                                      words):
    answer = client.get(f"/kiosk/demo/voice/ticket?number=1002&lang={language}")
    assert answer.status_code == 200
    guidance = answer.get_json()
    assert guidance["text"] == words
    number, advice = guidance["parts"]
    assert advice == [f"/kiosk/voice/{voice.KIOSK_CLIPS[language]['when_called']}"]
    for i, url in enumerate(number + advice):
        seconds, rms = speech(save(client.get(url), tmp_path / f"{i}.wav"))
        assert seconds > 0.1 and rms > 0.03, url


@pytest.mark.parametrize("number", ["", "12345678901234", "1.5", "abc"])
def test_a_ticket_number_that_cannot_be_read_is_refused(client, demo_hall, number):
    answer = client.get(f"/kiosk/demo/voice/ticket?number={number}")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "invalid_request"


def test_the_kiosk_page_carries_the_guidance_clips(kiosk_client):
    from tests.kiosk.test_pages import _config

    config = _config(kiosk_client.get("/kiosk/demo").get_data(as_text=True), "kiosk-config")
    guidance = config["voice"]
    assert guidance["enabled"] is True
    assert guidance["choose"] == "/kiosk/voice/kiosk_choose"
    assert guidance["sectors"]["dat-dai"] == "/kiosk/demo/voice/sector/dat-dai?lang=vi"
    assert guidance["ticket"] == "/kiosk/demo/voice/ticket?lang=vi"
