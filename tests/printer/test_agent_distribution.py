"""The print agent installs on a kiosk PC without the server: its module imports none of the
server's packages, and its distribution holds the printer's device part and nothing more."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REFUSING_IMPORTS = """
import importlib.abc, sys

REFUSED = ("sqlalchemy", "flask", "flask_socketio", "motcua.core", "motcua.queue")

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == r or name.startswith(r + ".") for r in REFUSED):
            raise ImportError(f"the print agent must not import {name}")
        return None

sys.meta_path.insert(0, Refuse())
import motcua.printer.device.agent as agent
from motcua.printer.device.transports import Printer

printer = Printer("dummy:")
assert printer.print_bytes(b"\\x1b@") is True and printer.transport.sent == [b"\\x1b@"]
from motcua.printer.device.document import document_to_json, ticket_document
from motcua.printer.device.samples import sample_slip
from motcua.printer.device.wire import decode_job, encode_job
import datetime
message = encode_job(1, datetime.datetime.now(datetime.UTC), "ticket", "1001",
                     document=document_to_json(ticket_document(sample_slip())))
assert agent.draw(decode_job(message)).startswith(b"\\x1b@")
assert agent.PrintAgent and agent.main
loaded = sorted(m for m in sys.modules if m.startswith("motcua"))
print(" ".join(loaded))
"""


def test_the_print_agent_imports_draws_and_prints_without_sqlalchemy_flask_or_the_server():
    done = subprocess.run([sys.executable, "-c", REFUSING_IMPORTS], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert all(name.startswith("motcua.printer.device") or name in ("motcua", "motcua.printer")
               for name in done.stdout.split())


def test_the_agent_distribution_holds_only_the_printers_device_part(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(tmp_path), str(ROOT / "agent")],
                   check=True, timeout=120)
    (wheel,) = tmp_path.glob("motcua_print_agent-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    code = sorted(n for n in names if not n.split("/")[0].endswith(".dist-info"))
    fonts = [n for n in code if n.startswith("motcua/fonts/")]
    code = [n for n in code if n not in fonts]
    assert code[:2] == ["motcua/__init__.py", "motcua/printer/__init__.py"]
    device = code[2:]
    assert device and all(n.startswith("motcua/printer/device/") and n.endswith(".py") for n in device)
    # The agent draws its slips: the ticket fonts travel with it.
    assert {f"motcua/fonts/{name}" for name in ("BeVietnamPro_400Regular.ttf", "BeVietnamPro_700Bold.ttf",
                                                "OFL.txt")} <= set(fonts)
    assert "motcua/printer/device/agent.py" in device and "motcua/printer/device/wire.py" in device
    assert "motcua-print-agent = motcua.printer.device.agent:main" in entry_points


def test_the_agent_command_says_what_it_needs_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "motcua.printer.device.agent", "--server",
                           "http://127.0.0.1:1", "--kiosk", "k", "--printer", "lpt1:"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "MOTCUA_KIOSK_TOKEN": "t"})
    assert done.returncode == 1
    assert done.stderr.startswith("error: Unknown printer URL 'lpt1:'") and "Traceback" not in done.stderr


def test_no_module_of_the_device_part_imports_the_rest_of_motcua_sqlalchemy_or_flask():
    import ast

    device = ROOT / "motcua" / "printer" / "device"
    imported: dict[str, set[str]] = {}
    for path in device.glob("*.py"):
        names = imported.setdefault(path.name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    assert len(imported) >= 8
    wrong = {file: sorted(n for n in names
                          if (n.startswith("motcua") and not n.startswith("motcua.printer.device"))
                          or n.split(".")[0] in ("sqlalchemy", "flask", "flask_socketio"))
             for file, names in imported.items()}
    assert not any(wrong.values()), wrong
