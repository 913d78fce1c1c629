"""Generate the default clip pack offline with espeak-ng, at set-up time.

espeak-ng comes from the `espeakng-loader` dependency, which bundles libespeak-ng and its data
(Vietnamese included) in the wheel, so no system package and no network are needed. We drive
the library through ctypes: the `espeakng` wrapper on PyPI shells out to an `espeak-ng` program,
which halls do not have. The speech is robotic but clear; halls that want a human voice record
their own pack with the same manifest (see `motcua.display.voice`).

Each clip is synthesised alone, trimmed of the silence espeak puts around it and brought to a
common peak level, so that clips joined with a short gap sound like one sentence. The chime is
synthesised here too, so the pack has no third-party audio.

Synthesis runs in a child Python process (`python -m motcua.display.clips DIR`). libespeak-ng
keeps synthesis state from one utterance to the next, even across espeak_Terminate, so within
one process the same word never comes out twice the same; a fresh process per build makes
builds byte-for-byte repeatable, and keeps the C library and its callbacks out of the server.
"""
from __future__ import annotations

import array
import ctypes
import json
import math
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import wave
from collections.abc import Mapping
from pathlib import Path

import espeakng_loader

from motcua.display import voice

VOICE_VI = "vi"  # northern Vietnamese
VOICE_EN = "en"
RATE_WPM = 150  # a little slower than espeak's 175: announcements carry across a noisy hall
PEAK = 0.7  # every speech clip is scaled to this share of full scale; the chime peaks lower
CHIME_PEAK = 0.5
TRIM_THRESHOLD = 0.02  # of a clip's own peak: quieter edges count as silence
EDGE_S = 0.01  # kept around the trimmed sound, then faded, so words do not click
PACK_NAME = "motcua default (espeak-ng, synthesised)"

# Spoken names of the letters used as ticket prefixes, as Vietnamese halls say them.
VI_LETTER_NAMES: dict[str, str] = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
    "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ", "O": "o", "P": "pê",
    "Q": "quy", "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép",
    "X": "ích xì", "Y": "i dài", "Z": "dét",
}
PHRASE_TEXTS: dict[str, tuple[str, str]] = {
    voice.VI_CALL: (VOICE_VI, "Mời công dân có số thứ tự"),
    voice.VI_TO_COUNTER: (VOICE_VI, "đến quầy số"),
    voice.EN_CALL: (VOICE_EN, "Ticket number"),
    voice.EN_TO_COUNTER: (VOICE_EN, "please go to counter"),
    voice.KIOSK_CLIPS["vi"]["choose"]: (
        VOICE_VI, "Xin mời chạm vào lĩnh vực cần làm thủ tục. Các lĩnh vực là:"),
    voice.KIOSK_CLIPS["vi"]["your_number"]: (VOICE_VI, "Số thứ tự của ông bà là"),
    voice.KIOSK_CLIPS["vi"]["when_called"]: (
        VOICE_VI, "Khi số của ông bà được gọi, xin mời đến quầy hiện trên màn hình lớn."),
    voice.KIOSK_CLIPS["en"]["choose"]: (
        VOICE_EN, "Please touch the sector of your procedure. The sectors are:"),
    voice.KIOSK_CLIPS["en"]["your_number"]: (VOICE_EN, "Your number is"),
    voice.KIOSK_CLIPS["en"]["when_called"]: (
        VOICE_EN, "When your number is called, please go to the counter shown on the board."),
}

