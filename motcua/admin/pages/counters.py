"""The counters pages: the list, a counter's form, and deleting one."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from motcua.admin import forms
from motcua.admin.counters import (
    create_counter,
    delete_counter,
    find_counter,
    schedules_of,
    update_counter,
)
from motcua.admin.pages.base import (
    _,
    act,
    bp,
    explain,
    field_errors,
    page,
    signed_in_actor,
    viewed_hall,
)
from motcua.changes.errors import Invalid
from motcua.core.errors import DomainError
from motcua.web import db, ports


@bp.get("/<hall>/counters")
def counters(hall: str) -> Any:
    return page("admin/counters.html", viewed_hall(hall), "counters")


@bp.route("/<hall>/counters/new", methods=["GET", "POST"])
@bp.route("/<hall>/counters/<int:number>", methods=["GET", "POST"])
def counter(hall: str, number: int | None = None) -> Any:
    found = viewed_hall(hall)
    existing = find_counter(db(), found, number) if number is not None else None
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            fields = forms.read_counter(request.form, [s.code for s in found.sectors])
            if existing is None:
                saved = create_counter(ports(), actor=signed_in_actor(), hall_code=hall,
                                       fields=fields)
            else:
                saved = update_counter(ports(), actor=signed_in_actor(), hall_code=hall,
                                       number=existing.number, fields=fields)
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            errors = {None: [explain(exc)]}
        else:
            flash(_("Đã lưu quầy %(number)d. Màn hình của quầy cập nhật ngay.",
                    number=saved.number), "ok")
            return redirect(url_for(".counters", hall=hall))
    ranks = ({link.sector.code: link.rank + 1 for link in existing.sector_links}
             if existing else {})
    schedules = schedules_of(existing) if existing else {}
    return page("admin/counter.html", found, "counters", 422 if errors else 200,
                counter=existing, ranks=ranks, schedules=schedules, errors=errors,
                form=request.form if request.method == "POST" else None)


@bp.post("/<hall>/counters/<int:number>/delete")
def counter_delete(hall: str, number: int) -> Response:
    def work() -> str:
        delete_counter(ports(), actor=signed_in_actor(), hall_code=hall, number=number)
        return _("Đã xóa quầy %(number)d.", number=number)

    return act(url_for(".counters", hall=hall), work)
