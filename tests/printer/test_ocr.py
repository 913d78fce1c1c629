"""Tesseract's Vietnamese model as an oracle: what the raster says is what a person reads."""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from motcua.printer.device.document import ticket_document
from motcua.printer.device.render import preview
from motcua.printer.device.samples import sample_slip


def _has_vietnamese_tesseract() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return "vie" in (listed.stdout + listed.stderr).split()


pytestmark = pytest.mark.skipif(
    not _has_vietnamese_tesseract(),
    reason="tesseract with its Vietnamese model (Debian: tesseract-ocr tesseract-ocr-vie) is not installed",
)


def read_back(image_path: Path) -> str:
    """The text Tesseract reads, NFC and with every run of white space as one space."""
    result = subprocess.run(
        ["tesseract", str(image_path), "-", "-l", "vie", "--psm", "6"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return " ".join(unicodedata.normalize("NFC", result.stdout).split())


@pytest.mark.parametrize("sector", ["Đất đai", "Hộ tịch", "Bảo trợ xã hội và Người có công"])
def test_tesseract_reads_the_sector_name_back_from_a_rendered_ticket(sector, tmp_path):
    path = tmp_path / "ticket.png"
    slip = dataclasses.replace(sample_slip("normal"), sector_name=sector)
    preview(ticket_document(slip)).save(path)
    text = read_back(path)
    assert sector in text, text
    assert "SỐ THỨ TỰ" in text and "Số thứ tự chỉ có" in text, text
