"""The agency code at the start of dossier codes is set per hall in /admin (audited); a hall
without one uses the installation's MOTCUA_AGENCY_CODE."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from motcua.admin import halls
from motcua.changes.errors import Invalid
from motcua.changes.models import ConfigChange
from motcua.dossier import services as dossiers
from motcua.queue.services import get_hall
from tests.admin.conftest import csrf_token
from tests.dossier.support import INSTALLATION, prepare, receive, serve_a_citizen


def test_a_hall_with_its_own_agency_code_numbers_its_dossiers_under_it(ports, admin):
    prepare(ports)
    officer = serve_a_citizen(ports)
    assert receive(ports, officer).code == "H21.65-261125-0001"  # the installation's
    halls.update_agency_code(ports, actor=admin, hall_code="demo", agency_code="000.00.21.H29")
    assert dossiers.agency_code_of(get_hall(ports.session, "demo"), INSTALLATION) == "000.00.21.H29"
    assert receive(ports, officer).code == "000.00.21.H29-261125-0001"
    change = ports.session.scalars(select(ConfigChange).where(
        ConfigChange.entity == "dossier_settings")).one()
    assert change.actor == admin.label
    halls.update_agency_code(ports, actor=admin, hall_code="demo", agency_code=None)
    assert receive(ports, officer).code == "H21.65-261125-0002"  # numbered per agency


def test_a_malformed_agency_code_is_refused_with_its_field(ports, admin):
    with pytest.raises(Invalid) as refused:
        halls.update_agency_code(ports, actor=admin, hall_code="demo", agency_code="H21 65/x")
    assert [p.field for p in refused.value.problems] == ["agency_code"]


def test_the_hall_page_edits_the_agency_code(admin_client, ports):
    token = csrf_token(admin_client, "/admin/demo/")
    page = admin_client.get("/admin/demo/").get_data(as_text=True)
    assert 'name="agency_code"' in page and "H21.65" in page
    saved = admin_client.post("/admin/demo/", data={"csrf_token": token, "part": "dossier",
                                                    "agency_code": "H29.10"})
    assert saved.status_code == 302
    ports.session.expire_all()
    assert get_hall(ports.session, "demo").settings["agency_code"] == "H29.10"
    wrong = admin_client.post("/admin/demo/", data={"csrf_token": token, "part": "dossier",
                                                    "agency_code": "??"})
    assert wrong.status_code == 422 and "H21.65 hoặc 000.00.21.H29" in wrong.get_data(as_text=True)


def test_the_hall_page_has_one_dossier_panel(admin_client, ports):
    page = admin_client.get("/admin/demo/").get_data(as_text=True)
    assert page.count('data-testid="agency-code"') == 1
