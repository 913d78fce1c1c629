"""The one audited path for accounts, tokens and devices: the same use cases for the admin pages
and the CLI, each change recorded with who made it. Domain tests: no Flask app."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from motcua.auth import accounts
from motcua.changes.errors import Denied, Invalid
from motcua.changes.models import ConfigChange
from motcua.core.accounts import ApiToken, Device, StaffUser
from motcua.core.actors import SYSTEM, Actor, DeviceKind, Role
from motcua.core.identity import actor_for_user
from motcua.core.ports import Ports


def changes(session: Any) -> list[tuple[str, str, str, str]]:
    return [(c.actor, c.entity, c.subject, c.action)
            for c in session.scalars(select(ConfigChange).order_by(ConfigChange.id))]


@pytest.fixture
def supervisor(ports: Ports, demo_hall: Any) -> Actor:
    user, _ = accounts.create_user(ports, actor=SYSTEM, username="hong", role=Role.SUPERVISOR,
                                   hall_code="demo")
    return actor_for_user(user)


def test_the_system_creates_accounts_tokens_and_devices_and_each_is_recorded(ports, session,
                                                                            demo_hall):
    accounts.create_user(ports, actor=SYSTEM, username="quantri", role=Role.ADMIN)
    accounts.create_api_token(ports, actor=SYSTEM, name="reports", role=Role.SUPERVISOR,
                              hall_code="demo")
    accounts.register_device(ports, actor=SYSTEM, hall_code="demo", name="kiosk-1",
                             kind=DeviceKind.KIOSK, printer="dummy:", printers=None)
    assert changes(session) == [("system:motcua", "staff", "quantri", "create"),
                                ("system:motcua", "api_token", "reports", "create"),
                                ("system:motcua", "device", "kiosk-1", "create")]


def test_a_supervisor_may_not_create_an_account_and_nothing_is_written(ports, session,
                                                                      supervisor):
    before = changes(session)
    with pytest.raises(Denied):
        accounts.create_user(ports, actor=supervisor, username="lan", role=Role.OFFICER,
                             hall_code="demo")
    assert session.scalar(select(StaffUser).where(StaffUser.username == "lan")) is None
    assert changes(session) == before


def test_only_an_administrator_of_every_hall_creates_a_token_of_no_hall(ports, session,
                                                                       demo_hall):
    local, _ = accounts.create_user(ports, actor=SYSTEM, username="qt-demo", role=Role.ADMIN,
                                    hall_code="demo")
    with pytest.raises(Denied):
        accounts.create_api_token(ports, actor=actor_for_user(local), name="everywhere",
                                  role=Role.SUPERVISOR)
    assert session.scalar(select(ApiToken.id)) is None


def test_the_pages_refuse_a_printer_on_the_server_that_the_cli_may_give(ports, session,
                                                                        demo_hall):
    with pytest.raises(Invalid) as caught:
        accounts.register_device(ports, actor=SYSTEM, hall_code="demo", name="kiosk-1",
                                 kind=DeviceKind.KIOSK, printer="preview:/srv/www")
    assert caught.value.problems[0].field == "printer"
    accounts.register_device(ports, actor=SYSTEM, hall_code="demo", name="kiosk-1",
                             kind=DeviceKind.KIOSK, printer="preview:/srv/www", printers=None)
    assert session.scalar(select(Device.printer)) == "preview:/srv/www"


def test_an_officer_or_supervisor_account_needs_a_hall(ports, demo_hall):
    with pytest.raises(Invalid) as caught:
        accounts.create_user(ports, actor=SYSTEM, username="lan", role=Role.OFFICER)
    assert [p.field for p in caught.value.problems] == ["hall"]


def test_signing_out_everywhere_ends_every_session_without_an_audit_row(ports, session,
                                                                       supervisor):
    user = session.get_one(StaffUser, supervisor.user_id)
    kept = accounts.session_id(user)
    before = changes(session)
    accounts.end_every_session(ports, user_id=user.id)
    session.expire_all()
    assert accounts.user_of_session(session, kept) is None
    assert changes(session) == before

