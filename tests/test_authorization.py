"""Who may call what, for every route: each /api/v1 operation of the OpenAPI document and each
page and form (GET and POST) of the admin, counter and dossier blueprints is called as every
role and the answer is checked against the rule table below.

The routes are read from the running app, not listed by hand: a new route without a rule
fails ("... has no authorization rule"), so whoever adds a route says who may use it.

One app serves every call. After each POST the database is put back to the same snapshot
(SQLite's backup API, a few milliseconds), so a call that deletes or locks something cannot
change what the next call meets.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from motcua import create_app
from motcua.auth.accounts import create_api_token, create_user, register_device, session_id
from motcua.core.accounts import ApiToken, StaffUser
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import FixedClock
from motcua.core.events import RecordingPublisher
from motcua.core.identity import actor_for_device, actor_for_user
from motcua.core.ports import Ports
from motcua.dossier import uploads
from motcua.dossier.models import DossierStatus, Holiday, HolidayKind
from motcua.models import metadata
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.queue import services as queue
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Hall
from tests.auth.signing import TOKEN
from tests.dossier.online_support import PDF
from tests.dossier.support import INSTALLATION, an_intake, prepare
from tests.support import bearer, hall_time, system_ports


class Outcome(Enum):
    PASS = "gets past authorization"  # 2xx, 3xx (not to sign-in), 400/409/422 (body, state)
    SIGN_IN = "must sign in"  # API: 401 JSON; forms: redirect to the sign-in page
    FORBIDDEN = "is refused"  # API: 403 JSON; forms: 403 page
    HIDDEN = "is told it does not exist"  # 404: another hall's things stay unseen


P, S, F, H = Outcome.PASS, Outcome.SIGN_IN, Outcome.FORBIDDEN, Outcome.HIDDEN

ROLES = ("anonymous", "kiosk", "tablet", "officer", "officer_token_without_user",
         "supervisor", "supervisor_of_another_hall", "admin")


def rule(*outcomes: Outcome) -> dict[str, Outcome]:
    assert len(outcomes) == len(ROLES)
    return dict(zip(ROLES, outcomes, strict=True))


# One outcome per role, in the order of ROLES: anonymous, kiosk, tablet, officer, officer token
# without user, supervisor, supervisor of another hall, admin.
PUBLIC = rule(P, P, P, P, P, P, P, P)
KIOSK_ISSUES = rule(S, P, F, P, P, P, F, P)  # staff may issue too (a walk-in at the desk)
KIOSK_ONLY = rule(S, P, F, F, F, F, F, F)  # the kiosk's own ticket: a phone for its messages
AT_A_COUNTER = rule(S, F, F, P, F, P, F, P)  # officers only at their own counter
HALL_STAFF = rule(S, F, F, P, P, P, F, P)
HALL_STAFF_HIDDEN = rule(S, F, F, P, P, P, H, P)  # another hall's job or dossier is "not found"
# Pages and forms need a signed-in person: a token, even a person's, is not a session.
# A hall's tokens and people get as far as looking the booking up (the walk has none: 404).
HALL_TOKENS_FIND_NO_BOOKING = rule(S, F, F, H, H, H, F, H)
ADMINS_CHANGE = rule(S, S, S, F, S, F, F, P)  # supervisors read the admin pages, never change
MANAGERS_READ = rule(S, S, S, F, S, P, F, P)  # the admin pages, the counters' audit
HALL_PEOPLE = rule(S, S, S, P, S, P, F, P)  # counter consoles, dossiers
ANY_MANAGER = rule(S, S, S, F, S, P, P, P)  # sent on to their own hall
ANY_PERSON = rule(S, S, S, P, S, P, P, P)  # sent on to their own hall

COUNTER_ACTIONS = ("call-next", "recall", "start", "complete", "no-show", "resume", "open",
                   "close", "call", "transfer", "pause", "dossiers")

RULES: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/halls/{hall}/sectors"): PUBLIC,
    ("GET", "/api/v1/halls/{hall}/queue"): PUBLIC,
    ("GET", "/api/v1/halls/{hall}/counters/{number}"): PUBLIC,
    ("GET", "/api/v1/tickets/{token}"): PUBLIC,
    ("GET", "/api/v1/halls/{hall}/procedures"): PUBLIC,
    ("GET", "/api/v1/publication"): PUBLIC,
    ("POST", "/api/v1/halls/{hall}/tickets"): KIOSK_ISSUES,
    ("GET", "/api/v1/halls/{hall}/sectors/{sector}/slots"): PUBLIC,
    ("POST", "/api/v1/halls/{hall}/bookings"): HALL_STAFF,
    ("GET", "/api/v1/halls/{hall}/bookings/{code}"): HALL_TOKENS_FIND_NO_BOOKING,
    ("POST", "/api/v1/halls/{hall}/bookings/{code}/cancel"): HALL_TOKENS_FIND_NO_BOOKING,
    ("POST", "/api/v1/halls/{hall}/bookings/{code}/move"): HALL_STAFF,
    ("POST", "/api/v1/halls/{hall}/check-ins"): KIOSK_ISSUES,
    ("POST", "/api/v1/halls/{hall}/tickets/{ticket_id}/phone"): KIOSK_ONLY,
    ("POST", "/api/v1/tickets/{token}/phone"): PUBLIC,  # the ticket's token is the proof
    ("POST", "/api/v1/print-jobs/{job_id}/reprint"): HALL_STAFF_HIDDEN,
    ("GET", "/api/v1/halls/{hall}/dossiers/due-soon"): HALL_STAFF,
    ("GET", "/api/v1/dossiers/{code}"): HALL_STAFF_HIDDEN,
    ("POST", "/api/v1/dossiers/{code}/status"): HALL_STAFF_HIDDEN,
    ("POST", "/api/v1/dossiers/{code}/hand-back"): HALL_STAFF_HIDDEN,
    ("GET", "/api/v1/halls/{hall}/dossiers/online"): HALL_STAFF,
    **{("POST", f"/api/v1/halls/{{hall}}/counters/{{number}}/{action}"): AT_A_COUNTER
       for action in COUNTER_ACTIONS},
    # admin pages and forms
    ("GET", "/admin/"): ANY_MANAGER,
    ("GET", "/admin/language/<lang>"): ANY_MANAGER,
    **{("GET", f"/admin/<hall>/{page}"): MANAGERS_READ for page in (
        "", "access", "audit", "counters", "counters/<int:number>", "counters/new", "devices",
        "devices/<int:device_id>", "holidays", "booking", "live", "live.json", "live/advice.json", "reports/",
        "notifications", "reports/<key>", "reports/<key>.xlsx", "reports/<key>/<table>.csv",
        "sectors",
        "sectors/<code>", "sectors/new", "staff", "staff/<int:user_id>", "voice",
        "voice/sample.wav")},
    ("POST", "/admin/"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/sectors/new"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/sectors/<code>"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/sectors/<code>/<action>"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/counters/new"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/counters/<int:number>"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/counters/<int:number>/delete"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/staff"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/staff/<int:user_id>"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/staff/<int:user_id>/<action>"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/staff/<int:user_id>/qualifications"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/live/advice"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/devices"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/devices/<int:device_id>"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/devices/<int:device_id>/<action>"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/tokens/<int:token_id>/revoke"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/holidays"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/holidays/defaults"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/holidays/<int:holiday_id>/delete"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/voice"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/booking"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/voice/pack"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/notifications"): ADMINS_CHANGE,
    ("POST", "/admin/<hall>/notifications/<int:notification_id>/retry"): ADMINS_CHANGE,
    # counter pages
    ("GET", "/counter/"): ANY_PERSON,
    ("GET", "/counter/<hall_code>"): HALL_PEOPLE,
    ("GET", "/counter/<hall_code>/<int:number>"): HALL_PEOPLE,
    ("GET", "/counter/<hall_code>/<int:number>/state"): HALL_PEOPLE,
    ("GET", "/counter/<hall_code>/overview"): HALL_PEOPLE,
    ("GET", "/counter/<hall_code>/audit"): MANAGERS_READ,
    # dossier pages and forms
    **{("GET", f"/dossier/<hall_code>{page}"): HALL_PEOPLE for page in (
        "", "/<code>", "/<code>/receipt.pdf", "/<code>/receipt.png", "/intake", "/online",
        "/<code>/notice.png", "/<code>/files/<int:file_id>")},
    ("POST", "/dossier/<hall_code>/intake"): HALL_PEOPLE,
    ("POST", "/dossier/<hall_code>/intake/procedure"): HALL_PEOPLE,
    ("POST", "/dossier/<hall_code>/id-card"): HALL_PEOPLE,
    ("POST", "/dossier/<hall_code>/<code>/status"): HALL_PEOPLE,
    ("POST", "/dossier/<hall_code>/<code>/print"): HALL_PEOPLE,
    ("POST", "/dossier/<hall_code>/<code>/notice/print"): HALL_PEOPLE,
    ("POST", "/dossier/<hall_code>/<code>/hand-back"): HALL_PEOPLE,
}

PAGE_BLUEPRINTS = ("admin", "counter", "dossier")

# --- the routes, read from the app -----------------------------------------------------------


def _discovery_app() -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "routes",
                       "ASYNC_MODE": "threading", "REDIS_URL": None, "PRINTER": "dummy:"})


def discover_routes() -> list[tuple[str, str]]:
    """Every operation of /api/v1/openapi.json and every rule of the page blueprints."""
    app = _discovery_app()
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    routes = [(method.upper(), path) for path, operations in document["paths"].items()
              for method in operations]
    routes += [(method, rule.rule) for rule in app.url_map.iter_rules()
               if rule.endpoint.split(".")[0] in PAGE_BLUEPRINTS
               for method in rule.methods & {"GET", "POST"}]
    app.extensions["motcua"].engine.dispose()
    return sorted(set(routes))


ROUTES = discover_routes()

# --- the world every call meets --------------------------------------------------------------

DOSSIER_BODY = {
    "procedure": "1.012770", "applicant_name": "Lê Thị Thu", "applicant_phone": "0912345678",
    "documents": [{"name": "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất",
                   "originals": 1}, {"name": "Giấy chứng nhận đã cấp", "originals": 1}],
    "print_receipt": False,
}
ONLINE_FILES = tuple(
    uploads.check(PDF, original_name=f"{n}.pdf", document=name, limits=uploads.UploadLimits())
    for n, name in enumerate(("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất",
                              "Giấy chứng nhận đã cấp")))
API_BODIES: dict[str, Any] = {
    "/api/v1/halls/{hall}/tickets": {"sector": "dat-dai"},
    "/api/v1/halls/{hall}/counters/{number}/call": {"display_number": "1002",
                                                     "reason": "Gọi theo yêu cầu"},
    "/api/v1/halls/{hall}/counters/{number}/transfer": {"to_sector": "tu-phap",
                                                         "reason": "Sai lĩnh vực"},
    "/api/v1/halls/{hall}/counters/{number}/pause": {"reason": "Nghỉ trưa"},
    "/api/v1/halls/{hall}/counters/{number}/dossiers": DOSSIER_BODY,
    "/api/v1/dossiers/{code}/status": {"status": int(DossierStatus.IN_PROCESS)},
    "/api/v1/halls/{hall}/tickets/{ticket_id}/phone": {"phone": "0912345678"},
    "/api/v1/tickets/{token}/phone": {"phone": "0912345678"},
}


@dataclass
class World:
    """The snapshot's ids and secrets, and one client per role."""

    app: Flask
    database: Path
    snapshot: Path
    values: dict[str, str]
    dossier: str
    online: dict[str, str]  # an online dossier's code and the id of its stored file
    api: dict[str, tuple[FlaskClient, dict[str, str]]] = field(default_factory=dict)
    forms: dict[str, tuple[FlaskClient, dict[str, str], str]] = field(default_factory=dict)
    changed: bool = True  # a POST ran since the last restore

    def restore(self) -> None:
        """The database as the snapshot has it, whatever the previous call changed (a GET
        changes nothing that matters here, so after one there is nothing to put back)."""
        if not self.changed:
            return
        self.app.extensions["motcua"].engine.dispose()
        with sqlite3.connect(self.snapshot) as source, sqlite3.connect(self.database) as target:
            source.backup(target)
        self.changed = False


