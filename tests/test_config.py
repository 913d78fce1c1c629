"""Configuration comes from defaults, then the instance file, then MOTCUA_* variables."""
import pytest
from flask import Flask

from motcua.config import load_config


def app_in(tmp_path) -> Flask:
    return Flask("motcua", instance_path=str(tmp_path), instance_relative_config=True)


def test_defaults_give_an_sqlite_file_in_the_instance_folder_and_a_kept_secret(tmp_path, monkeypatch):
    for key in ("MOTCUA_DATABASE_URL", "MOTCUA_SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    first, second = app_in(tmp_path), app_in(tmp_path)
    load_config(first)
    load_config(second)
    assert first.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/motcua.sqlite"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_the_instance_file_overrides_defaults_and_the_environment_overrides_both(tmp_path, monkeypatch):
    (tmp_path / "motcua.cfg").write_text('PRINTER = "tcp://10.0.0.9:9100"\nLOOKUP_RATE_LIMIT = "5 per minute"\n')
    monkeypatch.setenv("MOTCUA_LOOKUP_RATE_LIMIT", "9 per minute")
    monkeypatch.setenv("MOTCUA_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("MOTCUA_SESSION_COOKIE_SECURE", "true")
    app = app_in(tmp_path)
    load_config(app)
    assert app.config["PRINTER"] == "tcp://10.0.0.9:9100"
    assert app.config["LOOKUP_RATE_LIMIT"] == "9 per minute"
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_numbers_and_booleans_from_the_environment_are_parsed(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_MAX_CONTENT_LENGTH", "1024")
    app = app_in(tmp_path)
    load_config(app)
    assert app.config["MAX_CONTENT_LENGTH"] == 1024


def test_the_instance_folder_is_where_motcua_instance_path_says(tmp_path, monkeypatch):
    from motcua import create_app

    monkeypatch.setenv("MOTCUA_INSTANCE_PATH", str(tmp_path / "written-here"))
    monkeypatch.delenv("MOTCUA_DATABASE_URL", raising=False)
    monkeypatch.delenv("MOTCUA_SECRET_KEY", raising=False)
    app = create_app()
    assert app.instance_path == str(tmp_path / "written-here")
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/written-here/motcua.sqlite"
    assert (tmp_path / "written-here" / "secret_key").exists()


def test_four_server_processes_pools_fit_in_postgresqls_default_100_connections(tmp_path):
    """With 10 + 20 per process, 4 processes asked for 120 and PostgreSQL refused Socket.IO
    connects at a province's connect burst ("too many clients already")."""
    from motcua.core.db import make_engine

    app = app_in(tmp_path)
    load_config(app)
    pool = (app.config["DB_POOL_SIZE"], app.config["DB_MAX_OVERFLOW"])
    engine = make_engine("postgresql+psycopg2://motcua@127.0.0.1/motcua", pool=pool)
    per_process = engine.pool.size() + engine.pool._max_overflow  # type: ignore[attr-defined]
    assert 4 * per_process <= 100 - 10  # room for migrate, notify, backup and psql


def test_a_server_databases_pool_is_set_from_the_environment(tmp_path, monkeypatch):
    from motcua import create_app

    monkeypatch.setenv("MOTCUA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MOTCUA_DATABASE_URL", "postgresql+psycopg2://motcua@127.0.0.1:1/motcua")
    monkeypatch.setenv("MOTCUA_DB_POOL_SIZE", "4")
    monkeypatch.setenv("MOTCUA_DB_MAX_OVERFLOW", "2")
    engine = create_app().extensions["motcua"].engine
    assert (engine.pool.size(), engine.pool._max_overflow) == (4, 2)


def refusal_of(tmp_path, monkeypatch, variable: str, value: str) -> str:
    """The one line create_app refuses to start with when `variable` is `value`."""
    from motcua import create_app

    monkeypatch.setenv("MOTCUA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path / 'motcua.sqlite'}")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError) as refused:
        create_app()
    return str(refused.value)


@pytest.mark.parametrize("variable", [
    "MOTCUA_LOGIN_RATE_LIMIT", "MOTCUA_GLOBAL_RATE_LIMIT", "MOTCUA_KIOSK_RATE_LIMIT",
    "MOTCUA_LOOKUP_ADDRESS_RATE_LIMIT", "MOTCUA_ONLINE_RATE_LIMIT"])
def test_a_misspelt_rate_limit_stops_the_app_instead_of_turning_the_limit_off(
        tmp_path, monkeypatch, variable):
    """Flask-Limiter skips a limit it cannot parse: "5 per minuet" let every sign-in through."""
    assert refusal_of(tmp_path, monkeypatch, variable, "5 per minuet") == (
        f"{variable}: '5 per minuet' is not a rate limit (e.g. \"5 per minute\")")


def test_rate_limits_flask_limiter_reads_are_taken(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_LOGIN_RATE_LIMIT", "5/minute; 30 per hour")
    app = app_in(tmp_path)
    load_config(app)
    assert app.config["LOGIN_RATE_LIMIT"] == "5/minute; 30 per hour"


@pytest.mark.parametrize(("value", "read"), [
    ("true", True), ("True", True), ("YES", True), ("1", True), ("on", True),
    ("false", False), ("False", False), ("no", False), ("0", False), ("Off", False)])
def test_booleans_are_read_in_any_case_as_true_false_yes_no_1_0_on_off(tmp_path, monkeypatch,
                                                                        value, read):
    """"False" was any text but "false": truthy, so MOTCUA_SESSION_COOKIE_SECURE=False made
    cookies Secure and a hall on plain HTTP could not sign in."""
    from motcua.config import DEFAULTS

    booleans = [name for name, default in DEFAULTS.items() if isinstance(default, bool)]
    for name in booleans:
        monkeypatch.setenv(f"MOTCUA_{name}", value)
    app = app_in(tmp_path)
    load_config(app)
    assert {app.config[name] for name in booleans} == {read}


def test_a_boolean_that_is_neither_stops_the_app_naming_its_variable(tmp_path, monkeypatch):
    assert refusal_of(tmp_path, monkeypatch, "MOTCUA_SESSION_COOKIE_SECURE", "maybe") == (
        "MOTCUA_SESSION_COOKIE_SECURE: 'maybe' is neither true nor false "
        "(true/false, yes/no, 1/0, on/off)")


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("MOTCUA_KIOSK_IDLE_SECONDS", "abc", "MOTCUA_KIOSK_IDLE_SECONDS: 'abc' is not a number of seconds"),
    ("MOTCUA_PRINT_AGENT_ACK_SECONDS", "-1", "MOTCUA_PRINT_AGENT_ACK_SECONDS: -1 is not a number of seconds"),
    ("MOTCUA_REDIS_TIMEOUT_SECONDS", "true", "MOTCUA_REDIS_TIMEOUT_SECONDS: True is not a number of seconds"),
    ("MOTCUA_WTF_CSRF_TIME_LIMIT", "abc", "MOTCUA_WTF_CSRF_TIME_LIMIT: 'abc' is not a number of seconds"),
    ("MOTCUA_SESSION_LIFETIME_MINUTES", "abc",
     "MOTCUA_SESSION_LIFETIME_MINUTES: 'abc' is not a number of minutes"),
    ("MOTCUA_MAX_CONTENT_LENGTH", "64k", "MOTCUA_MAX_CONTENT_LENGTH: '64k' is not a number of bytes"),
    ("MOTCUA_DB_POOL_SIZE", "abc", "MOTCUA_DB_POOL_SIZE: 'abc' is not a whole number"),
    ("MOTCUA_ONLINE_UPLOAD_MAX_FILES", "2.5", "MOTCUA_ONLINE_UPLOAD_MAX_FILES: 2.5 is not a whole number"),
    ("MOTCUA_REDIS_URL", "garbage", "MOTCUA_REDIS_URL is not a redis:// or rediss:// URL"),
    ("MOTCUA_RATELIMIT_STORAGE_URI", "garbage",
     "MOTCUA_RATELIMIT_STORAGE_URI is not a storage URI Flask-Limiter knows (memory://, redis://, …)"),
    ("MOTCUA_PRINT_WORKER", "bogus", "MOTCUA_PRINT_WORKER: 'bogus' is not one of server, process"),
    ("MOTCUA_ASYNC_MODE", "tornado", "MOTCUA_ASYNC_MODE: 'tornado' is not one of eventlet, gevent, threading"),
    ("MOTCUA_TRUSTED_PROXIES", "bogus", "MOTCUA_TRUSTED_PROXIES: 'bogus' is no address or network"),
    ("MOTCUA_PRINTER_PORTS", "lots", "MOTCUA_PRINTER_PORTS: 'lots' is not a port or a range"),
])
def test_a_setting_that_is_not_of_its_kind_stops_the_app_naming_its_variable(
        tmp_path, monkeypatch, variable, value, message):
    """Read only when used, "abc" seconds started a server whose kiosk pages were all 500."""
    assert refusal_of(tmp_path, monkeypatch, variable, value).startswith(message)


def test_numbers_are_kept_as_numbers_whatever_gave_them(tmp_path, monkeypatch):
    (tmp_path / "motcua.cfg").write_text('KIOSK_IDLE_SECONDS = "90"\nDB_POOL_SIZE = 4.0\n')
    monkeypatch.setenv("MOTCUA_REDIS_TIMEOUT_SECONDS", "0.5")
    app = app_in(tmp_path)
    load_config(app)
    assert (app.config["KIOSK_IDLE_SECONDS"], app.config["DB_POOL_SIZE"]) == (90, 4)
    assert app.config["REDIS_TIMEOUT_SECONDS"] == 0.5 and app.config["WTF_CSRF_TIME_LIMIT"] is None
