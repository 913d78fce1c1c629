"""Refusals of configuration changes, on the kernel's one mechanism (`motcua.core.errors`).

A message is a Vietnamese catalogue id with named placeholders: `message` is the text for the
CLI and logs, a page shows `translated(gettext)`. The names say what the person at the form
meets: a refused change, a denied one, something missing.
"""
from __future__ import annotations

from motcua.core.errors import (
    N_,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Problem,
    Problems,
    invalid,
)

__all__ = ["N_", "Denied", "Invalid", "Missing", "Problem", "Problems", "Refused", "invalid"]


class Refused(Conflict):
    """The change would break a running day (or clash with what exists); says why."""


class Denied(Forbidden):
    """The person may not change (or see) this."""


class Missing(NotFound):
    """What the change names is not there (or not in this hall)."""
