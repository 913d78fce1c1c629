"""The look-up dispatcher: which finder answers a scanned or typed value."""
from __future__ import annotations

from typing import Any

import pytest

from motcua.kiosk.lookup import Found, LookupContext, Lookups, ticket_token_in

TOKEN = "UynBuVrAh4Vh6G9uQbVYIg"


@pytest.mark.parametrize("scanned", [
    f"http://192.168.1.10:5000/t/{TOKEN}",
    f"https://motcua.example.gov.vn/t/{TOKEN}?lang=en",
    f"/t/{TOKEN}",
    TOKEN,
])
def test_a_ticket_token_is_read_from_its_url_or_on_its_own(scanned):
    assert ticket_token_in(scanned) == TOKEN


@pytest.mark.parametrize("scanned", [
    "http://example.com/tra-cuu?code=H21.65-220914-0011",
    f"http://example.com/x/{TOKEN}",
    "H21.65-220914-0011",
    "short",
    "has spaces in it and more",
])
def test_values_that_are_not_ticket_codes_are_left_to_other_finders(scanned):
    assert ticket_token_in(scanned) is None


def _context() -> Any:
    return LookupContext(session=None, clock=None, hall=None)  # type: ignore[arg-type]


def test_finders_are_asked_in_turn_and_the_first_that_recognises_the_value_answers():
    lookups = Lookups()
    asked: list[str] = []

    def tickets(_ctx: LookupContext, value: str) -> Found | None:
        asked.append("ticket")
        return None

    def dossiers(_ctx: LookupContext, value: str) -> Found | None:
        asked.append("dossier")
        if value.startswith("H21."):
            return Found(kind="dossier", template="dossier/lookup.html", context={"code": value})
        return None

    lookups.register("ticket", tickets)
    lookups.register("dossier", dossiers)
    found = lookups.find(_context(), "  H21.65-220914-0011\n")
    assert found is not None and found.kind == "dossier"
    assert found.context == {"code": "H21.65-220914-0011"}
    assert asked == ["ticket", "dossier"]
    assert lookups.find(_context(), "nothing") is None


def test_registering_a_finder_again_replaces_it_as_each_app_start_does():
    lookups = Lookups()
    lookups.register("ticket", lambda _c, _v: None)
    lookups.register("ticket", lambda _c, v: Found(kind="ticket", template="t.html"))
    assert lookups.names() == ["ticket"]
    assert lookups.find(_context(), "1001") is not None


def test_empty_or_overlong_values_reach_no_finder():
    lookups = Lookups()
    lookups.register("all", lambda _c, v: Found(kind="any", template="t.html"))
    assert lookups.find(_context(), "   ") is None
    assert lookups.find(_context(), "x" * 301) is None
