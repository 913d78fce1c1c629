"""The print agent's wire protocol: what the server and a kiosk's agent say over Socket.IO.

The agent connects to `AGENT_NAMESPACE` with `auth={"kiosk": ID or name, "token": kiosk
token}` and sends `READY` after every (re)connection to get the jobs it missed. The server
sends `JOB` messages (and `RESYNC` when its link to the other server processes came back);
the agent answers each job with `ACK`. A job carries its document, which the agent draws on
the kiosk PC (the server's CPU goes to taps, not to slips), or the ESC/POS bytes of a job
drawn before (a reprint of one a server printer printed). Both ends encode and decode here,
so neither reads the other's dictionaries by hand.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

AGENT_NAMESPACE = "/print-agent"

# Event names on that namespace.
JOB = "job"  # server -> agent: a job to print
ACK = "ack"  # agent -> server: how a job went
READY = "ready"  # agent -> server: connected; send what I missed
RESYNC = "resync"  # server -> every client: messages may have been lost, ask again


def agent_room(device_id: int) -> str:
    """The room of one kiosk's agent (a kiosk may run its agent in several processes)."""
    return f"print-agent:{device_id}"


@dataclass(frozen=True)
class JobMessage:
    """A job as the agent receives it: `document` to draw, or `data` drawn already."""

    id: int
    key: str  # unique across server databases, see `encode_job`
    kind: str
    ticket: str | None  # the ticket's display number, for the agent's log
    data: bytes | None = None  # ESC/POS
    document: dict[str, Any] | None = None  # `document.document_to_json`'s form
    native_qr: bool = True  # the printer draws the QR code itself (else it is an image)


def encode_job(job_id: int, created_at: datetime, kind: str, ticket: str | None, *,
               data: bytes | None = None, document: dict[str, Any] | None = None,
               native_qr: bool = True) -> dict[str, Any]:
    """A job message, with the document to draw or the bytes drawn. `key` survives a server
    database being replaced, where ids start again at 1 and the agent's memory of printed ids
    would be wrong.

    Bytes travel as base64 text. As bytes, Socket.IO sends them as a binary attachment after
    the event, and python-socketio's threaded client handles the two messages in threads of
    their own: the attachment could be read as a packet and the job lost.
    """
    message: dict[str, Any] = {
        "id": job_id,
        "key": f"{job_id}@{created_at.isoformat()}",
        "kind": kind,
        "ticket": ticket,
    }
    if document is not None:
        message["document"] = {"document": document, "native_qr": native_qr}
    else:
        message["data"] = base64.b64encode(data or b"").decode("ascii")
    return message


NOTHING_TO_PRINT = "the job came without its document or its bytes"


def decode_job(message: Any) -> JobMessage | str | None:
    """The job a message carries; a reason when it names a job but cannot be printed
    (its document and bytes missing or garbled); None when it is not a job message at all."""
    if not isinstance(message, dict) or not isinstance(message.get("id"), int):
        return None
    ticket = message.get("ticket")
    job = JobMessage(id=message["id"], key=str(message.get("key")), kind=str(message.get("kind")),
                     ticket=ticket if isinstance(ticket, str) else None)
    drawing = message.get("document")
    if isinstance(drawing, dict) and isinstance(drawing.get("document"), dict):
        return replace(job, document=drawing["document"],
                       native_qr=bool(drawing.get("native_qr", True)))
    data = message.get("data")
    if not isinstance(data, str):
        return NOTHING_TO_PRINT
    try:
        return replace(job, data=base64.b64decode(data, validate=True))
    except binascii.Error:
        return NOTHING_TO_PRINT


@dataclass(frozen=True)
class Ack:
    """An agent's word on a job: printed (`unconfirmed` when its printer was not asked for
    its status), or failed with `error`."""

    id: int
    ok: bool
    unconfirmed: bool = False
    error: str | None = None


def encode_ack(ack: Ack) -> dict[str, Any]:
    message: dict[str, Any] = {"id": ack.id, "ok": ack.ok}
    if ack.unconfirmed:
        message["unconfirmed"] = True
    if not ack.ok:
        message["error"] = ack.error or "the print agent reported a failure"
    return message


def decode_ack(message: Any) -> Ack | None:
    """None for anything that is not an acknowledgement of a job id."""
    if not isinstance(message, dict) or not isinstance(message.get("id"), int):
        return None
    if message.get("ok"):
        return Ack(message["id"], True, unconfirmed=bool(message.get("unconfirmed")))
    return Ack(message["id"], False, error=str(message.get("error") or "the print agent reported a failure"))


def agent_auth(kiosk: str, token: str) -> dict[str, str]:
    return {"kiosk": kiosk, "token": token}
