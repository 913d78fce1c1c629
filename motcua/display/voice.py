"""Voice announcements built from recorded clips, so halls need no network and no browser speech.

An announcement is a chime, then "Mời công dân có số thứ tự {number} đến quầy số {counter}"
said once or twice. It exists both as text (for screens and staff checks) and as an ordered
list of clip names from a clip pack, which the board plays one after another, or which
`render_wav` joins into one WAV file.

A clip pack is a folder holding `manifest.json` and the clips:

    {"version": 1, "name": "…", "clips": {"chime": "chime.wav", "mười": "muwowif.wav", …}}

Clip names are: the phrase clips (`PHRASE_CLIPS`), every Vietnamese number word as written
("không", "mươi", "nghìn", …), the letters "A".."Z" (their Vietnamese names, for ticket
prefixes), and for the English option "en_" + an English word ("en_twenty") or letter ("en_A").
The default pack also holds the kiosk's guidance phrases (`KIOSK_CLIPS`); a hall's own pack
needs only what its board says.
File paths are relative to the folder. Every clip is a PCM WAV with one sample rate, channel
count and sample width shared by the whole pack. A hall can replace the default pack with its
own recordings by writing the same manifest; `validate_pack` says what is missing or wrong.
"""
from __future__ import annotations

import json
import string
import wave
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from motcua.display import numbers

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
DEFAULT_PACK_DIR = Path(__file__).resolve().parent.parent / "voice" / "default"

CHIME = "chime"
VI_CALL = "moi_cong_dan_co_so_thu_tu"
VI_TO_COUNTER = "den_quay_so"
EN_CALL = "en_ticket_number"
EN_TO_COUNTER = "en_please_go_to_counter"
PHRASE_CLIPS: tuple[str, ...] = (CHIME, VI_CALL, VI_TO_COUNTER, EN_CALL, EN_TO_COUNTER)
# The kiosk's voice guidance, for citizens who cannot read the screen (motcua.kiosk.voice):
# "touch the sector …" before the sectors are read out, "your number is" before the number,
# and "when your number is called, go to the counter shown on the board" after it.
KIOSK_GUIDANCE: tuple[str, ...] = ("choose", "your_number", "when_called")
KIOSK_CLIPS: dict[str, dict[str, str]] = {  # language -> guidance step -> clip name
    "vi": {step: f"kiosk_{step}" for step in KIOSK_GUIDANCE},
    "en": {step: f"en_kiosk_{step}" for step in KIOSK_GUIDANCE},
}
LETTERS: tuple[str, ...] = tuple(string.ascii_uppercase)
EN_PREFIX = "en_"

# Silence between words of one sentence, and between the chime and each saying of the sentence.
# Word clips are trimmed of their own silence when generated, so a short gap sounds like speech.
WORD_GAP_S = 0.06
PART_GAP_S = 0.5


@dataclass(frozen=True)
class VoiceSettings:
    """How a hall wants calls announced."""

    repeat: Literal[1, 2] = 2
    digits: bool = False  # read the ticket number digit by digit (counters are always whole)
    south: bool = False  # lẻ/ngàn instead of linh/nghìn
    four_as_tu: bool = True  # 24 is "hai mươi tư" (else "hai mươi bốn")
    language: Literal["vi", "en"] = "vi"
    pack: Path | None = None  # a hall's own clip pack; None is the generated default pack

    def __post_init__(self) -> None:
        if self.repeat not in (1, 2):
            raise ValueError(f"repeat must be 1 or 2, not {self.repeat!r}")
        if self.language not in ("vi", "en"):
            raise ValueError(f"language must be 'vi' or 'en', not {self.language!r}")

    @property
    def pack_dir(self) -> Path:
        return self.pack if self.pack is not None else DEFAULT_PACK_DIR


