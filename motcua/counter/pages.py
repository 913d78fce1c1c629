"""How the counter pages and the rating tablet show a refusal, and the language they keep."""
from __future__ import annotations

from flask import Response, render_template, request

from motcua.extensions import LANGUAGES

LANG_COOKIE_SECONDS = 365 * 24 * 3600


def message_page(title: str, message: str, status: int, **links: str) -> tuple[str, int]:
    """A friendly page for a screen: what went wrong and where to go next."""
    return render_template("counter/message.html", title=title, message=message,
                           links=links), status


def error_page(status: int, title: str, message: str, exc: Exception) -> tuple[str, int]:
    """A refusal in the counter's frame (`message` is already in the officer's language)."""
    return message_page(title, message, status)


def remember_language(response: Response) -> Response:
    """`?lang=en` on a staff or tablet page sticks for the pages and requests that follow."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        response.set_cookie("lang", wanted, max_age=LANG_COOKIE_SECONDS, samesite="Lax",
                            httponly=True)
    return response
