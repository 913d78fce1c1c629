"""Request bodies: JSON objects validated by pydantic, with the API's error answers."""
from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from motcua.inputs import NUL_REFUSED, NulInText, load_json
from motcua.web.errors import ApiError

B = TypeVar("B", bound=BaseModel)


def json_body(model: type[B]) -> B:
    raw = request.get_data(cache=True)
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = load_json(raw)
        except NulInText:
            raise ApiError(422, "invalid_request", NUL_REFUSED) from None
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "malformed_json", "The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", "The request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(422, "invalid_request", f"{where}: {first['msg']}") from None
