"""Dossier errors: queue error classes (so the API maps them to the same statuses) whose
messages are Vietnamese msgids with named parameters, translated where they are shown.

`N_` only marks a message for extraction; services stay free of Flask.
"""
from __future__ import annotations

from typing import Any

from motcua.queue import errors


def N_(message: str) -> str:
    return message


class Localised(errors.DomainError):
    """A message to translate where it is shown: `gettext(error.msgid, **error.params)`."""

    def __init__(self, msgid: str, field: str | None = None, **params: Any) -> None:
        super().__init__(msgid, field, **params)  # the kernel's error: `translated` shows it
        self.msgid = msgid


class DossierNotFound(Localised, errors.NotFound):
    code = "dossier_not_found"


class ProcedureNotFound(Localised, errors.NotFound):
    code = "procedure_not_found"


class BadInput(Localised, errors.InvalidInput):
    pass


class TransitionRefused(Localised, errors.InvalidTransition):
    pass


class NoCitizenAtCounter(Localised, errors.InvalidTransition):
    code = "no_current_ticket"


class NotAllowed(Localised, errors.Forbidden):
    pass
