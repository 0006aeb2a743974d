"""A small scenario and sweeps for the batch tests (mini region of tests/conftest.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

# two single-person teams at the ends of the mini region; calls arrive as a Poisson
# stream (2 per hour) at the three townships, so replications differ
MINI_BODY = """\
run: {seed: 7, replications: 4, horizon: 8h}
forces:
  - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 2min, capabilities: {people: 1}, cost: 10}
  - {id: b, type: district_rescue_team, base: east_base, vehicle: car, turnout: 2min, capabilities: {people: 1}, cost: 10}
hazards:
  - id: calls
    type: poisson_incidents
    params: {rate: 2/h, places: [west, middle, east], demand: {people: 1}, on_scene_mean: 30min}
"""

FACTORIAL = """\
name: mini factorial
scenario: ../scenario.yaml
replications: 3
factors:
  units_a:
    path: forces.a.units
    values: [1, 2]
  turnout_b:
    path: forces.b.turnout
    values: [2min, 5min, 10min]
objective: {measure: mean, target: R}
"""


def write_sweep(mini, text: str, name: str = "sweep.yaml", body: str = MINI_BODY) -> Path:
    """Write the mini scenario (scenarios/scenario.yaml) and a sweep in scenarios/sweeps/."""
    scenario = mini(body)
    folder = scenario.parent / "sweeps"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, nth: int = 1) -> tuple[int, int]:
    """(line, column) of the nth occurrence of ``needle`` in a file, 1-based."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        col = line.find(needle)
        while col >= 0:
            seen += 1
            if seen == nth:
                return number, col + 1
            col = line.find(needle, col + 1)
    raise AssertionError(f"{needle!r} not found in {path}")


# as MINI_BODY, but each stream ends after a few calls, and a second stream may bring one
# call that needs a boat, which no unit has: the person sent waits on scene for ever.
# If that call comes before the horizon the run stalls (RunStalled), else it ends
# normally: some replications of each variant fail, the others do not.
STALL_BODY = """\
run: {seed: 7, replications: 4, horizon: 8h}
forces:
  - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 2min, capabilities: {people: 1}, cost: 10}
  - {id: b, type: district_rescue_team, base: east_base, vehicle: car, turnout: 2min, capabilities: {people: 1}, cost: 10}
hazards:
  - id: calls
    type: poisson_incidents
    params: {rate: 2/h, places: [west, middle, east], demand: {people: 1}, on_scene_mean: 30min, max_incidents: 6}
  - id: flooded
    type: poisson_incidents
    params: {rate: 0.1/h, places: [middle], demand: {people: 1, boats: 1}, on_scene_mean: 30min, max_incidents: 1}
"""

STALL_SWEEP = """\
name: mini stalls
scenario: ../scenario.yaml
replications: {n}
factors:
  flood_rate:
    path: hazards.flooded.params.rate
    values: [0.1/h, 0.3/h]
  turnout_b:
    path: forces.b.turnout
    values: [2min, 10min]
objective: {{measure: mean, target: R}}
"""


def cached_variant_keys() -> list:
    """Run on a pool worker: the keys of the variants it has loaded (or inherited from
    the fork server), sorted."""
    from drillsim.batch import worker

    return sorted(worker._SCENARIOS)
