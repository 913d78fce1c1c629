"""A hall's admin picks a kiosk's printer among what a hall has (its print agent, a network
printer on the hall's LAN, a USB, serial or CUPS printer): never a file or a folder on the
server, and never any host and port the server can reach."""
from __future__ import annotations

import pytest

from motcua import create_app
from motcua.auth import accounts
from motcua.auth.accounts import register_device
from motcua.changes.errors import Invalid
from motcua.core.accounts import Device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.models import metadata
from tests.admin.conftest import csrf_token, sign_in
from tests.conftest import runtime_of
from tests.support import system_ports

REFUSED = [
    "file:{tmp}/overwritten.txt",
    "{tmp}/overwritten.txt",
    "preview:{tmp}/new/folders",
    "dummy:",
    "tcp://8.8.8.8:9100",  # not the hall's network
    "tcp://127.0.0.1:6379",  # the server itself: Redis
    "tcp://169.254.169.254:9100",  # link-local: a cloud's metadata service
    "tcp://192.168.1.50:22",  # the hall's network, but not a printer's port
    "tcp://192.168.1.50:5432",
    "tcp://printer.example.org:9100",  # a name could later point anywhere
    "serial:/etc/passwd",
    "cups:../../etc",
    "usb://not-ids",
    "foo://bar",
]
ACCEPTED = [
    "agent",
    "agent:?width=58&qr=image",
    "tcp://192.168.1.50:9100",
    "tcp://10.20.0.7",  # port 9100 by default
    "tcp://172.16.4.2:9101?status=off&timeout=2",
    "usb://04b8:0202",
    "serial:/dev/ttyUSB0?baudrate=19200",
    "cups:POS80",
]


@pytest.fixture
def kiosk(session, clock, demo_hall) -> Device:
    device, _ = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                hall_code="demo", name="Máy lấy số 1",
                                kind=DeviceKind.KIOSK, printer="agent")
    return device


def post_printer(client, device: Device, printer: str):
    path = f"/admin/demo/devices/{device.id}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "name": device.name,
                                   "printer": printer})


@pytest.mark.parametrize("template", REFUSED)
def test_the_device_form_refuses_a_printer_a_hall_cannot_have(
    template, admin_client, kiosk, session, tmp_path
):
    url = template.format(tmp=tmp_path / "written-by-a-ticket")
    answer = post_printer(admin_client, kiosk, url)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Máy in không dùng được" in page
    session.refresh(kiosk)
    assert kiosk.printer == "agent"


@pytest.mark.parametrize("url", ACCEPTED)
def test_the_device_form_takes_the_printers_a_hall_has(url, admin_client, kiosk, session):
    answer = post_printer(admin_client, kiosk, url)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    session.refresh(kiosk)
    assert kiosk.printer == url


def test_a_new_kiosk_cannot_write_to_a_file_either(admin_client, session, tmp_path):
    token = csrf_token(admin_client, "/admin/demo/devices")
    answer = admin_client.post("/admin/demo/devices", data={
        "csrf_token": token, "kind": "kiosk", "name": "Máy lấy số 2",
        "printer": f"file:{tmp_path}/x.bin"})
    assert answer.status_code == 422
    assert session.query(Device).filter_by(name="Máy lấy số 2").count() == 0


def test_the_service_names_the_printer_field_and_says_what_a_hall_may_use(ports, admin):
    with pytest.raises(Invalid) as caught:
        accounts.register_device(ports, actor=admin, hall_code="demo", name="Máy lấy số 3",
                                 kind=DeviceKind.KIOSK, printer="preview:/srv/www")
    problem = caught.value.problems[0]
    assert problem.field == "printer"
    assert "agent" in problem.text and "tcp://" in problem.text


