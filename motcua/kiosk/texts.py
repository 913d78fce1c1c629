"""Words the kiosk's and the phone page's scripts show, translated on the server.

Scripts get them as JSON rendered into the page (placeholders in braces, filled in by the
script), so no sentence is written in a .js file. The ticket wording is shared by the
phone page and the kiosk's look-up screen.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import get_locale, lazy_gettext, ngettext
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from motcua.queue.models import Priority

PRIORITY_LABELS: dict[Priority, LazyString] = {
    Priority.ELDERLY: lazy_gettext("Người cao tuổi"),
    Priority.DISABLED: lazy_gettext("Người khuyết tật"),
    Priority.PREGNANT: lazy_gettext("Phụ nữ mang thai"),
    Priority.MERIT: lazy_gettext("Người có công với cách mạng"),
}


# Who qualifies, in words a citizen can check against themselves (shared/domain.md).
PRIORITY_HINTS: dict[Priority, LazyString] = {
    Priority.ELDERLY: lazy_gettext("Từ 60 tuổi trở lên"),
    Priority.DISABLED: lazy_gettext("Khó khăn khi đi lại, nhìn, nghe hoặc nói"),
    Priority.PREGNANT: lazy_gettext("Đang mang thai, bất kể tháng nào"),
    Priority.MERIT: lazy_gettext("Thương binh, bệnh binh, thân nhân liệt sĩ, Mẹ Việt Nam anh hùng…"),
}


def priority_label(value: str | None) -> str:
    return str(PRIORITY_LABELS[Priority(value)]) if value else ""


def _forms(say: Callable[[int], str]) -> dict[str, str]:
    """A counted phrase in both forms, for a script to pick by its number ({n} stays for it)."""
    return {"one": say(1), "other": say(2)}


def ticket_words() -> dict[str, Any]:
    """How a ticket's state is told to the citizen: headline, detail, waiting figures."""
    return {
        "headline": {
            "waiting": _("Đang chờ đến lượt"),
            "near": _("Sắp đến lượt của ông/bà"),
            "called": _("Mời đến quầy số {counter}"),
            "serving": _("Đang được phục vụ tại quầy số {counter}"),
            "done": _("Đã xong"),
            "no-show": _("Đã bị bỏ qua"),
            "cancelled": _("Đã hủy"),
            "other_day": _("Số của ngày khác"),
        },
        "detail": {
            "near": _("Xin ông/bà đến gần khu vực các quầy và theo dõi bảng gọi số."),
            "called": _("Số {number} đang được gọi. Xin mời ông/bà đến ngay."),
            "serving": _("Cán bộ đang giải quyết hồ sơ của ông/bà."),
            "done": _("Cảm ơn ông/bà đã đến Bộ phận Một cửa."),
            "no-show": _("Ông/bà không có mặt khi được gọi. Xin liên hệ cán bộ hướng dẫn."),
            "cancelled": _("Số thứ tự này đã bị hủy. Xin liên hệ cán bộ hướng dẫn."),
            "other_day": _("Số này của ngày {date}; số thứ tự chỉ có giá trị trong ngày."),
            "transferred": _(
                "Ông/bà đã được chuyển tiếp, nay thuộc lĩnh vực {sector}. Xin tiếp tục chờ."),
        },
        "ahead": _forms(lambda n: ngettext("Trước ông/bà còn {n} người",
                                           "Trước ông/bà còn {n} người", n)),
        "ahead_none": _("Ông/bà là người tiếp theo"),
        "wait": _("Thời gian chờ dự kiến: khoảng {low}–{high} phút"),
        "counters": _("Quầy phục vụ: {counters}"),
    }


def phone_words() -> dict[str, Any]:
    """The phone page's script: the ticket's words and how the live connection is doing."""
    return {
        **ticket_words(),
        "live": _("Trang tự cập nhật khi đến lượt."),
        "offline": _("Mất kết nối, đang thử lại…"),
        "sound_on": _("Đã bật âm báo"),
        "called_title": _("Mời đến quầy {counter} · số {number}"),
    }


