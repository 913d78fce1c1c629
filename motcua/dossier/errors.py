"""The dossier's refusals: the kernel's errors (so the API and the screens answer them with
the same statuses as the queue's) under the dossier's codes.

Their messages are Vietnamese catalogue ids with named placeholders, marked with the
kernel's `N_`; a screen shows `error.translated(gettext)`.
"""
from __future__ import annotations

from motcua.core.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound


class DossierNotFound(NotFound):
    code = "dossier_not_found"


class ProcedureNotFound(NotFound):
    code = "procedure_not_found"


class BadInput(InvalidInput):
    """What an officer typed or a hall's settings hold cannot be used; `field` names where."""


class TransitionRefused(InvalidTransition):
    """The dossier's status does not lead to the one asked for."""


class NoCitizenAtCounter(InvalidTransition):
    code = "no_current_ticket"


class NotAllowed(Forbidden):
    """The actor may not do this to the dossiers of this hall or at this counter."""


class KioskWithoutPrinter(Conflict):
    """A checklist asked of a kiosk that has no printer: the citizen scans its QR code instead."""

    code = "no_printer"
