"""Every kiosk screen, measured in the browser: text at least 28 px, contrast at least 4.5:1
(WCAG AA for normal text, stricter than AA asks of text this large), touch targets at
least 72 px, and nothing that only a hover would reveal."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from motcua.queue.models import Sector
from tests.kiosk.conftest import LANDSCAPE, PORTRAIT
from tests.kiosk.test_kiosk_browser import open_kiosk, sector

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const problems = [];
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const name = (el) => `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}`;
  for (const el of document.querySelectorAll("body *")) {
    if (!el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    if (text) {
      const size = parseFloat(style.fontSize);
      if (size < 28) problems.push(`${name(el)} "${text.slice(0, 30)}": ${size} px`);
      const [light, dark] = [luminance(rgb(style.color)), luminance(background(el))].sort((a, b) => b - a);
      const ratio = (light + 0.05) / (dark + 0.05);
      if (ratio < 4.5) problems.push(`${name(el)} "${text.slice(0, 30)}": contrast ${ratio.toFixed(2)}`);
    }
    if (el.matches("button, a")) {
      const box = el.getBoundingClientRect();
      if (box.width < 72 || box.height < 72) problems.push(`${name(el)}: ${box.width}×${box.height} px`);
    }
  }
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (rule.selectorText && rule.selectorText.includes(":hover")) problems.push(`hover rule ${rule.selectorText}`);
    }
  }
  return problems;
}"""


def check(page: Page, screen: str) -> None:
    expect(page.locator(f"#screen-{screen}")).to_be_visible()
    assert page.evaluate(MEASURE) == [], screen


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_every_kiosk_screen_has_large_text_strong_contrast_and_large_targets(browser, live_hall,
                                                                             viewport):
    live_hall.server.app.config["KIOSK_IDLE_SECONDS"] = 2
    with live_hall.server.session() as session:
        session.execute(update(Sector).where(Sector.code == "y-te").values(is_open=False))
        session.commit()
    ticket = live_hall.issue("dat-dai")
    page = open_kiosk(browser, live_hall, viewport)
    check(page, "home")
    page.locator('[data-action="priority"]').click()
    check(page, "priority")
    page.locator('[data-priority="disabled"]').click()
    check(page, "home")
    sector(page, "dat-dai").click()
    check(page, "ticket")
    page.locator('[data-action="done"]').click()
    page.keyboard.type(ticket["token"])
    page.keyboard.press("Enter")
    expect(page.locator("#lookup-result .found")).to_be_visible()
    check(page, "lookup")
    page.locator("#screen-lookup [data-action=home]").click()
    expect(page.locator("#screen-attract")).to_be_visible(timeout=10000)
    check(page, "attract")
    page.context.close()
