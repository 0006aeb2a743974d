"""Run the best layouts of an optimise spec by simulation, with common random numbers,
and select among them with procedure KN (:mod:`drillsim.planning.selection`).

Each layout is a scenario variant (:meth:`~drillsim.planning.optimise.Problem.overrides`)
run as batch tasks (:class:`~drillsim.batch.worker.Task`) on any executor — in this
process, a local pool, or Dask, like ``drillsim batch``. Every layout runs replication r
with the same seed and index, so the same random streams (common random numbers). The
output of a replication is the check target's value (``measure: mean``) or 1/0 for met /
not met (``measure: pass_rate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from drillsim.batch.executor import Executor
from drillsim.batch.worker import Bundle, Task
from drillsim.errors import DrillsimError
from drillsim.planning.location import Layout
from drillsim.planning.optimise import Problem
from drillsim.planning.selection import Selection, kn_select


class CheckFailed(DrillsimError):
    """A replication of a layout failed, or gave no value for the check's target."""


@dataclass
class Check:
    """The simulation check: the KN selection, the layouts it compared, the goal and unit
    of the target, and the replications run in all."""

    selection: Selection
    layouts: list[Layout]
    goal: str
    unit: str
    runs: int


def bundle_for(problem: Problem) -> Bundle:
    """The scenario's files as a batch bundle (scenario, region, plan; the road graph
    travels with the region when it lies beside it)."""
    sc = problem.scenario
    others = [p for p in sc.inputs if p.resolve() != problem.scenario_path.resolve()]
    return Bundle.of(problem.root, problem.scenario_path, others)


def check_layouts(problem: Problem, layouts: list[Layout], executor: Executor, plugins: list[str],
                  progress: Callable[[int], None] | None = None) -> Check:
    """Compare ``layouts`` by simulation with KN (see the module docstring).

    :param progress: called with the number of replications run so far.
    :raises CheckFailed: a replication failed or measured nothing for the target.
    :raises ValueError: fewer than two layouts.
    """
    c = problem.spec.check
    if len(layouts) < 2:
        raise ValueError("the simulation check needs at least two layouts")
    target = next(t for t in problem.scenario.targets if t.id == c.target)
    goal = "maximize" if c.measure == "pass_rate" else (
        c.goal or ("minimize" if target.comparison in ("<=", "<") else "maximize"))
    bundle = bundle_for(problem)
    seed = problem.scenario.seed
    overrides = [tuple(problem.overrides(lay).items()) for lay in layouts]
    names = tuple(plugins)
    executor.fit(len(layouts) * c.first)
    executor.start(bundle, names)
    ran = 0

    def sample(systems: list[int], first: int, last: int) -> dict[int, list[float]]:
        nonlocal ran
        tasks = [Task(bundle.key, i, overrides[i], seed, r, names)
                 for r in range(first, last) for i in systems]
        got: dict[tuple[int, int], float] = {}
        for batch in executor.batches(tasks):
            for res in batch:
                if res.failed:
                    raise CheckFailed(f"replication {res.replication} of layout "
                                      f"{_label(problem, layouts[res.variant])} failed "
                                      f"({res.failure}): {res.error}")
                row = next((v for v in res.values if v[0] == c.target), None)
                value = None if row is None else (row[1] if c.measure == "mean" else row[2])
                if value is None:
                    raise CheckFailed(f"replication {res.replication} of layout "
                                      f"{_label(problem, layouts[res.variant])} has nothing to "
                                      f"measure for {c.target}; choose a target every "
                                      "replication measures")
                got[res.variant, res.replication] = float(value)
                ran += 1
                if progress is not None:
                    progress(ran)
        return {i: [got[i, r] for r in range(first, last)] for i in systems}

    sel = kn_select(len(layouts), sample, delta=c.indifference, confidence=c.confidence,
                    n0=c.first, budget=c.max, step=c.step, maximize=goal == "maximize")
    unit = "" if c.measure == "pass_rate" else target.unit
    return Check(sel, layouts, goal, unit, ran)


def _label(problem: Problem, layout: Layout) -> str:
    return "+".join(problem.names(layout))
