"""Everyone at the kiosk: high contrast, large text and voice guidance are one tap from every
screen, stay while the citizen goes on (even across a language switch), and end when the
kiosk falls back to its attract screen. Screenshots in portrait and landscape."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.kiosk.conftest import LANDSCAPE, PORTRAIT
from tests.kiosk.test_kiosk_accessibility import MEASURE
from tests.kiosk.test_kiosk_browser import (
    comes_into_sight,
    in_sight,
    open_kiosk,
    sector,
    sectors_in_sight,
    shoot,
)

pytestmark = pytest.mark.browser

MODES = ("contrast", "large-text")


def mode_button(page: Page, mode: str) -> Any:
    return page.locator(f'[data-action="{mode}"]')


def root_font_px(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport,orientation", [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape")])
def test_high_contrast_and_large_text_are_one_tap_from_every_screen(browser, live_hall,
                                                                     viewport, orientation):
    live_hall.issue("dat-dai")
    page = open_kiosk(browser, live_hall, viewport)
    plain = root_font_px(page)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    mode_button(page, "contrast").click()
    expect(mode_button(page, "contrast")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert background != "rgb(0, 0, 0)"
    assert page.evaluate(MEASURE) == [], "high contrast keeps 28 px text, 4.5:1 and 72 px targets"
    shoot(page, f"kiosk-{orientation}-modes-1-high-contrast")

    mode_button(page, "large-text").click()
    expect(mode_button(page, "large-text")).to_have_attribute("aria-pressed", "true")
    assert root_font_px(page) >= plain * 1.25
    assert no_horizontal_scroll(page)
    expect(page.locator('[data-action="priority"]')).to_be_in_viewport()
    shoot(page, f"kiosk-{orientation}-modes-2-high-contrast-large-text")

    # Every screen keeps the buttons and the modes.
    page.locator('[data-action="priority"]').click()
    expect(page.locator("#screen-priority")).to_be_visible()
    for mode in MODES:
        expect(mode_button(page, mode)).to_be_in_viewport(ratio=1)
    expect(page.locator("#screen-priority [data-action=home]")).to_be_in_viewport(ratio=1)
    shoot(page, f"kiosk-{orientation}-modes-3-priority")
    page.locator("#screen-priority [data-action=home]").click()
    sector(page, "dat-dai").click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    expect(page.locator("#ticket-number")).to_be_in_viewport()
    page.wait_for_function("() => document.getElementById('ticket-qr').naturalWidth > 0")
    for mode in MODES:
        expect(mode_button(page, mode)).to_be_in_viewport(ratio=1)
    expect(page.locator('[data-action="done"]')).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")
    shoot(page, f"kiosk-{orientation}-modes-4-ticket")
    page.locator('[data-action="done"]').click()
    page.locator('[data-action="lookup"]').click()
    expect(page.locator("#screen-lookup")).to_be_visible()
    shoot(page, f"kiosk-{orientation}-modes-5-lookup")

    # Tapping again turns a mode off.
    mode_button(page, "large-text").click()
    expect(mode_button(page, "large-text")).to_have_attribute("aria-pressed", "false")
    assert root_font_px(page) == plain
    page.context.close()


def test_large_text_alone_keeps_every_screen_usable_in_portrait(browser, live_hall):
    page = open_kiosk(browser, live_hall, PORTRAIT)
    mode_button(page, "large-text").click()
    assert no_horizontal_scroll(page)
    # Three rows of sectors whole in sight: the header's words a little smaller and
    # "Ưu tiên" in a row of its own over the other buttons left them two, the second cut.
    assert sectors_in_sight(page) >= 6
    assert page.evaluate(MEASURE) == [], "large text keeps 28 px text and 72 px targets"
    shoot(page, "kiosk-portrait-modes-large-text")
    page.locator('[data-action="priority"]').click()
    for choice in page.locator("[data-priority]").all():
        expect(choice).to_be_in_viewport(ratio=1)
    expect(page.locator("#screen-priority [data-action=home]")).to_be_in_viewport(ratio=1)
    shoot(page, "kiosk-portrait-modes-large-text-priority")
    page.context.close()


def test_the_modes_survive_a_language_switch_and_end_at_the_attract_screen(browser, live_hall):
    live_hall.server.app.config["KIOSK_IDLE_SECONDS"] = 2
    page = open_kiosk(browser, live_hall, PORTRAIT)
    mode_button(page, "contrast").click()
    page.locator(".btn-lang").click()
    expect(page.locator("#prompt")).to_contain_text("Touch")
    expect(mode_button(page, "contrast")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")

    expect(page.locator("#screen-attract")).to_be_visible(timeout=15000)
    page.locator("#screen-attract").click()
    expect(page.locator("#screen-home")).to_be_visible()
    expect(mode_button(page, "contrast")).to_have_attribute("aria-pressed", "false")
    assert not page.evaluate("document.documentElement.classList.contains('high-contrast')")
    page.reload()
    expect(mode_button(page, "contrast")).to_have_attribute("aria-pressed", "false")
    page.context.close()


def voice_requests(page: Page) -> list[str]:
    heard: list[str] = []
    page.on("requestfinished", lambda request: heard.append(request.url)
            if "/voice/" in request.url else None)
    return heard


def test_the_voice_button_reads_the_open_sectors_and_then_the_ticket(browser, live_hall):
    page = open_kiosk(browser, live_hall, LANDSCAPE)
    heard = voice_requests(page)
    mode_button(page, "voice").click()
    expect(mode_button(page, "voice")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#kiosk")).to_have_attribute("data-speaking", "sectors")
    # Each sector is outlined while its name is read, from the first one on.
    expect(sector(page, "dat-dai")).to_have_class("sector speaking", timeout=20000)
    shoot(page, "kiosk-landscape-voice-reading-sectors")
    expect(sector(page, "moi-truong")).to_have_class("sector speaking", timeout=20000)
    assert any(url.endswith("/kiosk/voice/kiosk_choose") for url in heard)
    assert any("/kiosk/demo/voice/sector/dat-dai?lang=vi" in url for url in heard)

    sector(page, "nong-nghiep").click()  # tapping stops the reading and issues
    expect(page.locator("#screen-ticket")).to_be_visible()
    expect(page.locator("#kiosk")).to_have_attribute("data-speaking", "ticket")
    expect(page.locator("#ticket-number.speaking")).to_be_visible(timeout=10000)
    assert any("/kiosk/demo/voice/ticket?lang=vi&number=3001" in url for url in heard)
    page.wait_for_function("() => document.getElementById('kiosk').dataset.speaking === ''",
                           timeout=30000)
    assert any(url.endswith("/kiosk/voice/kiosk_when_called") for url in heard)
    assert page.locator(".speaking").count() == 0
    page.context.close()


def test_the_voice_brings_each_sector_it_reads_into_sight(browser, live_hall):
    # Large text on a landscape kiosk: the seventh sector is below the bottom until it is read.
    page = open_kiosk(browser, live_hall, LANDSCAPE)
    mode_button(page, "large-text").click()
    assert not in_sight(page, "tu-phap")
    mode_button(page, "voice").click()
    expect(sector(page, "tu-phap")).to_have_class("sector speaking", timeout=45000)
    comes_into_sight(page, "tu-phap")
    page.context.close()
