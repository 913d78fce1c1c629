"""The status lifecycle: every allowed and refused transition, the supplement pause, and
early / on time / late as completion reaches "done"."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from motcua.core.actors import Actor, Role
from motcua.dossier import lifecycle
from motcua.dossier import services as dossiers
from motcua.dossier.errors import BadInput, NotAllowed, TransitionRefused
from motcua.dossier.models import CollectorRelation, DossierEvent
from motcua.dossier.models import DossierStatus as S
from tests.dossier.support import INSTALLATION, prepare, receive, serve_a_citizen
from tests.support import hall_time

# Written out here, not read from lifecycle.ALLOWED: the test is the second opinion.
EXPECTED = {
    S.SUBMITTED: {S.ACCEPTED, S.REFUSED, S.SUPPLEMENT_REQUESTED, S.WITHDRAWN},
    S.ACCEPTED: {S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_FEES, S.WITHDRAWN, S.STOPPED, S.DONE},
    S.REFUSED: set(),
    S.IN_PROCESS: {S.SUPPLEMENT_REQUESTED, S.AWAITING_FEES, S.WITHDRAWN, S.STOPPED, S.DONE},
    S.SUPPLEMENT_REQUESTED: {S.ACCEPTED, S.REFUSED, S.IN_PROCESS, S.WITHDRAWN, S.STOPPED},
    S.AWAITING_FEES: {S.IN_PROCESS, S.DONE, S.WITHDRAWN, S.STOPPED},
    S.WITHDRAWN: set(),
    S.STOPPED: set(),
    S.DONE: {S.RETURNED},
    S.RETURNED: set(),
}


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports)


def move(ports, actor, dossier, status, note="lý do ghi rõ"):
    if status == S.RETURNED:
        return dossiers.hand_back(ports, code=dossier.code, actor=actor, note=note,
                                  collector=dossiers.Collector("Nguyễn Văn Minh", CollectorRelation.SELF,
                                                               "079123456789"),
                                  installation=INSTALLATION)
    return dossiers.change_status(ports, code=dossier.code, status=status, actor=actor, note=note)


# Accepting and refusing are decisions at intake: never for a dossier the hall took on, and
# before that, nothing but them, a supplement request or a withdrawal.
TAKEN_ON = {start: targets - {S.ACCEPTED, S.REFUSED} for start, targets in EXPECTED.items()}
NOT_TAKEN_ON = {S.SUBMITTED: {S.ACCEPTED, S.REFUSED, S.SUPPLEMENT_REQUESTED, S.WITHDRAWN},
                S.SUPPLEMENT_REQUESTED: {S.ACCEPTED, S.REFUSED, S.WITHDRAWN}}


def test_the_table_in_the_code_is_the_expected_one():
    assert {k: set(v) for k, v in lifecycle.ALLOWED.items()} == EXPECTED
    assert {S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED} == lifecycle.CLOSING


@pytest.mark.parametrize("start, taken_on", [(s, True) for s in S] + [(s, False) for s in NOT_TAKEN_ON],
                         ids=lambda v: v.name.lower() if isinstance(v, S) else ("taken_on" if v else "online"))
def test_every_transition_from_a_status_is_allowed_or_refused_as_the_table_says(ports, officer, start,
                                                                                taken_on):
    expected = (TAKEN_ON if taken_on else NOT_TAKEN_ON)[start]
    for target in S:
        dossier = receive(ports, officer)
        dossier.status = start
        dossier.paused_at = ports.clock.now() if start == S.SUPPLEMENT_REQUESTED and taken_on else None
        if not taken_on:
            dossier.due_at = None
        ports.session.commit()
        if target in expected:
            moved = move(ports, officer, dossier, target)
            assert moved.status == target
            last = ports.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                         .order_by(DossierEvent.id.desc())).first()
            assert (last.from_status, last.to_status, last.actor) == (start, target, "staff:canbo1")
            assert (moved.closed_at is not None) == (target in lifecycle.CLOSING)
        else:
            with pytest.raises(TransitionRefused):
                move(ports, officer, dossier, target)
            ports.session.rollback()
            assert ports.session.get(type(dossier), dossier.id).status == start


@pytest.mark.parametrize("status", [S.REFUSED, S.SUPPLEMENT_REQUESTED, S.AWAITING_FEES, S.WITHDRAWN,
                                    S.STOPPED])
def test_statuses_that_concern_the_citizen_need_a_note(ports, officer, status):
    dossier = receive(ports, officer)
    if status == S.REFUSED:
        dossier.status, dossier.due_at = S.SUBMITTED, None
        ports.session.commit()
    with pytest.raises(BadInput) as refused:
        move(ports, officer, dossier, status, note="   ")
    assert refused.value.field == "note"


def test_a_kiosk_cannot_change_a_dossier(ports, officer):
    dossier = receive(ports, officer)
    with pytest.raises(NotAllowed):
        move(ports, Actor(kind="kiosk", name="k1"), dossier, S.IN_PROCESS)


def test_staff_of_another_hall_cannot_change_a_dossier(ports, officer):
    dossier = receive(ports, officer)
    stranger = Actor(kind="staff", name="x", role=Role.SUPERVISOR, user_id=99, hall_id=999)
    with pytest.raises(NotAllowed):
        move(ports, stranger, dossier, S.IN_PROCESS)


def test_a_supplement_request_pauses_the_clock_and_moves_the_due_date_by_the_pause(ports, clock, officer):
    dossier = receive(ports, officer)  # Wednesday 25/11 09:00, due Friday 4/12 09:00
    assert dossier.due_at == hall_time(2026, 12, 4, 9, 0)
    clock.set(hall_time(2026, 11, 26, 9, 0))
    move(ports, officer, dossier, S.IN_PROCESS, note=None)
    paused = move(ports, officer, dossier, S.SUPPLEMENT_REQUESTED, note="Thiếu bản sao sổ hộ khẩu")
    assert paused.paused_at == hall_time(2026, 11, 26, 9, 0)
    clock.set(hall_time(2026, 12, 1, 9, 0))  # Tuesday: Thu 6 h + Fri 8 + Mon 8 + Tue 2 = 24 h paused
    resumed = move(ports, officer, dossier, S.IN_PROCESS, note="Đã bổ sung")
    assert resumed.paused_at is None
    assert resumed.due_at == hall_time(2026, 12, 9, 9, 0)
    last = ports.session.scalars(select(DossierEvent).order_by(DossierEvent.id.desc())).first()
    assert datetime.fromisoformat(last.data["due_before"]) == hall_time(2026, 12, 4, 9, 0)


def test_a_pause_over_a_weekend_only_adds_the_working_time(ports, clock, officer):
    dossier = receive(ports, officer)
    clock.set(hall_time(2026, 11, 27, 17, 0))  # Friday at closing
    move(ports, officer, dossier, S.SUPPLEMENT_REQUESTED, note="Thiếu giấy tờ")
    clock.set(hall_time(2026, 11, 30, 7, 0))  # Monday at opening: no working time passed
    assert move(ports, officer, dossier, S.IN_PROCESS).due_at == hall_time(2026, 12, 4, 9, 0)


@pytest.mark.parametrize("done_at, outcome", [
    (hall_time(2026, 12, 3, 16, 0), "early"),
    (hall_time(2026, 12, 4, 16, 30), "on_time"),  # after the due hour, on the due date
    (hall_time(2026, 12, 5, 6, 30), "late"),  # still the 4th in UTC: only the hall's date counts
])
def test_completion_is_classified_by_the_hall_date_against_the_due_date(ports, clock, officer,
                                                                        done_at, outcome):
    dossier = receive(ports, officer)
    move(ports, officer, dossier, S.IN_PROCESS)
    clock.set(done_at)
    done = move(ports, officer, dossier, S.DONE)
    assert (done.outcome, done.completed_at, done.completed_day) == (outcome, done_at, done_at.date())
    assert done.closed_at is None  # awaiting return
    clock.advance(days=3)
    returned = move(ports, officer, dossier, S.RETURNED)
    assert returned.closed_at is not None and returned.outcome == outcome  # returning late changes nothing


def test_dossiers_due_within_24_hours_are_flagged_overdue_first_and_paused_ones_left_out(
        ports, clock, officer, demo_hall):
    first = receive(ports, officer)
    second = receive(ports, officer)
    paused = receive(ports, officer)
    move(ports, officer, paused, S.SUPPLEMENT_REQUESTED, note="Thiếu giấy tờ")
    done = receive(ports, officer)
    move(ports, officer, done, S.DONE)
    clock.set(hall_time(2026, 12, 3, 10, 0))  # 23 h before the due date of the others
    assert [d.code for d in dossiers.due_soon(ports.session, clock, demo_hall)] == [first.code, second.code]
    clock.set(hall_time(2026, 12, 2, 8, 0))
    assert dossiers.due_soon(ports.session, clock, demo_hall) == []
