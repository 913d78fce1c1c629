"""Each channel against its local fake server; texts for GSM-7 gateways; phone numbers."""
from __future__ import annotations

import hashlib
import hmac
import json
from email import message_from_bytes
from email.policy import default

import pytest

from motcua.core.errors import InvalidInput
from motcua.notify.channels import (
    DeliveryError,
    EmailChannel,
    FakeSmsChannel,
    Message,
    SmsGatewayChannel,
    WebhookChannel,
    ZaloChannel,
)
from motcua.notify.phones import normalise_phone
from motcua.notify.text import fold, sms_text
from tests.notify.fakes import fake_http, fake_smtp

MESSAGE = Message(key="ticket_called:7:1", hall="demo", recipient="0912345678",
                  template="ticket_called", text="Trung tâm Đà Nẵng: mời số 1001 đến quầy 3.",
                  params={"number": "1001", "counter": 3})


def test_the_webhook_signs_the_exact_body_it_sends():
    with fake_http() as server:
        WebhookChannel(server.url + "/hook", "s3cret").send(MESSAGE)
    [request] = server.requests
    expected = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-motcua-signature"] == f"sha256={expected}"
    body = json.loads(request.body)
    assert (body["id"], body["phone"], body["text"]) == (MESSAGE.key, "0912345678", MESSAGE.text)


def test_a_webhook_that_answers_an_error_is_a_delivery_error_with_its_status():
    with fake_http() as server:
        server.status, server.answer = 503, b"maintenance"
        with pytest.raises(DeliveryError, match=r"HTTP 503.*maintenance"):
            WebhookChannel(server.url, "s").send(MESSAGE)


def test_the_sms_gateway_gets_the_halls_template_with_the_text_without_diacritics():
    with fake_http() as server:
        SmsGatewayChannel(server.url + "/send?to={phone}", "POST",
                          '{"to": "{phone}", "msg": "{text}", "brand": "MOTCUA"}').send(MESSAGE)
    [request] = server.requests
    assert request.path == "/send?to=%2B84912345678"
    assert json.loads(request.body) == {"to": "+84912345678", "brand": "MOTCUA",
                                        "msg": "Trung tam Da Nang: moi so 1001 den quay 3."}


def test_a_form_encoded_gateway_that_takes_unicode_gets_the_vietnamese_text():
    with fake_http() as server:
        SmsGatewayChannel(server.url, "POST", "phone={phone}&text={text}",
                          "application/x-www-form-urlencoded", unicode=True).send(MESSAGE)
    [request] = server.requests
    from urllib.parse import parse_qs
    assert parse_qs(request.body.decode()) == {"phone": ["+84912345678"], "text": [MESSAGE.text]}


def test_zalo_gets_the_oa_template_and_its_params_with_the_access_token():
    with fake_http() as server:
        server.answer = b'{"error": 0, "message": "Success"}'
        ZaloChannel("tok", {"ticket_called": "231677"}, server.url).send(MESSAGE)
    [request] = server.requests
    assert request.headers["access_token"] == "tok"
    assert json.loads(request.body) == {"phone": "84912345678", "template_id": "231677",
                                        "template_data": {"number": "1001", "counter": "3"},
                                        "tracking_id": MESSAGE.key}


def test_a_zalo_refusal_is_a_delivery_error_with_zalos_reason():
    with fake_http() as server:
        server.answer = b'{"error": -124, "message": "Access token is invalid"}'
        with pytest.raises(DeliveryError, match="-124: Access token is invalid"):
            ZaloChannel("old", {"ticket_called": "1"}, server.url).send(MESSAGE)


def test_zalo_without_a_template_for_the_message_says_so():
    with pytest.raises(DeliveryError, match="no Zalo template id"):
        ZaloChannel("tok", {}, "http://127.0.0.1:9").send(MESSAGE)


def test_email_goes_to_the_address_made_from_the_phone():
    with fake_smtp() as server:
        EmailChannel("127.0.0.1", server.port, "motcua@hall.test", "{phone}@sms.hall.test").send(MESSAGE)
    [(sender, recipients, data)] = server.mails
    assert (sender, recipients) == ("motcua@hall.test", ["+84912345678@sms.hall.test"])
    assert message_from_bytes(data, policy=default).get_content().strip() == MESSAGE.text


def test_an_smtp_server_out_of_reach_is_a_delivery_error():
    with fake_smtp() as server:
        port = server.port
    with pytest.raises(DeliveryError, match="cannot reach SMTP"):
        EmailChannel("127.0.0.1", port, "a@b.c", "{phone}@d.e").send(MESSAGE)


def test_the_fake_sms_writes_what_the_phone_would_show(tmp_path):
    FakeSmsChannel(tmp_path / "sms.jsonl").send(MESSAGE)
    line = json.loads((tmp_path / "sms.jsonl").read_text())
    assert line == {"to": "0912345678", "id": MESSAGE.key,
                    "text": "Trung tam Da Nang: moi so 1001 den quay 3."}


def test_vietnamese_folds_to_ascii_letter_by_letter():
    assert fold("Đường Hồ Chí Minh, Ứng Hòa — được") == "Duong Ho Chi Minh, Ung Hoa - duoc"


def test_a_long_text_is_cut_to_one_gsm7_sms():
    text = sms_text("Hồ sơ " + "rất dài " * 40)
    assert len(text) == 160 and text.endswith("...") and text.isascii()


def test_a_long_text_ending_in_a_link_is_shortened_before_the_link_never_in_it():
    link = "https://motcua.khanhhoa.gov.vn/tra-cuu/Qx7_k2mZpL0aVb9cDe3fGh4J"
    text = sms_text("Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa: hồ sơ "
                    f"000.00.21.H32-261125-0001 đã có kết quả, mời ông/bà đến nhận. Tra cứu: {link}")
    assert len(text) == 160 and text.endswith(f"... {link}")
    assert text.startswith("Trung tam Phuc vu hanh chinh cong tinh Khanh Hoa: ho so 000.00.21.H32")


@pytest.mark.parametrize("typed", ["0912345678", "0912 345 678", "+84912345678",
                                   "84 912-345-678", "(+84) 912.345.678"])
def test_vietnamese_mobiles_are_kept_as_0_and_nine_digits(typed):
    assert normalise_phone(typed) == "0912345678"


@pytest.mark.parametrize("typed", ["", "12345", "02438251234", "+1 202 555 0123", "0912345678901"])
def test_what_is_no_vietnamese_mobile_is_refused(typed):
    with pytest.raises(InvalidInput):
        normalise_phone(typed)
