"""Every page has an icon served by the app itself (the halls are offline): no page asks for
a /favicon.ico that is not there, so no page logs an error for it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot


def test_the_base_template_links_an_icon_the_app_serves(client):
    page = client.get("/tra-cuu").get_data(as_text=True)
    link = re.search(r'<link rel="icon" [^>]*href="([^"]+)"', page)
    assert link is not None, "no icon linked"
    icon = client.get(link.group(1))
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.get_data() and b"http://" not in icon.get_data().replace(
        b"http://www.w3.org/2000/svg", b"")


@pytest.mark.browser
def test_a_citizens_page_loads_without_a_missing_icon_or_console_error(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    missing: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    page.goto(live_server.url + "/tra-cuu")
    expect(page.locator("h1")).to_have_text("Tra cứu hồ sơ")
    page.wait_for_load_state("networkidle")  # the browser asks for the icon after the load
    screenshot(page, "favicon-lookup-phone")
    context.close()
    assert missing == [] and errors == []