def describe_ticket(status: dict[str, Any]) -> dict[str, Any]:
    """Headline and lines for a ticket's public status (see readmodels.ticket_status).

    The phone page's script tells the same from the same words (ticket.js `describe`).
    """
    words = ticket_words()
    fill = {"counter": status["counter"], "number": status["display_number"],
            "date": _day(status["day"]), "sector": status["sector"]["name_" + _lang()]}
    state = status["status"] if status["is_today"] else "other_day"
    if state != "waiting":
        return {"state": state, "headline": words["headline"][state].format(**fill),
                "lines": [words["detail"][state].format(**fill)]}
    lines = []
    if status["transferred"]:
        lines.append(words["detail"]["transferred"].format(**fill))
    ahead = status["ahead"]
    lines.append(words["ahead_none"] if ahead == 0
                 else words["ahead"]["one" if ahead == 1 else "other"].format(n=ahead))
    if status["estimated_wait_minutes"]:
        lines.append(words["wait"].format(**status["estimated_wait"]))
    if status["counters"]:
        lines.append(words["counters"].format(counters=", ".join(map(str, status["counters"]))))
    if status["near"]:
        lines.append(words["detail"]["near"])
        return {"state": "near", "headline": words["headline"]["near"], "lines": lines}
    return {"state": state, "headline": words["headline"]["waiting"], "lines": lines}


def _lang() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "vi"


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def kiosk_words() -> dict[str, Any]:
    """What the kiosk's script says besides the page's own text."""
    ticket = ticket_words()
    return {
        "waiting": _forms(lambda n: ngettext("{n} người đang chờ", "{n} người đang chờ", n)),
        "nobody_waiting": _("Không có người chờ"),
        "wait_about": _("khoảng {n} phút"),
        "availability": {
            "closed": _("Tạm ngừng lấy số"),
            "outside_window": _("Chỉ lấy số trong giờ {windows}"),
            "cap_reached": _("Đã hết số hôm nay"),
        },
        **{key: ticket[key] for key in ("ahead", "ahead_none", "wait", "counters")},
        "past_closing": _("Thời gian chờ dự kiến khoảng {low}–{high} phút, quá giờ đóng cửa. "
                          "Ông/bà có thể không được phục vụ trong buổi làm việc này."),
        "printing": _("Đang in phiếu…"),
        "printed": _("Đã in xong — mời nhận phiếu bên dưới"),
        "sent": _("Đã gửi phiếu tới máy in — mời nhận phiếu bên dưới. "
                  "Nếu không có phiếu, xin ghi lại số thứ tự."),
        "print_failed": _("Máy in bị lỗi, không in được phiếu"),
        "print_failed_detail": _(
            "Xin chụp ảnh màn hình này hoặc ghi lại số thứ tự. Cán bộ đã được báo."),
        "no_printer": _("Xin chụp ảnh màn hình này hoặc ghi lại số thứ tự."),
        "checklist": {
            "printing": _("Đang in danh sách giấy tờ — mời nhận bên dưới."),
            "failed": _("Không in được; xin quét mã QR để xem trên điện thoại."),
        },
        "priority": {p.value: str(label) for p, label in PRIORITY_LABELS.items()},
        "priority_mark": _("Ưu tiên: {group}"),
        "errors": {
            "sector_closed": _("Lĩnh vực này đang tạm ngừng lấy số."),
            "sector_not_found": _("Lĩnh vực này không còn cấp số. Xin mời hỏi cán bộ hướng dẫn."),
            "outside_issuing_window": _("Hiện không phải giờ lấy số của lĩnh vực này."),
            "daily_cap_reached": _("Lĩnh vực này đã hết số hôm nay."),
            "past_closing": _("Số lấy bây giờ sẽ không kịp được gọi trước giờ đóng cửa. "
                              "Xin mời ông/bà quay lại vào buổi làm việc sau."),
            "rate_limited": _("Máy đang bận. Xin chờ một chút rồi chạm lại."),
            "database_unavailable": _("Hệ thống đang tạm gián đoạn. Xin chờ một chút rồi chạm lại."),
            "network": _("Không kết nối được máy chủ. Xin mời hỏi cán bộ hướng dẫn."),
            "other": _("Chưa lấy được số. Xin mời hỏi cán bộ hướng dẫn."),
        },
        "booking": {
            "empty": _("Lịch hẹn đặt trên điện thoại hoặc cổng dịch vụ công: đến đúng giờ hẹn "
                       "được mời trước."),
            "checking": _("Đang tìm lịch hẹn…"),
            "network": _("Không kết nối được máy chủ. Xin thử lại."),
        },
        "lookup": {
            "searching": _("Đang tra cứu…"),
            "network": _("Không kết nối được máy chủ. Xin thử lại."),
        },
    }
