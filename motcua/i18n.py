"""Translation catalogues: Vietnamese is the source language, English the translation.

Each component keeps `motcua/<component>/translations/en/LC_MESSAGES/messages.po`; the
compiled `.mo` files are build products (`motcua i18n compile`, run by ./dev set-up).
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).parent


def catalogues() -> list[Path]:
    return sorted(PACKAGE.glob("**/translations/*/LC_MESSAGES/*.po"))


def compile_catalogues() -> list[Path]:
    """Write a .mo beside every .po that is newer than its .mo; returns what was written."""
    written = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written