# libespeak-ng constants (speak_lib.h)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_PARAM_RATE = 1
_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class Espeak:
    """libespeak-ng from espeakng-loader, synthesising to memory (16-bit mono PCM).

    The library has global state: make one instance, in the process that builds the pack.
    """

    def __init__(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.sample_rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(),
            _INITIALIZE_DONT_EXIT)
        if self.sample_rate <= 0:
            raise RuntimeError("libespeak-ng failed to initialise")
        self._lib = lib
        self._buffer = bytearray()
        self._callback = _SynthCallback(self._collect)  # referenced for the library's lifetime
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, samples: ctypes._Pointer[ctypes.c_short], count: int,
                 _events: int | None) -> int:
        if count > 0:
            self._buffer += ctypes.string_at(samples, count * 2)
        return 0  # go on synthesising

    def synthesise(self, text: str, voice_name: str) -> array.array[int]:
        """Samples of `text` spoken by espeak voice `voice_name`."""
        encoded = text.encode("utf-8") + b"\0"
        if self._lib.espeak_SetVoiceByName(voice_name.encode()) != 0:
            raise RuntimeError(f"espeak-ng has no voice {voice_name!r}")
        self._lib.espeak_SetParameter(_PARAM_RATE, RATE_WPM, 0)
        self._buffer = bytearray()
        status = self._lib.espeak_Synth(encoded, len(encoded), 0, _POS_CHARACTER, 0,
                                        _CHARS_UTF8, None, None)
        if status != 0:
            raise RuntimeError(f"espeak-ng could not synthesise {text!r} (error {status})")
        return array.array("h", bytes(self._buffer))  # native-order shorts, as espeak gave them


