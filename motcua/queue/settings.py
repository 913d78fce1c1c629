"""Hall settings with defaults; stored as JSON on the hall so admins edit them live."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class HallSettings:
    priority_cap: int = 2  # priority calls in a row before a waiting regular citizen is called
    rank_penalty_minutes: float = 10.0  # see motcua.queue.policy
    default_service_minutes: float = 6.0  # estimate before the day has service times
    # recent calls (of the past week, no-shows too) the estimate averages. One service's length varies
    # by about 80 % of the mean (a lognormal with its 90th percentile at 2.5 times the median),
    # so the mean of 20 is off by about 18 %, and so is the wait of a citizen 20 places back:
    # 100 brought the provincial scenario's estimate error from 12.1 to 10.4 minutes.
    estimate_sample: int = 100
    ticket_footer: list[str] = field(default_factory=lambda: ["Đường dây nóng: 1900 0000"])
    notices: list[str] = field(default_factory=list)  # the board's scrolling line
    voice: dict[str, Any] = field(default_factory=dict)  # read by motcua.display
    rating_levels: int = 3  # 3 or 4 ("Bình thường")
    wait_alert_minutes: int = 30  # the leaders' live view warns when a sector's wait passes it
    # a sector's own threshold for that warning, by sector code (else wait_alert_minutes)
    sector_wait_alert_minutes: dict[str, int] = field(default_factory=dict)
    # Most of a counter's calls that appointments due may take ahead of waiting walk-ins
    # (0.5: every other call at most); see motcua.queue.policy.appointments_first.
    appointment_share: float = 0.5
    near_turn_people: int = 3  # the phone page says "your turn is near" with this few ahead
    # Which ticket a counter calls next: "static", "overflow" or "balanced" (motcua.queue.policy)
    calling_policy: str = "static"
    # balanced: a counter's own citizen who has waited this long is called before any other
    # sector's, so nobody waits much longer than under static
    fair_wait_minutes: float = 15.0
    # balanced: how much more pressure another sector's line needs to take the counter away
    switch_penalty_minutes: float = 10.0
    # When a new ticket's predicted call passes the hall's closing: False, the kiosk warns
    # and asks first; True, the sector stops issuing (the API answers 409 past_closing).
    stop_issuing_past_closing: bool = False

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> HallSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (stored or {}).items() if k in known})

    def wait_alert_for(self, sector_code: str) -> int:
        return int(self.sector_wait_alert_minutes.get(sector_code, self.wait_alert_minutes))

    @property
    def rank_penalty(self) -> timedelta:
        return timedelta(minutes=self.rank_penalty_minutes)

    @property
    def fair_wait(self) -> timedelta:
        return timedelta(minutes=self.fair_wait_minutes)

    @property
    def switch_penalty(self) -> timedelta:
        return timedelta(minutes=self.switch_penalty_minutes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