def _build(ports: Ports) -> dict[str, Any]:
    """The demo hall with a second hall, a person of each role, devices, a print job, a ticket
    waiting, officer "lan" serving at counter 1, a dossier and a holiday."""
    from motcua.dossier import services as dossiers

    session, clock = ports.session, ports.clock
    load_demo_hall(ports)
    prepare(ports)
    session.add(Hall(code="phuong-1", name="UBND Phường 1", settings={}))
    session.commit()
    people: dict[str, StaffUser] = {}
    for username, role, hall_code in (("lan", Role.OFFICER, "demo"),
                                      ("lanhdao", Role.SUPERVISOR, "demo"),
                                      ("hong", Role.SUPERVISOR, "phuong-1"),
                                      ("quantri", Role.ADMIN, None)):
        people[username], _ = create_user(system_ports(session, clock), actor=SYSTEM,
                                          username=username, role=role,
                                          password="secret-pass", hall_code=hall_code)
    kiosk, kiosk_token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                         hall_code="demo", name="kiosk-1",
                                         kind=DeviceKind.KIOSK, printer="agent")
    _, tablet_token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                      hall_code="demo", name="tablet-1",
                                      kind=DeviceKind.TABLET, counter_number=1)
    lan = actor_for_user(people["lan"])
    queue.open_counter(ports, hall_code="demo", counter_number=1, actor=lan)
    for _ in range(3):
        ticket = queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                    priority=None, actor=SYSTEM).ticket
    queue.call_next(ports, hall_code="demo", counter_number=1, actor=lan)
    from_kiosk = queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                                    actor=actor_for_device(kiosk)).ticket
    dossier = dossiers.receive_dossier(ports, hall_code="demo", counter_number=1, actor=lan,
                                       intake=an_intake(), installation=INSTALLATION)
    online = dossiers.submit_online(ports, hall_code="demo", installation=INSTALLATION,
                                    registration=dossiers.Registration(
                                        "1.012770", dossiers.Applicant("Lê Thị Thu", "0912345678"),
                                        ONLINE_FILES))
    hall_id = people["lan"].hall_id
    job = PrintJob(hall_id=hall_id, device_id=kiosk.id, kind=PrintJobKind.TICKET, data=b"",
                   created_at=clock.now(), updated_at=clock.now())
    holiday = Holiday(hall_id=hall_id, day=hall_time(2026, 12, 24).date(), name_vi="Nghỉ bù",
                      kind=HolidayKind.HOLIDAY)
    session.add_all([job, holiday])
    session.commit()
    return {
        "secrets": {
            "kiosk": kiosk_token, "tablet": tablet_token,
            "officer": create_api_token(system_ports(session, clock), actor=SYSTEM,
                                        name="lan", role=Role.OFFICER,
                                        username="lan"),
            "officer_token_without_user": create_api_token(system_ports(session, clock), actor=SYSTEM,
                                                           name="desk", role=Role.OFFICER, hall_code="demo"),
        },
        "people": {"officer": people["lan"], "supervisor": people["lanhdao"],
                   "supervisor_of_another_hall": people["hong"], "admin": people["quantri"]},
        "values": {
            "hall": "demo", "hall_code": "demo", "number": "1", "token": ticket.token, "sector": "dat-dai",
            "job_id": str(job.id), "user_id": str(people["lan"].id), "device_id": str(kiosk.id),
            "holiday_id": str(holiday.id), "ticket_id": str(from_kiosk.id),
            "notification_id": "1",  # none such: the refusal is the answer's, not the rule's
            "token_id": str(session.scalar(
                select(ApiToken.id).where(ApiToken.name == "desk"))),
            "key": "traffic", "table": "by_day", "lang": "en",
        },
        "dossier": dossier.code,
        "online": {"code": online.code, "file_id": str(online.files[0].id)},
    }


