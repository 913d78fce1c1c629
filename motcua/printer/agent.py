"""The print agent that runs on a kiosk PC: jobs in over Socket.IO, bytes out to the printer.

The server renders every job, so the agent needs no fonts: it forwards bytes. It prints
one job at a time (its printer's single worker), acknowledges each, and remembers what it
printed in a small state file, so a job re-sent after a lost acknowledgement or a restart
is acknowledged again without printing twice.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import socketio

from motcua.printer.dispatch import AGENT_NAMESPACE
from motcua.printer.errors import PrinterError
from motcua.printer.transports import Printer

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


def _job_bytes(job: dict[str, Any]) -> bytes | None:
    """The ESC/POS bytes of a job (base64 text on the wire, see `job_message`)."""
    data = job.get("data")
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error:
        return None


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
        self.client.on("connect", self._on_connect, namespace=AGENT_NAMESPACE)
        self.client.on("connect_error", self._on_connect_error, namespace=AGENT_NAMESPACE)
        self.client.on("disconnect", self._on_disconnect, namespace=AGENT_NAMESPACE)
        self.client.on("job", self._on_job, namespace=AGENT_NAMESPACE)
        self.client.on("resync", self._on_resync, namespace=AGENT_NAMESPACE)

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
                    namespaces=[AGENT_NAMESPACE],
                    auth={"kiosk": self.kiosk, "token": self._token},
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
        self.client.emit("ready", {}, namespace=AGENT_NAMESPACE)

    def _on_resync(self, _data: Any = None) -> None:
        """The server's message queue was away and may have lost jobs: ask for them again
        (jobs already here or printed are not printed twice)."""
        self.client.emit("ready", {}, namespace=AGENT_NAMESPACE)

    def _on_connect_error(self, data: Any = None) -> None:
        if isinstance(data, dict) and data.get("message"):
            self._rejected = str(data["message"])

    def _on_disconnect(self, *_reason: Any) -> None:
        self._say(f"disconnected from {self.server}")

    def _on_job(self, job: Any) -> None:
        if not isinstance(job, dict):
            return
        key = str(job.get("key"))
        if key in self._waiting:
            return
        self._waiting.add(key)
        self._jobs.put(job)

    # --- the printing thread -----------------------------------------------------------------

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            key = str(job.get("key"))
            answer: dict[str, Any] = {"id": job.get("id"), "ok": True}
            data = _job_bytes(job)
            if data is None:
                answer = {"id": job.get("id"), "ok": False, "error": "the job came without its bytes"}
            elif key not in self.printed:
                try:
                    confirmed = self.printer.print_bytes(data, name=f"job-{job.get('id')}")
                except PrinterError as exc:
                    answer = {"id": job.get("id"), "ok": False, "error": str(exc)}
                    self._say(f"job {job.get('id')} failed: {exc}")
                else:
                    if not confirmed:  # sent, but the printer was not asked whether it prints
                        answer["unconfirmed"] = True
                    self._say(f"printed job {job.get('id')} ({job.get('kind')} {job.get('ticket') or ''})")
                    self._remember(key)
            self._waiting.discard(key)
            self._acknowledge(answer)

    def _remember(self, key: str) -> None:
        try:
            self.printed.add(key)
        except OSError as exc:  # printed all the same; only a lost ack could now print it twice
            self._say(f"cannot write {self.printed.path}: {exc.strerror or exc}")

    def _acknowledge(self, answer: dict[str, Any]) -> None:
        try:
            self.client.emit("ack", answer, namespace=AGENT_NAMESPACE)
        except socketio.exceptions.SocketIOError:
            # Not connected: the server re-sends the job on reconnection, and the printed
            # list answers it then without printing again.
            self._say(f"could not acknowledge job {answer['id']} now; it will be on reconnection")
