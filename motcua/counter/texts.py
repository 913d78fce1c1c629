"""Translated words the counter pages need in Python and hand to their scripts.

Scripts never hold user-visible text: pages render these dictionaries into a JSON blob.
Each function runs inside a request, so the words follow the page's locale.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from motcua.counter.models import RatingLevel


def level_labels() -> dict[str, str]:
    return {
        RatingLevel.VERY_SATISFIED.value: _("Rất hài lòng"),
        RatingLevel.SATISFIED.value: _("Hài lòng"),
        RatingLevel.NEUTRAL.value: _("Bình thường"),
        RatingLevel.UNSATISFIED.value: _("Không hài lòng"),
    }


def reason_labels() -> dict[str, str]:
    return {
        "long_wait": _("Phải chờ lâu"),
        "attitude": _("Thái độ chưa tốt"),
        "unclear_guidance": _("Hướng dẫn chưa rõ ràng"),
        "extra_documents": _("Yêu cầu thêm giấy tờ"),
        "other": _("Lý do khác"),
    }


def event_labels() -> dict[str, str]:
    """Names of the audit log's event kinds; unknown kinds are shown as stored."""
    return {
        "issued": pgettext("audit event", "Lấy số"),
        "called": pgettext("audit event", "Gọi số"),
        "called_out_of_order": pgettext("audit event", "Gọi số không theo thứ tự"),
        "recalled": pgettext("audit event", "Gọi lại"),
        "started": pgettext("audit event", "Bắt đầu phục vụ"),
        "completed": pgettext("audit event", "Hoàn thành"),
        "no_show": pgettext("audit event", "Vắng mặt (bỏ qua)"),
        "transferred": pgettext("audit event", "Chuyển"),
        "counter_opened": pgettext("audit event", "Mở quầy"),
        "counter_closed": pgettext("audit event", "Đóng quầy"),
        "counter_paused": pgettext("audit event", "Tạm dừng quầy"),
        "counter_resumed": pgettext("audit event", "Tiếp tục quầy"),
        "rated": pgettext("audit event", "Đánh giá"),
        "procedures_imported": pgettext("audit event", "Nhập danh mục thủ tục"),
        "notices_changed": pgettext("audit event", "Đổi thông báo trên bảng"),
    }


def staff_strings() -> dict[str, str]:
    """Words of the console and the hall's counter list."""
    return {
        "counter_n": _("Quầy %(number)s"),
        "take": _("Nhận quầy"),
        "enter": _("Vào quầy của bạn"),
        "control": _("Điều khiển"),
        "dismiss": _("Ẩn thông báo"),
        "called": _("Đang mời"),
        "serving": _("Đang phục vụ"),
        "no_current": _("Chưa gọi số nào"),
        "open": pgettext("counter state", "Đang mở"),
        "paused": pgettext("counter state", "Tạm dừng"),
        "closed": pgettext("counter state", "Đã đóng"),
        "paused_banner": _("Quầy đang tạm dừng: không nhận số mới."),
        "closed_banner": _("Quầy đang đóng."),
        "pause": pgettext("counter action", "Tạm dừng"),
        "resume": pgettext("counter action", "Tiếp tục"),
        "connecting": _("Đang kết nối…"),
        "online": _("Trực tuyến"),
        "offline": _("Mất kết nối, đang kết nối lại…"),
        "nobody_waiting": _("Không có ai đang chờ."),
        "called_number": _("Đã gọi số %(number)s."),
        "done": _("Đã xong."),
        "transferred": _("Đã chuyển số %(number)s."),
        "printer_failed": _("Máy in của %(device)s bị lỗi: số %(number)s chưa được in."),
        "printer_failed_no_ticket": _("Máy in của %(device)s bị lỗi."),
        "reprint": _("In lại"),
        "reprinted": _("Đã gửi lệnh in lại."),
        "a_kiosk": _("một máy lấy số"),
        "rated": _("Số %(number)s đánh giá: %(level)s"),
        "calls": _("Đã gọi %(count)s lần"),
        "priority": _("Ưu tiên"),
        "appointment": _("Có lịch hẹn"),
        "from_counter": _("Chuyển từ quầy %(counter)s"),
        "reserved_waiting": _("Chuyển riêng cho quầy này"),
        "nobody": _("Không có"),
        "not_yours": _("Quầy này không còn là quầy của bạn."),
        "taken": _("Đã có cán bộ"),
        "free": _("Còn trống"),
        "officer_none": _("Chưa có cán bộ"),
        "error": _("Không thực hiện được: %(message)s"),
        "network": _("Không kết nối được máy chủ. Vui lòng thử lại."),
        "session_expired": _("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."),
    }


def tablet_strings() -> dict[str, str]:
    return {
        "welcome": _("Xin kính chào quý công dân"),
        "serving": _("Đang phục vụ số"),
        "question": _("Quý công dân có hài lòng với việc giải quyết thủ tục hành chính tại quầy?"),
        "ticket": _("Số thứ tự %(number)s"),
        "why": _("Xin cho biết lý do chưa hài lòng"),
        "skip": _("Bỏ qua"),
        "thanks": _("Xin cảm ơn quý công dân đã đánh giá!"),
        "offline": _("Mất kết nối, đang kết nối lại…"),
        "not_rateable": _("Không còn đánh giá được số này."),
    }
