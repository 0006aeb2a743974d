"""What ``validate`` accepts in a drill pack, a drill can run (issue 19, class 2): every
value a drill will use is checked up front, located in the pack, with the same message
from ``validate`` and from ``drill``."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.drill.session import DrillSession
from drillsim.errors import ValidationFailed

from .conftest import SCENARIOS

CASES = {
    "negative inject time": (("    at: 16h\n", "    at: -2h\n"),
                             r"injects\[0\]\.at: -2h is outside the range accepted for a duration \(0–366 d"),
    "inject after the horizon": (("    at: 16h\n", "    at: 5d\n"),
                                 r"injects\[0\]\.at: 5d is at or after the end of the drill \(horizon 2880 min\)"),
    "call loss over 100 %": (("call_loss: 10%", "call_loss: 200%"),
                             r"reporting\.flood_reports\.call_loss: 200% is outside the physical range of a share \(0–100 %: a part of a whole\)"),
    "negative reporting delay": (("late_extra: 90min", "late_extra: -5min"),
                                 r"reporting\.flood_reports\.late_extra: -5min is outside the range accepted for a duration \(0–366 d"),
    "unknown reporter": (("  flood_reports:\n", "  flood_report:\n"),
                         r"reporting\.flood_report: no reporter 'flood_report' for this scenario's hazards"),
    "misspelt township in an inject": (("township: shuangjiang\n    text: landslide", "township: shuangjaing\n    text: landslide"),
                                       r"injects\[1\]\.township: unknown township 'shuangjaing'; did you mean 'shuangjiang'\?"),
    "unit out of service that does not exist": (
        ("  - name: weak levee at Shuangjiang\n", "  - name: weak levee at Shuangjiang\n    out_of_service: [water_rescue-9]\n"),
        r"variants\[1\]\.out_of_service\[0\]: no unit 'water_rescue-9' in the scenario"),
    "variant value the scenario refuses": (("time_to_peak: 10h", "time_to_peak: -10h"),
                                           r"variants\[2\]\.overrides: variant 'fast-rising flood' makes .* invalid: "
                                           r".*time_to_peak: -10h is outside the range accepted for a duration \(0–366 d"),
    "draw of a discharge no river has": (("uniform: [17000m3/s, 26000m3/s]", "uniform: [17000m3/s, 900000m3/s]"),
                                         r"draws\[0\]\.uniform\[1\]: .*peak = '900000m3/s' makes .* invalid: .*"
                                         r"900000m3/s is outside the physical range of a discharge \(0–400,000 m³/s"),
    "flood stage above Everest": (("townships[3].flood_stage: 239.0m", "townships[3].flood_stage: 9239.0m"),
                                  r"variants\[1\]\.overrides: .*flood_stage: 9239.0m is outside the physical "
                                  r"range of an elevation \(−430 m to 8,849 m"),
    "call rate per minute no flood has": (("rate_per_1000: 1.5/h", "rate_per_1000: 1500/min"),
                                          r"variants\[3\]\.overrides: .*rate_per_1000: 1500/min is outside the "
                                          r"range accepted for a rate \(0–1,000 per minute"),
    "inject a year and a day late": (("    at: 16h\n", "    at: 400d\n"),
                                     r"injects\[0\]\.at: 400d is outside the range accepted for a duration \(0–366 d"),
    "call loss below 0 %": (("call_loss: 10%", "call_loss: -10%"),
                            r"reporting\.flood_reports\.call_loss: -10% is outside the physical range of a share"),
    "draw bound the scenario refuses": (("uniform: [17000m3/s, 26000m3/s]", "uniform: [-1000m3/s, 26000m3/s]"),
                                        r"draws\[0\]\.uniform\[0\]: .*peak = '-1000m3/s' makes .* invalid"),
    "bare number as an inject time": (("    at: 16h\n", "    at: 16\n"),
                                      r"injects\[0\]\.at: a duration needs a unit: write e\.g\. 90min, 12h, 2d, "
                                      r"not the bare number 16"),
    "misspelt force drawn out of service": (
        ("from: [water_rescue, blue_sky,", "from: [water_rescue, blue_skye,"),
        r"flood\.yaml:45:\d+: out_of_service\.from\[1\]: no force or unit 'blue_skye' in the scenario; "
        r"did you mean 'blue_sky'\?"),
    # the six forces listed have 4 + 2 + 2 + 3 + 2 + 2 = 15 units (fujiang_flood_2020.yaml forces)
    "more units out of service than the listed forces have": (
        ("  count: 2\n", "  count: 999\n"),
        r"flood\.yaml:44:\d+: out_of_service\.count: 999 units out of service, but water_rescue, .*jiangbei_station "
        r"have only 15 units"),
    "a per-township force drawn out of service": (
        ("from: [water_rescue, blue_sky,", "from: [township_teams, blue_sky,"),
        r"out_of_service\.from\[0\]: force 'township_teams' has its units per township; name the units "
        r"\(e\.g\. 'township_teams\.baizi'\)"),
    # names given twice and settings a drill ignores (the breaker's pass: each was
    # accepted, the second of two silently replaced the first)
    "a variant's name given twice": (
        ("  - name: fast-rising flood", "  - name: 2020-like flood"),
        r"variants\[2\]\.name: name '2020-like flood' is used twice in variants \(first at variants\[0\]\)"),
    "a path drawn twice": (
        ("  - path: start\n", "  - path: hazards.fujiang_2020.params.warning.forecast_lead\n    choices: [1h]\n"
                              "  - path: start\n"),
        r"draws\[2\]\.path: 'hazards\.fujiang_2020\.params\.warning\.forecast_lead' is drawn twice "
        r"\(first at draws\[1\]\); the second draw would replace the first"),
    "run.seed in the pack's overrides": (
        ("  run.horizon: 2d\n", "  run.horizon: 2d\n  run.seed: 5\n"),
        r"flood\.yaml:19:3: overrides\.run\.seed: 'run\.seed': a drill runs once, from its own seed \(--seed, "
        r"or one drawn at random and kept hidden\): the pack's run\.seed and run\.replications change nothing"),
    "run.replications in a variant's overrides": (
        ("    overrides: {}\n", "    overrides: {run.replications: 9}\n"),
        r"variants\[0\]\.overrides\.run\.replications: 'run\.replications': a drill runs once"),
    "an injected incident needing 0 boats": (
        ("demand: {boats: 2, people: 10}", "demand: {boats: 0, people: 10}"),
        r"injects\[4\]\.demand: a demand's amounts are above 0, got 0 for 'boats'"),
    # shown at the reveal as what the drill was about: a pack copied from another hazard's
    # passed with the wrong one (the base scenario's only hazard is a transit_flood)
    "a hazard the base scenario does not have": (
        ("hazard: transit_flood\n", "hazard: forest_fire\n"),
        r"flood\.yaml:11:9: hazard: 'forest_fire' is not a hazard of the base scenario \(its hazards: "
        r"fujiang_2020, of type transit_flood\)"),
}


@pytest.fixture
def pack_copy(tmp_path):
    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root)
    return root / "packs" / "flood.yaml"


def test_the_shipped_pack_is_valid(pack_copy):
    result = CliRunner().invoke(main, ["validate", str(pack_copy)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_pack_is_refused_by_validate_and_by_drill(case, pack_copy, tmp_path, host):
    (old, new), expected = CASES[case]
    text = pack_copy.read_text(encoding="utf-8")
    assert old in text
    pack_copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack_copy)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert __import__("re").search(expected, result.output), result.output
    with pytest.raises(ValidationFailed, match=expected):
        DrillSession.open(pack_copy, seed=3, host=host, log_path=tmp_path / "d.jsonl")
    assert not (tmp_path / "d.jsonl").exists()


def test_an_incident_inject_for_a_capability_no_unit_brings(pack_copy, host):
    text = pack_copy.read_text(encoding="utf-8")
    text += ("  - title: boat call\n    at: 20h\n    kind: incident\n    place: yuxi\n"
             "    incident_kind: flood_rescue\n    demand: {boat: 1}\n")
    pack_copy.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack_copy)])
    assert result.exit_code == 2
    assert "demand: boat: no unit of the scenario brings boat to 'flood_rescue' incidents; did you mean 'boats'?" \
        in result.output


def test_more_units_out_of_service_than_a_variant_leaves(pack_copy):
    """The six forces listed have 15 units; a variant already takes water_rescue-1 out,
    so drawing 15 more cannot be done in that variant (14 left)."""
    text = pack_copy.read_text(encoding="utf-8")
    text = text.replace("  count: 2\n", "  count: 15\n", 1).replace(
        "  - name: weak levee at Shuangjiang\n",
        "  - name: weak levee at Shuangjiang\n    out_of_service: [water_rescue-1]\n", 1)
    pack_copy.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack_copy)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert __import__("re").search(
        r"flood\.yaml:45:\d+: out_of_service\.count: 15 units out of service, but water_rescue, .*jiangbei_station "
        r"have 15 units and variant 'weak levee at Shuangjiang' already takes 1 of them out: only 14 left",
        result.output), \
        result.output
