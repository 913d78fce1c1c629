"""Fixtures for the admin tests: signed-in staff of each role and their actors."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from motcua import create_app
from motcua.auth.accounts import create_user, session_id
from motcua.core.accounts import StaffUser
from motcua.core.actors import SYSTEM, Actor, Role
from motcua.core.identity import actor_for_user
from motcua.models import metadata
from tests.conftest import runtime_of
from tests.support import system_ports


def sign_in(client: FlaskClient, user: StaffUser) -> FlaskClient:
    """A browser session signed in as `user` (what Flask-Login keeps after the sign-in form)."""
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = session_id(user)
        flask_session["_fresh"] = True
    return client


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of a page's forms, as a browser would submit it."""
    html = client.get(path).get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


@pytest.fixture
def admin_user(session: Any, clock: Any, demo_hall: Any) -> StaffUser:
    user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username="quantri", role=Role.ADMIN,
                          password="secret-pass", full_name="Quản trị viên")
    return user


@pytest.fixture
def supervisor_user(session: Any, clock: Any, demo_hall: Any) -> StaffUser:
    user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username="lanhdao", role=Role.SUPERVISOR,
                          password="secret-pass", hall_code="demo", full_name="Trần Thị Hồng")
    return user


@pytest.fixture
def admin(admin_user: StaffUser) -> Actor:
    return actor_for_user(admin_user)


@pytest.fixture
def supervisor(supervisor_user: StaffUser) -> Actor:
    return actor_for_user(supervisor_user)


@pytest.fixture
def admin_client(app: Any, admin_user: StaffUser) -> FlaskClient:
    return sign_in(app.test_client(), admin_user)


@pytest.fixture
def supervisor_client(app: Any, supervisor_user: StaffUser) -> FlaskClient:
    return sign_in(app.test_client(), supervisor_user)


@pytest.fixture
def realtime_app(database_url: str, clock: Any, tmp_path: Any) -> Iterator[Flask]:
    """Like the `app` fixture, but events really go out over Socket.IO."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "ASYNC_MODE": "threading", "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                      "PRINTER": "dummy:"}, clock=clock)
    app.instance_path = str(tmp_path / "instance")
    metadata.create_all(runtime_of(app).engine)
    yield app
    runtime_of(app).engine.dispose()
