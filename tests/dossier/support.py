"""Helpers for dossier tests: a demo hall with its catalogue, an officer serving a citizen."""
from __future__ import annotations

from typing import Any

from motcua.core.actors import SYSTEM, Actor
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.dossier.models import Delivery, Dossier
from motcua.dossier.services import Applicant, HandedDocument, Installation, Intake
from motcua.queue import services as queue
from tests.support import make_officer

INSTALLATION = Installation(agency_code="H21.65", id_card_key=b"test id-card key")
LAND_EXCHANGE = "1.012770"  # Cấp đổi Giấy chứng nhận…, đất đai, 7 working days, two originals
BIRTH = "1.001193"  # Đăng ký khai sinh, tư pháp, 8 working hours
ENVIRONMENT_PERMIT = "1.010728"  # Cấp giấy phép môi trường cấp tỉnh, 30 calendar days


def prepare(ports: Ports) -> None:
    """The demo catalogue in the demo hall (the `demo_hall` fixture made the hall)."""
    dossiers.load_demo_catalogue(ports.session, ports.clock)


def serve_a_citizen(ports: Ports, counter: int = 1, sector: str = "dat-dai",
                    username: str | None = None) -> Actor:
    """An officer opens the counter and calls a citizen: ready to receive a dossier."""
    officer = make_officer(ports.session, ports.clock, username=username or f"canbo{counter}")
    queue.open_counter(ports, hall_code="demo", counter_number=counter, actor=officer)
    queue.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=None, actor=SYSTEM)
    queue.call_next(ports, hall_code="demo", counter_number=counter, actor=officer)
    return officer


def an_intake(procedure: str = LAND_EXCHANGE, **changes: Any) -> Intake:
    applicant = Applicant(name=changes.pop("name", "Nguyễn Văn Minh"),
                          phone=changes.pop("phone", "0905 123 456"),
                          address=changes.pop("address", "12 Lê Thánh Tôn, Nha Trang"),
                          id_card=changes.pop("id_card", "079123456789"),
                          born=changes.pop("born", None))
    documents = changes.pop("documents", None)
    if documents is None:
        documents = {
            LAND_EXCHANGE: (HandedDocument("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", 1, 0),
                            HandedDocument("Giấy chứng nhận đã cấp", 1, 1)),
            BIRTH: (HandedDocument("Tờ khai đăng ký khai sinh", 1, 0),),
            ENVIRONMENT_PERMIT: (HandedDocument("Văn bản đề nghị cấp giấy phép môi trường", 1, 0),),
        }[procedure]
    return Intake(procedure_code=procedure, applicant=applicant, documents=documents,
                  sets=changes.pop("sets", 1), delivery=changes.pop("delivery", Delivery.COUNTER))


def receive(ports: Ports, officer: Actor, counter: int = 1, **changes: Any) -> Dossier:
    return dossiers.receive_dossier(ports, hall_code="demo", counter_number=counter, actor=officer,
                                    intake=an_intake(**changes), installation=INSTALLATION)
