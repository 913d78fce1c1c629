"""Domain errors, the one way every component refuses something.

Each class has a stable `code` that the API and the screens map to an answer. A message is a
catalogue id in Vietnamese with named placeholders: `message` is the text (for the API, the CLI
and logs) and a screen shows `translated(gettext)` in the reader's language. Services hold no
Flask, so they only mark ids with `N_` for extraction.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Translate = Callable[..., str]


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is shown."""
    return message


def _format(template: str, params: dict[str, Any]) -> str:
    return template % params if params else template


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, template: str, field: str | None = None, **params: Any) -> None:
        self.template = template
        self.params = params
        self.field = field  # the form field at fault, if one is
        self.message = _format(template, params)
        super().__init__(self.message)

    def translated(self, gettext: Translate) -> str:
        return gettext(self.template, **self.params)


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class InvalidInput(DomainError):
    code = "invalid_input"


class InvalidTransition(DomainError):
    """The thing is not in a state that allows this action (e.g. finishing a waiting ticket)."""

    code = "invalid_transition"


class Conflict(DomainError):
    """The change would break a running day, or clashes with what exists."""

    code = "conflict"


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a form (field None: with the form as a whole)."""

    field: str | None
    template: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def text(self) -> str:
        return _format(self.template, self.params)

    def translated(self, gettext: Translate) -> str:
        return gettext(self.template, **self.params)


class Invalid(InvalidInput):
    """Input that is wrong in one or more places; every problem is listed, each with its field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.text for p in problems))
        self.problems = problems

    def for_field(self, name: str) -> list[Problem]:
        return [p for p in self.problems if p.field == name]

    def translated(self, gettext: Translate) -> str:
        return "; ".join(p.translated(gettext) for p in self.problems)


def invalid(field_name: str | None, template: str, **params: Any) -> Invalid:
    return Invalid([Problem(field_name, template, params)])


class Problems:
    """Collects the problems of a form so the person sees them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, field_name: str | None, template: str, **params: Any) -> None:
        self.items.append(Problem(field_name, template, params))

    def extend(self, exc: Invalid) -> None:
        self.items.extend(exc.problems)

    def raise_any(self) -> None:
        if self.items:
            raise Invalid(list(self.items))
