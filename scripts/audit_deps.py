"""Audit pinned requirements with pip-audit; `./dev audit` runs this in pip-audit's own venv.

pip-audit looks every package up in an online vulnerability database (PyPI's JSON API by
default, or OSV). Left alone it reports "no known vulnerabilities" when that database did not
answer for a package, and prints a traceback when it cannot be reached at all. Here an audit
that did not cover every package fails, in one line that says why.

Usage: audit_deps.py REQUIREMENTS [pip-audit options, e.g. -s osv, --format json]
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

TIMEOUT = 15  # seconds, pip-audit's own socket time-out
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)")


def first_pin(requirements: str) -> tuple[str, str]:
    for line in requirements.splitlines():
        match = PIN.match(line.strip())
        if match:
            return match.group(1), match.group(2)
    raise ValueError("no pinned requirement (name==version) to audit")


def service_of(options: list[str]) -> str:
    for i, option in enumerate(options):
        if option in ("-s", "--vulnerability-service") and i + 1 < len(options):
            return options[i + 1]
        if option.startswith("--vulnerability-service="):
            return option.split("=", 1)[1]
    return "pypi"


def probe(service: str, name: str, version: str) -> str | None:
    """None when the database answers for one package the way pip-audit will ask; otherwise
    why not. Asked first, so an unreachable database is named instead of a traceback."""
    if service == "osv":
        url = "https://api.osv.dev/v1/query"
        body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"},
                           "version": version}).encode()
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
    elif service == "pypi":
        url = f"https://pypi.org/pypi/{name}/{version}/json"
        request = urllib.request.Request(url)
    else:
        return None  # another service: pip-audit's own answer decides
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT):
            return None
    except urllib.error.HTTPError as error:
        return (f"{url} answered {error.code}: that is not the vulnerability database "
                "(a mirror without its JSON API?)")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"{url} cannot be reached ({reason})"


def verdict(returncode: int, stderr: str) -> tuple[int, str]:
    """Exit status and one closing line from pip-audit's exit status and its stderr."""
    if returncode == 0:
        return 0, "dependency audit: no known vulnerabilities in any installed package"
    found = re.search(r"Found \d+ known vulnerabilit(?:y|ies)[^\n]*", stderr)
    if found:
        return 1, f"dependency audit: {found.group(0)} (listed above)"
    skipped = re.search(r"ERROR:pip_audit\._cli:(.+)", stderr)
    if skipped:
        return 2, f"error: dependency audit incomplete: {skipped.group(1).strip()}"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else f"pip-audit exited with status {returncode}"
    return 2, f"error: dependency audit failed: {last[:300]}"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    requirements, options = Path(argv[0]), argv[1:]
    service = service_of(options)
    try:
        name, version = first_pin(requirements.read_text())
    except (OSError, ValueError) as error:
        print(f"error: {requirements}: {error}", file=sys.stderr)
        return 2
    unreachable = probe(service, name, version)
    if unreachable:
        print(f"error: pip-audit needs the online vulnerability database ({service}): "
              f"{unreachable}; run ./dev audit where it can be reached", file=sys.stderr)
        return 3
    command = [str(Path(sys.executable).with_name("pip-audit")), "-r", str(requirements),
               "--no-deps", "--disable-pip", "--strict", "--progress-spinner", "off",
               "--timeout", str(TIMEOUT), *options]
    answer = subprocess.run(command, stderr=subprocess.PIPE, text=True)  # stdout: the report
    status, line = verdict(answer.returncode, answer.stderr)
    print(line, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
