"""Signing staff in through the real form, as a browser would (CSRF token included)."""
from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

TOKEN = re.compile(r'name="csrf[-_]token"\s+(?:type="hidden"\s+)?(?:value|content)="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """The CSRF token a page hands out (form field or meta tag)."""
    page = client.get(path).get_data(as_text=True)
    match = TOKEN.search(page) or re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, username: str, password: str = "secret-pass") -> TestResponse:
    return client.post("/sign-in", data={"username": username, "password": password,
                                         "csrf_token": csrf_token(client)})
