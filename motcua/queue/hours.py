"""Time windows such as "06:15-11:15,13:15-15:30" ("24:00" ends at midnight), in hall time."""
from __future__ import annotations

from datetime import datetime, time

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
            raise InvalidInput(f"'{part}' is not a time window like 07:00-11:30") from None
        if end <= start:
            raise InvalidInput(f"window '{part}' ends before it starts")
        windows.append((start, end))
    if not windows:
        raise InvalidInput("at least one time window is needed, like 07:00-11:30")
    windows.sort()
    for (_, end), (start, _) in zip(windows, windows[1:]):
        if start < end:
            raise InvalidInput(f"windows overlap in '{text}'")
    return windows


def within(text: str, local: datetime) -> bool:
    moment = local.time()
    return any(start <= moment < end for start, end in parse_windows(text))


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
