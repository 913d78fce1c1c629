#!/usr/bin/env python3
"""Render deploy/nginx/motcua.conf.template into an nginx site for N `motcua serve` processes.

    python3 deploy/render_nginx.py --processes 4 --first-port 8001 \
        --static "$(/opt/motcua/venv/bin/python -c 'import motcua, os; print(os.path.dirname(motcua.__file__))')/static" \
        > /etc/nginx/sites-available/motcua

Standard library only, so it runs with the system's python3 as well as motcua's.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "motcua.conf.template"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render(*, ports: list[int], static_root: str, listen: str = "80", server_name: str = "_",
           access_log: str = "/var/log/nginx/motcua-access.log", host: str = "127.0.0.1") -> str:
    """The site's text for processes on these ports; every placeholder must be given (a typo
    fails here, not in nginx)."""
    if not ports:
        raise ValueError("at least one process")
    servers = "\n".join(f"    server {host}:{port} max_fails=1 fail_timeout=10s;" for port in ports)
    values = {"upstream_servers": servers, "listen": listen, "server_name": server_name,
              "static_root": static_root.rstrip("/"), "access_log": access_log}

    def fill(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return PLACEHOLDER.sub(fill, TEMPLATE.read_text(encoding="utf-8"))


def _whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else argparse's one-line error."""
    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not from {low} to {high}")
        return value
    return read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=_whole(1, 64), default=2,
                        help="motcua serve processes (2)")
    parser.add_argument("--first-port", type=_whole(1, 65535), default=8001,
                        help="the first one's port (8001)")
    parser.add_argument("--static", required=True, help="motcua's static folder")
    parser.add_argument("--listen", default="80", help="nginx's listen argument (80)")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--access-log", default="/var/log/nginx/motcua-access.log")
    args = parser.parse_args()
    if args.first_port + args.processes - 1 > 65535:
        parser.error(f"ports {args.first_port}–{args.first_port + args.processes - 1} go past 65535")
    if not (Path(args.static) / "css").is_dir():
        print(f"error: {args.static} is not motcua's static folder", file=sys.stderr)
        return 2
    ports = [args.first_port + i for i in range(args.processes)]
    sys.stdout.write(render(ports=ports, static_root=args.static, listen=args.listen,
                            server_name=args.server_name, access_log=args.access_log))
    return 0


if __name__ == "__main__":
    sys.exit(main())
