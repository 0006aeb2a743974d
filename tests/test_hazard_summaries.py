"""`drillsim hazard …` prints named quantities with units, never internal field names or
arrays in scientific notation; it says which defaults it used (the plume's point); and
`--plot` without what the map needs is refused before anything is computed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.scenario.quantities import format_number
from tests.conftest import DATA

INTERNAL = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")   # aegl1_zone_length_m, sigma_y_m …
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


def _human(args: list[str]) -> str:
    r = CliRunner().invoke(main, ["hazard", *args], env={"COLUMNS": "100"})
    assert r.exit_code == 0, r.output
    text = r.output
    assert not SCIENTIFIC.search(text), text
    names = [m for m in INTERNAL.findall(text) if m not in ("briggs_rural", "anderson_1983", "caine_1980")]  # defaults shown as typed
    assert names == [], names
    return " ".join(text.split())  # table cells may wrap: compare on one line


def _value(text: str, label: str) -> str:
    """The table cell after ``label`` (one-line text, cells separated by │)."""
    return text.split(label, 1)[1].split("│")[1].strip()


def test_format_number_by_hand():
    assert format_number(80669.5) == "80,700"
    assert format_number(0.0001234) == "0.000123"
    assert format_number(2.0) == "2"
    assert format_number(12200.0 / 1000) == "12.2"
    assert format_number(0.06314, 4) == "0.06314"


def test_plume_names_the_point_and_the_published_figures():
    # de Visscher (2014), Example 5.1: 100 g/s, 7 m/s, class D, H = 90 m, at x = 1500 m,
    # y = 100 m, ground level: C = 107.5 µg/m³, σy = 111.9 m, σz = 49.92 m (Briggs rural)
    text = _human(["plume", "--rate", "100g/s", "--wind", "7m/s", "--stability", "D",
                   "--height", "90m", "--x", "1500m", "--y", "100m"])
    assert "point evaluated │ 1.5 km downwind, 100 m crosswind, 0 m above ground" in text
    assert re.search(r"concentration there │ 0\.10[78] mg/m³", text)   # 107.5 µg/m³
    assert "(σy, σz) │ 112 m, 49.9 m" in text
    assert "--x" not in text.split("Defaults used:")[1]   # given, so not a default


def test_plume_default_point_is_stated():
    text = _human(["plume", "--rate", "100g/s", "--wind", "7m/s"])
    assert "point evaluated │ 1 km downwind, 0 m crosswind, 0 m above ground" in text
    defaults = text.split("Defaults used:")[1]
    assert "--x 1km" in defaults and "--stability D" in defaults
    assert "--wind-from" not in defaults   # only for --plot


def test_plume_zones_in_km_agree_with_the_json():
    args = ["plume", "--rate", "0.5kg/s", "--wind", "2m/s", "--stability", "F", "--chemical", "chlorine"]
    text = _human(args)
    full = json.loads(CliRunner().invoke(main, ["hazard", *args, "--json"]).output)
    # chlorine's 60-min AEGLs (EPA): 0.5, 2 and 20 ppm
    for level, ppm in (("1", "0.5"), ("2", "2"), ("3", "20")):
        km = full[f"aegl{level}_zone_length_m"] / 1000
        assert f"AEGL-{level} zone (≥ {ppm} ppm, 60 min) │ {format_number(km)} km downwind" in text
    assert full["aegl3_zone_length_m"] < full["aegl2_zone_length_m"] < full["aegl1_zone_length_m"]


def test_fire_against_behaveplus():
    # BehavePlus 5, GR2 (F3 of the reference cases): 72.0 ch/h, 318 Btu/ft/s, 6.4 ft
    text = _human(["fire", "--fuel-model", "GR2", "--wind", "10mph", "--slope", "20%",
                   "--moisture-1h", "4%", "--moisture-10h", "4%", "--moisture-100h", "6%",
                   "--moisture-herb", "75%", "--moisture-woody", "70%", "--elapsed", "1h"])
    assert "(72 ch/h)" in text
    assert f"fireline intensity │ {format_number(318 * 3.46141)} kW/m" in text   # 1,100
    assert re.search(r"flame length │ 1\.9[3-7] m", text)        # 6.4 ± 0.05 ft = 1.93-1.97 m
    assert "fire after 1 h: area │" in text and " ha " in text


def test_route_against_the_textbook():
    case = json.loads((DATA / "reference_cases.json").read_text())["M1_muskingum_cmm_8_4_1"]
    text = _human(["route", "--inflow", ",".join(map(str, case["inflow_cfs"])), "--K", "2.3h",
                   "--X", "0.15", "--dt", "1h", "--initial-outflow", "85"])
    c1, c2, c3 = case["C"]   # Chow et al.: 0.0631, 0.3442, 0.5927
    assert f"C1, C2, C3 │ {c1:.3g}" in text.replace("0.06314", "0.0631")
    assert f"{c2:.4g}, {c3:.4g}" in text
    # published peak: 691 cfs in at hour 9, 642 cfs out at hour 11: lag 2 h
    assert "peak inflow → peak outflow │ 691 → 642" in text
    assert "peak lag │ 2 steps = 2 h" in text
    attenuation = float(_value(text, "attenuation of the peak").split()[0])
    assert attenuation == pytest.approx(100 * (1 - 642 / 691), abs=0.1)


@pytest.mark.parametrize("args, needs", [
    (["plume", "--rate", "1kg/s", "--wind", "3m/s"], "--chemical"),
    (["fire", "--fuel-model", "TL8"], "--elapsed"),
])
def test_plot_without_its_inputs_is_refused_before_computing(tmp_path, monkeypatch, args, needs):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["hazard", *args, "--plot", "map.png"])
    assert r.exit_code == 2
    assert r.output.strip().endswith(f"--plot needs {needs} (what the map draws depends on it); "
                                     "nothing was computed")
    assert "quantity" not in r.output        # no result printed first
    assert not Path("map.png").exists()


def test_a_calculator_that_breaks_is_one_line_naming_it(monkeypatch):
    """A fault in a calculator's plugin (here: compute raises TypeError) is one line, exit
    status 1, not a traceback."""
    from click.testing import CliRunner

    from drillsim.cli import hazard
    from drillsim.cli.main import main

    real = hazard._command

    def broken(calc):
        import dataclasses

        def compute(**values):
            raise TypeError("unsupported operand type(s) for /: 'NoneType' and 'float'")

        return real(dataclasses.replace(calc, compute=compute))

    monkeypatch.setattr(hazard, "_command", broken)
    r = CliRunner().invoke(main, ["hazard", "route", "--inflow", "1,2,3", "--K", "2h", "--X", "0.2",
                                  "--dt", "1h"])
    assert r.exit_code == 1
    assert r.output == ("route: the calculator failed (TypeError: unsupported operand type(s) for /: "
                        "'NoneType' and 'float'): a fault in the plugin that provides it\n")


# a plugin hazard whose hazard_summary carries its numbers outside `figures` (or none):
# the report printed a "figure | value" header over no rows
SILENT = '''
from drillsim.api import HazardType, Strict, hookimpl

class P(Strict):
    size: float = 1.0

def start(sim, hazard):  # its summary at the start: a hazard over before the run ends
    sim.log.log("hazard_summary", hazard=hazard.id, released_kg=hazard.params.size)

@hookimpl
def drillsim_register_hazard_types(register):
    register(HazardType("silent", "logs no figures", P, start))
'''


def test_a_hazard_summary_without_figures_gives_no_empty_table(tmp_path, monkeypatch):
    import shutil
    shutil.copytree(Path(__file__).resolve().parents[1] / "scenarios", tmp_path / "scenarios")
    (tmp_path / "silent.py").write_text(SILENT, encoding="utf-8")
    path = tmp_path / "scenarios" / "forest_fire.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("horizon: 36h", "horizon: 2h").replace(
        "\nassumptions:", "\n  - id: odd\n    type: silent\n\nassumptions:", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", "scenarios/forest_fire.yaml", "-q", "--report", "r.md",
                                       "--plugin-module", "silent=silent.py"])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    odd = report.split("**odd**\n\n", 1)[1].split("\n## ", 1)[0].split("\n**", 1)[0]
    assert odd == "No figures: its `hazard_summary` gave none (`figures: {}`).\n"
    fire = report.split("**baolong_fire**\n\n", 1)[1].split("\n## ", 1)[0]
    assert "| contained (控制) | yes |" in fire   # the fire's table is kept


def test_landslide_shows_the_published_curve_and_the_crossing():
    """Caine (1980): I = 14.82 D^-0.39 in full (the plain rows printed 'a mm h 14.8'); the
    scenario storm reaches it 261 min in, 4.35 h of rain at 8.35 mm/h, and half of it at
    137 min (tests/test_engine_vs_calculators.py checks the times by hand)."""
    storm = "4,6,8,12,18,26,30,22,14,10,8,6,4,3,2,1"
    _human(["landslide", "--rain", storm, "--step", "1h", "--warning-fraction", "50%"])
    r = CliRunner().invoke(main, ["hazard", "landslide", "--rain", storm, "--step", "1h",
                                  "--warning-fraction", "50%"], env={"COLUMNS": "220"})
    text = " ".join(r.output.split())         # wide enough that no cell wraps
    assert "I = 14.82 D^-0.39 (I mm/h, D h)" in text
    assert _value(text, "rain in the series") == "174 mm"
    assert _value(text, "threshold reached").startswith("261 min from the start of the series")
    assert "4.35 h so far average 8.35 mm/h, the curve's 8.35 mm/h" in text
    assert _value(text, "warning level (50 % of the threshold)") == "137 min from the start of the series"
    _human(["landslide", "--rain", "1,1", "--step", "1h", "--curve", "guzzetti_2008"])
    r = CliRunner().invoke(main, ["hazard", "landslide", "--rain", "1,1", "--step", "1h", "--curve",
                                  "guzzetti_2008"], env={"COLUMNS": "220"})
    text = " ".join(r.output.split())
    assert "I = 2.2 D^-0.44" in text and _value(text, "threshold reached").startswith("no:")
    assert "14.8 │" not in text and "a mm h" not in text
