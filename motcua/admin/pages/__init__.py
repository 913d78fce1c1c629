"""The /admin pages, one module per thing configured, all on the one `admin` blueprint (so
every URL and endpoint name stays as it was), and `/health`."""
from __future__ import annotations

from motcua.admin.pages import (  # noqa: F401  (each adds its routes to the blueprint)
    access,
    audit_log,
    booking,
    counters,
    devices,
    halls,
    holidays,
    live,
    notifications,
    reports,
    sectors,
    staff,
    voice,
)
from motcua.admin.pages.base import bp
from motcua.admin.pages.health import health_bp

__all__ = ["bp", "health_bp"]
