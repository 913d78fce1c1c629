"""The words dossier pages show, translated for the request's language (Vietnamese source)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from motcua.dossier.calendar import Unit
from motcua.dossier.models import DossierStatus as S


def status_names() -> dict[int, str]:
    """The national catalogue's names (lifecycle.OFFICIAL_NAMES), in the page's language."""
    return {
        S.SUBMITTED: _("Mới đăng ký"),
        S.ACCEPTED: _("Được tiếp nhận"),
        S.REFUSED: _("Không được tiếp nhận"),
        S.IN_PROCESS: _("Đang xử lý"),
        S.SUPPLEMENT_REQUESTED: _("Yêu cầu bổ sung giấy tờ"),
        S.AWAITING_FEES: _("Yêu cầu thực hiện nghĩa vụ tài chính"),
        S.WITHDRAWN: _("Công dân yêu cầu rút hồ sơ"),
        S.STOPPED: _("Dừng xử lý"),
        S.DONE: _("Đã xử lý xong"),
        S.RETURNED: _("Đã trả kết quả"),
    }


def status_explained(post: bool, online: bool = False) -> dict[int, str]:
    """Each status in plain words, for the citizen holding the receipt (`online`: of a dossier
    registered online, whose supplement may be sent online too)."""
    return {
        S.SUBMITTED: _("Hồ sơ đã được đăng ký và đang chờ bộ phận một cửa tiếp nhận."),
        S.ACCEPTED: _("Hồ sơ đã được tiếp nhận và được chuyển đến cơ quan giải quyết."),
        S.REFUSED: _("Hồ sơ không được tiếp nhận. Lý do được ghi dưới đây."),
        S.IN_PROCESS: _("Hồ sơ đang được giải quyết."),
        S.SUPPLEMENT_REQUESTED: (
            _("Cần bổ sung giấy tờ ghi dưới đây: gửi tệp trực tuyến từ trang tra cứu của hồ sơ "
              "(đường dẫn trong tin nhắn hoặc mã QR), hoặc mang đến bộ phận một cửa.") if online
            else _("Cần bổ sung giấy tờ: xin mang giấy tờ ghi dưới đây đến bộ phận một cửa. Thời "
                   "hạn giải quyết tạm dừng cho đến khi bổ sung đủ.")),
        S.AWAITING_FEES: _("Xin thực hiện nghĩa vụ tài chính (phí, lệ phí, thuế) theo thông báo "
                           "để hồ sơ được giải quyết tiếp."),
        S.WITHDRAWN: _("Hồ sơ đã được rút theo yêu cầu của người nộp."),
        S.STOPPED: _("Hồ sơ đã dừng xử lý. Lý do được ghi dưới đây."),
        S.DONE: (_("Đã có kết quả. Kết quả sẽ được gửi qua bưu điện.") if post
                 else _("Đã có kết quả. Mời ông/bà mang giấy hẹn đến nhận kết quả.")),
        S.RETURNED: _("Đã trả kết quả. Hồ sơ đã hoàn tất."),
    }


def outcome_names() -> dict[str, str]:
    return {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "late": _("Trễ hạn")}


def form_names() -> dict[str, str]:
    return {"original": _("Bản chính"), "copy": _("Bản sao"),
            "certified_copy": _("Bản sao có chứng thực")}


def unit_names() -> dict[str, str]:
    return {Unit.WORKING_DAYS.value: _("ngày làm việc"),
            Unit.WORKING_HOURS.value: _("giờ làm việc"),
            Unit.CALENDAR_DAYS.value: _("ngày")}


def delivery_names() -> dict[str, str]:
    return {"counter": _("Tại bộ phận một cửa"), "post": _("Qua bưu điện")}


def relation_names() -> dict[str, str]:
    """Who collected a result (`CollectorRelation`)."""
    return {"self": _("Người nộp hồ sơ"), "authorised": _("Người được ủy quyền"),
            "legal_rep": _("Người đại diện theo pháp luật"), "post": _("Bưu điện (trả qua bưu chính)")}


def processing_time(amount: float, unit: str, lang: str) -> str:
    number = f"{amount:g}"
    return f"{number.replace('.', ',') if lang == 'vi' else number} {unit_names()[unit]}"


def moment(instant: datetime | str, time_zone: str) -> str:
    """"09:05 25/11/2026" in hall time, from an instant or its ISO text (read models)."""
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    return f"{instant.astimezone(ZoneInfo(time_zone)):%H:%M %d/%m/%Y}"


def error_messages() -> dict[str, str]:
    """What pages say for errors that are not dossier errors."""
    return {
        "not_found": _("Không tìm thấy hồ sơ. Hãy kiểm tra lại mã hồ sơ và mã tra cứu."),
        "rate_limited": _("Bạn đã tra cứu quá nhiều lần. Xin thử lại sau ít phút."),
    }