@dataclass(frozen=True)
class Announcement:
    """One call: the sentence as text and the clips to play, grouped into parts.

    `parts[0]` is the chime; each following part is one saying of the sentence. Players leave
    `WORD_GAP_S` between clips of a part and `PART_GAP_S` between parts.
    """

    sentence: str
    parts: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        """The sentence as many times as it is said."""
        return " ".join([self.sentence] * (len(self.parts) - 1))

    @property
    def clips(self) -> tuple[str, ...]:
        return tuple(clip for part in self.parts for clip in part)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for the board's clip player."""
        return {"text": self.text, "sentence": self.sentence,
                "parts": [list(part) for part in self.parts],
                "word_gap_ms": round(WORD_GAP_S * 1000), "part_gap_ms": round(PART_GAP_S * 1000)}


def build_announcement(number: str | int, counter: int,
                       settings: VoiceSettings = VoiceSettings()) -> Announcement:
    """The announcement for ticket `number` ("A012", "1023" or 1023) called to `counter`."""
    display = str(number)
    if settings.language == "en":
        ticket = numbers.english_ticket_words(display, digits=settings.digits)
        desk = numbers.english_number_words(counter)
        sentence = f"Ticket number {' '.join(ticket)}, please go to counter {' '.join(desk)}."
        saying = (EN_CALL, *(EN_PREFIX + w for w in ticket), EN_TO_COUNTER,
                  *(EN_PREFIX + w for w in desk))
    else:
        ticket = numbers.ticket_words(display, digits=settings.digits, south=settings.south,
                                      four_as_tu=settings.four_as_tu)
        desk = numbers.number_words(counter, south=settings.south,
                                    four_as_tu=settings.four_as_tu)
        sentence = f"Mời công dân có số thứ tự {' '.join(ticket)} đến quầy số {' '.join(desk)}."
        saying = (VI_CALL, *ticket, VI_TO_COUNTER, *desk)
    return Announcement(sentence=sentence, parts=((CHIME,),) + (saying,) * settings.repeat)


def required_clips(settings: VoiceSettings | None = None) -> tuple[str, ...]:
    """The clips a pack needs for these settings; with None, every clip the default pack has."""
    if settings is None:
        vietnamese = dict.fromkeys(
            numbers.vietnamese_vocabulary(south=False, four_as_tu=True)
            + numbers.vietnamese_vocabulary(south=True, four_as_tu=True))
        kiosk = tuple(clip for steps in KIOSK_CLIPS.values() for clip in steps.values())
        return (PHRASE_CLIPS + kiosk + tuple(vietnamese) + LETTERS
                + tuple(EN_PREFIX + w for w in numbers.ENGLISH_VOCABULARY + LETTERS))
    if settings.language == "en":
        return (CHIME, EN_CALL, EN_TO_COUNTER) + tuple(
            EN_PREFIX + w for w in numbers.ENGLISH_VOCABULARY + LETTERS)
    return (CHIME, VI_CALL, VI_TO_COUNTER) + numbers.vietnamese_vocabulary(
        south=settings.south, four_as_tu=settings.four_as_tu) + LETTERS


class PackError(Exception):
    """A clip pack that cannot be used; `problems` lists every reason, one per line."""

    def __init__(self, root: Path, problems: list[str]) -> None:
        super().__init__(f"clip pack {root}: " + "; ".join(problems))
        self.root = root
        self.problems = problems


@dataclass(frozen=True)
class WavFormat:
    sample_rate: int
    channels: int
    sample_width: int  # bytes per sample

    def __str__(self) -> str:
        return f"{self.sample_rate} Hz, {self.channels} channel(s), {8 * self.sample_width}-bit"


@dataclass(frozen=True)
class ClipPack:
    """A loaded manifest: clip name -> absolute file path inside `root`."""

    root: Path
    name: str
    clips: Mapping[str, Path] = field(repr=False)


