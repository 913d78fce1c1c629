"""Configuration: defaults, then an instance config file, then MOTCUA_* variables.

The instance file is `<instance>/motcua.cfg` (Python syntax, Flask's `from_pyfile`).
Every upper-case default below can be set from the environment as `MOTCUA_<NAME>`;
values are parsed as JSON when they look like it (numbers, true/false), else kept as text,
and every typed setting is then read by its kind (`_check`). This module imports nothing
heavy: `motcua.entry` reads its own settings with it before eventlet patches the library.
"""
from __future__ import annotations

import ipaddress
import json
import math
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # None: sqlite file in the instance folder
    # Connections one server process keeps to a server database, and may open beyond them at a
    # peak: processes x (both) must stay below PostgreSQL's max_connections (100 by default).
    "DB_POOL_SIZE": 10,
    "DB_MAX_OVERFLOW": 5,
    "REDIS_URL": None,  # set: Socket.IO uses Redis as its message queue
    "PRINTER": "preview:printer-out",  # the demo kiosk's printer: PNG previews in a folder
    "PRINTER_TIMEOUT_SECONDS": 4,
    # "server": server processes draw and send network printers' jobs; "process": the print
    # worker (`motcua printer worker`, deploy/systemd/motcua-printer.service) does.
    "PRINT_WORKER": "server",  # a printer's time to take a job (a URL's timeout= overrides)
    # Where the admin pages may point a kiosk's network printer (motcua/printer/device/urls.py
    # PrinterPolicy says why): IP ranges and ports, comma-separated.
    "PRINTER_NETWORKS": "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16",
    "PRINTER_PORTS": "9100-9109",
    "ASYNC_MODE": "threading",  # "eventlet" under `motcua serve`
    # The reverse proxies (nginx, deploy/) whose X-Forwarded-For and -Proto are believed:
    # addresses or networks, comma-separated. Empty: every request's own address counts.
    "TRUSTED_PROXIES": "",
    "PUBLIC_BASE_URL": None,  # e.g. http://10.0.0.5:5000; QR codes use the request's host otherwise
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "KIOSK_RATE_LIMIT": "30 per minute",
    "BOOKING_RATE_LIMIT": "10 per hour",  # bookings, moves and cancels from one address
    "LOOKUP_RATE_LIMIT": "20 per minute",  # one address (or kiosk) looking up one code
    "LOOKUP_CODE_RATE_LIMIT": "60 per hour",  # one code, from every address together
    "LOOKUP_ADDRESS_RATE_LIMIT": "120 per minute",  # one address, every code together
    "ONLINE_RATE_LIMIT": "10 per hour",  # dossiers registered online from one address
    "ONLINE_UPLOAD_MAX_BYTES": 5 * 1024 * 1024,  # each file of an online dossier
    "ONLINE_UPLOAD_MAX_FILES": 10,  # files of one online dossier
    "ONLINE_UPLOAD_TYPES": "application/pdf,image/jpeg,image/png",  # checked by content
    "LOGIN_RATE_LIMIT": "5 per minute",  # failed sign-ins of one username from one address
    "LOGIN_USER_RATE_LIMIT": "30 per hour",  # failed sign-ins of one username, every address
    "LOGIN_ADDRESS_RATE_LIMIT": "20 per minute",  # failed sign-ins from one address, any name
    "GLOBAL_RATE_LIMIT": "1200 per minute",  # every page and API call of one address
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,  # Redis away: limits count in each process
    "RATELIMIT_SWALLOW_ERRORS": True,  # requests in flight when Redis fails pass unchecked
    "REDIS_TIMEOUT_SECONDS": 0.25,  # each Redis connect or reply; a tap never waits longer
    "SESSION_LIFETIME_MINUTES": 480,
    "SESSION_COOKIE_SECURE": False,  # set true behind HTTPS
    "WTF_CSRF_TIME_LIMIT": None,  # a CSRF token lives as long as its (expiring) session
    "ESTIMATE_CACHE_SECONDS": 10,  # reuse of wait forecasts, service rates, channels, token actors
}

ENV_PREFIX = "MOTCUA_"


