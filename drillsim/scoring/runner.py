"""Run a scenario's replications and score them.

Each replication is a fresh :class:`~drillsim.engine.simulation.Simulation` with its own
random streams (base seed, replication index, stream name), so replication *r* is the
same whatever else runs, in whatever order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from drillsim.engine.eventlog import Event, JsonLinesSink
from drillsim.engine.hookcall import answering_plugin
from drillsim.engine.simulation import Simulation
from drillsim.host import hooktrace
from drillsim.host.pluginhost import PluginHost
from drillsim.scenario.loader import ResolvedScenario
from drillsim.scenario.quantities import format_number
from drillsim.scoring import scorecard


@dataclass
class Outcome:
    """Results of a scenario run.

    :ivar rows: the scorecard.
    :ivar observations: per replication, ``{target id: [(label, value)]}`` (internal units).
    :ivar first_events: the event log of replication 0 (for the report's timeline and
        incident table).
    :ivar warnings: incidents whose demand no unit of the scenario could meet (logged as
        ``incident_unservable``), with the number of replications each happened in; units
        the travel-time hook kept from ever arriving (:class:`StrandedUnits`).
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
    return _replication(scenario, host, replication, seed, events_out).log.events


def _replication(scenario: ResolvedScenario, host: PluginHost, replication: int,
                 seed: int | None = None, events_out: IO[str] | None = None) -> Simulation:
    sinks = [JsonLinesSink(events_out, replication)] if events_out is not None else []
    sim = Simulation(scenario, host, replication=replication, seed=seed, sinks=sinks)
    sim.run()
    return sim


