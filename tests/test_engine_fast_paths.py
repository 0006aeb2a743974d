"""The engine's fast paths give what the plain paths give: direct first-result hook
calls vs pluggy, the tuple-backed event log, block random draws, streamed runs scored
from their JSON Lines file, the garbage collector's thresholds restored after a run."""

from __future__ import annotations

import gc
import io

import numpy as np
import pluggy
import pytest

from drillsim.engine.collector import full_collections_deferred
from drillsim.engine.eventlog import Event, EventList, EventLog, JsonLinesSink
from drillsim.engine.hookcall import first_result_caller
from drillsim.engine.simulation import Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.scoring.scorecard import observe
from drillsim.scoring.stream import iter_jsonl, observe_jsonl
from drillsim_plugins.incident_streams import _one_at_a_time

from .conftest import SCENARIOS

spec = pluggy.HookspecMarker("t")
impl = pluggy.HookimplMarker("t")


class Spec:
    @spec(firstresult=True)
    def answer(self, a, b):
        """first result"""


class Default:
    @impl(trylast=True)
    def answer(self, a, b):
        return ("default", a, b)


class OnlyB:
    @impl
    def answer(self, b):
        return ("only_b", b) if b > 0 else None


class First:
    @impl(tryfirst=True)
    def answer(self, a):
        return None if a < 10 else ("first", a)


class Wrapper:
    @impl(wrapper=True)
    def answer(self, a, b):
        result = yield
        return ("wrapped", result)


def manager(*plugins):
    pm = pluggy.PluginManager("t")
    pm.add_hookspecs(Spec)
    for p in plugins:
        pm.register(p)
    return pm


@pytest.mark.parametrize("plugins", [(Default(),), (Default(), OnlyB()),
                                     (Default(), OnlyB(), First()),
                                     (Default(), OnlyB(), First(), Wrapper())])
def test_direct_first_result_calls_answer_as_pluggy_does(plugins):
    pm = manager(*plugins)
    call = first_result_caller(pm.hook.answer, ("a", "b"))
    for a in (1, 20):
        for b in (-1, 3):
            assert call(a, b) == pm.hook.answer(a=a, b=b)


def test_event_list_reads_as_events():
    log = EventLog(lambda: 1.5)
    first = log.log("x", unit="u", incident="I1", n=1)
    log.record("y", None, "I2", {"m": [1, 2]})
    events = log.events
    assert isinstance(events, EventList) and len(events) == 2 and bool(events)
    assert events[0] == first == Event(1.5, "x", "u", "I1", {"n": 1})
    assert events[-1] == Event(1.5, "y", None, "I2", {"m": [1, 2]})
    assert events[0:1] == [first] and list(events) == [events[0], events[1]]
    assert [e.kind for e in log.of_kind("y")] == ["y"]
    quiet = EventLog(lambda: 0.0, keep=False)
    quiet.log("x")
    assert len(quiet.events) == 0


def test_record_reaches_sinks_and_subscribers():
    seen, kinds = [], []
    log = EventLog(lambda: 2.0, keep=False, sinks=[seen.append])
    log.subscribe("b", lambda e: kinds.append(e.kind))
    log.record("a", None, None, {})
    log.record("b", "u", None, {"k": 1})
    assert seen == [Event(2.0, "a"), Event(2.0, "b", "u", None, {"k": 1})] and kinds == ["b"]


@pytest.mark.parametrize("draw_one, draw_block", [
    (lambda g: g.exponential(7.5), lambda g, n: g.exponential(7.5, n)),
    (lambda g: int(g.choice(3, p=[0.2, 0.5, 0.3])), lambda g, n: g.choice(3, n, p=[0.2, 0.5, 0.3])),
    (lambda g: int(g.choice(23)), lambda g, n: g.choice(23, n)),
])
def test_block_draws_are_the_single_draws(draw_one, draw_block):
    one = np.random.Generator(np.random.PCG64(np.random.SeedSequence([4, 2])))
    block = np.random.Generator(np.random.PCG64(np.random.SeedSequence([4, 2])))
    singles = [draw_one(one) for _ in range(1500)]   # crosses two block boundaries
    stream = _one_at_a_time(lambda n: draw_block(block, n))
    assert [next(stream) for _ in range(1500)] == singles


def test_streamed_run_scores_like_a_kept_run(host, tmp_path):
    sc = load_scenario(SCENARIOS / "validation" / "hypercube.yaml", host=host,
                       overrides={"run.horizon": "300h", "run.warm_up": "10h"})
    kept = Simulation(sc, host, replication=1)
    kept.run()
    path = tmp_path / "log.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        streamed = Simulation(sc, host, replication=1, keep_events=False,
                              sinks=[JsonLinesSink(fh, replication=1)])
        streamed.run(until=100 * 60)
        streamed.run()   # a second call goes on; it does not start the run again
    assert len(streamed.log.events) == 0
    assert list(iter_jsonl(path, 1)) == list(kept.log.events)
    assert observe_jsonl(sc, path, replication=1) == observe(sc, kept.log.events)
    # the streamed run forgot its finished incidents; the kept one has them all
    assert all(not i.completed for i in streamed.incidents.values())
    assert len(kept.incidents) == kept._incident_count > len(streamed.incidents)


def test_collector_thresholds_restored():
    before = gc.get_threshold()
    with full_collections_deferred():
        with full_collections_deferred():
            assert gc.get_threshold()[2] > 10**6
        assert gc.get_threshold()[2] > 10**6
    assert gc.get_threshold() == before


def test_jsonl_sink_writes_what_the_log_keeps():
    buf = io.StringIO()
    log = EventLog(lambda: 3.0, sinks=[JsonLinesSink(buf)])
    log.record("z", "u", "I9", {"b": 2, "a": 1.5})
    assert buf.getvalue() == ('{"details":{"a":1.5,"b":2},"incident":"I9","kind":"z",'
                              '"t":3.0,"unit":"u"}\n')


def test_monitored_calls_go_through_pluggy():
    pm = manager(Default(), OnlyB())
    seen = []
    call = first_result_caller(pm.hook.answer, ("a", "b"), pm)
    assert call(1, 2) == ("only_b", 2) and seen == []
    undo = pm.add_hookcall_monitoring(lambda name, impls, kw: seen.append(name), lambda *a: None)
    assert call(1, 2) == ("only_b", 2) and seen == ["answer"]   # switched on after building
    assert first_result_caller(pm.hook.answer, ("a", "b"), pm)(1, -1) == ("default", 1, -1)
    assert seen == ["answer", "answer"]
    undo()
