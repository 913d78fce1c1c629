"""Debian's nginx as a private, unprivileged-port, foreground process in front of `motcua serve`
processes, configured with the site rendered from deploy/ (the shipped text, not a copy).
The system's nginx service is never touched. Used by the deploy test and the province bench."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STATIC = ROOT / "motcua" / "static"


def deploy_renderer() -> ModuleType:
    """deploy/render_nginx.py, which is a script, not part of a package."""
    spec = importlib.util.spec_from_file_location("render_nginx", ROOT / "deploy" / "render_nginx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nginx_available() -> bool:
    return Path(NGINX).is_file() and os.access(NGINX, os.X_OK)


def main_config(folder: Path, site: Path, workers: int) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, with every path in `folder`."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers reach the test's own folders
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}daemon off;
worker_processes {workers};
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nodelay on;
{temp}
    include {site};
}}
"""


@contextmanager
def nginx_in_front(ports: list[int], folder: Path, workers: int = 1) -> Iterator[str]:
    """nginx on a free loopback port in front of the servers on `ports`; yields its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site = folder / "motcua.conf"
    site.write_text(deploy_renderer().render(
        ports=ports, static_root=str(STATIC), listen=f"127.0.0.1:{port}",
        server_name="localhost", access_log=str(folder / "access.log")), encoding="utf-8")
    config = folder / "nginx.conf"
    config.write_text(main_config(folder, site, workers), encoding="utf-8")
    log = (folder / "nginx.out").open("wb")
    process = subprocess.Popen([NGINX, "-p", f"{folder}/", "-c", str(config), "-e",
                                str(folder / "error.log")], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(folder / 'error.log').read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen within 10 s") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)  # fast shutdown: open WebSockets are not waited for
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
