"""Configuration: defaults, then an instance config file, then MOTCUA_* variables.

The instance file is `<instance>/motcua.cfg` (Python syntax, Flask's `from_pyfile`).
Every upper-case default below can be set from the environment as `MOTCUA_<NAME>`;
values are parsed as JSON when they look like it (numbers, true/false), else kept as text.
"""
from __future__ import annotations

import json
import os
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # None: sqlite file in the instance folder
    "REDIS_URL": None,  # set: Socket.IO uses Redis as its message queue
    "PRINTER": "preview:printer-out",  # the demo kiosk's printer: PNG previews in a folder
    "PRINTER_TIMEOUT_SECONDS": 4,  # a printer's time to take a job (a URL's timeout= overrides)
    # Where the admin pages may point a kiosk's network printer (motcua/printer/device/urls.py
    # PrinterPolicy says why): IP ranges and ports, comma-separated.
    "PRINTER_NETWORKS": "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16",
    "PRINTER_PORTS": "9100-9109",
    "ASYNC_MODE": "threading",  # "eventlet" under `motcua serve`
    "PUBLIC_BASE_URL": None,  # e.g. http://10.0.0.5:5000; QR codes use the request's host otherwise
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "KIOSK_RATE_LIMIT": "30 per minute",
    "LOOKUP_RATE_LIMIT": "20 per minute",  # one address (or kiosk) looking up one code
    "LOOKUP_CODE_RATE_LIMIT": "60 per hour",  # one code, from every address together
    "LOOKUP_ADDRESS_RATE_LIMIT": "120 per minute",  # one address, every code together
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
    "ESTIMATE_CACHE_SECONDS": 10,  # how long the service rates behind wait estimates are reused
}

ENV_PREFIX = "MOTCUA_"


def _parse(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_pyfile("motcua.cfg", silent=True)
    for key, value in os.environ.items():
        if key.startswith(ENV_PREFIX):
            app.config[key[len(ENV_PREFIX):]] = _parse(value)
    if overrides:
        app.config.update(overrides)
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "motcua.sqlite")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_LIFETIME_MINUTES"] * 60
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"


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
