"""Scenario files: what they may say, and the one-line answer when they say it wrong."""
from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import pytest

from motcua.simulate.cli import SCENARIOS
from motcua.simulate.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

SMALL = """
name = "Phường thử"
opens = "07:30"
closes = "17:00"
breaks = ["11:30-13:00"]

[[sectors]]
code = "dat-dai"
arrivals = [["07:30", 40], ["09:00", 70], ["11:00", 20], ["13:00", 50], ["15:30", 10]]
service_minutes = [9, 25]
priority_share = 0.08
no_show_share = 0.05

[[sectors]]
code = "xay-dung"
arrivals = [["07:30", 10]]
service_minutes = [12, 30]

[[sectors]]
code = "tu-phap"

[[counters]]
number = 1
sectors = ["dat-dai", "xay-dung"]
qualified = ["tu-phap"]
hours = ["07:30-11:30", "13:00-17:00"]
"""


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(written(tmp_path, text))
    message = caught.value.message
    assert "\n" not in message
    return message


def test_the_issue_example_is_accepted_with_its_hours_and_breaks(tmp_path):
    scenario = load_scenario(written(tmp_path, SMALL))
    assert scenario.open_windows() == [(450, 690), (780, 1020)]
    assert scenario.issuing_windows() == scenario.open_windows()  # not in breaks by default
    assert scenario.sector("dat-dai").rates[1] == (540, 70)
    assert scenario.counter_windows(scenario.counters[0]) == [(450, 690), (780, 1020)]


def test_issuing_in_breaks_keeps_the_kiosks_issuing_from_opening_to_closing(tmp_path):
    scenario = load_scenario(written(tmp_path, "issuing_in_breaks = true\n" + SMALL))
    assert scenario.issuing_windows() == [(450, 1020)]


def test_a_90th_percentile_below_the_median_names_the_sector_and_the_key(tmp_path):
    message = refusal(tmp_path, SMALL.replace("[12, 30]", "[12, 5]"))
    assert message.startswith(f"{tmp_path / 'hall.toml'}: sector xay-dung: service_minutes: ")
    assert "90th percentile (5) must be above the median (12)" in message


def test_a_misspelt_key_is_called_unknown(tmp_path):
    message = refusal(tmp_path, SMALL.replace("no_show_share", "noshow_share"))
    assert "sector dat-dai: noshow_share: unknown key (a typo?)" in message


def test_a_counter_naming_a_sector_the_scenario_lacks_is_refused(tmp_path):
    message = refusal(tmp_path, SMALL.replace('qualified = ["tu-phap"]', 'qualified = ["y-te"]'))
    assert "counter 1 names no sector of the scenario ('y-te')" in message


def test_a_time_that_is_not_a_time_is_refused(tmp_path):
    message = refusal(tmp_path, SMALL.replace('closes = "17:00"', 'closes = "5pm"'))
    assert "closes: '5pm' is not a time of day like 07:30" in message


def test_a_missing_name_is_said(tmp_path):
    assert "hall.toml: name: missing" in refusal(tmp_path, SMALL.replace('name = "Phường thử"', ""))


def test_a_break_outside_the_hours_is_refused(tmp_path):
    message = refusal(tmp_path, SMALL.replace("11:30-13:00", "17:30-18:00"))
    assert message.endswith("hall.toml: breaks must lie between opens and closes")


def test_arrivals_without_service_times_are_refused(tmp_path):
    message = refusal(tmp_path, SMALL.replace("service_minutes = [12, 30]\n", ""))
    assert "sector xay-dung: service_minutes = [median, 90th percentile] is needed" in message


def test_a_share_above_one_is_refused(tmp_path):
    message = refusal(tmp_path, SMALL.replace("priority_share = 0.08", "priority_share = 8"))
    assert "sector dat-dai: priority_share: Input should be less than or equal to 1" in message


def test_a_file_that_is_not_toml_says_where(tmp_path):
    message = refusal(tmp_path, "name = \n")
    assert "not valid TOML" in message and "line 1" in message


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "none.toml")


def test_unknown_hall_settings_are_refused_with_the_known_ones():
    data = {"name": "x", "opens": "07:00", "closes": "17:00", "settings": {"priority_cab": 3},
            "sectors": [{"code": "a"}], "counters": [{"number": 1, "sectors": ["a"]}]}
    with pytest.raises(ScenarioError, match=r"unknown setting.s. priority_cab; known: priority_cap"):
        parse_scenario(data)


def expected_visits(scenario: Scenario) -> float:
    """The day's expected citizens from the arrival rates, within the issuing windows."""
    total = 0.0
    for sector in scenario.sectors:
        rates = sector.rates + [(scenario.close_minute, 0.0)]
        for (start, per_hour), (end, _) in itertools.pairwise(rates):
            for open_start, open_end in scenario.issuing_windows():
                overlap = min(end, open_end) - max(start, open_start)
                total += max(0.0, overlap) * per_hour / 60
    return total


@pytest.mark.parametrize(("name", "sectors", "counters", "visits"), [
    ("ward", 6, 3, 80), ("district", 6, 6, 250), ("province", 13, 12, 600),
])
def test_the_reference_scenarios_have_the_halls_sizes_and_volumes(name, sectors, counters, visits):
    scenario = load_scenario(Path(str(SCENARIOS / f"{name}.toml")))
    assert (len(scenario.sectors), len(scenario.counters)) == (sectors, counters)
    assert expected_visits(scenario) == pytest.approx(visits, rel=0.03)


def test_land_and_business_registration_dominate_the_provincial_centre():
    scenario = load_scenario(Path(str(SCENARIOS / "province.toml")))
    per_day = {s.code: sum(r for _, r in s.rates) for s in scenario.sectors}
    biggest = sorted(per_day, key=per_day.get, reverse=True)[:2]
    assert set(biggest) == {"dat-dai", "doanh-nghiep"}


def test_the_readme_example_scenario_is_accepted():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Simulating a hall day", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    scenario = parse_scenario(tomllib.loads(example))
    assert [s.code for s in scenario.sectors] == ["dat-dai", "xay-dung", "tu-phap"]
    assert scenario.counters[0].qualified == ["tu-phap"]


def test_a_sector_code_with_capitals_or_spaces_says_what_a_code_is(tmp_path):
    message = refusal(tmp_path, SMALL.replace('code = "xay-dung"', 'code = "Xây dựng"'))
    assert "sector Xây dựng: code: 'Xây dựng' is not a code: lower-case letters" in message
