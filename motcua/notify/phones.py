"""Vietnamese mobile numbers as citizens type them (0912 345 678, +84 912345678, 84912…),
checked against the numbering plan (`phonenumbers`) and kept in one form: 0xxxxxxxxx."""
from __future__ import annotations

from motcua.core.errors import N_, InvalidInput

MAX_TYPED = 30


def normalise_phone(typed: str) -> str:
    """The national form, 0xxxxxxxxx, of a Vietnamese mobile number; InvalidInput otherwise."""
    # The numbering plan (several MB) loads with the first number, not with every server
    # process (tests/test_server_memory.py).
    import phonenumbers

    raw = typed.strip()
    if raw.startswith("84") and not raw.startswith("+"):
        raw = "+" + raw
    try:
        if len(raw) > MAX_TYPED:
            raise phonenumbers.NumberParseException(phonenumbers.NumberParseException.TOO_LONG, "")
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        raise _not_a_mobile() from None
    if (number.country_code != 84 or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE):
        raise _not_a_mobile()
    return "0" + str(number.national_number)


def masked(phone: str) -> str:
    """The number with all but its last three digits hidden, "••• ••• 678": enough for the
    citizen to recognise it on a page anyone holding the ticket can open."""
    return "••• ••• " + phone[-3:]


def international(phone: str) -> str:
    """+84xxxxxxxxx, as SMS gateways and e-mail want it."""
    return "+84" + phone[1:]


def zalo_form(phone: str) -> str:
    """84xxxxxxxxx, as the Zalo notification API wants it."""
    return "84" + phone[1:]


def _not_a_mobile() -> InvalidInput:
    return InvalidInput(N_("Số điện thoại di động không hợp lệ (ví dụ: 0912 345 678)."), "phone")