class StrandedUnits:
    """The units a ``drillsim_travel_time`` answer of ``math.inf`` (unreachable) kept from
    ever arriving, gathered over a run's replications for one warning per plugin.

    A unit is *stranded* when the hook itself (not a hazard's closure) answered
    ``math.inf`` for at least one of its trips and the unit arrived nowhere in any
    replication: every trip it was asked about was unreachable (a travel model answering
    ``math.inf`` for everything, R2 showing no arrival at all, ran with no word). A unit
    that arrives somewhere in some replication is not: a plugin may well know places a
    unit cannot reach (an island without a road) while it reaches others.

    A finite travel time whose arrival falls after the horizon (``1e300`` minutes, or a
    day's drive in a 12-hour run) keeps the unit from arriving just as surely: a unit
    that set off (``unit_en_route``) only on such trips and arrived nowhere in any
    replication is *late*, with a warning of its own (the longest trip, and that a trip
    past the horizon never ends in the run).
    """

    def __init__(self) -> None:
        self.arrived: set[str] = set()
        #: unit id -> [plugin, force id, origin id, destination id, trips, replications]
        self.unreached: dict[str, list] = {}
        #: unit id -> [plugin, force id, origin id, destination id, trips, longest minutes]
        self.late: dict[str, list] = {}

    def add(self, sim: Simulation, events: list[Event]) -> None:
        """Note one replication's answers and arrivals (the arrivals read only when the
        hook answered ``math.inf`` in it)."""
        self.take(self.note(sim, events))

    @staticmethod
    def note(sim: Simulation, events: list[Event]) -> tuple[dict, set[str], dict] | None:
        """What :meth:`add` keeps of one replication, as plain data (it may come from a
        forked copy of the process): the hook's ``math.inf`` answers, the units that
        arrived and the late units' trips (:meth:`late_trips`), or None when there are
        neither answers nor late trips."""
        answers = sim.unreachable_answers()
        late = StrandedUnits.late_trips(sim, events)
        if not answers and not late:
            return None
        return dict(answers), {e.unit for e in events if e.kind == "unit_arrived"}, late

    @staticmethod
    def late_trips(sim: Simulation, events: list[Event]) -> dict[str, tuple[str, str, str, str, int, float]]:
        """The units of one replication that set off (``unit_en_route``, its ``travel``
        minutes) only on trips ending after the horizon and arrived nowhere: unit id ->
        (the plugin answering the travel time, force id, origin id (the unit's base),
        destination place id, how many such trips, the longest in minutes). Asks the
        hook again to name the plugin: after the run only."""
        horizon = sim.horizon
        place: dict[str, str] = {}
        trips: dict[str, list] = {}
        arrived: set[str] = set()
        for e in events:
            k = e.kind
            if k == "incident_created":
                place[e.incident] = e.details.get("place")
            elif k == "unit_en_route":
                travel = e.details.get("travel", 0.0)
                if e.t + travel > horizon:
                    seen = trips.get(e.unit)
                    if seen is None:
                        trips[e.unit] = [place.get(e.incident), 1, travel]
                    else:
                        seen[1] += 1
                        seen[2] = max(seen[2], travel)
            elif k == "unit_arrived":
                arrived.add(e.unit)
        out = {}
        caller = sim._hook.drillsim_travel_time
        names = tuple(caller.spec.argnames)
        for unit_id, (destination, n, longest) in trips.items():
            if unit_id in arrived:
                continue
            unit = sim.units[unit_id]
            try:
                to = sim.region.place(destination)
            except (KeyError, AttributeError):
                to = None
            plugin = (answering_plugin(caller, names, (sim, unit, unit.base, to))
                      if to is not None else None)
            out[unit_id] = (plugin or "(unknown)", unit.force.id, unit.base.id, destination or "?",
                            n, longest)
        return out

    def take(self, note: tuple[dict, set[str], dict] | None) -> None:
        """Add one replication's :meth:`note`."""
        if note is None:
            return
        answers, arrived, late = note
        self.arrived.update(arrived)
        for unit_id, (plugin, force, origin, destination, trips, longest) in late.items():
            seen = self.late.get(unit_id)
            if seen is None:
                self.late[unit_id] = [plugin, force, origin, destination, trips, longest]
            else:
                seen[4] += trips
                seen[5] = max(seen[5], longest)
        for unit_id, (plugin, force, origin, destination, trips) in answers.items():
            seen = self.unreached.get(unit_id)
            if seen is None:
                self.unreached[unit_id] = [plugin, force, origin, destination, trips, 1]
            else:
                seen[4] += trips
                seen[5] += 1

    def warnings(self, scenario: ResolvedScenario, replications: int) -> list[str]:
        """One line per plugin, located at the scenario's force of its first stranded
        unit: ``valid.yaml:12:5: forces[0]: plugin 'x' answered drillsim_travel_time …``."""
        by_plugin: dict[str, list[str]] = {}
        for unit_id, (plugin, *_rest) in self.unreached.items():
            if unit_id not in self.arrived:
                by_plugin.setdefault(plugin, []).append(unit_id)
        forces = {f.id: i for i, f in enumerate(scenario.spec.forces)}
        out = []
        for plugin, units in by_plugin.items():
            _, force, origin, destination, _, _ = self.unreached[units[0]]
            total = sum(self.unreached[u][4] for u in units)
            shown = ", ".join(units[:3]) + (f" and {len(units) - 3:,} more" if len(units) > 3 else "")
            where = ("forces", forces[force]) if force in forces else ()
            message = (f"plugin {plugin!r} answered drillsim_travel_time with math.inf "
                       f"(unreachable) for every trip of unit{'s' if len(units) > 1 else ''} "
                       f"{shown} it was asked about ({total:,} answer{'s' if total != 1 else ''}, the first "
                       f"{origin} → {destination}): {'they' if len(units) > 1 else 'it'} never "
                       f"arrived in {replications:,} replication{'s' if replications != 1 else ''}; "
                       "if the places can be reached, return the minutes (math.inf means never)")
            out.append(str(scenario.doc.fault(where, message)))
        return out + self._late_warnings(scenario, replications, forces)

    def _late_warnings(self, scenario: ResolvedScenario, replications: int,
                       forces: dict[str, int]) -> list[str]:
        """One line per plugin for the late units (see the class) that arrived nowhere
        and were not already named for ``math.inf``."""
        by_plugin: dict[str, list[str]] = {}
        for unit_id, (plugin, *_rest) in self.late.items():
            if unit_id not in self.arrived and unit_id not in self.unreached:
                by_plugin.setdefault(plugin, []).append(unit_id)
        out = []
        for plugin, units in by_plugin.items():
            _, force, origin, destination, _, _ = self.late[units[0]]
            total = sum(self.late[u][4] for u in units)
            longest = max(self.late[u][5] for u in units)
            shown = ", ".join(units[:3]) + (f" and {len(units) - 3:,} more" if len(units) > 3 else "")
            where = ("forces", forces[force]) if force in forces else ()
            they = "they" if len(units) > 1 else "it"
            message = (f"unit{'s' if len(units) > 1 else ''} {shown} set off {total:,} "
                       f"time{'s' if total != 1 else ''} (the first {origin} → {destination}) "
                       f"only on trips ending after the horizon ({format_number(scenario.horizon)} min; "
                       f"the longest {format_number(longest) if longest < 1e9 else f'{longest:.3g}'} min, from plugin {plugin!r}'s "
                       f"drillsim_travel_time): {they} never arrived in "
                       f"{replications:,} replication{'s' if replications != 1 else ''}, as if "
                       "unreachable (math.inf); if the places can be reached sooner, check the "
                       "travel times, else lengthen run.horizon")
            out.append(str(scenario.doc.fault(where, message)))
        return out