def _parse(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


SERVE_MODES = ("eventlet", "gevent", "threading")  # MOTCUA_ASYNC_MODE
PRINT_WORKER_MODES = ("server", "process")  # MOTCUA_PRINT_WORKER


class ConfigError(ValueError):
    """A setting motcua cannot use: `motcua` says so in one line naming its variable, and the
    app is not built (a server that started would skip the setting or fail every request)."""


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_pyfile("motcua.cfg", silent=True)
    for key, value in os.environ.items():
        if key.startswith(ENV_PREFIX):
            app.config[key[len(ENV_PREFIX):]] = _parse(value)
    if overrides:
        app.config.update(overrides)
    _check(app.config)
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "motcua.sqlite")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_LIFETIME_MINUTES"] * 60
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"


def _check(config: dict[str, Any]) -> None:
    """Every typed setting is read here, once, before anything uses it (the printer networks
    where the printer package reads them: `motcua.printer.register`)."""
    for name, value in config.items():
        if name.endswith("_RATE_LIMIT"):
            _rate_limit(name, value)
        elif name.endswith("_SECONDS"):  # the kiosk's timings and PRINT_AGENT_ACK_SECONDS too
            config[name] = _number(name, value, "a number of seconds")
    for name, default in DEFAULTS.items():
        if isinstance(default, bool):
            config[name] = boolean(ENV_PREFIX + name, config[name])
        elif name.endswith("_MINUTES"):
            config[name] = _number(name, config[name], "a number of minutes")
        elif name in ("MAX_CONTENT_LENGTH", "ONLINE_UPLOAD_MAX_BYTES"):
            config[name] = int(_number(name, config[name], "a number of bytes", whole=True))
        elif isinstance(default, int) and not name.endswith("_SECONDS"):
            config[name] = int(_number(name, config[name], "a whole number", whole=True))
    if config["WTF_CSRF_TIME_LIMIT"] is not None:
        config["WTF_CSRF_TIME_LIMIT"] = _number("WTF_CSRF_TIME_LIMIT", config["WTF_CSRF_TIME_LIMIT"],
                                                "a number of seconds")
    config["ASYNC_MODE"] = _choice("ASYNC_MODE", config["ASYNC_MODE"], SERVE_MODES)
    config["PRINT_WORKER"] = _choice("PRINT_WORKER", config["PRINT_WORKER"], PRINT_WORKER_MODES)
    if config["REDIS_URL"] and not str(config["REDIS_URL"]).startswith(("redis://", "rediss://")):
        raise ConfigError(f"{ENV_PREFIX}REDIS_URL is not a redis:// or rediss:// URL")
    _storage_uri(config["RATELIMIT_STORAGE_URI"])


def _number(name: str, value: Any, kind: str, whole: bool = False) -> float:
    """A count or an amount, at least 0; JSON or motcua.cfg may give it as text."""
    try:
        number = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not 0 <= number < math.inf or (whole and not number.is_integer()):
        raise ConfigError(f"{ENV_PREFIX}{name}: {value!r} is not {kind}")
    return number


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    chosen = str(value).strip().lower()
    if chosen not in choices:
        raise ConfigError(f"{ENV_PREFIX}{name}: {value!r} is not one of {', '.join(choices)}")
    return chosen


def _storage_uri(uri: Any) -> None:
    """Where Flask-Limiter counts; said without the URI, which may hold a password."""
    from limits.storage import SCHEMES

    scheme, found, _ = str(uri).partition("://")
    if not found or scheme not in SCHEMES or scheme.startswith("async+"):
        raise ConfigError(f"{ENV_PREFIX}RATELIMIT_STORAGE_URI is not a storage URI Flask-Limiter "
                          "knows (memory://, redis://, …)")


BOOLEAN_WORDS = {"true": True, "yes": True, "1": True, "on": True,
                 "false": False, "no": False, "0": False, "off": False}


def boolean(variable: str, value: Any) -> bool:
    """A yes/no setting, as the environment, motcua.cfg or JSON give it, in any case. Text
    other than these words was true before, "False" included."""
    word = str(value).strip().lower()  # True, 1 and "on" alike
    if word not in BOOLEAN_WORDS:
        raise ConfigError(f"{variable}: {value!r} is neither true nor false "
                          "(true/false, yes/no, 1/0, on/off)")
    return BOOLEAN_WORDS[word]


