import pytest

from tests.conftest import screenshot


@pytest.mark.browser
def test_the_live_server_serves_the_openapi_document_to_a_real_browser(live_server, browser):
    page = browser.new_page()
    page.goto(live_server.url + "/api/v1/openapi.json")
    assert '"openapi"' in page.content()
    screenshot(page, "openapi")
    page.close()
