"""Every part of the kiosk's screens within reach, at both kiosk sizes, with and without large
text and high contrast: the "Thủ tục" sectors and procedures, the look-up, booking and phone
keypads with their confirming buttons (labelled in words, and the primary look), whole
labels. Found by exploratory testing. Screenshots: artifacts/screenshots/kiosk-fit-*.png."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from motcua.booking.demo import load_demo_booking
from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.notify.settings import configure_channel
from tests.booking.test_browser import booked_for_today
from tests.kiosk.conftest import LANDSCAPE, PORTRAIT, LiveHall
from tests.kiosk.test_kiosk_accessibility import MEASURE
from tests.kiosk.test_kiosk_browser import open_kiosk, sector, shoot
from tests.support import system_ports

pytestmark = pytest.mark.browser

SIZES = [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape")]
MODES = [(), ("large-text",), ("large-text", "contrast")]


@pytest.fixture
def hall(live_hall: LiveHall) -> LiveHall:
    """The demo hall with its procedures, bookings and text messages."""
    clock = SystemClock()
    with live_hall.server.session() as session:
        dossiers.load_demo_catalogue(session, clock)
        load_demo_booking(Ports(session, clock, RecordingPublisher()))
        configure_channel(system_ports(session, clock), actor=SYSTEM, hall_code="demo",
                          kind="fake_sms", config={}, ahead=2)
    return live_hall


# Whether a citizen can bring the element into sight: it is whole on the screen, or it is in a
# list that scrolls (a page with overflow: hidden does not) and that list is whole on the screen.
REACHABLE = """(el) => {
  const whole = (box) => box.top >= -1 && box.left >= -1
    && box.bottom <= innerHeight + 1 && box.right <= innerWidth + 1;
  if (whole(el.getBoundingClientRect())) return true;
  for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    const style = getComputedStyle(up);
    if (["auto", "scroll"].includes(style.overflowY) && up.scrollHeight > up.clientHeight) {
      return whole(up.getBoundingClientRect());
    }
  }
  return false;
}"""

# Whether a button shows all of its words: nothing cut at its bottom or its right.
WHOLE_LABEL = """(el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1"""


def with_modes(page: Page, modes: tuple[str, ...]) -> None:
    for mode in modes:
        page.locator(f'[data-action="{mode}"]').click()
        expect(page.locator(f'[data-action="{mode}"]')).to_have_attribute("aria-pressed", "true")


def unreachable(page: Page, selector: str) -> list[str]:
    return [el.evaluate("(el) => el.outerHTML.slice(0, 80)") for el in page.locator(selector).all()
            if not el.evaluate(REACHABLE)]


def cut(page: Page, selector: str) -> list[str]:
    return [el.inner_text() for el in page.locator(selector).all() if not el.evaluate(WHOLE_LABEL)]


def whole_on_screen(locator: Any) -> None:
    expect(locator).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("viewport,orientation", SIZES)
@pytest.mark.parametrize("modes", MODES, ids=["plain", "large-text", "large-text-contrast"])
def test_every_part_of_the_procedures_screen_is_within_reach(browser, hall, viewport, orientation, modes):
    page = open_kiosk(browser, hall, viewport)
    with_modes(page, modes)
    page.locator('[data-action="procedures"]').click()
    expect(page.locator("#screen-procedures")).to_be_visible()
    assert unreachable(page, "[data-procedure-sector]") == []
    assert cut(page, "[data-procedure-sector]") == []
    assert page.eval_on_selector("#procedure-sectors", "(list) => list.scrollWidth <= list.clientWidth")
    page.locator('[data-procedure-sector="tu-phap"]').click()
    expect(page.get_by_test_id("procedure-list")).to_contain_text("Đăng ký kết hôn")
    # the chosen sector's procedures come into sight, the first of them whole
    whole_on_screen(page.locator("[data-procedure]").first)
    assert unreachable(page, "[data-procedure-sector], [data-procedure]") == []
    whole_on_screen(page.locator("#screen-procedures [data-action=home]"))
    if "contrast" in modes:
        assert page.evaluate(MEASURE) == [], "high contrast keeps every procedure readable"
    shoot(page, f"kiosk-fit-{orientation}-{'-'.join(modes) or 'plain'}-procedures")
    page.context.close()


KEYPADS = {
    "lookup": ("#screen-lookup .keypad button", '[data-action="lookup-submit"]'),
    "booking": ("#screen-booking .keypad button", '[data-action="booking-submit"]'),
}


@pytest.mark.parametrize("viewport,orientation", SIZES)
@pytest.mark.parametrize("modes", MODES, ids=["plain", "large-text", "large-text-contrast"])
def test_the_whole_keypad_and_its_confirming_button_are_on_the_screen(browser, hall, viewport, orientation,
                                                                       modes):
    page = open_kiosk(browser, hall, viewport)
    with_modes(page, modes)
    for screen, (keys, confirm) in KEYPADS.items():
        page.locator(f'#screen-home [data-action="{screen}"]').click()
        expect(page.locator(f"#screen-{screen}")).to_be_visible()
        for key in page.locator(keys).all():
            whole_on_screen(key)
        whole_on_screen(page.locator(confirm))
        whole_on_screen(page.locator(f"#screen-{screen} [data-action=home]"))
        assert cut(page, keys) == []
        shoot(page, f"kiosk-fit-{orientation}-{'-'.join(modes) or 'plain'}-{screen}")
        page.locator(f"#screen-{screen} [data-action=home]").click()
    sector(page, "dat-dai").click()
    page.locator('[data-action="phone"]').click()
    expect(page.locator("#screen-phone")).to_be_visible()
    for key in page.locator("#phone-keypad button").all():
        whole_on_screen(key)
    whole_on_screen(page.locator('#screen-phone [data-action="done"]'))
    shoot(page, f"kiosk-fit-{orientation}-{'-'.join(modes) or 'plain'}-phone")
    page.context.close()


def looks_primary(page: Page, selector: str) -> bool:
    """Filled with the brand's colour, as "Xong" and "Vẫn lấy số" are."""
    return page.eval_on_selector(selector, """(el) => {
      const brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim();
      const probe = document.createElement("i");
      probe.style.color = brand;
      document.body.append(probe);
      const filled = getComputedStyle(el).backgroundColor === getComputedStyle(probe).color;
      probe.remove();
      return filled;
    }""")


@pytest.mark.parametrize("lang,send,search,check_in,skip", [
    ("vi", "Gửi", "Tra cứu", "Xác nhận", "Bỏ qua"),
    ("en", "Send", "Look up", "Confirm", "Skip"),
])
def test_the_confirming_buttons_say_what_they_do_and_stand_out(browser, hall, lang, send, search, check_in,
                                                               skip):
    path = f"/kiosk/demo?lang={lang}"
    page = open_kiosk(browser, hall, PORTRAIT, path=path)
    page.locator('#screen-home [data-action="lookup"]').click()
    expect(page.locator('[data-action="lookup-submit"]')).to_have_text(search)
    assert looks_primary(page, '[data-action="lookup-submit"]')
    page.goto(hall.url(path))  # "Quay lại" would end the English session
    page.locator('#screen-home [data-action="booking"]').click()
    expect(page.locator('[data-action="booking-submit"]')).to_have_text(check_in)
    assert looks_primary(page, '[data-action="booking-submit"]')
    page.goto(hall.url(path))
    sector(page, "dat-dai").click()
    page.locator('[data-action="phone"]').click()
    submit = page.locator('[data-action="phone-submit"]')
    expect(submit).to_have_text(send)
    skipping = page.locator('#screen-phone [data-action="done"]')
    expect(skipping).to_have_text(skip)
    assert looks_primary(page, '[data-action="phone-submit"]')
    assert not looks_primary(page, '#screen-phone [data-action="done"]'), "one primary button"
    shoot(page, f"kiosk-fit-portrait-phone-{lang}")
    page.context.close()


def test_a_booking_checked_in_on_a_fresh_kiosk_raises_no_error(browser, hall):
    booked_for_today(hall, "20261206", minutes_from_now=5)
    page = open_kiosk(browser, hall, LANDSCAPE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.locator('[data-action="booking"]').click()
    for digit in "20261206":
        page.locator(f'#screen-booking [data-key="{digit}"]').click()
    page.locator('[data-action="booking-submit"]').click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    # after the frame and the task in which the kiosk measures the tap to the ticket
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    assert errors == []
    page.context.close()
