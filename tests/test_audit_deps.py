"""`./dev audit` (scripts/audit_deps.py) never reports an audit that did not cover every package as
passed, and answers a failure in one line. pip-audit's answers here are copied from real runs;
the audit itself needs an online database, so it is not run by the test suite."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_deps.py"


def audit_deps() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SKIPPED = """\
WARNING:pip_audit._cli:--no-deps is supported, but users are encouraged to fully hash their pinned dependencies
ERROR:pip_audit._cli:aiohappyeyeballs: Dependency not found on PyPI and could not be audited: aiohappyeyeballs (2.7.1)
"""
UNREACHABLE = """\
Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/requests/adapters.py", line 729, in send
    raise ConnectionError(e, request=request)
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded
"""
FOUND = "Found 2 known vulnerabilities, ignored 1 in 1 package\n"


def test_a_package_the_database_did_not_answer_for_fails_the_audit_in_one_line():
    status, line = audit_deps().verdict(1, SKIPPED)
    assert status == 2
    assert line == ("error: dependency audit incomplete: aiohappyeyeballs: Dependency not found "
                    "on PyPI and could not be audited: aiohappyeyeballs (2.7.1)")


def test_an_unreachable_database_fails_the_audit_in_one_line_not_a_traceback():
    status, line = audit_deps().verdict(1, UNREACHABLE)
    assert status == 2
    assert "\n" not in line and "api.osv.dev" in line and "Traceback" not in line


def test_known_vulnerabilities_fail_the_audit_and_are_counted():
    status, line = audit_deps().verdict(1, FOUND)
    assert status == 1
    assert "Found 2 known vulnerabilities, ignored 1 in 1 package" in line


def test_the_database_is_asked_about_the_first_pinned_package():
    module = audit_deps()
    assert module.first_pin("# frozen\naiohttp==3.13.2\nflask==3.1.2\n") == ("aiohttp", "3.13.2")
    assert module.service_of(["-s", "osv"]) == "osv"
    assert module.service_of(["--format", "json"]) == "pypi"
