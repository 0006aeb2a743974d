"""Scoring a log through a :class:`~drillsim.scoring.metrics.KindIndex` (each metric
reading only the kinds it needs, the units-committed series shared) gives every core
metric the observations it gives reading the whole log."""

import pytest

from drillsim.engine.eventlog import Event
from drillsim.scoring import metrics as m
from drillsim.scoring.scorecard import metric_context


def test_of_keeps_log_order_across_kinds():
    log = [Event(0.0, "a"), Event(1.0, "b"), Event(2.0, "c"), Event(3.0, "a"), Event(4.0, "b")]
    index = m.KindIndex(log)
    assert [e.t for e in index.of(("b", "a"))] == [0.0, 1.0, 3.0, 4.0]
    assert [e.t for e in index.of(("c",))] == [2.0]
    assert index.of(("missing",)) == []
    assert [e.t for e in index.of(("a", "a"))] == [0.0, 3.0]  # a kind named twice: once


def test_index_of_other_events_is_not_used():
    log = [Event(0.0, "a"), Event(1.0, "b")]
    ctx = m.MetricContext(horizon=10.0, index=m.KindIndex(log))
    other = [Event(5.0, "b")]
    assert m.of_kinds(other, ctx, ("a",)) is other  # not the index's log: read it all
    log.append(Event(2.0, "a"))  # grown since the index was built: read it all
    assert m.of_kinds(log, ctx, ("a",)) is log


@pytest.fixture(scope="module")
def flood_log(host):
    from drillsim.scenario.loader import load_scenario
    from drillsim.scoring.runner import run_replication

    sc = load_scenario("scenarios/fujiang_flood_2020.yaml", host=host)
    return sc, list(run_replication(sc, host, 3))


def test_every_target_same_with_and_without_index(flood_log):
    sc, events = flood_log
    plain, indexed = metric_context(sc), metric_context(sc)
    indexed.index = m.KindIndex(events)
    assert len(sc.targets) > 15
    for t in sc.targets:
        assert t.metric.compute(events, indexed, t.params) == t.metric.compute(events, plain, t.params), t.id


def test_core_metrics_same_with_and_without_index(flood_log):
    sc, events = flood_log
    plain, indexed = metric_context(sc), metric_context(sc)
    indexed.index = m.KindIndex(events)
    for metric in m.CORE_METRICS:
        if metric.params_model is None:
            params = None
        elif "reserve" in metric.params_model.model_fields and \
                metric.params_model.model_fields["reserve"].is_required():
            extra = {"covers": "7d"} if "covers" in metric.params_model.model_fields else {}
            params = metric.params_model.model_validate({"reserve": "relocation_supplies", **extra})
        else:
            params = metric.params_model()
        assert metric.compute(events, indexed, params) == metric.compute(events, plain, params), metric.name
