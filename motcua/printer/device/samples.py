"""Sample tickets for `printer test`, `printer preview`, the tests and the benchmark.

They need no database, so a printer can be checked on a kiosk PC before anything else
is set up. The "long" sample carries the longest names seen in halls, to prove wrapping.
"""
from __future__ import annotations

from datetime import UTC, datetime

from motcua.printer.device.document import PRIORITY_LABELS, TicketSlip

HALL_TIME_ZONE = "Asia/Ho_Chi_Minh"  # the samples are of a hall in Vietnam

_ISSUED = datetime(2025, 3, 14, 1, 5, tzinfo=UTC)  # 08:05 in the hall
_URL = "http://192.168.1.10:5000/t/q7Xk2mP9vR4sT8wZ"
_FOOTER = ("Đường dây nóng: 1900 1234", "Xin cảm ơn quý khách!")


def sample_slip(name: str = "normal", paper_mm: int = 80) -> TicketSlip:
    """A named sample: "normal", "long", or a priority group ("elderly", "merit", …)."""
    if name == "normal":
        return TicketSlip(
            hall_name="Bộ phận Một cửa phường Lộc Thọ",
            sector_name="Đất đai",
            display_number="1023",
            priority_label=None,
            issued_at=_ISSUED,
            time_zone=HALL_TIME_ZONE,
            ahead=7,
            wait_range=(30, 45),
            counters=(2, 3, 5),
            status_url=_URL,
            footer=_FOOTER,
            paper_mm=paper_mm,
        )
    if name == "long":
        return TicketSlip(
            hall_name="Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
            sector_name="Tư pháp (Hộ tịch, Lý lịch tư pháp, Chứng thực) — Lao động, Việc làm, "
            "Người có công",
            display_number="B0125",
            priority_label=PRIORITY_LABELS["merit"],
            issued_at=_ISSUED,
            time_zone=HALL_TIME_ZONE,
            ahead=128,
            wait_range=(195, 295),
            status_url=_URL,
            footer=_FOOTER + ("Quý khách vui lòng theo dõi màn hình và loa thông báo tại sảnh chờ.",),
            paper_mm=paper_mm,
        )
    if name in PRIORITY_LABELS:
        return TicketSlip(
            hall_name="Bộ phận Một cửa phường Lộc Thọ",
            sector_name="Hộ tịch",
            display_number="A007",
            priority_label=PRIORITY_LABELS[name],
            issued_at=_ISSUED,
            time_zone=HALL_TIME_ZONE,
            ahead=0,
            wait_range=None,
            status_url=_URL,
            footer=_FOOTER,
            paper_mm=paper_mm,
        )
    raise ValueError(f"unknown sample {name!r}: one of {', '.join(SAMPLE_NAMES)}")


SAMPLE_NAMES = ("normal", "long", *PRIORITY_LABELS)
