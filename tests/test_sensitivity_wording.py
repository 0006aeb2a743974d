"""The sensitivity report names the assumed numbers with the largest one-at-a-time
effects with their 95 % paired-t intervals; an effect whose interval holds 0 is not shown
to be an effect by the replications run (a t-interval holding 0 is a test at 5 % that does
not reject "no effect": Law, *Simulation Modeling and Analysis*, 5th ed., §10.2.1), and
the report says "could be 0" rather than let it read as deciding the target."""

from __future__ import annotations

import json

from drillsim.planning.stored import holds_zero, report_section
from tests.conftest import SCENARIOS


def test_holds_zero():
    assert holds_zero([-6.16, 3.22]) and holds_zero([0.0, 1.0])
    assert not holds_zero([0.5, 1.0]) and not holds_zero([-2.0, -0.1])
    assert not holds_zero([0.0, 0.0]) and not holds_zero(None)  # no spread: no doubt


def test_the_flood_report_marks_effects_that_could_be_0():
    data = json.loads((SCENARIOS / "sensitivity" / "fujiang_flood_2020.json").read_text(encoding="utf-8"))
    entry = data["targets"]["T6"]
    cruise = next(e for e in entry["effects"] if e["factor"] == "forces[9].params.cruise")
    assert "forces[9].params.cruise" in entry["top3"]
    lo, hi = cruise["interval"]
    assert lo < 0 < hi  # the stored interval of the helicopter's cruise speed on T6
    text = report_section(data, ["T6"])
    line = next(l for l in text.splitlines() if l.startswith("- **T6**"))
    part = next(p for p in line.split("; `") if "forces[9].params.cruise" in p)
    assert f"[{lo:.3g}, {hi:.3g}], could be 0" in part
    # an effect whose interval lies on one side of 0 is not marked
    k = next(p for p in report_section(data, ["T1"]).splitlines() if p.startswith("- **T1**"))
    assert "routing.K` (+3.59 [3.59, 3.59]; assumed" in k and "could be 0" not in k.split(";")[0]
    assert "each on its own" in text
