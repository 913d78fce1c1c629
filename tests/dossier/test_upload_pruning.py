"""Stored files that no dossier names: taken back at once when the dossier is not written,
and removed later by `motcua dossier prune-uploads` once past their grace period."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from motcua.dossier import uploads
from motcua.dossier.models import Dossier
from tests.dossier.online_support import PDF, png_bytes
from tests.dossier.support import prepare, serve_a_citizen
from tests.dossier.test_online import checked, post, public_form, register

PHOTO = png_bytes((50, 50))


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports, username="lan")


def folder_of(app) -> Path:
    return Path(app.instance_path) / "dossier-files"


def stored(folder: Path, data: bytes, age: timedelta, clock) -> Path:
    """A file kept as `store` keeps it, last touched `age` before the clock's now."""
    upload = checked(data, "x")
    uploads.store(folder, data, upload)
    path = uploads.path_of(folder, upload.sha256)
    at = (clock.now() - age).timestamp()
    os.utime(path, (at, at))
    return path


# --- taken back when the dossier is not written ---------------------------------------------


def test_a_registration_refused_after_its_files_were_stored_leaves_no_file(app, client, officer):
    answer = post(client, public_form(client), {"doc-0": (PDF, "don.pdf"),
                                                "doc-1": (PHOTO, "gcn.png")}, phone="")
    assert answer.status_code == 422 and "số điện thoại" in answer.get_data(as_text=True)
    assert not [p for p in folder_of(app).rglob("*") if p.is_file()]


def test_a_file_another_dossier_names_is_not_taken_back(app, client, ports, officer):
    named = register(ports)  # its rows name PDF (whose file this request writes)
    answer = post(client, public_form(client), {"doc-0": (PDF, "don.pdf"),
                                                "doc-1": (PHOTO, "gcn.png")}, delivery="drone")
    assert answer.status_code == 422 and ports.session.query(Dossier).all() == [named]
    assert uploads.path_of(folder_of(app), checked(PDF, "x").sha256).read_bytes() == PDF
    assert not uploads.path_of(folder_of(app), checked(PHOTO, "x").sha256).exists()


def test_a_file_stored_again_since_is_not_taken_back(tmp_path):
    upload = checked(PDF, "don.pdf")
    written = uploads.store(tmp_path, PDF, upload)
    path = uploads.path_of(tmp_path, upload.sha256)
    os.utime(path, ns=(written.mtime_ns - 10**9, written.mtime_ns - 10**9))
    assert uploads.store(tmp_path, PDF, upload) is None  # another request, the same file
    assert uploads.take_back(tmp_path, [written], kept=set()) == [] and path.exists()


# --- pruned once past the grace period ------------------------------------------------------


@pytest.fixture
def files(app, ports, clock, officer) -> dict[str, Path]:
    """A named file and orphans of several ages, a dead write's temporary and a stranger."""
    folder = folder_of(app)
    register(ports)  # names PDF and the registration's PNG
    named_photo = checked(png_bytes(), "gcn.png")
    kept = {"named": stored(folder, PDF, timedelta(days=30), clock),
            "named photo": stored(folder, png_bytes(), timedelta(days=30), clock),
            "orphan": stored(folder, PHOTO, timedelta(hours=25), clock),
            "recent": stored(folder, png_bytes((70, 10)), timedelta(hours=2), clock)}
    assert kept["named photo"].name == named_photo.sha256
    temporary = kept["orphan"].parent / f"{uploads.TEMPORARY}abc123"
    temporary.write_bytes(b"half a file")
    stranger = folder / "README.txt"
    stranger.write_text("not ours")
    for path in (temporary, stranger):
        at = (clock.now() - timedelta(days=2)).timestamp()
        os.utime(path, (at, at))
    return {**kept, "temporary": temporary, "stranger": stranger}


def test_prune_removes_what_no_dossier_names_once_past_a_day(runner, files):
    result = runner.invoke(args=["dossier", "prune-uploads"])
    assert result.exit_code == 0, result.output
    gone = {name for name, path in files.items() if not path.exists()}
    assert gone == {"orphan", "temporary"}
    assert f"removed {files['orphan']}" in result.output
    assert "2 file(s) removed" in result.output


def test_a_dry_run_lists_the_files_and_removes_none(runner, files):
    result = runner.invoke(args=["dossier", "prune-uploads", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"would remove {files['orphan']}" in result.output and "2 file(s) would be" in result.output
    assert all(path.exists() for path in files.values())


def test_a_shorter_grace_period_takes_recent_orphans_too(runner, files):
    result = runner.invoke(args=["dossier", "prune-uploads", "--older-than", "1"])
    assert result.exit_code == 0, result.output
    assert not files["recent"].exists() and files["named"].exists()


def test_an_orphan_stored_again_gets_a_new_grace_period(runner, files):
    uploads.store(files["orphan"].parent.parent, PHOTO, checked(PHOTO, "again.png"))
    result = runner.invoke(args=["dossier", "prune-uploads"])
    assert result.exit_code == 0 and files["orphan"].exists()


def test_prune_on_an_installation_without_uploads_removes_nothing(runner, app):
    result = runner.invoke(args=["dossier", "prune-uploads"])
    assert result.exit_code == 0 and "0 file(s) removed" in result.output


def test_the_grace_period_is_at_least_an_hour(runner, app):
    assert runner.invoke(args=["dossier", "prune-uploads", "--older-than", "0"]).exit_code == 2