def _csrf(client: FlaskClient, *pages: str) -> str:
    for page in pages:
        match = TOKEN.search(client.get(page, follow_redirects=True).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {pages}")


def _signed_in(app: Flask, user: StaffUser | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = session_id(user)
            flask_session["_fresh"] = True
    return client


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("authorization")
    database = folder / "motcua.sqlite"
    clock = FixedClock(hall_time(2026, 11, 25, 9, 0))
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}",
                      "SECRET_KEY": "test-secret", "ASYNC_MODE": "threading", "REDIS_URL": None,
                      "RATELIMIT_ENABLED": False, "PRINTER": "dummy:"},
                     clock=clock, publisher=RecordingPublisher())
    app.instance_path = str(folder / "instance")
    runtime = app.extensions["motcua"]
    metadata.create_all(runtime.engine)
    with runtime.sessions() as session:
        made = _build(Ports(session=session, clock=clock, publisher=RecordingPublisher()))
    world = World(app=app, database=database, snapshot=folder / "snapshot.sqlite",
                  values=made["values"], dossier=made["dossier"], online=made["online"])
    for upload in ONLINE_FILES:
        uploads.store(Path(app.instance_path) / "dossier-files", PDF, upload)
    runtime.engine.dispose()
    with sqlite3.connect(database) as source, sqlite3.connect(world.snapshot) as target:
        source.backup(target)
    secrets, people = made["secrets"], made["people"]
    for role in ROLES:
        person, secret = people.get(role), secrets.get(role)
        # The API: the officer by a token acting as them, other people by their browser
        # session (and its CSRF header), devices and the no-person token by their tokens.
        if secret is not None:
            world.api[role] = (app.test_client(), bearer(secret))
        else:
            client = _signed_in(app, person)
            world.api[role] = (client, {"X-CSRFToken": _csrf(client, "/counter/", "/sign-in")}
                               if person else {})
        # Forms: people by their session; a token is sent as well, and must not stand in
        # for a signed-in person.
        client = _signed_in(app, person)
        headers = bearer(secret) if secret is not None and person is None else {}
        world.forms[role] = (client, headers, _csrf(client, "/counter/", "/sign-in"))
    yield world
    runtime.engine.dispose()