def test_the_printer_networks_setting_lets_a_server_reach_other_printers(
    database_url, clock, publisher, tmp_path
):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                      "RATELIMIT_ENABLED": False, "PRINTER": "dummy:",
                      "PRINTER_NETWORKS": "127.0.0.1/32, 100.64.0.0/10",
                      "PRINTER_PORTS": "9100-9102,4242"}, clock=clock, publisher=publisher)
    metadata.create_all(runtime_of(app).engine)
    with runtime_of(app).sessions() as session:
        from motcua.auth.accounts import create_user
        from motcua.core.actors import Role
        from motcua.core.events import RecordingPublisher
        from motcua.core.ports import Ports
        from motcua.queue.demo import load_demo_hall

        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                              username="quantri", role=Role.ADMIN,
                              password="secret-pass")
        device, _ = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                    hall_code="demo", name="k",
                                    kind=DeviceKind.KIOSK, printer="agent")
        client = sign_in(app.test_client(), user)
        assert post_printer(client, device, "tcp://127.0.0.1:4242").status_code == 302
        assert post_printer(client, device, "tcp://100.64.1.2:9102").status_code == 302
        assert post_printer(client, device, "tcp://192.168.1.50:9100").status_code == 422
        assert post_printer(client, device, "tcp://127.0.0.1:9103").status_code == 422
    runtime_of(app).engine.dispose()


@pytest.mark.parametrize(("networks", "ports", "says"), [
    ("10.0.0.0/8, nonsense", "9100", "PRINTER_NETWORKS"),
    ("10.0.0.0/8", "9100-80", "PRINTER_PORTS"),
    ("10.0.0.0/8", "http", "PRINTER_PORTS"),
])
def test_a_bad_printer_setting_is_one_clear_error(networks, ports, says):
    from motcua.printer.device.urls import PrinterPolicy

    with pytest.raises(ValueError, match=says):
        PrinterPolicy.from_settings(networks, ports)


@pytest.fixture
def preview_kiosk(session, clock, demo_hall, tmp_path) -> Device:
    """A kiosk added with MOTCUA_PRINTER=preview:…, as the demo's is."""
    device, _ = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                hall_code="demo", name="Máy lấy số 1", kind=DeviceKind.KIOSK,
                                printer=f"preview:{tmp_path}/printer-out")
    return device


def test_renaming_a_kiosk_keeps_the_server_printer_it_already_has(admin_client, preview_kiosk,
                                                                   session):
    path = f"/admin/demo/devices/{preview_kiosk.id}"
    printer = preview_kiosk.printer
    answer = admin_client.post(path, data={"csrf_token": csrf_token(admin_client, path),
                                           "name": "Máy lấy số sảnh", "printer": printer})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    session.refresh(preview_kiosk)
    assert (preview_kiosk.name, preview_kiosk.printer) == ("Máy lấy số sảnh", printer)


def test_a_newly_typed_server_printer_is_refused_in_the_pages_language(admin_client, kiosk,
                                                                        tmp_path):
    answer = post_printer(admin_client, kiosk, f"preview:{tmp_path}/other")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "ghi ra tệp trên máy chủ" in page and "motcua kiosk add" in page
    assert "printers write on the server" not in page
    admin_client.set_cookie("lang", "en")
    english = post_printer(admin_client, kiosk, f"preview:{tmp_path}/other")
    assert "writes files on the server" in english.get_data(as_text=True)


@pytest.mark.parametrize(("printer", "says", "english"), [
    ("lpt1", "không nhận ra “lpt1”", "“lpt1” is not a printer address"),
    ("tcp://8.8.8.8:9100", "không thuộc mạng máy in", "is not on the hall"),
    ("tcp://192.168.1.50:22", "cổng 22 không phải cổng máy in", "port 22 is not a printer port"),
])
def test_a_new_kiosks_printer_is_refused_saying_what_is_accepted_in_the_pages_language(
    admin_client, printer, says, english
):
    def post():
        token = csrf_token(admin_client, "/admin/demo/devices")
        return admin_client.post("/admin/demo/devices", data={
            "csrf_token": token, "kind": "kiosk", "name": "Máy lấy số 2", "printer": printer})

    page = post().get_data(as_text=True)
    assert says in page and "Unknown printer URL" not in page and " is not " not in page
    admin_client.set_cookie("lang", "en")
    assert english in post().get_data(as_text=True)
