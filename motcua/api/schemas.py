"""Request bodies, validated by pydantic so wrong types get a precise message."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from motcua.inputs import DbInt
from motcua.queue.models import Priority


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class IssueTicket(Body):
    sector: str = Field(min_length=1, max_length=40)
    priority: Priority | None = None

    model_config = ConfigDict(extra="forbid", strict=False)  # enum from its string value


class Empty(Body):
    pass


class Transfer(Body):
    to_sector: str | None = Field(default=None, min_length=1, max_length=40)
    to_counter: DbInt | None = Field(default=None, ge=1)
    reason: str = Field(min_length=1, max_length=500)


class CallSpecific(Body):
    display_number: str = Field(min_length=1, max_length=12)
    reason: str = Field(min_length=1, max_length=500)


class Pause(Body):
    reason: str | None = Field(default=None, max_length=500)
