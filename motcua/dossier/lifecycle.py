"""The dossier's statuses and the only ways between them.

The national catalogue names ten statuses; which may follow which is not written there,
so this table is the hall's rule, in one place, and the services refuse anything else.
A dossier received at the counter starts at "Được tiếp nhận" (2); "Mới đăng ký" (1) is
where a dossier registered online waits until a counter accepts or refuses it, or asks for
a supplement (5), after which it may still be accepted or refused. Accepting and refusing
are intake decisions: the services allow them only while the hall has not yet taken the
dossier on (it has no due date).
"""
from __future__ import annotations

from types import MappingProxyType

from motcua.dossier.models import DossierStatus as S

ALLOWED: MappingProxyType[S, frozenset[S]] = MappingProxyType({
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REFUSED, S.SUPPLEMENT_REQUESTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_FEES, S.WITHDRAWN,
                           S.STOPPED, S.DONE}),
    S.REFUSED: frozenset(),
    S.IN_PROCESS: frozenset({S.SUPPLEMENT_REQUESTED, S.AWAITING_FEES, S.WITHDRAWN, S.STOPPED,
                             S.DONE}),
    S.SUPPLEMENT_REQUESTED: frozenset({S.ACCEPTED, S.REFUSED, S.IN_PROCESS, S.WITHDRAWN,
                                       S.STOPPED}),
    S.AWAITING_FEES: frozenset({S.IN_PROCESS, S.DONE, S.WITHDRAWN, S.STOPPED}),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.DONE: frozenset({S.RETURNED}),
    S.RETURNED: frozenset(),
})

# The catalogue's own names: printed, exported, and the msgids of the pages' labels.
OFFICIAL_NAMES: MappingProxyType[S, str] = MappingProxyType({
    S.SUBMITTED: "Mới đăng ký",
    S.ACCEPTED: "Được tiếp nhận",
    S.REFUSED: "Không được tiếp nhận",
    S.IN_PROCESS: "Đang xử lý",
    S.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    S.AWAITING_FEES: "Yêu cầu thực hiện nghĩa vụ tài chính",
    S.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    S.STOPPED: "Dừng xử lý",
    S.DONE: "Đã xử lý xong",
    S.RETURNED: "Đã trả kết quả",
})

# Leaving these ends the dossier: nothing follows them.
CLOSING = frozenset(s for s, following in ALLOWED.items() if not following)
# The clock runs in these (the due date is a promise the hall is keeping).
RUNNING = frozenset({S.ACCEPTED, S.IN_PROCESS, S.AWAITING_FEES})
# Moving into these needs a note: the citizen or a colleague must learn why.
NEEDS_NOTE = frozenset({S.REFUSED, S.SUPPLEMENT_REQUESTED, S.AWAITING_FEES, S.WITHDRAWN,
                        S.STOPPED})


# Decisions at intake: only for a dossier the hall has not taken on yet.
INTAKE_DECISIONS = frozenset({S.ACCEPTED, S.REFUSED})
# All that may happen to a dossier before the hall takes it on.
BEFORE_INTAKE = INTAKE_DECISIONS | {S.SUPPLEMENT_REQUESTED, S.WITHDRAWN}


def may_move(current: S, wanted: S, *, taken_on: bool = True) -> bool:
    """`taken_on`: the hall accepted the dossier (it has a due date)."""
    if wanted not in ALLOWED[current]:
        return False
    return wanted not in INTAKE_DECISIONS if taken_on else wanted in BEFORE_INTAKE


def next_statuses(current: S, *, taken_on: bool = True) -> list[S]:
    """The statuses an officer may choose next, in catalogue order."""
    return sorted(s for s in ALLOWED[current] if may_move(current, s, taken_on=taken_on))
