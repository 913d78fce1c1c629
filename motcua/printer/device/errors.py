"""The one error the printer module lets out: a message a person can act on."""
from __future__ import annotations


class PrinterError(Exception):
    """A printer URL that cannot be used, a device that is missing, a printer that fails.

    Its message is meant to be shown as is (CLI, job error, kiosk alert), never a traceback.
    """
