"""The JSON Lines writer of a streamed log (:class:`JsonLinesSink`) writes each record as
the standard library's ``json.dumps(record, sort_keys=True, ensure_ascii=False,
separators=(",", ":"), allow_nan=False)`` would: the oracle here is the standard library,
not drillsim's own encoder, so a faster writer cannot drift from the log format."""

from __future__ import annotations

import gc
import io
import json

import numpy as np
import pytest

from drillsim.engine.eventlog import Event, JsonLinesSink, _line
from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario

from .conftest import SCENARIOS


def expected(t, kind, unit, incident, details, rep=None) -> str:
    record = {"t": t, "kind": kind, "unit": unit, "incident": incident, "details": details}
    if rep is not None:
        record["rep"] = rep
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False, default=lambda v: v.item()) + "\n"


CASES = [
    (0, "run_started", None, None, {"horizon": 222222.22222222222, "seed": 1, "units": 5}),
    (0.09179712844910845, "incident_created", None, "I1",
     {"demand": {"people": 1.0}, "kind": "call", "on_scene": 0.2919781413896222,
      "place": "hub", "priority": 3, "township": "hub"}),
    (222212.96986377065, "incident_completed", None, "I999998",
     {"kind": "call", "units": ["servers-3"]}),
    (-0.0, "unit_cleared", "servers-3", "I9", {}),
    (1e-7, "unit_arrived", "u\"1\\", "I\u00e9", {"first": True, "late": False, "x": None}),
    (1.5e300, "note", "涪江-1", None, {"text": "tab\there\nnew line \u2028 \x01",
                                        "b": [1, 2.5, {"z": 1, "a": [None, "é"]}]}),
    (12.0, "unit_dispatched", "servers-1", "I2", {"by": "auto", "n": np.float64(2.5),
                                                   "k": np.int64(7), "f": np.float32(0.5)}),
    (np.float64(3.25), "unit_en_route", "s", "I3", {"travel": 0.0}),
    (7, "unit_returned", "s", None, {3: "three", 1: "one"}),
]


@pytest.mark.parametrize("rep", [None, 0, 3])
@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_record_is_the_standard_librarys(case, rep):
    assert _line(*case, rep) == expected(*case, rep)
    buf = io.StringIO()
    JsonLinesSink(buf, rep)(Event(*case))
    assert buf.getvalue() == expected(*case, rep)


@pytest.mark.parametrize("t, details", [
    (float("nan"), {}), (float("inf"), {}), (1.0, {"v": float("nan")}), (1.0, {"v": -float("inf")}),
])
def test_not_a_number_refused(t, details):
    with pytest.raises(ValueError):
        _line(t, "k", None, None, details)


def test_details_containing_themselves_refused_as_the_encoder_does():
    details: dict = {}
    details["self"] = details
    with pytest.raises(ValueError, match="Circular reference"):
        _line(1.0, "k", None, None, details)


def test_details_not_plain_data_refused():
    with pytest.raises(TypeError, match="plain data"):
        _line(1.0, "k", None, None, {"what": object()})


def test_streamed_run_file_is_its_kept_log_in_the_standard_format(host):
    """A whole run streamed: every line of the file is the standard library's encoding of
    the same event kept in memory by the same run."""
    scenario = load_scenario(SCENARIOS / "validation" / "mmc.yaml", host=host,
                             overrides={"run.horizon": "300h", "run.warm_up": "0min"})
    buf = io.StringIO()
    sim = Simulation(scenario, host, replication=2, sinks=[JsonLinesSink(buf, 2)])
    sim.run()
    lines = buf.getvalue().splitlines(keepends=True)
    assert len(lines) == len(sim.log.events) > 1000
    for line, event in zip(lines, sim.log.events):
        assert line == expected(event.t, event.kind, event.unit, event.incident, event.details, 2)


@pytest.mark.parametrize("keep", [True, False])
def test_full_collections_held_back_only_when_the_log_is_kept(host, keep):
    """A kept run holds back Python's full collections (nothing is garbage); a streamed
    run forgets finished incidents, which are reference cycles, so it must leave them to
    the collector or their dead cycles pile up for the whole run."""
    scenario = load_scenario(SCENARIOS / "validation" / "mmc.yaml", host=host,
                             overrides={"run.horizon": "20h", "run.warm_up": "0min"})
    seen = []
    sim = Simulation(scenario, host, keep_events=keep,
                     sinks=[lambda event: seen.append(gc.get_threshold()[2])])
    before = gc.get_threshold()
    sim.run()
    assert gc.get_threshold() == before
    during = set(seen[5:-5])  # events logged while the clock runs (not start, not end)
    assert during == ({2**30} if keep else {before[2]})
