"""The `motcua` commands: each does its job, and bad input is one line with a non-zero exit."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select

from motcua import create_app
from motcua.core.accounts import ApiToken, Device, StaffUser
from tests.servers import MOTCUA, free_port


@pytest.fixture
def fresh(tmp_path, clock, publisher):
    """An app on an empty database, as on a new server."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
                      "SECRET_KEY": "t", "PRINTER": "dummy:"}, clock=clock, publisher=publisher)
    return app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_db_upgrade_says_whether_it_made_the_schema_or_found_it_up_to_date(fresh):
    made = run(fresh, "db", "upgrade")
    assert made.exit_code == 0 and "schema made" in made.output, made.output
    again = run(fresh, "db", "upgrade")
    assert again.exit_code == 0 and "already up to date" in again.output, again.output


def test_a_postgresql_url_without_its_driver_is_told_which_to_name(tmp_path):
    from motcua.core.db import DatabaseUrlError, make_engine

    with pytest.raises(DatabaseUrlError, match=r"postgresql\+psycopg2://"):
        make_engine("postgresql://postgres@127.0.0.1:5432/test")


def test_db_upgrade_then_demo_prints_accounts_and_device_links(fresh):
    assert run(fresh, "db", "upgrade").exit_code == 0
    result = run(fresh, "demo")
    assert result.exit_code == 0, result.output
    assert re.search(r"canbo1\s+\S{8,}\s+officer", result.output)
    assert "/kiosk/demo/setup?token=mck_" in result.output
    assert "/rate/demo/1/setup?token=mcr_" in result.output
    assert "notifications: fake SMS" in result.output


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


def test_accounts_and_devices_added_from_the_command_line_are_recorded_as_the_system(fresh):
    from motcua.changes.models import ConfigChange

    run(fresh, "db", "upgrade")
    run(fresh, "demo")
    assert run(fresh, "user", "add", "lan", "--role", "officer", "--hall", "demo").exit_code == 0
    assert run(fresh, "kiosk", "add", "demo", "kiosk-2").exit_code == 0
    assert run(fresh, "tablet", "add", "demo", "2", "tablet-2").exit_code == 0
    with fresh.extensions["motcua"].sessions() as session:
        recorded = {(c.actor, c.entity, c.subject, c.action)
                    for c in session.scalars(select(ConfigChange))}
    assert {("system:motcua", "staff", "lan", "create"),
            ("system:motcua", "device", "kiosk-2", "create"),
            ("system:motcua", "device", "tablet-2", "create")} <= recorded


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


# --- bad input through the real `motcua` command: one line on stderr, never a traceback -------

REFUSING_POSTGRES = "postgresql+psycopg2://motcua@127.0.0.1:1/motcua"


@pytest.fixture
def motcua_cli(tmp_path, monkeypatch):
    """`motcua ARGS…` in this process, through the same group as the console command."""
    from click.testing import CliRunner

    from motcua.cli import MotcuaGroup

    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "t")
    monkeypatch.chdir(tmp_path)
    group = MotcuaGroup(create_app=create_app, add_default_commands=False)

    def invoke(*args):
        return CliRunner().invoke(group, list(args), prog_name="motcua")
    return invoke


def assert_one_line_error(result, message):
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert message in lines[0]


@pytest.mark.parametrize(("args", "message"), [
    (["user", "add", "x", "--role", "boss"], "Invalid value for '--role'"),
    (["user", "add"], "Missing argument 'NAME'"),
    (["user", "add", "x", "--role", "admin", "--bogus"], "No such option '--bogus'"),
    (["no-such-command"], "No such command 'no-such-command'"),
    (["serve", "--port", "99999"], "99999 is not in the range"),
    (["serve", "--port", "0"], "0 is not in the range"),
    (["voice", "check"], "Missing argument 'PACK'"),
])
def test_a_usage_error_is_one_line_naming_the_help_to_read(motcua_cli, args, message):
    result = motcua_cli(*args)
    assert result.exit_code == 2
    assert_one_line_error(result, message)
    assert "--help" in result.stderr and "Usage:" not in result.stderr


def test_a_group_without_its_subcommand_still_shows_its_help(motcua_cli):
    result = motcua_cli("user")
    assert result.exit_code == 2
    assert "Usage: motcua user" in result.stderr and "\n  add" in result.stderr
    assert "Error:" not in result.stderr


def test_help_with_a_bad_database_url_says_so_in_one_line(motcua_cli, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATABASE_URL", "notaurl")
    result = motcua_cli("--help")
    assert result.exit_code == 0 and "--env-file" in result.stdout
    assert result.stderr.strip().splitlines() == [
        "Error: DATABASE_URL (MOTCUA_DATABASE_URL) is not a database URL motcua can use: "
        "Could not parse SQLAlchemy URL from given URL string"]


def test_voice_build_into_a_path_under_a_regular_file_is_one_line(motcua_cli, tmp_path):
    (tmp_path / "a-file").write_text("")
    result = motcua_cli("voice", "build", "--out", str(tmp_path / "a-file" / "x"))
    assert_one_line_error(result, "cannot write the clip pack")


def test_db_upgrade_against_a_refused_postgresql_says_it_cannot_be_reached():
    app = create_app({"TESTING": True, "DATABASE_URL": REFUSING_POSTGRES, "SECRET_KEY": "t"})
    result = run(app, "db", "upgrade")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "cannot be reached" in result.output and "db upgrade` first" not in result.output


def test_an_unforeseen_failure_is_still_one_line(tmp_path, monkeypatch, capsys):
    from motcua import entry

    def broken(*_args, **_kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "t")
    monkeypatch.setattr("motcua.auth.cli.create_user", broken)
    monkeypatch.setattr("sys.argv", ["motcua", "user", "add", "lan", "--role", "admin"])
    with pytest.raises(SystemExit) as exit_:
        entry.main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.strip() == ("Error: unexpected RuntimeError: something nobody foresaw "
                           "(MOTCUA_TRACEBACK=1 shows where)")


def motcua_process(tmp_path, *args, env=None, timeout=60):
    """The installed console command, as an administrator types it."""
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "MOTCUA_SECRET_KEY": "t",
            "MOTCUA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    return subprocess.run([str(MOTCUA), *args], env={**base, **(env or {})}, cwd=tmp_path,
                          capture_output=True, text=True, timeout=timeout)


