"""The log of configuration changes.

Configuration changes are audited in their own append-only table rather than in
`ticket_events`, which is the log of the queue; both answer "who changed what, and when".
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from motcua.core.db import Base


class ConfigChange(Base):
    """One change of configuration: who, when, what (field: [before, after])."""

    __tablename__ = "config_changes"
    __table_args__ = (Index("ix_config_changes_hall_at", "hall_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"))  # None: every hall
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))  # "staff:admin"
    entity: Mapped[str] = mapped_column(String(40))  # "hall", "sector", "counter", "staff", …
    subject: Mapped[str] = mapped_column(String(200))  # the sector code, the username, …
    action: Mapped[str] = mapped_column(String(40))  # "create", "update", "delete", "close", …
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(Session, "before_flush")
def _changes_are_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, ConfigChange):
            raise ValueError("configuration changes are append-only")