def run(scenario: ResolvedScenario, host: PluginHost, replications: int | None = None,
        seed: int | None = None, events_out: IO[str] | None = None,
        progress: Any = None, processes: int = 1, meanwhile: Any = None) -> Outcome:
    """Run all replications and build the scorecard.

    :param replications: default: the scenario's ``run.replications``.
    :param seed: default: the scenario's ``run.seed``.
    :param events_out: text stream for the JSON Lines event log of every replication.
    :param progress: optional callable ``progress(done, total)``.
    :param processes: 2: a forked copy of this process runs replications too
        (:mod:`drillsim.scoring.forked`), where the process can fork and use two CPUs, no
        event log is written, no hook is traced (:mod:`drillsim.host.hooktrace`: its
        lines stay in replication order) and there are two replications or more; the two take the
        replications one at a time, so the faster takes more. The outcome is the same
        either way: each replication's results are put in its place, and a failure is
        the one the first failing replication raises, run again here. 1: all here.
    :param meanwhile: optional callable, called once after the first replication (with
        a copy at work, the copy takes more replications meanwhile): work the caller
        needs only after the run, such as importing what prints the scorecard.
    :raises PluginFailed: a plugin raised during a run.
    """
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    forking = False
    if processes > 1 and events_out is None and n > 1 and not hooktrace.tracing():
        from drillsim.scoring import forked

        forking = forked.can_fork()
    #: replication -> observations, event count, unservable lines, stranded units' note
    scored: dict[int, tuple[dict, int, list[str], Any]] = {}
    first: list[Event] = []

    def replicate(r: int) -> tuple[dict, int, list[str], Any]:
        nonlocal first
        sim = _replication(scenario, host, r, seed, events_out)
        # a kept log builds an Event each time one is read: built once here, for the
        # metrics and the unservable lines alike
        events = list(sim.log.events)
        note = StrandedUnits.note(sim, events)
        del sim
        if r == 0:
            first = events
        return scorecard.observe(scenario, events), len(events), unservable_lines(events), note

    def after_first() -> None:
        nonlocal meanwhile
        if meanwhile is not None:
            meanwhile, call = None, meanwhile
            call()

    if forking:
        with forked.Claims(1, n) as claims:  # replication 0 is this process's: its log is kept

            def elsewhere(step) -> list[tuple[int, tuple[dict, int, list[str], Any]]]:
                """The copy's replications, up to its first failure (run again here)."""
                done = []
                try:
                    while (r := claims.take()) is not None:
                        done.append((r, replicate(r)))
                        step()
                except Exception:  # noqa: BLE001, S110 - run again here, where it fails as it would have
                    pass
                return done

            with forked.ForkedShare(elsewhere) as share:
                r: int | None = 0
                try:
                    while r is not None:
                        scored[r] = replicate(r)
                        if progress is not None:
                            progress(len(scored) + share.steps_done(), n)
                        after_first()
                        r = claims.take()
                except Exception:
                    share.stop()
                    # the replications before this one that the copy took are run here, in
                    # order: the failure raised is the first replication's to fail
                    for m in range(r or 0):
                        if m not in scored:
                            scored[m] = replicate(m)
                    raise
                scored.update(share.answer() or [])
        if progress is not None:
            progress(len(scored), n)
    for r in range(n):  # all here; or what the copy did not do
        if r not in scored:
            scored[r] = replicate(r)
            if progress is not None:
                progress(len(scored), n)
        if r == 0:
            after_first()
    ordered = [scored[r] for r in range(n)]
    observations = [obs for obs, _, _, _ in ordered]
    counts = [count for _, count, _, _ in ordered]
    unservable: dict[str, int] = {}
    stranded = StrandedUnits()
    for _, _, lines, note in ordered:
        for line in lines:
            unservable[line] = unservable.get(line, 0) + 1
        stranded.take(note)
    warnings = [f"{line} ({times} of {n} replication{'s' if n > 1 else ''})"
                for line, times in unservable.items()] + stranded.warnings(scenario, n)
    return Outcome(scenario, seed, n, scorecard.build(scenario, observations), observations,
                   first, counts, warnings)


def unservable_lines(events: list[Event]) -> list[str]:
    """One line per ``incident_unservable`` event: which incident waited for what."""
    return [f"incident {e.incident} ({e.details['kind']} at {e.details['place']}) needs "
            f"{', '.join(e.details['needs'])}; no unit of the scenario can bring "
            f"{', '.join(e.details['needs'])} there" for e in events if e.kind == "incident_unservable"]