# --- calling a route as a role ---------------------------------------------------------------

PARAMETER = re.compile(r"\{(\w+)\}|<(?:\w+:)?(\w+)>")
ROUTE_VALUES: dict[str, dict[str, str]] = {  # what a route's <action>, <code> and <number> stand for
    "admin.sector_action": {"action": "close", "code": "dat-dai"},
    "admin.sector": {"code": "dat-dai"},
    "admin.counter": {"number": "2"},
    "admin.counter_delete": {"number": "2"},
    "admin.staff_action": {"action": "lock"},
    "admin.device_action": {"action": "disable"},
}


def _path(world: World, method: str, template: str) -> str:
    endpoint = _endpoint(world.app, method, template)
    values = {**world.values, "code": world.dossier, **ROUTE_VALUES.get(endpoint or "", {})}
    if endpoint == "dossier.online_file":
        values.update(world.online)
    return PARAMETER.sub(lambda m: values[m.group(1) or m.group(2)], template)


def _endpoint(app: Flask, method: str, template: str) -> str | None:
    return next((r.endpoint for r in app.url_map.iter_rules()
                 if r.rule == template and method in r.methods), None)


def call(world: World, role: str, method: str, template: str) -> TestResponse:
    path = _path(world, method, template)
    world.changed = world.changed or method != "GET"
    if template.startswith("/api/"):
        client, headers = world.api[role]
        body = API_BODIES.get(template, {}) if method == "POST" else None
        return client.open(path, method=method, json=body, headers=headers)
    client, headers, token = world.forms[role]
    query = "?counter=1" if template.startswith("/dossier/") else ""
    form = {"csrf_token": token} if method == "POST" else None
    return client.open(path + query, method=method, data=form, headers=headers)


