"""The README's Configuration table names exactly the settings the code reads, so the two
cannot drift apart: every config default (as MOTCUA_<NAME>), every optional setting read with
`config.get`, and every environment variable read directly."""
from __future__ import annotations

import re
from pathlib import Path

from motcua.config import DEFAULTS, ENV_PREFIX
from motcua.kiosk.views import TIMING_DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "motcua"

ENV_READ = re.compile(
    r"""os\.environ\.(?:get|setdefault)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\](?!\s*=[^=])"""
    r"""|envvar=["']([A-Z][A-Z0-9_]*)["']""")
CONFIG_GET = re.compile(r"""config\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def _sources() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")]


def read_by_the_code() -> set[str]:
    names = {ENV_PREFIX + key for key in DEFAULTS}
    names |= {f"{ENV_PREFIX}KIOSK_{name.upper()}_SECONDS" for name in TIMING_DEFAULTS}
    for source in _sources():
        names |= {ENV_PREFIX + key for key in CONFIG_GET.findall(source)}
        names |= {next(filter(None, groups)) for groups in ENV_READ.findall(source)}
    return names


def documented_in_the_readme() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_column))
    return names


def test_the_scanner_finds_settings_read_in_each_way():
    found = read_by_the_code()
    # One of each: a default, an optional config.get, the kiosk timings, os.environ, envvar=.
    assert {"MOTCUA_DATABASE_URL", "MOTCUA_AGENCY_CODE", "MOTCUA_KIOSK_IDLE_SECONDS",
            "MOTCUA_GREEN_DNS", "MOTCUA_KIOSK_TOKEN", "PORT"} <= found
    assert "EVENTLET_NO_GREENDNS" not in found  # written for eventlet, not read


def test_the_readme_documents_every_setting_the_code_reads():
    missing = read_by_the_code() - documented_in_the_readme()
    assert not missing, f"add to README.md's Configuration table: {sorted(missing)}"


def test_the_readme_documents_no_setting_the_code_does_not_read():
    stale = documented_in_the_readme() - read_by_the_code()
    assert not stale, f"README.md's Configuration table names settings nothing reads: {sorted(stale)}"
