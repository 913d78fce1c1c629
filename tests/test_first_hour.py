"""The first hour of an installation, as the README tells it: `motcua db upgrade`, `motcua
demo`, `motcua serve`; the kiosk link the demo printed, opened in a browser; a tap on a
sector; and a printed ticket, with the QR code of its phone page, in printer-out/."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from motcua.printer.device.render import qr_image

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MOTCUA = [sys.executable, "-c", "from motcua.entry import main; main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """An empty folder to run from, and the environment of a shell with nothing set but PORT."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MOTCUA_") and k not in ("PORT", "PYTHONWARNINGS")}
    env.update(PORT=str(free_port()), MOTCUA_SECRET_KEY="first-hour",
               MOTCUA_DATABASE_URL=f"sqlite:///{tmp_path / 'hall.sqlite'}")
    yield tmp_path, env


def motcua(folder: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*MOTCUA, *args], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_for_port(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read() if server.stderr else "server exited"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("motcua serve did not start listening within 60 s")


def contains(printed: Image.Image, code: Image.Image) -> bool:
    """Whether `code` appears, centred as the printer centres it, somewhere down the slip."""
    left = (printed.width - code.width) // 2
    for top in range(0, printed.height - code.height + 1):
        window = printed.crop((left, top, left + code.width, top + code.height))
        if not ImageChops.difference(window, code).getbbox():
            return True
    return False


def test_a_ticket_taken_at_the_printed_kiosk_link_prints_with_its_qr_code(installation, browser):
    folder, env = installation
    port = env["PORT"]
    motcua(folder, env, "db", "upgrade")
    printed = motcua(folder, env, "demo")
    link = re.search(r"kiosk:\s+(\S+)", printed)
    assert link and link.group(1).startswith(f"http://localhost:{port}/kiosk/demo/setup?token=")

    server = subprocess.Popen([*MOTCUA, "serve", "--host", "127.0.0.1", "--port", port],
                              cwd=folder, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(int(port), server)
        page = browser.new_context(viewport={"width": 1080, "height": 1920}).new_page()
        page.goto(link.group(1))
        page.locator('[data-sector="dat-dai"]').click()
        page.locator("#print-status.printed").wait_for(timeout=30000)
        token = re.search(r"/t/([^/]+)/qr\.svg", page.locator("#ticket-qr").get_attribute("src"))
        page.context.close()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Eventlet is deprecated" not in errors

    slips = list((folder / "printer-out").glob("*.png"))
    assert len(slips) == 1, "the demo kiosk prints to printer-out/ where the server runs"
    assert token
    with Image.open(slips[0]) as image:
        slip = image.convert("L")
    expected = qr_image(f"http://localhost:{port}/t/{token.group(1)}", module=6)
    assert contains(slip, expected.convert("L")), "the slip carries the ticket's QR code"
