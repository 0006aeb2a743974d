"""A third planner's reading of the shipped scenarios' reports (2026-12-08): what a
Tongnan planner reads must not contradict itself from one column to the next, and the
words of weather and hazard practice must be the right ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from drillsim.report.common import clock

ROOT = Path(__file__).resolve().parents[1]


def test_the_date_and_time_agree_with_the_offset_beside_them():
    # The Fujiang flood's timeline printed "2020-08-17 19:17 (+1d 12:18)": the time cut
    # to the minute, the offset rounded. 07:00 + 1 d 12 h 17.6 min = 19:17.6, which is
    # 19:18 to the nearest minute, as the offset says (hand calculation).
    start = dt.datetime(2020, 8, 16, 7, 0)
    assert clock(24 * 60 + 12 * 60 + 17.6, start) == "2020-08-17 19:18 (+1d 12:18)"
    # 9.62 min after 01:00 (the chlorine plume at Tianjia) is 01:10, not 01:09
    assert clock(9.62, dt.datetime(2023, 3, 15, 1, 0)) == "2023-03-15 01:10 (+00:10)"
    # below half a minute both stay
    assert clock(9.4, dt.datetime(2023, 3, 15, 1, 0)) == "2023-03-15 01:09 (+00:09)"


def test_a_wind_turning_clockwise_is_said_to_veer():
    # WMO International Meteorological Vocabulary: a wind veers when its direction
    # turns clockwise (NE 45° -> ENE 70°) and backs when it turns anticlockwise. The
    # chlorine leak's wind goes from 45° to 70° (weather list), and its description
    # said "backs".
    import yaml
    path = ROOT / "scenarios" / "chemical_park_leak.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    turns = [float(str(w["wind_from"]).removesuffix("deg")) for w in doc["hazards"][0]["params"]["weather"]]
    assert turns[:2] == [45.0, 70.0] and turns[1] > turns[0]
    text = path.read_text(encoding="utf-8")
    assert "wind veers to east-north-east" in text and "backs" not in text and "backing" not in text
