"""Announcements, clip packs and their WAV rendering; the default pack is synthesised once."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from motcua.display import clips, voice
from motcua.display.cli import announce_command, voice_group
from motcua.display.voice import VoiceSettings, build_announcement

needs_sox = pytest.mark.skipif(shutil.which("sox") is None,
                               reason="sox is not installed (CI installs it)")


@pytest.fixture(scope="session")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clips.build_default_pack(tmp_path_factory.mktemp("voice") / "default")


@pytest.fixture
def pack(pack_dir: Path) -> voice.ClipPack:
    return voice.load_pack(pack_dir)


@pytest.fixture
def pack_copy(pack_dir: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pack_dir, tmp_path / "hall-pack"))


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _frames(path: Path) -> int:
    with wave.open(str(path), "rb") as w:
        return w.getnframes()


def test_sentence_reads_ticket_and_counter_as_vietnamese_numbers() -> None:
    announcement = build_announcement("1023", 5, VoiceSettings(repeat=1))
    assert announcement.sentence == (
        "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số năm.")
    assert announcement.text == announcement.sentence


def test_clips_come_after_a_chime_in_the_order_of_the_sentence() -> None:
    announcement = build_announcement(1023, 15, VoiceSettings(repeat=1))
    assert announcement.clips == (
        "chime", "moi_cong_dan_co_so_thu_tu", "một", "nghìn", "không", "trăm", "hai", "mươi",
        "ba", "den_quay_so", "mười", "lăm")


def test_repeat_twice_says_the_sentence_twice_after_one_chime() -> None:
    announcement = build_announcement("A012", 3, VoiceSettings(repeat=2))
    saying = ("moi_cong_dan_co_so_thu_tu", "A", "mười", "hai", "den_quay_so", "ba")
    assert announcement.parts == (("chime",), saying, saying)
    assert announcement.text == " ".join([announcement.sentence] * 2)
    assert announcement.clips.count("chime") == 1


def test_settings_choose_digits_and_southern_words_for_the_ticket() -> None:
    settings = VoiceSettings(repeat=1, digits=True, south=True)
    assert build_announcement("1005", 105, settings).sentence == (
        "Mời công dân có số thứ tự một không không năm đến quầy số một trăm lẻ năm.")


def test_english_announcement_uses_english_clips() -> None:
    announcement = build_announcement("1023", 5, VoiceSettings(repeat=1, language="en"))
    assert announcement.sentence == (
        "Ticket number one thousand twenty three, please go to counter five.")
    assert announcement.clips == (
        "chime", "en_ticket_number", "en_one", "en_thousand", "en_twenty", "en_three",
        "en_please_go_to_counter", "en_five")


def test_announcement_has_a_json_form_for_the_board() -> None:
    data = build_announcement("A1", 2, VoiceSettings(repeat=1)).as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == {
        "text": "Mời công dân có số thứ tự A một đến quầy số hai.",
        "sentence": "Mời công dân có số thứ tự A một đến quầy số hai.",
        "parts": [["chime"], ["moi_cong_dan_co_so_thu_tu", "A", "một", "den_quay_so", "hai"]],
        "word_gap_ms": 60, "part_gap_ms": 500}


@pytest.mark.parametrize("options", [{"repeat": 3}, {"repeat": 0}, {"language": "fr"}], ids=str)
def test_settings_refuse_values_outside_their_choices(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        VoiceSettings(**options)  # type: ignore[arg-type]


def test_default_pack_holds_every_clip_at_one_format(pack_dir: Path, pack: voice.ClipPack) -> None:
    assert voice.validate_pack(pack_dir) == []
    assert set(pack.clips) == set(voice.required_clips())
    formats = {voice.wav_format(path) for path in pack.clips.values()}
    assert formats == {voice.WavFormat(sample_rate=22050, channels=1, sample_width=2)}


def test_default_pack_file_names_are_ascii(pack: voice.ClipPack) -> None:
    assert all(path.name.isascii() for path in pack.clips.values())
    assert pack.clips["mười"].name == "muwowif.wav"
    assert pack.clips["mươi"].name == "muwowi.wav"


def test_word_clips_are_trimmed_so_words_join_without_long_gaps(pack: voice.ClipPack) -> None:
    for name in ("một", "nghìn", "hai", "mươi", "A", "en_five"):
        with wave.open(str(pack.clips[name]), "rb") as w:
            rate = w.getframerate()
            samples = memoryview(w.readframes(w.getnframes())).cast("h")
        peak = max(abs(s) for s in samples)
        sound = [i for i, s in enumerate(samples) if abs(s) > peak * 0.02]
        assert sound[0] < 0.02 * rate, f"{name} starts with silence"
        assert len(samples) - sound[-1] < 0.02 * rate, f"{name} ends with silence"
        assert len(samples) < 1.2 * rate, f"{name} is too long for one word"


def test_building_again_replaces_the_pack_with_the_same_files(
        pack_dir: Path, pack_copy: Path) -> None:
    (pack_copy / "stale.wav").write_bytes(b"")
    assert clips.build_default_pack(pack_copy) == pack_copy
    assert _digest(pack_copy) == _digest(pack_dir)
    assert [p.name for p in pack_copy.parent.iterdir()] == [pack_copy.name]  # no build leftovers


def test_ensure_default_pack_builds_only_when_missing(
        pack_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "voice" / "default"
    monkeypatch.setattr(voice, "DEFAULT_PACK_DIR", target)
    assert clips.ensure_default_pack() == target
    assert voice.validate_pack(target) == []
    built = target.stat().st_ino
    assert clips.ensure_default_pack() == target
    assert target.stat().st_ino == built


def test_wav_is_the_clips_joined_with_the_player_gaps(pack: voice.ClipPack, tmp_path: Path) -> None:
    announcement = build_announcement("1023", 5, VoiceSettings(repeat=2))
    out = voice.render_wav(announcement, pack, tmp_path / "call.wav")
    rate = 22050
    expected = (sum(_frames(pack.clips[name]) for name in announcement.clips)
                + sum(len(part) - 1 for part in announcement.parts) * round(voice.WORD_GAP_S * rate)
                + (len(announcement.parts) - 1) * round(voice.PART_GAP_S * rate))
    assert voice.wav_format(out) == voice.WavFormat(rate, 1, 2)
    assert _frames(out) == expected


@needs_sox
def test_wav_of_a_sample_announcement_is_speech_of_the_expected_length(
        pack: voice.ClipPack, tmp_path: Path) -> None:
    announcement = build_announcement("1023", 5, VoiceSettings(repeat=1))
    out = voice.render_wav(announcement, pack, tmp_path / "call.wav")
    clip_seconds = sum(voice.wav_duration(pack.clips[name]) for name in announcement.clips)
    rate = subprocess.run(["soxi", "-r", str(out)], capture_output=True, text=True, check=True)
    seconds = subprocess.run(["soxi", "-D", str(out)], capture_output=True, text=True, check=True)
    stat = subprocess.run(["sox", str(out), "-n", "stat"], capture_output=True, text=True,
                          check=True).stderr
    rms = float(re.search(r"RMS\s+amplitude:\s+([\d.]+)", stat).group(1))  # type: ignore[union-attr]
    assert int(rate.stdout) == 22050
    gaps = 9 * voice.WORD_GAP_S + voice.PART_GAP_S  # 10 clips in the saying, after the chime
    assert float(seconds.stdout) == pytest.approx(clip_seconds + gaps, abs=0.01)
    assert 5.0 < float(seconds.stdout) < 12.0
    assert rms > 0.03, "the announcement is (nearly) silent"


def test_validation_lists_each_missing_clip(pack_copy: Path) -> None:
    manifest = json.loads((pack_copy / voice.MANIFEST).read_text(encoding="utf-8"))
    del manifest["clips"]["linh"]
    (pack_copy / voice.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False),
                                            encoding="utf-8")
    (pack_copy / manifest["clips"]["mươi"]).unlink()
    problems = voice.validate_pack(pack_copy, VoiceSettings())
    assert problems == [
        "missing clip 'mươi': file muwowi.wav not found",
        "missing clip 'linh': not in manifest.json",
    ]


def test_a_southern_hall_needs_no_northern_clips(pack_copy: Path) -> None:
    manifest = json.loads((pack_copy / voice.MANIFEST).read_text(encoding="utf-8"))
    for name in ("linh", "nghìn", "en_five"):
        del manifest["clips"][name]
    (pack_copy / voice.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert voice.validate_pack(pack_copy, VoiceSettings(south=True)) == []
    assert len(voice.validate_pack(pack_copy)) == 3


def test_validation_reports_a_clip_recorded_at_another_sample_rate(pack_copy: Path) -> None:
    with wave.open(str(pack_copy / "tams.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(bytes(4410 * 2))
    assert voice.validate_pack(pack_copy, VoiceSettings()) == [
        "'tám': 44100 Hz, 1 channel(s), 16-bit, unlike the rest of the pack "
        "(22050 Hz, 1 channel(s), 16-bit)"]


def test_validation_reports_a_folder_without_manifest(tmp_path: Path) -> None:
    assert voice.validate_pack(tmp_path) == ["no manifest.json in the folder"]


def test_a_manifest_may_not_point_outside_its_folder(pack_copy: Path) -> None:
    (pack_copy / voice.MANIFEST).write_text(
        json.dumps({"version": 1, "clips": {"chime": "../../etc/passwd"}}), encoding="utf-8")
    with pytest.raises(voice.PackError, match="outside the pack folder"):
        voice.load_pack(pack_copy)


def test_rendering_refuses_a_pack_missing_a_clip(pack_copy: Path, tmp_path: Path) -> None:
    manifest = json.loads((pack_copy / voice.MANIFEST).read_text(encoding="utf-8"))
    del manifest["clips"]["den_quay_so"]
    (pack_copy / voice.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(voice.PackError, match="den_quay_so"):
        voice.render_wav(build_announcement("7", 1), voice.load_pack(pack_copy),
                         tmp_path / "x.wav")


def test_announce_command_prints_the_sentence_and_writes_a_wav(
        pack_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "call.wav"
    result = CliRunner().invoke(announce_command, [
        "1023", "5", "--repeat", "1", "--pack", str(pack_dir), "--wav", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số năm.")
    assert voice.wav_duration(out) > 3


def test_announce_command_takes_the_hall_settings() -> None:
    result = CliRunner().invoke(announce_command, ["A024", "4", "--digits", "--south", "--bon"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == " ".join(
        ["Mời công dân có số thứ tự A không hai bốn đến quầy số bốn."] * 2)
    result = CliRunner().invoke(announce_command, ["24", "21", "--english", "--repeat", "1"])
    assert result.stdout.strip() == "Ticket number twenty four, please go to counter twenty one."


def test_announce_command_rejects_a_bad_ticket_number() -> None:
    result = CliRunner().invoke(announce_command, ["12B", "4"])
    assert result.exit_code == 2
    assert "not a ticket number" in result.output


def test_voice_check_lists_missing_clips_and_fails(pack_copy: Path) -> None:
    (pack_copy / "nawm.wav").unlink()
    result = CliRunner().invoke(voice_group, ["check", str(pack_copy)])
    assert result.exit_code == 1
    assert "missing clip 'năm': file nawm.wav not found" in result.output


def test_voice_build_writes_a_valid_pack(tmp_path: Path) -> None:
    result = CliRunner().invoke(voice_group, ["build", "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert voice.validate_pack(tmp_path / "p") == []
