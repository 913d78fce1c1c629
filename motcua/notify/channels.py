"""The ways a hall's notifications leave the server, behind one small interface: a channel
`send`s one message or raises `DeliveryError` with the reason staff will read.

- webhook: the message as JSON, signed with HMAC-SHA256 over the exact body (the province's
  own SMS or Zalo service checks it);
- sms: an HTTP SMS gateway, its request written by the hall (URL, method, body template with
  {phone} and {text}); the text folded to one GSM-7 SMS unless the gateway takes Unicode;
- zalo: the Zalo Official Account notification API (ZNS): a template id per message kind;
- email: SMTP, to an address made from the phone (an e-mail-to-SMS service, or a mailbox);
- fake_sms: for demos and training, each message appended to a file (and listed in /admin).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from motcua.notify.phones import international, zalo_form
from motcua.notify.text import sms_text

TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-Motcua-Signature"
ZALO_URL = "https://business.openapi.zalo.me/message/template"
KINDS = ("off", "webhook", "sms", "zalo", "email", "fake_sms")


class DeliveryError(Exception):
    """The message did not go; `str()` says why, for the staff's list."""


@dataclass(frozen=True)
class Message:
    key: str  # the outbox row's idempotency key: receivers may drop a repeat
    hall: str
    recipient: str  # 0xxxxxxxxx
    template: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)


class Channel(Protocol):
    def send(self, message: Message) -> None: ...


def signature(secret: str, body: bytes) -> str:
    """What the webhook's header carries: `sha256=` and the hex HMAC of the exact body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _http(url: str, method: str, body: bytes | None, headers: Mapping[str, str]) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer: bytes = response.read(65536)
            return answer
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip()
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}: {detail}".strip(": ")) from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"cannot reach {urllib.parse.urlsplit(url).netloc}: {exc.reason}") from None
    except OSError as exc:  # timeouts, resets
        raise DeliveryError(f"{urllib.parse.urlsplit(url).netloc}: {exc}") from None


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    secret: str

    def send(self, message: Message) -> None:
        body = json.dumps({
            "id": message.key, "hall": message.hall, "phone": message.recipient,
            "template": message.template, "text": message.text, "params": dict(message.params),
        }, ensure_ascii=False, separators=(",", ":")).encode()
        _http(self.url, "POST", body, {"Content-Type": "application/json; charset=utf-8",
                                       SIGNATURE_HEADER: signature(self.secret, body)})


def _fill(template: str, values: Mapping[str, str], escape: Callable[[str], str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", escape(value))
    return template


def _json_escape(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


@dataclass(frozen=True)
class SmsGatewayChannel:
    """A gateway's request as its documentation shows it, with {phone} (+84…) and {text}."""

    url: str
    method: str = "POST"
    body: str = ""
    content_type: str = "application/json"
    unicode: bool = False  # True: the gateway sends Vietnamese with diacritics (UCS-2)

    def send(self, message: Message) -> None:
        values = {"phone": international(message.recipient),
                  "text": message.text if self.unicode else sms_text(message.text)}
        url = _fill(self.url, values, lambda v: urllib.parse.quote(v, safe=""))
        if self.method.upper() == "GET":
            _http(url, "GET", None, {})
            return
        escape = (_json_escape if "json" in self.content_type
                  else (lambda v: urllib.parse.quote_plus(v)) if "urlencoded" in self.content_type
                  else (lambda v: v))
        body = _fill(self.body, values, escape).encode()
        _http(url, self.method.upper(), body, {"Content-Type": self.content_type})


@dataclass(frozen=True)
class ZaloChannel:
    """ZNS: a message is a template the OA registered with Zalo, filled with its params."""

    access_token: str
    templates: Mapping[str, str]  # our template key → the OA's template id
    url: str = ZALO_URL

    def send(self, message: Message) -> None:
        template_id = self.templates.get(message.template)
        if not template_id:
            raise DeliveryError(f"no Zalo template id for “{message.template}”")
        body = json.dumps({
            "phone": zalo_form(message.recipient), "template_id": template_id,
            "template_data": {k: str(v) for k, v in message.params.items()},
            "tracking_id": message.key,
        }, ensure_ascii=False).encode()
        answer = _http(self.url, "POST", body, {"Content-Type": "application/json",
                                                "access_token": self.access_token})
        try:
            result = json.loads(answer)
        except ValueError:
            raise DeliveryError("Zalo answered something other than JSON") from None
        if not isinstance(result, dict) or result.get("error") != 0:
            error = result.get("error") if isinstance(result, dict) else None
            text = result.get("message") if isinstance(result, dict) else None
            raise DeliveryError(f"Zalo error {error}: {text}")


@dataclass(frozen=True)
class EmailChannel:
    host: str
    port: int
    sender: str
    to: str  # with {phone}: e.g. "{phone}@sms.example.vn"
    username: str = ""
    password: str = ""
    starttls: bool = False

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = self.to.replace("{phone}", international(message.recipient))
        mail["Subject"] = message.text.split(".")[0][:80]
        mail["Message-ID"] = f"<{message.key.replace(':', '.')}@motcua>"
        mail.set_content(message.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPException as exc:
            raise DeliveryError(f"SMTP {self.host}: {exc}") from None
        except OSError as exc:
            raise DeliveryError(f"cannot reach SMTP {self.host}:{self.port}: {exc}") from None


@dataclass(frozen=True)
class FakeSmsChannel:
    """Writes each message as one JSON line: what the citizen's phone would have shown."""

    path: Path

    def send(self, message: Message) -> None:
        line = json.dumps({"to": message.recipient, "text": sms_text(message.text),
                           "id": message.key}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path}: {exc.strerror or exc}") from None


def _text(config: Mapping[str, Any], name: str, default: str = "") -> str:
    value = config.get(name, default)
    return value if isinstance(value, str) else default


def channel_for(kind: str, config: Mapping[str, Any], instance_dir: Path) -> Channel | None:
    """The channel a hall's settings describe; None when the hall sends nothing."""
    if kind == "webhook":
        return WebhookChannel(_text(config, "url"), _text(config, "secret"))
    if kind == "sms":
        return SmsGatewayChannel(_text(config, "url"), _text(config, "method", "POST"),
                                 _text(config, "body"),
                                 _text(config, "content_type", "application/json"),
                                 bool(config.get("unicode")))
    if kind == "zalo":
        templates = config.get("templates")
        return ZaloChannel(_text(config, "access_token"),
                           templates if isinstance(templates, dict) else {},
                           _text(config, "url") or ZALO_URL)
    if kind == "email":
        return EmailChannel(_text(config, "host"), int(config.get("port") or 25),
                            _text(config, "sender"), _text(config, "to"),
                            _text(config, "username"), _text(config, "password"),
                            bool(config.get("starttls")))
    if kind == "fake_sms":
        return FakeSmsChannel(instance_dir / Path(_text(config, "file") or "fake-sms.jsonl").name)
    return None