def _rate_limit(name: str, value: Any) -> None:
    """Flask-Limiter skips a limit it cannot parse, with nothing said: "5 per minuet" would
    let every failed sign-in through. Its own parser decides."""
    from limits import parse_many

    try:
        parse_many(str(value))
    except ValueError:
        raise ConfigError(f'{ENV_PREFIX}{name}: {value!r} is not a rate limit (e.g. "5 per minute")'
                          ) from None


def _instance_secret(instance_path: str) -> str:
    """A secret generated once per installation, so sessions survive restarts."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(os.urandom(32).hex())
    with open(path) as f:
        return f.read().strip()


ProxyNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO",
                     "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX")


def proxy_networks(setting: str | Iterable[str] | None) -> list[ProxyNetwork]:
    """TRUSTED_PROXIES as networks; a wrong entry stops the server with its name."""
    entries = setting.split(",") if isinstance(setting, str) else list(setting or [])
    networks = []
    for entry in (e.strip() for e in entries):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ConfigError(f"MOTCUA_TRUSTED_PROXIES: {entry!r} is no address or network"
                                  ) from None
    return networks


def _untouched(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return ()


def entrance(app: WSGIApplication, networks: list[ProxyNetwork]) -> WSGIApplication:
    """WSGI middleware, outermost, so Socket.IO sees what the pages see. It does two things to
    every request before the app reads it:

    - A request that came through a trusted proxy gets the citizen's address (the last
      X-Forwarded-For entry, which the proxy added) and scheme; any other request has its
      X-Forwarded-* headers removed, so nobody escapes a rate limit, or poses as HTTPS or as
      another host, by writing them. Rate limits, sign-in logs and origin checks read the result.
    - WebSocket connections are made without permessage-deflate. Browsers offer it and the
      WebSocket servers under Socket.IO accept it, then keep a zlib compressor for the life of
      each connection: about 100 KB of server memory per hall board, to compress messages of a
      few hundred bytes on the hall's LAN. Without the offer the handshake settles on plain frames.

    One function, not a stack of middleware objects: every idle WebSocket keeps the frames of
    every layer it came through on its green thread's stack for as long as the board is on,
    about 3 KB a layer and board (measured with 200 boards). Werkzeug's ProxyFix rewrites the
    environ and then calls on; here it rewrites and returns, and the app is called from here.
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    fix_forwarded = ProxyFix(_untouched, x_for=1, x_proto=1)

    def from_proxy(address: str) -> bool:
        if not networks:  # no proxy configured: nothing to parse on every request
            return False
        try:
            peer = ipaddress.ip_address(address.removeprefix("::ffff:"))
        except ValueError:  # a Unix socket, or no address
            return False
        return any(peer in network for network in networks)

    def enter(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if from_proxy(environ.get("REMOTE_ADDR", "")):
            fix_forwarded(environ, start_response)
        else:
            for header in FORWARDED_HEADERS:
                environ.pop(header, None)
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return app(environ, start_response)

    return enter


def add_entrance(app: Flask) -> None:
    """Put `entrance` in front of the app, with the proxies TRUSTED_PROXIES names."""
    app.wsgi_app = entrance(  # type: ignore[method-assign,assignment]
        app.wsgi_app, proxy_networks(app.config["TRUSTED_PROXIES"]))


def version_static_urls(app: Flask) -> None:
    """Static URLs carry `?v=<the file's modification time>`: the nginx site (deploy/) lets
    browsers keep such a URL for a year, and an upgrade changes it. Read once per file, as the
    files only change with an upgrade, which restarts the server."""
    versions: dict[str, str] = {}
    folder = app.static_folder or ""

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        filename = values.get("filename")
        if endpoint != "static" or not isinstance(filename, str) or "v" in values:
            return
        if filename not in versions:
            try:
                versions[filename] = format(int(os.stat(os.path.join(folder, filename)).st_mtime), "x")
            except OSError:  # no such file: the URL stays as it was and answers 404
                versions[filename] = ""
        if versions[filename]:
            values["v"] = versions[filename]
