"""A QR scanner (zbar) as an oracle: the drawn QR code carries the ticket's link."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from motcua.printer.device.document import ticket_document
from motcua.printer.device.render import preview
from motcua.printer.device.samples import sample_slip

pytestmark = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg is not installed (Debian: zbar-tools)"
)


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_the_qr_code_on_the_ticket_scans_to_its_status_page(paper_mm, tmp_path):
    slip = sample_slip("long", paper_mm)
    path = tmp_path / "ticket.png"
    preview(ticket_document(slip)).save(path)
    scanned = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True,
                             timeout=60, check=False)
    assert scanned.stdout.strip() == slip.status_url
