"""Run a scenario's replications and score them.

Each replication is a fresh :class:`~drillsim.engine.simulation.Simulation` with its own
random streams (base seed, replication index, stream name), so replication *r* is the
same whatever else runs, in whatever order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from drillsim.engine.eventlog import Event, JsonLinesSink
from drillsim.engine.simulation import Simulation
from drillsim.host.pluginhost import PluginHost
from drillsim.scenario.loader import ResolvedScenario
from drillsim.scoring import scorecard


@dataclass
class Outcome:
    """Results of a scenario run.

    :ivar rows: the scorecard.
    :ivar observations: per replication, ``{target id: [(label, value)]}`` (internal units).
    :ivar first_events: the event log of replication 0 (for the report's timeline and
        incident table).
    :ivar warnings: incidents whose demand no unit of the scenario could meet (logged as
        ``incident_unservable``), with the number of replications each happened in.
    """

    scenario: ResolvedScenario
    seed: int
    replications: int
    rows: list[scorecard.Row]
    observations: list[dict[str, list[tuple[str, float]]]]
    first_events: list[Event] = field(default_factory=list)
    event_counts: list[int] = field(default_factory=list)
    #: what the run found wrong but ran through (demand no unit could meet), one line each
    warnings: list[str] = field(default_factory=list)


def run_replication(scenario: ResolvedScenario, host: PluginHost, replication: int,
                    seed: int | None = None, events_out: IO[str] | None = None) -> list[Event]:
    """Run one replication; returns its event log (and writes it to ``events_out``)."""
    sinks = [JsonLinesSink(events_out, replication)] if events_out is not None else []
    sim = Simulation(scenario, host, replication=replication, seed=seed, sinks=sinks)
    sim.run()
    return sim.log.events


def run(scenario: ResolvedScenario, host: PluginHost, replications: int | None = None,
        seed: int | None = None, events_out: IO[str] | None = None,
        progress: Any = None) -> Outcome:
    """Run all replications and build the scorecard.

    :param replications: default: the scenario's ``run.replications``.
    :param seed: default: the scenario's ``run.seed``.
    :param events_out: text stream for the JSON Lines event log of every replication.
    :param progress: optional callable ``progress(done, total)``.
    :raises PluginFailed: a plugin raised during a run.
    """
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    observations = []
    first: list[Event] = []
    counts = []
    unservable: dict[str, int] = {}
    for r in range(n):
        # a kept log builds an Event each time one is read: built once here, for the
        # metrics and the unservable lines alike
        events = list(run_replication(scenario, host, r, seed, events_out))
        observations.append(scorecard.observe(scenario, events))
        counts.append(len(events))
        for line in unservable_lines(events):
            unservable[line] = unservable.get(line, 0) + 1
        if r == 0:
            first = events
        if progress is not None:
            progress(r + 1, n)
    warnings = [f"{line} ({times} of {n} replication{'s' if n > 1 else ''})"
                for line, times in unservable.items()]
    return Outcome(scenario, seed, n, scorecard.build(scenario, observations), observations,
                   first, counts, warnings)


def unservable_lines(events: list[Event]) -> list[str]:
    """One line per ``incident_unservable`` event: which incident waited for what."""
    return [f"incident {e.incident} ({e.details['kind']} at {e.details['place']}) needs "
            f"{', '.join(e.details['needs'])}; no unit of the scenario can bring "
            f"{', '.join(e.details['needs'])} there" for e in events if e.kind == "incident_unservable"]