def outcome_of(template: str, response: TestResponse) -> Outcome | str:
    """What the answer means, or a description of an answer no rule can expect."""
    status = response.status_code
    if template.startswith("/api/") and status >= 400:
        body = response.get_json(silent=True) or {}
        if set(body) != {"error"}:
            return f"{status} without the JSON error shape"
        if body["error"]["code"] == "csrf_failed":
            return "a CSRF failure (the test's fault)"
    if status >= 500:
        return f"{status}"
    if status == 401 or (status in (302, 303) and
                         response.headers["Location"].startswith("/sign-in")):
        return Outcome.SIGN_IN
    if status == 403:
        return Outcome.FORBIDDEN
    if status == 404:
        return Outcome.HIDDEN
    if status < 400 or status in (400, 409, 422):
        return Outcome.PASS
    return f"{status}"


# --- the tests -------------------------------------------------------------------------------


def test_the_routes_were_found():
    """The walk itself works: the API document and the pages' rules were read."""
    assert ("POST", "/api/v1/halls/{hall}/tickets") in ROUTES
    assert ("POST", "/admin/<hall>/sectors/<code>/<action>") in ROUTES
    assert ("POST", "/dossier/<hall_code>/intake") in ROUTES
    assert ("GET", "/counter/<hall_code>/<int:number>") in ROUTES


@pytest.mark.parametrize(("method", "template"), ROUTES, ids=[f"{m} {t}" for m, t in ROUTES])
def test_every_role_meets_the_routes_rule(world, method, template):
    expected = RULES.get((method, template))
    assert expected is not None, (
        f"route {method} {template} has no authorization rule: add one to RULES in "
        f"tests/test_authorization.py")
    wrong = []
    for role in ROLES:
        world.restore()
        response = call(world, role, method, template)
        met = outcome_of(template, response)
        if met != expected[role]:
            shown = met.value if isinstance(met, Outcome) else met
            wrong.append(f"{role}: {shown} ({response.status_code}), "
                         f"expected: {expected[role].value}")
    assert not wrong, f"{method} {template}\n" + "\n".join(wrong)


def test_a_rule_for_a_route_that_no_longer_exists_is_removed():
    assert set(RULES) <= set(ROUTES), f"rules without a route: {set(RULES) - set(ROUTES)}"