def load_pack(root: Path) -> ClipPack:
    """Read a pack's manifest; raises PackError if it is unreadable or points outside the folder."""
    root = root.resolve()
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackError(root, [f"no {MANIFEST} in the folder"]) from None
    except (OSError, ValueError) as exc:
        raise PackError(root, [f"{MANIFEST} is not readable JSON: {exc}"]) from None
    clips = manifest.get("clips") if isinstance(manifest, dict) else None
    if not isinstance(clips, dict):
        raise PackError(root, [f'{MANIFEST} has no "clips" object (clip name -> file)'])
    paths: dict[str, Path] = {}
    problems: list[str] = []
    for name, file in clips.items():
        path = (root / str(file)).resolve()
        # The board serves clips over HTTP by name: a manifest must not reach outside its folder.
        if not path.is_relative_to(root):
            problems.append(f"clip {name!r}: {file!r} is outside the pack folder")
        paths[name] = path
    if problems:
        raise PackError(root, problems)
    return ClipPack(root=root, name=str(manifest.get("name", root.name)), clips=paths)


def wav_format(path: Path) -> WavFormat:
    with wave.open(str(path), "rb") as w:
        return WavFormat(w.getframerate(), w.getnchannels(), w.getsampwidth())


def wav_duration(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def _read_wav(path: Path) -> tuple[WavFormat, bytes]:
    with wave.open(str(path), "rb") as w:
        return WavFormat(w.getframerate(), w.getnchannels(), w.getsampwidth()), w.readframes(
            w.getnframes())


def validate_pack(root: Path, settings: VoiceSettings | None = None) -> list[str]:
    """Problems that stop the pack being used with `settings` (empty when it is fine).

    Each missing clip gets its own line, so a hall recording its own pack sees what to add.
    """
    try:
        pack = load_pack(root)
    except PackError as exc:
        return exc.problems
    problems: list[str] = []
    formats: dict[WavFormat, list[str]] = {}
    for name in required_clips(settings):
        path = pack.clips.get(name)
        if path is None:
            problems.append(f"missing clip {name!r}: not in {MANIFEST}")
        elif not path.is_file():
            problems.append(f"missing clip {name!r}: file {path.relative_to(pack.root)} not found")
        else:
            try:
                formats.setdefault(wav_format(path), []).append(name)
            except (wave.Error, EOFError) as exc:
                problems.append(f"clip {name!r}: {path.name} is not a PCM WAV file ({exc})")
    if len(formats) > 1:
        common = max(formats, key=lambda f: len(formats[f]))
        for fmt, names in formats.items():
            if fmt != common:
                problems.append(f"{', '.join(map(repr, names))}: {fmt}, unlike "
                                f"the rest of the pack ({common})")
    return problems


def render_wav(announcement: Announcement, pack: ClipPack, out_path: Path) -> Path:
    """Join the announcement's clips, with the player's gaps, into one WAV at the pack's format."""
    missing = [name for name in dict.fromkeys(announcement.clips) if name not in pack.clips]
    if missing:
        raise PackError(pack.root, [f"missing clip {name!r}" for name in missing])
    clips = {name: _read_wav(pack.clips[name]) for name in dict.fromkeys(announcement.clips)}
    formats = {fmt for fmt, _ in clips.values()}
    if len(formats) > 1:
        raise PackError(pack.root, [f"clip {name!r} is {fmt}" for name, (fmt, _) in clips.items()])
    (fmt,) = formats
    # Unsigned 8-bit PCM is silent at 128; wider samples are signed and silent at 0.
    silence = (b"\x80" if fmt.sample_width == 1 else b"\x00") * fmt.sample_width * fmt.channels
    word_gap = silence * round(WORD_GAP_S * fmt.sample_rate)
    part_gap = silence * round(PART_GAP_S * fmt.sample_rate)
    audio = part_gap.join(word_gap.join(clips[name][1] for name in part)
                          for part in announcement.parts)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out_path), "wb") as w:
        w.setnchannels(fmt.channels)
        w.setsampwidth(fmt.sample_width)
        w.setframerate(fmt.sample_rate)
        w.writeframes(audio)
    return out_path