def trim_and_level(samples: array.array[int], sample_rate: int,
                   peak: float = PEAK) -> array.array[int]:
    """Cut the silence around a clip, fade its edges and scale it to `peak` of full scale."""
    loudest = max((abs(s) for s in samples), default=0)
    if loudest == 0:
        raise ValueError("clip is silent")
    threshold = loudest * TRIM_THRESHOLD
    loud = [i for i, s in enumerate(samples) if abs(s) > threshold]
    edge = round(EDGE_S * sample_rate)
    start, end = max(loud[0] - edge, 0), min(loud[-1] + edge + 1, len(samples))
    gain = peak * 32767 / loudest
    out = array.array("h", (round(s * gain) for s in samples[start:end]))
    fade = min(edge, len(out) // 2)
    for i in range(fade):
        factor = i / fade
        out[i] = round(out[i] * factor)
        out[-1 - i] = round(out[-1 - i] * factor)
    return out


def chime(sample_rate: int) -> array.array[int]:
    """A two-tone "ding-dong" (E5 then C5) with bell-like partials and a soft decay."""
    notes = ((659.25, 0.0), (523.25, 0.45))  # (frequency Hz, start s)
    partials = ((1.0, 1.0), (2.0, 0.3), (3.0, 0.12))  # (multiple of the note, relative level)
    note_s, decay_s, attack_s, release_s = 1.0, 0.28, 0.008, 0.15
    total = round((notes[-1][1] + note_s) * sample_rate)
    mix = [0.0] * total
    for freq, start_s in notes:
        start = round(start_s * sample_rate)
        for i in range(round(note_s * sample_rate)):
            t = i / sample_rate
            envelope = (min(t / attack_s, 1.0, (note_s - t) / release_s)
                        * math.exp(-t / decay_s))
            mix[start + i] += envelope * sum(
                level * math.sin(2 * math.pi * freq * mult * t) for mult, level in partials)
    loudest = max(abs(v) for v in mix)
    return array.array("h", (round(v / loudest * CHIME_PEAK * 32767) for v in mix))


def file_name(clip: str) -> str:
    """An ASCII file name for a clip, writing Vietnamese marks the Telex way (mười -> muwowif).

    Telex is how Vietnamese is typed on any keyboard, so staff can read these names, and
    "mười"/"mươi" or "một"/"mốt" stay distinct on every file system.
    """
    tones = {"\u0300": "f", "\u0301": "s", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
    letters: list[str] = []
    tone = ""
    for ch in unicodedata.normalize("NFD", clip.replace("đ", "dd").replace("Đ", "DD")):
        if ch in tones:
            tone = tones[ch]
        elif ch == "\u0302":  # circumflex: â ê ô are typed aa ee oo
            letters.append(letters[-1])
        elif ch in ("\u0306", "\u031b"):  # breve ă, horn ơ ư: typed with w
            letters.append("w")
        else:
            letters.append(ch)
    return "".join(letters) + tone + ".wav"


def clip_texts() -> dict[str, tuple[str, str]]:
    """Every clip of the default pack except the chime: name -> (espeak voice, text to say)."""
    texts: dict[str, tuple[str, str]] = {}
    for name in voice.required_clips():
        if name == voice.CHIME:
            continue
        if name in PHRASE_TEXTS:
            texts[name] = PHRASE_TEXTS[name]
        elif name.startswith(voice.EN_PREFIX):
            texts[name] = (VOICE_EN, name.removeprefix(voice.EN_PREFIX))
        elif name in VI_LETTER_NAMES:
            texts[name] = (VOICE_VI, VI_LETTER_NAMES[name])
        else:
            texts[name] = (VOICE_VI, name)
    return texts


def _write_wav(path: Path, samples: array.array[int], sample_rate: int) -> None:
    if sys.byteorder == "big":  # WAV samples are little-endian
        samples = array.array("h", samples)
        samples.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(samples.tobytes())


def synthesise_pack(folder: Path) -> None:
    """Write every clip and the manifest into an empty `folder` (run in a fresh process)."""
    engine = Espeak()
    rate = engine.sample_rate
    manifest: dict[str, str] = {voice.CHIME: file_name(voice.CHIME)}
    _write_wav(folder / manifest[voice.CHIME], chime(rate), rate)
    for name, (voice_name, text) in clip_texts().items():
        manifest[name] = file_name(name)
        _write_wav(folder / manifest[name],
                   trim_and_level(engine.synthesise(text, voice_name), rate), rate)
    if len(set(manifest.values())) != len(manifest):
        raise RuntimeError("two clips were given the same file name")
    (folder / voice.MANIFEST).write_text(json.dumps(
        {"version": voice.MANIFEST_VERSION, "name": PACK_NAME, "clips": manifest},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def synthesise_texts(folder: Path, texts: Mapping[str, tuple[str, str]]) -> None:
    """Write one clip per file name, `{file name: (espeak voice, text)}` (in a fresh process)."""
    engine = Espeak()
    rate = engine.sample_rate
    for name, (voice_name, text) in texts.items():
        _write_wav(folder / name, trim_and_level(engine.synthesise(text, voice_name), rate), rate)


def synthesise_clips(folder: Path, texts: Mapping[str, tuple[str, str]]) -> None:
    """Clips beyond the pack — a hall's sector names — synthesised by a child process into
    `folder`: `{file name: (espeak voice, text)}`. Each file appears whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".clips-", dir=folder))
    try:
        child = subprocess.run([sys.executable, "-m", __name__, "--texts", str(work)],
                               input=json.dumps(dict(texts), ensure_ascii=False),
                               capture_output=True, text=True, check=False)
        if child.returncode != 0:
            raise RuntimeError(f"synthesising {len(texts)} clips failed:\n{child.stderr}")
        for name in texts:
            (work / name).replace(folder / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_default_pack(out_dir: Path) -> Path:
    """Synthesise the default pack into `out_dir` (replaced whole); building again gives the
    same files.

    The pack is built in a sibling temporary folder by a child process and moved into place at
    the end, so a failed or concurrent build never leaves a half-written pack where the board
    reads it.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        child = subprocess.run([sys.executable, "-m", __name__, str(work)],
                               capture_output=True, text=True, check=False)
        if child.returncode != 0:
            raise RuntimeError(f"synthesising the clip pack failed:\n{child.stderr}")
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
            out_dir.rename(old / out_dir.name)
            shutil.rmtree(old)
        work.rename(out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out_dir


def ensure_default_pack() -> Path:
    """The default pack's folder, building it first if it is missing or incomplete."""
    if voice.validate_pack(voice.DEFAULT_PACK_DIR):
        build_default_pack(voice.DEFAULT_PACK_DIR)
    return voice.DEFAULT_PACK_DIR


if __name__ == "__main__":
    if sys.argv[1] == "--texts":
        synthesise_texts(Path(sys.argv[2]), {name: (pair[0], pair[1]) for name, pair
                                             in json.loads(sys.stdin.read()).items()})
    else:
        synthesise_pack(Path(sys.argv[1]))
