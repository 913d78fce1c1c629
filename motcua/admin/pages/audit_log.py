"""The audit log of the hall's configuration."""
from __future__ import annotations

from typing import Any

from motcua.admin.pages.base import bp, page, viewed_hall
from motcua.changes.audit import audit_log
from motcua.web import db


@bp.get("/<hall>/audit")
def audit(hall: str) -> Any:
    found = viewed_hall(hall)
    return page("admin/audit.html", found, "audit", changes=audit_log(db(), found))
