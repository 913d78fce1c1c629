"""The print agent that runs on a kiosk PC: jobs in over Socket.IO, bytes out to the printer.

The agent draws each job's document into ESC/POS itself (the bundled fonts come with it):
the kiosk PC's CPU draws the slips, so a server taking taps from many kiosks spends none on
them. It prints one job at a time (its printer's single worker), acknowledges each, and
remembers what it printed in a small state file, so a job re-sent after a lost
acknowledgement or a restart is acknowledged again without printing twice.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import socketio

from motcua.printer.device import wire
from motcua.printer.device.document import document_from_json
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.render import to_escpos
from motcua.printer.device.transports import Printer
from motcua.printer.device.urls import parse_printer_url

REMEMBERED = 2000  # printed job keys kept; far more than a kiosk prints between reconnections


class PrintedJobs:
    """The keys of printed jobs, on disk (written atomically) so they survive a restart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys: list[str] = []
        if path.exists():
            try:
                self._keys = [str(k) for k in json.loads(path.read_text())]
            except (OSError, ValueError):
                self._keys = []
        self._set = set(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._set

    def add(self, key: str) -> None:
        self._keys.append(key)
        self._keys = self._keys[-REMEMBERED:]
        self._set = set(self._keys)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._keys))
        os.replace(temporary, self.path)


