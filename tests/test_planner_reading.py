"""A second planner's reading of the reports (2026-12-07): what a Tongnan planner reads
in ``drillsim run --report`` must carry its unit, the Chinese words of flood, fire and
hazmat practice beside the English, and the names of townships and forces rather than
the scenario's ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.report.figures import figure_row, split_unit

ROOT = Path(__file__).resolve().parents[1]


def _report(tmp_path: Path, scenario: str, *extra: str) -> str:
    out = tmp_path / f"{scenario}.md"
    r = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / f"{scenario}.yaml"), "-n", "1", "-q",
                                  "--report", str(out), *extra])
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def _cells(text: str, label: str) -> list[str]:
    """The cells of the first table row whose first cell is ``label``."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


@pytest.mark.parametrize("key, value, shown", [
    # the flash flood's rain intensity is in mm/h (the rational method's i); the old
    # table read the key's last part alone and printed "46.6 h"
    ("intensity_mm_h", 46.6, "46.6 mm/h"),
    ("released_kg", 2351.2, "2,351 kg"),
    ("release_minutes", 78.4, "78.4 min"),
    ("load_t", 30, "30 t"),
    ("needed_flow_per_building_l_s", 29.0, "29 L/s"),
    ("alpha_kw_s2", 0.0469, "0.0469 kW/s²"),    # a "fast" t² fire (NFPA 92, 1055 kW at 150 s)
    ("flashover_kw", 2840.0, "2,840 kW"),
    ("first_attack_margin", -20.2, "-20.2 min"),
    ("contained", True, "yes"),
    ("held", False, "no"),
    ("rain_total_mm", 84, "84 mm"),
])
def test_a_hazard_figure_carries_its_unit(key, value, shown):
    assert figure_row(key, value)[1] == shown


def test_unit_suffixes_longest_first():
    assert split_unit("intensity_mm_h") == ("intensity", "mm/h")
    assert split_unit("peak_travel_time_h") == ("peak_travel_time", "h")
    assert split_unit("gauge_peak_m3s") == ("gauge_peak", "m³/s")
    assert split_unit("buildings") == ("buildings", "")


def test_the_flood_report_reads_the_crest_against_the_warning_stage(tmp_path):
    """超警: the crest at Xiaoheba against its 238.0 m warning stage (the 2020 reading of
    244.3 m was 6.3 m over it, SRC_CQCB_20200817), as a Chinese flood report gives it."""
    text = _report(tmp_path, "fujiang_flood_2020", "--json", str(tmp_path / "s.json"))
    crest = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["hazards"]["fujiang_2020"][
        "gauge_peak_stage_m"]
    assert _cells(text, "warning stage of the district gauge (Xiaoheba 小河坝) (警戒水位)")[1] == "238.00 m"
    over = _cells(text, "crest above the warning stage (超警戒水位)")[1]
    assert over == f"{crest - 238.0:.2f} m"
    assert 6.3 <= crest - 238.0 < 7.0     # at or above the 2020 reading, still rising then
    assert _cells(text, "guaranteed stage (保证水位)")[1] == "not given in the scenario"
    assert _cells(text, "crest stage at the district gauge (洪峰水位)")[1] == f"{crest:.1f} m"


def test_the_chemical_report_gives_the_threat_zone_distances(tmp_path):
    """The AEGL zones' downwind reach is what the evacuation and shelter area is set by:
    the report gives it for each wind, as the model computed it (its plume_zones events)."""
    events = tmp_path / "e.jsonl"
    text = _report(tmp_path, "chemical_park_leak", "--events", str(events))
    zones = [e["details"] for e in map(json.loads, events.read_text(encoding="utf-8").splitlines())
             if e["kind"] == "plume_zones"]
    assert zones
    first = zones[0]
    aegl2_km = first["zones"]["aegl2"]["length_m"] / 1000
    rows = [ln for ln in text.splitlines() if ln.startswith("| 2023-03-15")
            and "km downwind" in ln]
    assert len(rows) == len(zones) == 2     # the wind backs after 45 min
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == "2 m/s from 45°" and cells[2] == "F"
    assert cells[4].startswith(f"{aegl2_km:.3g} km downwind")
    # chlorine's AEGL-3 (20 ppm) zone is inside its AEGL-2 (2 ppm) zone
    assert float(cells[5].split()[0]) < float(cells[4].split()[0]) < float(cells[3].split()[0])
