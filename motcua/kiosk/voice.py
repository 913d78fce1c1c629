"""Voice guidance at the kiosk, for citizens who cannot read the screen.

The kiosk reads the sectors aloud (a phrase, then each sector's name) and, after issuing,
"your number is …" and "when your number is called, go to the counter shown on the board".
Like the board's announcements it plays offline clips: the phrases and number words come from
the default clip pack (`motcua voice build`); sector names are a hall's own words, so their
clips are synthesised with espeak-ng the first time a kiosk asks for them, all of a hall's
missing names in one child process, and kept in the instance folder under a name derived
from the text (a renamed sector gets a new clip).
"""
from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

from motcua.display import numbers, voice
from motcua.queue.models import Hall, Sector

LANGUAGES = ("vi", "en")
ESPEAK_VOICES = {"vi": "vi", "en": "en"}
SECTOR_FOLDER = Path("voice") / "sectors"  # inside the instance folder

_synthesising = threading.Lock()  # one synthesis at a time; the others wait for its files


def sector_clip_file(language: str, name: str) -> str:
    """The clip's file name: the same text in the same voice is the same file."""
    digest = hashlib.sha256(f"{ESPEAK_VOICES[language]}\0{name}".encode()).hexdigest()
    return f"{digest[:24]}.wav"


def sector_clip(folder: Path, hall: Hall, sector: Sector, language: str) -> Path:
    """The clip of `sector`'s name in `language`, synthesising the hall's missing ones first."""
    path = folder / sector_clip_file(language, sector.name(language))
    if path.is_file():
        return path
    with _synthesising:
        missing = {
            sector_clip_file(lang, each.name(lang)): (ESPEAK_VOICES[lang], each.name(lang))
            for each in hall.sectors for lang in LANGUAGES
            if not (folder / sector_clip_file(lang, each.name(lang))).is_file()
        }
        if missing:
            from motcua.display import clips  # espeak-ng: only when a kiosk first speaks

            clips.synthesise_clips(folder, missing)
    return path


def ticket_guidance(display_number: str, language: str,
                    settings: voice.VoiceSettings) -> tuple[str, list[list[str]]]:
    """What to say after issuing: the sentence, and its clips in two parts (number, advice).

    Raises ValueError for a number that cannot be read.
    """
    steps = voice.KIOSK_CLIPS[language]
    if language == "en":
        words = numbers.english_ticket_words(display_number, digits=settings.digits)
        sentence = (f"Your number is {' '.join(words)}. When your number is called, please go "
                    "to the counter shown on the board.")
        number = [voice.EN_PREFIX + w for w in words]
    else:
        number = list(numbers.ticket_words(display_number, digits=settings.digits,
                                           south=settings.south,
                                           four_as_tu=settings.four_as_tu))
        sentence = (f"Số thứ tự của ông bà là {' '.join(number)}. Khi số của ông bà được gọi, "
                    "xin mời đến quầy hiện trên màn hình lớn.")
    return sentence, [[steps["your_number"], *number], [steps["when_called"]]]


@lru_cache(maxsize=4)
def _complete_pack(_manifest_mtime_ns: int) -> voice.ClipPack | None:
    if voice.validate_pack(voice.DEFAULT_PACK_DIR):
        return None
    return voice.load_pack(voice.DEFAULT_PACK_DIR)


def guidance_pack() -> voice.ClipPack | None:
    """The default pack when it has every clip the guidance needs (checked once per build)."""
    try:
        mtime = (voice.DEFAULT_PACK_DIR / voice.MANIFEST).stat().st_mtime_ns
    except OSError:
        return None
    return _complete_pack(mtime)
