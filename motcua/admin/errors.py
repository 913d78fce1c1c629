"""Errors of administration, written for the person at the form.

Messages are Vietnamese catalogue ids with named placeholders: `message` is the Vietnamese
text (for the CLI and logs), and screens translate `template` with `params` in the reader's
language. Services have no Flask imports, so they only mark the ids with `N_`.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from motcua.queue import errors


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is shown."""
    return message


Translate = Callable[..., str]


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a form (field None: with the form as a whole)."""

    field: str | None
    template: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template % self.params if self.params else self.template

    def translated(self, gettext: Translate) -> str:
        return gettext(self.template, **self.params)


class Invalid(errors.InvalidInput):
    """A change whose input is wrong; every problem is listed, each with its field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.text for p in problems))
        self.problems = problems

    def for_field(self, name: str) -> list[Problem]:
        return [p for p in self.problems if p.field == name]


class _Explained:
    """A refusal that carries its catalogue id and placeholders."""

    template: str
    params: dict[str, Any]

    def translated(self, gettext: Translate) -> str:
        return gettext(self.template, **self.params)


class Refused(_Explained, errors.Conflict):
    """The change would break a running day (or clash with what exists); says why."""

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template % params if params else template)
        self.template, self.params = template, params


class Denied(_Explained, errors.Forbidden):
    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template % params if params else template)
        self.template, self.params = template, params


class Missing(_Explained, errors.NotFound):
    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template % params if params else template)
        self.template, self.params = template, params


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