def test_a_database_url_that_is_not_a_url_is_one_line(tmp_path):
    done = motcua_process(tmp_path, "db", "upgrade", env={"MOTCUA_DATABASE_URL": "notaurl"})
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: DATABASE_URL (MOTCUA_DATABASE_URL) is not a database URL motcua can use: "
        "Could not parse SQLAlchemy URL from given URL string"]


def test_serve_refuses_a_port_another_server_listens_on(tmp_path):
    with socket.socket() as other:  # as eventlet listens: SO_REUSEPORT lets a second one join
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        try:
            done = motcua_process(tmp_path, "serve", "--host", "127.0.0.1", "--port", str(port),
                                  timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"motcua serve started on port {port}, which another server listens on")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"]


def test_the_demo_prints_full_links_with_the_default_host_and_port(fresh, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    run(fresh, "db", "upgrade")
    output = run(fresh, "demo").output
    assert re.search(r"^\s+kiosk:\s+http://localhost:5000/kiosk/demo/setup\?token=mck_\S+$",
                     output, re.M), output
    assert "http://localhost:5000/rate/demo/1/setup?token=mcr_" in output
    assert "citizens register a dossier online at http://localhost:5000/nop-ho-so/demo" in output


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


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("MOTCUA_LOGIN_RATE_LIMIT", "5 per minuet", "MOTCUA_LOGIN_RATE_LIMIT: '5 per minuet' is not a rate limit"),
    ("MOTCUA_SESSION_COOKIE_SECURE", "maybe", "MOTCUA_SESSION_COOKIE_SECURE: 'maybe' is neither"),
    ("MOTCUA_GREEN_DNS", "maybe", "MOTCUA_GREEN_DNS: 'maybe' is neither true nor false"),
    ("MOTCUA_KIOSK_IDLE_SECONDS", "abc", "MOTCUA_KIOSK_IDLE_SECONDS: 'abc' is not a number of seconds"),
    ("MOTCUA_DB_POOL_SIZE", "abc", "MOTCUA_DB_POOL_SIZE: 'abc' is not a whole number"),
    ("MOTCUA_REDIS_URL", "garbage", "MOTCUA_REDIS_URL is not a redis:// or rediss:// URL"),
    ("MOTCUA_PRINT_WORKER", "bogus", "MOTCUA_PRINT_WORKER: 'bogus' is not one of server, process"),
])
def test_serve_with_a_bad_setting_refuses_to_start_in_one_line_naming_it(tmp_path, variable, value,
                                                                         message):
    port = str(free_port())
    try:
        done = motcua_process(tmp_path, "serve", "--host", "127.0.0.1", "--port", port,
                              env={variable: value}, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"motcua serve started with {variable}={value!r}")
    assert done.returncode in (1, 2)  # 2: read before the app, with MOTCUA_ASYNC_MODE
    assert len(done.stderr.strip().splitlines()) == 1 and "unexpected" not in done.stderr
    assert done.stderr.startswith(f"Error: {message}"), done.stderr


def serve_refusal(tmp_path, database_url):
    port = str(free_port())
    try:
        return motcua_process(tmp_path, "serve", "--host", "127.0.0.1", "--port", port,
                              env={"MOTCUA_DATABASE_URL": database_url}, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"motcua serve started on {database_url}")


def test_serve_on_a_mistyped_sqlite_path_refuses_and_creates_no_empty_file(tmp_path):
    """It started, made an empty file there and answered 500 on every page."""
    mistyped = tmp_path / "motcau.sqlite"
    done = serve_refusal(tmp_path, f"sqlite:///{mistyped}")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: no database at {mistyped}; run `motcua db upgrade` first"]
    assert not mistyped.exists()


def test_serve_on_a_database_without_the_schema_says_to_upgrade(tmp_path):
    import sqlite3

    sqlite3.connect(tmp_path / "empty.sqlite").close()
    done = serve_refusal(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("Error: database not ready (no table ") and \
        done.stderr.strip().endswith("run `motcua db upgrade` first"), done.stderr


def test_serve_on_a_postgresql_out_of_reach_still_starts_to_answer_503(tmp_path):
    """The README's promise: the database away is an outage the pages wait out, not a set-up error."""
    from tests.servers import motcua_servers

    env = {**os.environ, "MOTCUA_DATABASE_URL": REFUSING_POSTGRES, "MOTCUA_SECRET_KEY": "t"}
    with motcua_servers(1, env, tmp_path) as (server,), \
            pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(server.url + "/api/v1/halls/demo/queue", timeout=10)
    assert answer.value.code == 503
