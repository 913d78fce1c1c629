"""`motcua simulate`: a hall day through the real queue services, with a simulated clock.

`scenario` reads and checks the TOML files, `engine` runs days (SimPy) on a throw-away
database, `report` and `plots` show what came out, `replay` turns a real day into a scenario.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The `simulate` command (SimPy and matplotlib are imported only when it runs)."""
    from motcua.simulate.cli import simulate_command

    app.cli.add_command(simulate_command)
