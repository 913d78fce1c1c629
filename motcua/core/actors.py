"""Who acts in the hall: the roles staff hold, the kinds of device, and the actor a service is
told about. Every component checks permissions against these, so they live in the kernel."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class Role(str, enum.Enum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"


class DeviceKind(str, enum.Enum):
    KIOSK = "kiosk"
    TABLET = "tablet"


class HasId(Protocol):
    @property
    def id(self) -> int: ...


@dataclass(frozen=True)
class Actor:
    """Who does something: an officer, a kiosk, a script's token, or the system."""

    kind: str  # "staff", "kiosk", "tablet", "token", "system"
    name: str
    role: Role | None = None
    user_id: int | None = None
    hall_id: int | None = None  # None: every hall (admins, the system)
    device_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"

    def may_manage_hall(self, hall: HasId) -> bool:
        return self.role in (Role.ADMIN, Role.SUPERVISOR) and self.hall_id in (None, hall.id)


# What the CLI, migrations of data and background workers act as.
SYSTEM = Actor(kind="system", name="motcua", role=Role.ADMIN)
