"""Static URLs carry their file's version, so nginx (deploy/) can let browsers keep them a year
and an upgrade still reaches every kiosk and board."""
from __future__ import annotations

import os
from pathlib import Path

from flask import url_for


def test_a_static_url_carries_its_files_version_and_a_missing_file_none(app):
    with app.test_request_context():
        stylesheet = url_for("static", filename="css/base.css")
        missing = url_for("static", filename="css/no-such-file.css")
    mtime = int(os.stat(Path(app.static_folder) / "css" / "base.css").st_mtime)
    assert stylesheet == f"/static/css/base.css?v={mtime:x}"
    assert missing == "/static/css/no-such-file.css"


def test_the_versioned_url_still_serves_the_file(client):
    with client.application.test_request_context():
        stylesheet = url_for("static", filename="css/base.css")
    answer = client.get(stylesheet)
    assert answer.status_code == 200 and b"@font-face" in answer.data
