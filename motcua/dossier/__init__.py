"""Dossiers (hồ sơ): the procedure catalogue, intake at the counter, receipts with a due date
and a QR code, the status lifecycle, look-ups by citizens and the public figures.

Pure parts: `calendar` (working time, due dates, on-time), `catalogue` (the CSV format),
`lifecycle` (statuses and transitions), `access` (secrets, masking), `receipt` (form 01 on
80 mm and A4), `notice` (the refusal or supplement slip), `uploads` (files of online
dossiers, checked by content, kept by hash). Changes go through `services`; `readmodels`
answer pages and the API; `online` is the citizens' registration page.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the services and their tests need no Flask
    from flask import Flask


def register(app: Flask) -> None:
    """Staff pages (/dossier), citizen pages (/tra-cuu, /cong-khai, /thu-tuc, /nop-ho-so), the
    API routes, the `procedures` and `dossier` commands, the kiosk's procedures and its dossier and chip-card
    look-ups."""
    from motcua.api.openapi import describe
    from motcua.dossier import api, cli, online, procedures, public, views
    from motcua.dossier.installation import DEFAULT_AGENCY_CODE, due_soon_count, online_count
    from motcua.dossier.kiosk import find_by_chip_card, find_dossier
    from motcua.kiosk.lookup import lookups

    app.config.setdefault("AGENCY_CODE", DEFAULT_AGENCY_CODE)
    app.register_blueprint(views.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(procedures.bp)
    app.register_blueprint(online.bp)
    app.register_blueprint(api.bp)
    describe(*api.openapi_description())
    app.cli.add_command(cli.procedures_group)
    app.cli.add_command(cli.dossier_group)
    app.add_template_global(due_soon_count, "dossier_due_soon_count")
    app.add_template_global(online_count, "dossier_online_count")
    lookups.register("dossier", find_dossier)
    lookups.register("chip_card", find_by_chip_card)
