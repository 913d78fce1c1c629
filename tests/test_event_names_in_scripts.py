"""The pages' scripts name events only through `EVENTS` (served from `EventName` as
/live/events.js), so a renamed or removed event cannot leave a script listening for nothing."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from motcua.core.events import EventName

STATIC = Path(__file__).resolve().parent.parent / "motcua" / "static"
TEMPLATES = STATIC.parent / "templates"
SCRIPTS = sorted(p for p in STATIC.rglob("*.js") if "vendor" not in p.relative_to(STATIC).parts)
# A comment, or a string literal (group 2: its text); comments may mention events in words.
TOKEN = re.compile(r"""//[^\n]*|/\*.*?\*/|(["'`])((?:\\.|(?!\1).)*)\1""", re.S)
EVENT_REFERENCE = re.compile(r"\bEVENTS\.([A-Za-z_]\w*)")
LISTENED_OR_SENT = re.compile(r"""\.(?:on|once|off|emit)\(\s*(["'`])(\w+)\1""")
# Socket.IO's own events, and the messages a page sends to the server (not events it hears).
NOT_EVENTS = {"connect", "disconnect", "connect_error", "follow"}


def _names(path: Path) -> str:
    return str(path.relative_to(STATIC))


def test_there_are_scripts_to_check():
    assert any(p.name == "link.js" for p in SCRIPTS) and len(SCRIPTS) > 10


@pytest.mark.parametrize("script", SCRIPTS, ids=_names)
def test_a_script_names_no_event_as_a_bare_string(script: Path):
    values = {e.value for e in EventName}
    bare = [m.group(2) for m in TOKEN.finditer(script.read_text()) if m.group(2) in values]
    assert bare == [], f"{_names(script)}: use EVENTS.<NAME> for {bare}"


@pytest.mark.parametrize("script", SCRIPTS, ids=_names)
def test_a_script_names_only_events_the_server_sends(script: Path):
    text = script.read_text()
    unknown = [n for n in EVENT_REFERENCE.findall(text) if n not in EventName.__members__]
    unknown += [m.group(2) for m in LISTENED_OR_SENT.finditer(text) if m.group(2) not in NOT_EVENTS]
    assert unknown == [], f"{_names(script)} names events EventName lacks: {unknown}"


def test_the_events_script_is_the_enum(client):
    response = client.get("/live/events.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    served = json.loads(re.search(r"Object\.freeze\((\{.*\})\)", body, re.S).group(1))
    assert served == {e.name: e.value for e in EventName}
    again = client.get("/live/events.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("template", sorted(p for p in TEMPLATES.rglob("*.html")
                                            if "live/link.js" in p.read_text()),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_live_page_loads_the_event_names_before_its_scripts(template: Path):
    text = template.read_text()
    events_at = text.find("url_for('live.events')")
    assert 0 <= events_at < text.find("live/link.js")
