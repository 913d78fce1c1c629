"""motcua: kiosk and queue management for Vietnam's one-stop administrative halls."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing Flask here would run before `motcua serve` patches for eventlet
    from flask import Flask

    from motcua.core.clock import Clock
    from motcua.core.events import Publisher

# Catalogues of every component; Flask-Babel merges them (one .po per component keeps
# parallel work on translations from colliding).
TRANSLATION_DIRECTORIES = ";".join(
    f"{part}/translations" for part in ("kiosk", "display", "counter", "dossier", "admin", "printer",
                                           "booking", "notify")
) + ";translations"


def create_app(
    config: dict[str, Any] | None = None,
    *,
    clock: Clock | None = None,
    publisher: Publisher | None = None,
) -> Flask:
    """Build the app. Tests pass a config, a fake clock and a recording publisher."""
    from flask import Flask
    from flask_babel import get_locale

    from motcua import (
        admin,
        api,
        auth,
        booking,
        cli,
        counter,
        demo,
        display,
        dossier,
        inputs,
        kiosk,
        notify,
        printer,
        simulate,
        web,
    )
    from motcua.config import add_entrance, load_config, version_static_urls
    from motcua.core import db
    from motcua.core.clock import SystemClock
    from motcua.core.ports import Memo
    from motcua.extensions import (
        add_security_headers,
        babel,
        csrf,
        limiter,
        login_manager,
        select_locale,
        socketio,
    )
    from motcua.hub import bp as hub_bp
    from motcua.web import Runtime, close_db
    from motcua.web.realtime import (
        SocketIOPublisher,
        hall_message_queue,
        origin_rule,
        redis_options,
    )

    # The instance folder holds what the server writes: the SQLite file, the kept secret key,
    # uploaded dossier files, the fake SMS log. Installed as a package, Flask puts it under the
    # venv, which a hardened service may not write (deploy/ points it to /var/lib/motcua).
    app = Flask(__name__, instance_path=os.environ.get("MOTCUA_INSTANCE_PATH") or None,
                instance_relative_config=True)
    inputs.install(app)  # bounded `<int:…>`, no NUL bytes: before any route is added
    load_config(app, config)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATION_DIRECTORIES)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]  # limits shared by workers
    if str(app.config["RATELIMIT_STORAGE_URI"]).startswith(("redis://", "rediss://")):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                              redis_options(float(app.config["REDIS_TIMEOUT_SECONDS"])))

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        client_manager=hall_message_queue(app.config),  # Redis, when several processes
        cors_allowed_origins=origin_rule(app.config["PUBLIC_BASE_URL"]),
    )
    add_entrance(app)  # X-Forwarded-* believed from TRUSTED_PROXIES only; no WebSocket compression
    version_static_urls(app)  # ?v=… on static URLs: nginx lets browsers keep them (deploy/)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale  # base.html: <html lang=…>
    limiter.init_app(app)
    add_security_headers(app)

    engine = db.make_engine(app.config["DATABASE_URL"],
                            pool=(int(app.config["DB_POOL_SIZE"]), int(app.config["DB_MAX_OVERFLOW"])))
    app.extensions["motcua"] = Runtime(
        engine=engine,
        sessions=db.make_session_factory(engine),
        clock=clock or SystemClock(),
        publisher=publisher or SocketIOPublisher(socketio),
        memo=Memo(seconds=float(app.config["ESTIMATE_CACHE_SECONDS"])),
    )
    app.teardown_appcontext(close_db)
    web.register(app)  # error answers (503 + Retry-After while the database is away), events.js

    api.register(app)
    app.register_blueprint(hub_bp)
    cli.register(app)
    # Components: each registers its blueprints, Socket.IO namespaces and CLI commands.
    for component in (admin, auth, booking, counter, display, dossier, kiosk, notify, printer, simulate,
                      demo):
        component.register(app)
    return app
