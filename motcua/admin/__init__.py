"""Administration (issue 8): configuration pages, reports, the leaders' live view, backup and
restore of the embedded database, and the health endpoint.

Pages under `/admin` (admins change, supervisors read their own hall), `/health` (JSON, for
monitoring), commands `motcua backup` and `motcua restore`.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from motcua.admin.cli import backup_command, restore_command
    from motcua.admin.pages import bp, health_bp

    app.register_blueprint(bp)
    app.register_blueprint(health_bp)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
