"""The flood's rescue calls pass over steps without a call (plugins/flood/response.py):
the event log must be the one stepping through every step gives, byte for byte, and the
process must wake at the very floating-point minute stepping reaches."""

from __future__ import annotations

import json
import math
import random

import pytest
from drillsim_plugins.flood import response

from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from tests.conftest import FLOOD, SCENARIOS


def test_delay_to_reaches_the_exact_minute():
    """``now + delay_to(now, t) == t`` in floating point whenever it gives a delay, for
    clocks and targets of very different magnitudes; None only where no float delay
    reaches ``t`` (checked: none of the 64 floats around ``t - now`` does), which occurs
    (the case the rescue calls then wake through an earlier step start for)."""
    rng = random.Random(7)
    missed = unreachable = 0
    for _ in range(20_000):
        now, t = sorted(rng.uniform(0, 10 ** rng.randint(-3, 8)) for _ in range(2))
        missed += (now + (t - now)) != t
        delay = response.delay_to(now, t)
        if delay is None:
            unreachable += 1
            d = t - now
            for _ in range(32):
                d = math.nextafter(d, -math.inf)
            for _ in range(64):
                assert now + d != t
                d = math.nextafter(d, math.inf)
        else:
            assert now + delay == t
    assert unreachable == missed > 0
    assert response.delay_to(5.0, 5.0) == 0.0


def log_lines(path, host, replication):
    sim = Simulation(load_scenario(path, host=host), host, replication=replication)
    sim.run()
    scheduled = next(sim.env._eid)  # SimPy's count of events scheduled so far
    return [json.dumps(e.to_dict(), sort_keys=True) for e in sim.log.events], scheduled


@pytest.mark.parametrize("path", [FLOOD, SCENARIOS / "fujiang_flood_2020_two_waves.yaml",
                                  SCENARIOS / "flash_flood.yaml"])
def test_passing_over_quiet_steps_changes_nothing(host, monkeypatch, path):
    """Same scenario and seed: the log with quiet steps passed over equals the log of
    stepping through each step, rescue calls do occur in it, and fewer events were
    scheduled (steps were passed over)."""
    for replication in (0, 1):
        passed, fewer = log_lines(path, host, replication)
        monkeypatch.setattr(response, "PASS_OVER_QUIET_STEPS", False)
        stepped, more = log_lines(path, host, replication)
        monkeypatch.setattr(response, "PASS_OVER_QUIET_STEPS", True)
        assert passed == stepped
        assert any('"flood_rescue"' in line and '"incident_created"' in line for line in passed)
        assert fewer < more


def test_replications_share_the_timeline(host):
    """The transit flood's timeline (the water's, not drawn) is computed once for the
    replications of a run, again when the horizon or the params differ."""
    import drillsim_plugins.flood as flood

    sc = load_scenario(FLOOD, host=host)
    params = sc.hazards[0].params
    weights = {"a": 1.0}
    first = flood.shared_timeline(params, sc.horizon, weights)
    assert flood.shared_timeline(params, sc.horizon, dict(weights)) is first
    longer = flood.shared_timeline(params, sc.horizon + 60.0, weights)
    assert longer is not first and len(longer.times) >= len(first.times)
    other = load_scenario(FLOOD, host=host).hazards[0].params
    assert flood.shared_timeline(other, sc.horizon, weights) is not longer