class PrintAgent:
    def __init__(
        self,
        server: str,
        kiosk: str,
        token: str,
        printer: Printer,
        state_file: Path,
        say: Callable[[str], None] = print,
    ) -> None:
        self.server = server
        self.kiosk = kiosk
        self.printer = printer
        self.printed = PrintedJobs(state_file)
        self._token = token
        self._say = say
        self._jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._waiting: set[str] = set()  # received, not yet handled: a second copy is dropped
        self._rejected: str | None = None
        self._worker = threading.Thread(target=self._work, name="print agent", daemon=True)
        self.client = socketio.Client(reconnection=True, reconnection_delay=1, reconnection_delay_max=5)
        self.client.on("connect", self._on_connect, namespace=wire.AGENT_NAMESPACE)
        self.client.on("connect_error", self._on_connect_error, namespace=wire.AGENT_NAMESPACE)
        self.client.on("disconnect", self._on_disconnect, namespace=wire.AGENT_NAMESPACE)
        self.client.on(wire.JOB, self._on_job, namespace=wire.AGENT_NAMESPACE)
        self.client.on(wire.RESYNC, self._on_resync, namespace=wire.AGENT_NAMESPACE)

    def start(self, retry_seconds: float = 5.0) -> None:
        """Connect (retrying while the server is unreachable) and start printing.

        A refused token is a `PrinterError`: retrying would not help.
        """
        if not self._worker.is_alive():
            self._worker.start()
        while True:
            self._rejected = None
            try:
                self.client.connect(
                    self.server,
                    namespaces=[wire.AGENT_NAMESPACE],
                    auth=wire.agent_auth(self.kiosk, self._token),
                    wait_timeout=10,
                )
                return
            except socketio.exceptions.ConnectionError as exc:
                if self._rejected:
                    raise PrinterError(f"The server refused kiosk {self.kiosk}: {self._rejected}") from None
                self._say(f"cannot reach {self.server} ({exc}); trying again in {retry_seconds:g} s")
                time.sleep(retry_seconds)

    def run(self) -> None:
        """Run until interrupted (the `motcua printer agent` command)."""
        self.start()
        try:
            self.client.wait()
        finally:
            self.stop()

    def stop(self) -> None:
        self.client.disconnect()
        self._jobs.put(None)
        if self._worker.is_alive() and threading.current_thread() is not self._worker:
            self._worker.join(timeout=30)

    # --- Socket.IO handlers (the client's thread: keep them short) ---------------------------

    def _on_connect(self) -> None:
        self._say(f"connected to {self.server} as kiosk {self.kiosk}")
        self.client.emit(wire.READY, {}, namespace=wire.AGENT_NAMESPACE)

    def _on_resync(self, _data: Any = None) -> None:
        """The server's message queue was away and may have lost jobs: ask for them again
        (jobs already here or printed are not printed twice)."""
        self.client.emit(wire.READY, {}, namespace=wire.AGENT_NAMESPACE)

    def _on_connect_error(self, data: Any = None) -> None:
        if isinstance(data, dict) and data.get("message"):
            self._rejected = str(data["message"])

    def _on_disconnect(self, *_reason: Any) -> None:
        self._say(f"disconnected from {self.server}")

    def _on_job(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        key = str(message.get("key"))
        if key in self._waiting:
            return
        self._waiting.add(key)
        self._jobs.put(message)

    # --- the printing thread -----------------------------------------------------------------

    def _work(self) -> None:
        while (message := self._jobs.get()) is not None:
            job = wire.decode_job(message)
            answer = None
            if isinstance(job, wire.JobMessage):
                answer = self._print(job)
            elif job is not None:  # it names a job, but neither its document nor bytes came
                answer = wire.Ack(message["id"], False, error=job)
            self._waiting.discard(str(message.get("key")))
            if answer is not None:
                self._acknowledge(answer)

    def _print(self, job: wire.JobMessage) -> wire.Ack:
        if job.key in self.printed:  # printed before a lost acknowledgement or a restart
            return wire.Ack(job.id, True)
        try:
            data = job.data if job.data is not None else draw(job)
            confirmed = self.printer.print_bytes(data, name=f"job-{job.id}")
        except PrinterError as exc:
            self._say(f"job {job.id} failed: {exc}")
            return wire.Ack(job.id, False, error=str(exc))
        self._say(f"printed job {job.id} ({job.kind} {job.ticket or ''})")
        self._remember(job.key)
        # Not confirmed: sent, but the printer was not asked whether it prints.
        return wire.Ack(job.id, True, unconfirmed=not confirmed)

    def _remember(self, key: str) -> None:
        try:
            self.printed.add(key)
        except OSError as exc:  # printed all the same; only a lost ack could now print it twice
            self._say(f"cannot write {self.printed.path}: {exc.strerror or exc}")

    def _acknowledge(self, answer: wire.Ack) -> None:
        try:
            self.client.emit(wire.ACK, wire.encode_ack(answer), namespace=wire.AGENT_NAMESPACE)
        except socketio.exceptions.SocketIOError:
            # Not connected: the server re-sends the job on reconnection, and the printed
            # list answers it then without printing again.
            self._say(f"could not acknowledge job {answer.id} now; it will be on reconnection")


def draw(job: wire.JobMessage) -> bytes:
    """The ESC/POS bytes of a job's document; a `PrinterError` saying why it cannot be drawn
    (a document from a newer server, a font missing), which fails the job at the kiosk."""
    try:
        return to_escpos(document_from_json(job.document or {}), native_qr=job.native_qr)
    except (KeyError, TypeError, ValueError) as exc:
        raise PrinterError(f"the job's document cannot be drawn: {exc!r}") from None


def default_state_file(kiosk: str) -> Path:
    """Where an agent remembers printed jobs: in the user's configuration folder."""
    return Path.home() / ".config" / "motcua" / f"print-agent-{kiosk}.json"


def width_note(url: str) -> str | None:
    """A printer URL given to the agent with drawing options: they belong on the server."""
    if "width=" not in url and "qr=" not in url:
        return None
    settings = parse_printer_url(url)
    qr = "native" if settings.native_qr else "image"
    return ("note: paper width and QR mode are chosen on the server; set them on the kiosk "
            f"(printer setting agent:?width={settings.paper_mm}&qr={qr})")


def main(argv: Sequence[str] | None = None) -> int:
    """`motcua-print-agent`: the kiosk PC's print agent, installed without the server."""
    parser = argparse.ArgumentParser(
        prog="motcua-print-agent", description="Receive this kiosk's print jobs and print them.")
    parser.add_argument("--server", required=True, help="The motcua server, e.g. http://10.0.0.5:5000")
    parser.add_argument("--kiosk", required=True, help="The kiosk's id or name (motcua kiosk add).")
    parser.add_argument("--token", default=os.environ.get("MOTCUA_KIOSK_TOKEN"),
                        help="The kiosk's token; better in MOTCUA_KIOSK_TOKEN than on the command line.")
    parser.add_argument("--printer", required=True, help="The kiosk printer's URL, e.g. usb://04b8:0202")
    parser.add_argument("--state", type=Path, help="Where printed job ids are remembered.")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give the kiosk's token: --token or MOTCUA_KIOSK_TOKEN")
    try:
        note = width_note(args.printer)
        if note:
            print(note)
        agent = PrintAgent(args.server, args.kiosk, args.token, Printer(args.printer),
                           args.state or default_state_file(args.kiosk))
        agent.run()
    except PrinterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
