"""Time windows such as "06:15-11:15,13:15-15:30" ("24:00" ends at midnight), in hall time."""
from __future__ import annotations

from datetime import datetime, time

from motcua.queue.errors import InvalidInput
import itertools


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
    for (_, end), (start, _) in itertools.pairwise(windows):
        if start < end:
            raise InvalidInput(f"windows overlap in '{text}'")
    return windows


def within(text: str, local: datetime) -> bool:
    moment = local.time()
    return any(start <= moment < end for start, end in parse_windows(text))
