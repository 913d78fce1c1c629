"""Time windows such as "06:15-11:15,13:15-15:30" ("24:00" ends at midnight), in hall time."""
from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

from motcua.core.errors import N_
from motcua.queue.errors import InvalidInput


def parse_windows(text: str) -> list[tuple[time, time]]:
    windows: list[tuple[time, time]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            start_text, end_text = (t.strip() for t in part.split("-"))
            start = time.fromisoformat(start_text)
            end = time.max if end_text == "24:00" else time.fromisoformat(end_text)
        except ValueError:
            raise InvalidInput(N_("“%(part)s” không phải khung giờ dạng 07:00-11:30."),
                               part=part) from None
        if end <= start:
            raise InvalidInput(N_("Khung giờ “%(part)s” kết thúc trước khi bắt đầu."), part=part)
        windows.append((start, end))
    if not windows:
        raise InvalidInput(N_("Cần ít nhất một khung giờ, dạng 07:00-11:30."))
    windows.sort()
    for (_, end), (start, _) in itertools.pairwise(windows):
        if start < end:
            raise InvalidInput(N_("Các khung giờ trong “%(text)s” chồng lên nhau."), text=text)
    return windows


def within(text: str, local: datetime) -> bool:
    moment = local.time()
    return any(start <= moment < end for start, end in parse_windows(text))


def still_to_come(text: str, local: datetime) -> bool:
    """Whether a window of `text` is still open or to come on `local`'s day."""
    moment = local.time()
    return any(moment < end for _, end in parse_windows(text))


def time_left(text: str, local: datetime) -> timedelta:
    """From `local` to the end of the window it is in; nothing outside every window."""
    moment = local.time()
    for start, end in parse_windows(text):
        if start <= moment < end:
            return datetime.combine(local.date(), end, local.tzinfo) - local
    return timedelta(0)


def parse_weekdays(text: str) -> set[int]:
    """ "1-5" or "1,3,5" (ISO weekdays: Monday is 1, Sunday 7) as a set of day numbers."""
    days: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            first, _, last = part.partition("-")
            low, high = int(first), int(last or first)
        except ValueError:
            raise InvalidInput(f"'{part}' is not a weekday like 1-5 (Monday is 1)") from None
        if not 1 <= low <= high <= 7:
            raise InvalidInput(f"'{part}' is not a weekday like 1-5 (Monday is 1)")
        days.update(range(low, high + 1))
    if not days:
        raise InvalidInput("at least one weekday is needed, like 1-5")
    return days
