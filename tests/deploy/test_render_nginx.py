"""deploy/render_nginx.py refuses what it cannot render in one line, before a site file is
written (a traceback left an empty site behind, which nginx -t accepts)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.deploy.nginx import ROOT, STATIC


@pytest.mark.parametrize("args, said", [
    (["--processes", "0"], "0 is not from 1 to 64"),
    (["--processes", "two"], "'two' is not a whole number"),
    (["--first-port", "65535", "--processes", "2"], "go past 65535"),
])
def test_the_renderer_refuses_bad_numbers_in_one_line(args, said):
    done = subprocess.run([sys.executable, str(ROOT / "deploy" / "render_nginx.py"),
                           "--static", str(STATIC), *args], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 2 and done.stdout == ""
    assert said in done.stderr and "Traceback" not in done.stderr
