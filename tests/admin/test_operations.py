"""`motcua backup`, `motcua restore` and `/health`."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from motcua.admin import ops
from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.printer.models import PrintJob, PrintJobKind, PrintJobStatus
from motcua.queue import services
from motcua.queue.models import Ticket
from tests.admin.fixture_day import build_fixture_day
from tests.conftest import runtime_of
from tests.support import bearer, system_ports


def ticket_numbers(app) -> list[str]:
    with runtime_of(app).sessions() as session:
        return list(session.scalars(select(Ticket.display_number).order_by(Ticket.id)))


def test_a_day_of_data_survives_a_backup_and_a_restore(app, runner, ports, session, clock,
                                                         demo_hall, tmp_path):
    build_fixture_day(ports, session, clock)
    session.close()
    day = ticket_numbers(app)
    assert len(day) == 7

    result = runner.invoke(args=["backup", "--out", str(tmp_path / "day.sqlite")])
    assert result.exit_code == 0, result.output
    assert "1 hall(s), 7 ticket(s)" in result.output

    with runtime_of(app).sessions() as later:  # the day goes on after the backup
        services.issue_ticket(Ports(later, clock, RecordingPublisher()), hall_code="demo",
                              sector_code="y-te", priority=None, actor=SYSTEM)
    assert len(ticket_numbers(app)) == 8

    result = runner.invoke(args=["restore", str(tmp_path / "day.sqlite")])
    assert result.exit_code == 0, result.output
    assert ticket_numbers(app) == day
    kept = next((Path(app.instance_path) / "backups").glob("before-restore-*.sqlite"))
    with sqlite3.connect(kept) as copy:
        assert copy.execute("SELECT count(*) FROM tickets").fetchone() == (8,)
    assert f"kept in {kept}" in result.output


def test_a_backup_goes_to_the_instance_folder_by_default(app, runner, demo_hall):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    (made,) = (Path(app.instance_path) / "backups").glob("motcua-*.sqlite")
    assert made.name == "motcua-20261125-090000.sqlite"  # hall time, from the clock


def test_a_backup_is_readable_by_its_owner_only(runner, demo_hall, tmp_path):
    """It holds password hashes and citizens' data, as the database does."""
    target = tmp_path / "copy.sqlite"
    result = runner.invoke(args=["backup", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_backup_into_a_folder_that_does_not_exist_is_refused_not_written_as_a_file(
        runner, demo_hall, tmp_path):
    result = runner.invoke(args=["backup", "--out", f"{tmp_path / 'backups'}/"])
    assert result.exit_code != 0 and "does not exist" in result.output
    assert not (tmp_path / "backups").exists()


def test_a_backup_never_overwrites_a_file(runner, demo_hall, tmp_path):
    target = tmp_path / "taken.sqlite"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", "--out", str(target)])
    assert result.exit_code != 0
    assert result.output.strip().endswith("already exists: choose another file name")
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("content, reason", [
    (b"name,day\n1,2\n", "is not a SQLite database"),
    (None, "is not a file"),
])
def test_restore_refuses_what_is_not_a_motcua_backup(app, runner, demo_hall, tmp_path, content,
                                                      reason):
    path = tmp_path / "wrong.sqlite"
    if content is not None:
        path.write_bytes(content)
    before = ticket_numbers(app)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0 and reason in result.output
    assert "Traceback" not in result.output
    assert ticket_numbers(app) == before


def test_restore_refuses_another_programs_database(runner, demo_hall, tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    result = runner.invoke(args=["restore", str(other)])
    assert result.exit_code != 0
    assert "is not a motcua database (no counters, halls, sectors, staff_users, tickets)" \
        in result.output


def test_restore_refuses_a_backup_from_a_newer_motcua(runner, demo_hall, tmp_path, app):
    runner.invoke(args=["backup", "--out", str(tmp_path / "b.sqlite")])
    with sqlite3.connect(tmp_path / "b.sqlite") as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        db.execute("INSERT INTO alembic_version VALUES ('0099_future')")
    result = runner.invoke(args=["restore", str(tmp_path / "b.sqlite")])
    assert result.exit_code != 0 and "newer motcua (schema 0099_future)" in result.output


def test_backup_explains_that_postgresql_has_its_own_tools(tmp_path):
    from motcua.core.db import make_engine

    engine = make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with pytest.raises(ops.OpsError, match="pg_dump"):
        ops.backup(engine, tmp_path / "x.sqlite")


# --- health -----------------------------------------------------------------------------------


def test_health_reports_the_database_the_queue_and_each_printer(app, client, session, clock,
                                                                demo_hall, supervisor_token):
    device, _ = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                hall_code="demo", name="kiosk-1",
                                kind=DeviceKind.KIOSK, printer="agent")
    register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                    hall_code="demo", name="kiosk-2", kind=DeviceKind.KIOSK,
                    printer="tcp://192.168.1.50:9100")
    now = clock.now()
    session.add_all([
        PrintJob(hall_id=demo_hall.id, device_id=device.id, kind=PrintJobKind.TEST, data=b"",
                 status=PrintJobStatus.PRINTED, created_at=now, updated_at=now),
        PrintJob(hall_id=demo_hall.id, device_id=device.id, kind=PrintJobKind.TEST, data=b"",
                 status=PrintJobStatus.FAILED, error="out of paper", created_at=now,
                 updated_at=now),
    ])
    session.commit()

    answer = client.get("/health", headers=bearer(supervisor_token))
    assert answer.status_code == 200
    health = answer.get_json()
    assert health["status"] == "degraded"  # a printer is out of paper; the server is fine
    assert health["database"] == {"ok": True, "backend": "sqlite", "halls": 1}
    assert health["message_queue"] == {"configured": False, "ok": True}
    printers = {p["device"]: p for p in health["printers"]}
    assert printers["kiosk-1"]["last_job"]["status"] == "failed"
    assert printers["kiosk-1"]["last_job"]["error"] == "out of paper"
    assert printers["kiosk-2"] == {"hall": "demo", "device": "kiosk-2",
                                   "printer": "tcp://192.168.1.50:9100", "last_job": None,
                                   "ok": True}


def test_health_says_when_the_message_queue_does_not_answer(app, client, demo_hall,
                                                            supervisor_token):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    health = client.get("/health", headers=bearer(supervisor_token)).get_json()
    assert health["status"] == "degraded"
    assert health["message_queue"]["configured"] is True
    assert health["message_queue"]["ok"] is False and health["message_queue"]["error"]


def test_health_is_down_without_a_database(app, client, session, demo_hall):
    session.execute(select(func.count(Ticket.id)))
    runtime_of(app).engine.dispose()
    Path(runtime_of(app).engine.url.database).unlink()
    Path(runtime_of(app).engine.url.database).mkdir()  # a folder where the file was
    answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.get_json()["status"] == "down"
    assert answer.get_json()["database"]["ok"] is False


@pytest.mark.redis
def test_health_pings_a_configured_redis(app, client, demo_hall, supervisor_token):
    import os

    url = os.environ.get("MOTCUA_TEST_REDIS_URL")
    if not url:
        pytest.skip("MOTCUA_TEST_REDIS_URL is not set")
    app.config["REDIS_URL"] = url
    answer = client.get("/health", headers=bearer(supervisor_token))
    assert answer.get_json()["message_queue"] == {"configured": True, "ok": True}
