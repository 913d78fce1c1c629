"""The `motcua` commands: each does its job, and bad input is one line with a non-zero exit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from motcua import create_app
from motcua.queue.models import ApiToken, Device, StaffUser


@pytest.fixture
def fresh(tmp_path, clock, publisher):
    """An app on an empty database, as on a new server."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
                      "SECRET_KEY": "t", "PRINTER": "dummy:"}, clock=clock, publisher=publisher)
    return app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_db_upgrade_then_demo_prints_accounts_and_device_links(fresh):
    assert run(fresh, "db", "upgrade").exit_code == 0
    result = run(fresh, "demo")
    assert result.exit_code == 0, result.output
    assert re.search(r"canbo1\s+\S{8,}\s+officer", result.output)
    assert "/kiosk/demo/setup?token=mck_" in result.output
    assert "/rate/demo/1/setup?token=mcr_" in result.output


def test_the_demo_refuses_to_load_twice(fresh):
    run(fresh, "db", "upgrade")
    run(fresh, "demo")
    again = run(fresh, "demo")
    assert again.exit_code == 1 and again.output.strip() == "Error: The demo hall already exists"


def test_a_command_before_the_schema_exists_says_to_upgrade(fresh):
    result = run(fresh, "user", "add", "lan", "--role", "admin")
    assert result.exit_code == 1 and "motcua db upgrade" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_user_add_prints_a_generated_password_and_stores_only_its_hash(fresh):
    run(fresh, "db", "upgrade")
    result = run(fresh, "user", "add", "boss", "--role", "admin")
    password = result.output.split("password: ")[1].strip()
    with fresh.extensions["motcua"].sessions() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "boss"))
        assert user.password_hash.startswith("scrypt:") and password not in user.password_hash


@pytest.mark.parametrize(("args", "message"), [
    (["user", "add", "lan", "--role", "officer"], "belong to a hall"),
    (["user", "add", "lan", "--role", "admin", "--password", "short"], "at least 8"),
    (["user", "add", "Bad Name!", "--role", "admin"], "Username"),
    (["kiosk", "add", "nowhere", "k1"], "No hall with code 'nowhere'"),
    (["token", "create", "t", "--user", "ghost"], "No user 'ghost'"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(fresh, args, message):
    run(fresh, "db", "upgrade")
    result = run(fresh, *args)
    assert result.exit_code != 0 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_kiosk_add_and_token_create_print_tokens_stored_as_hashes(fresh):
    run(fresh, "db", "upgrade")
    run(fresh, "demo")
    kiosk = run(fresh, "kiosk", "add", "demo", "kiosk-2").output.split("token: ")[1].strip()
    token = run(fresh, "token", "create", "script", "--hall", "demo").output.strip()
    with fresh.extensions["motcua"].sessions() as session:
        stored = {d.token_hash for d in session.scalars(select(Device))}
        stored |= {t.token_hash for t in session.scalars(select(ApiToken))}
    assert kiosk.startswith("mck_") and token.startswith("mct_")
    assert kiosk not in stored and token not in stored


def test_the_demo_prints_full_links_with_the_default_host_and_port(fresh, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    run(fresh, "db", "upgrade")
    output = run(fresh, "demo").output
    assert re.search(r"^\s+kiosk:\s+http://localhost:5000/kiosk/demo/setup\?token=mck_\S+$",
                     output, re.M), output
    assert "http://localhost:5000/rate/demo/1/setup?token=mcr_" in output


def test_the_demo_links_use_the_port_when_set(fresh, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    run(fresh, "db", "upgrade")
    assert "  kiosk:   http://localhost:8123/kiosk/demo/setup?token=" in run(fresh, "demo").output


def test_the_demo_links_use_the_public_address_when_set(fresh, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    fresh.config["PUBLIC_BASE_URL"] = "http://10.0.0.5:5000/"
    run(fresh, "db", "upgrade")
    assert "  kiosk:   http://10.0.0.5:5000/kiosk/demo/setup?token=" in run(fresh, "demo").output


def test_a_kiosk_added_without_a_printer_option_prints_where_the_server_prints(fresh, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    fresh.config["PRINTER"] = "preview:printer-out"
    run(fresh, "db", "upgrade")
    run(fresh, "demo")
    assert run(fresh, "kiosk", "add", "demo", "kiosk-2").exit_code == 0
    with fresh.extensions["motcua"].sessions() as session:
        device = session.scalar(select(Device).where(Device.name == "kiosk-2"))
        assert device.printer == f"preview:{tmp_path / 'printer-out'}"


def test_serve_starts_without_eventlets_deprecation_notice(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONWARNINGS", "EVENTLET_TESTS") and not k.startswith("MOTCUA_")}
    env.update(MOTCUA_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite'}", MOTCUA_SECRET_KEY="t")
    # `serve --help` goes through the real start-up: eventlet imported and patching first.
    probe = ("import sys; sys.argv = ['motcua', 'serve', '--help']\n"
             "from motcua.entry import main\nmain()")
    result = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and "Run the server" in result.stdout
    assert "Eventlet is deprecated" not in result.stderr
    assert result.stderr.strip() == ""
