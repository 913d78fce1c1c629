"""Limits on what any request may carry, checked once for every route.

Whole numbers must fit the database's INTEGER columns (beyond 2^63 SQLite cannot even bind
them; beyond 2^31 PostgreSQL refuses them), days must lie in years a hall can have (day
arithmetic at year 1 or 9999 overflows), and text may not hold NUL bytes (PostgreSQL refuses
them in strings). Without these, each surfaced as a 500 from deep inside a query.
"""
from __future__ import annotations

import builtins
import json
from collections.abc import Iterable
from datetime import date
from types import SimpleNamespace
from typing import Annotated, Any

from flask import Flask, Request, request
from pydantic import Field
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser
from werkzeug.routing import IntegerConverter, Map

DB_INT_MAX = 2**31 - 1  # PostgreSQL INTEGER; the narrowest id or number column we have
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a hall's calendar, reports and audit cover
NUL = "\x00"
NUL_REFUSED = "Text may not contain NUL bytes"

DbInt = Annotated[int, Field(le=DB_INT_MAX)]
"""A whole number a request body may carry into a query (an id, a counter's number)."""


class NulInText(ValueError):
    """Text with a NUL byte: a ValueError so `get_json(silent=True)` treats it as no JSON."""


def has_nul(value: Any) -> bool:
    """Whether a NUL byte hides anywhere in a parsed JSON value, a key or a string."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def load_json(raw: str | bytes) -> Any:
    """`json.loads` that refuses NUL bytes in strings (`\\u0000` is valid JSON)."""
    data = json.loads(raw)
    if has_nul(data):
        raise NulInText(NUL_REFUSED)
    return data


def _any_nul(fields: MultiDict[str, Any]) -> bool:
    texts: Iterable[Any] = (t for item in fields.items(multi=True) for t in item)
    return any(isinstance(t, str) and NUL in t for t in texts)


class FormFields(ImmutableMultiDict[str, Any]):
    """Form fields: a NUL byte in a name or a value is a 400 when a view reads the form."""

    def __init__(self, mapping: Any = None) -> None:
        super().__init__(mapping)
        if _any_nul(self):
            raise BadRequest(NUL_REFUSED)


class CheckedRequest(Request):
    def make_form_data_parser(self) -> FormDataParser:
        parser = super().make_form_data_parser()
        parser.cls = FormFields
        return parser

    # `request.get_json()` (the kiosk's look-up, Flask-WTF) parses with the same NUL rule.
    json_module = SimpleNamespace(loads=load_json, dumps=json.dumps)


class DbIntConverter(IntegerConverter):
    """`<int:…>` in every route: a number the database cannot hold matches no route (404)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        bounded = DB_INT_MAX if max is None else builtins.min(max, DB_INT_MAX)
        super().__init__(map, fixed_digits, min, bounded, signed)


def db_int(text: str) -> int:
    """A query string's whole number (`request.args.get(..., type=db_int)`); ValueError when
    the database could not hold it, so the argument counts as missing."""
    value = int(text)
    if not 0 <= value <= DB_INT_MAX:
        raise ValueError(f"{text}: out of range")
    return value


def hall_day(text: str) -> date:
    """An ISO day in the years a hall can have; ValueError otherwise."""
    day = date.fromisoformat(text)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text}: the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def hall_year(text: str | None) -> int | None:
    """A year from a form or query string; None when missing, malformed or out of range."""
    try:
        year = int(text or "")
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _refuse_nul_in_address() -> None:
    """NUL in the path, the query string or a cookie is refused before any route reads it.
    The query string and the cookies are parsed for it only when their raw text has
    something that can decode to NUL (`%00`, a quoted cookie's `\\000`): a tap's request
    has neither, and is spared parsing them."""
    raw = request.environ.get("QUERY_STRING", "") + request.environ.get("HTTP_COOKIE", "")
    if NUL in request.path or (any(mark in raw for mark in _MAY_DECODE_TO_NUL) and (
            _any_nul(request.args) or any(NUL in v for v in request.cookies.values()))):
        raise BadRequest(NUL_REFUSED)


_MAY_DECODE_TO_NUL = (NUL, "%00", "\\")


def install(app: Flask) -> None:
    """Before any blueprint registers its routes, so `<int:…>` resolves to the bounded one."""
    app.request_class = CheckedRequest
    app.url_map.converters["int"] = DbIntConverter
    app.before_request(_refuse_nul_in_address)
