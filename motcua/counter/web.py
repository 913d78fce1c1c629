"""Glue shared by the counter pages and the rating tablet: answers for errors, the language."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, render_template, request
from flask_babel import gettext as _

from motcua.web.errors import ApiError, api_error, domain_error, status_of
from motcua.counter.texts import error_messages
from motcua.extensions import LANGUAGES
from motcua.queue.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])

LANG_COOKIE_SECONDS = 365 * 24 * 3600


def answers_json(view: F) -> F:
    """Domain and request errors become the API's JSON error format, never an HTML page."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            return domain_error(exc)
        except ApiError as exc:
            return api_error(exc)

    return wrapper  # type: ignore[return-value]


def message_page(title: str, message: str, status: int, **links: str) -> tuple[str, int]:
    """A friendly page for a screen: what went wrong and where to go next."""
    return render_template("counter/message.html", title=title, message=message,
                           links=links), status


def domain_error_page(exc: DomainError) -> tuple[str, int]:
    status = status_of(exc)
    title = _("Không tìm thấy") if status == 404 else _("Không thực hiện được")
    return message_page(title, error_messages().get(exc.code, exc.message), status)


def remember_language(response: Response) -> Response:
    """`?lang=en` on a staff or tablet page sticks for the pages and requests that follow."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        response.set_cookie("lang", wanted, max_age=LANG_COOKIE_SECONDS, samesite="Lax",
                            httponly=True)
    return response
