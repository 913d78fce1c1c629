"""The reports compute the same figures on PostgreSQL as on SQLite (the fixture day)."""
from __future__ import annotations

from datetime import date

import pytest

from motcua.admin.reports import Period, build_report
from motcua.core.clock import FixedClock
from motcua.core.db import make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue.demo import load_demo_hall
from tests.admin.fixture_day import build_fixture_day, dossiers_of_the_week
from tests.support import hall_time

pytestmark = pytest.mark.postgres


def test_every_report_of_the_fixture_day_on_postgresql(postgres_engine):
    clock = FixedClock(hall_time(2026, 11, 25, 7, 0))
    with make_session_factory(postgres_engine)() as session:
        hall = load_demo_hall(Ports(session, clock, RecordingPublisher()))
        ports = Ports(session, clock, RecordingPublisher())
        build_fixture_day(ports, session, clock)
        dossiers_of_the_week(ports, session)
        wednesday = Period(date(2026, 11, 25), date(2026, 11, 25))

        traffic = build_report(session, hall, "traffic", Period(date(2026, 11, 25),
                                                                date(2026, 11, 26)))
        assert {r[0]: r[1] for r in traffic.table("by_hour").rows}["08:00"] == 3
        times = build_report(session, hall, "times", wednesday)
        land = times.table("by_sector").rows[0]
        assert land[:5] == ["Đất đai", 4, 18.0, 33.5, 35.0] and land[5:] == [3, 10.0, 11.6, 12.0]
        outcomes = build_report(session, hall, "outcomes", wednesday)
        assert outcomes.table("by_counter").rows == [["Quầy 1", 3, 1, 25.0, 0, 0.0],
                                                     ["Quầy 7", 1, 0, 0.0, 1, 50.0]]
        satisfaction = build_report(session, hall, "satisfaction", wednesday)
        assert satisfaction.table("by_counter").rows[0][-1] == 66.7
        dossiers = build_report(session, hall, "dossiers", Period(date(2026, 11, 23),
                                                                  date(2026, 11, 27)))
        assert dossiers.table("by_sector").rows == [["Đất đai", 3, 3, 1, 1, 1, 66.7]]
