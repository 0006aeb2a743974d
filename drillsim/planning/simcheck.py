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
from typing import TYPE_CHECKING, Callable

from drillsim.batch.executor import Executor
from drillsim.errors import DrillsimError
from drillsim.planning.location import Layout
from drillsim.planning.optimise import Problem
from drillsim.planning.selection import Selection, kn_select
from drillsim.planning.simrun import ReplicationFailed, VariantRunner, row_value

if TYPE_CHECKING:
    from drillsim.host.pluginhost import PluginHost


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


def check_layouts(problem: Problem, layouts: list[Layout], executor: Executor,
                  plugins: "PluginHost | list[str]",
                  progress: Callable[[int], None] | None = None) -> Check:
    """Compare ``layouts`` by simulation with KN (see the module docstring).

    :param plugins: the plugin host the problem was loaded with (see
        :class:`~drillsim.planning.simrun.VariantRunner`).
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
    runner = VariantRunner(problem.scenario, problem.scenario_path,
                           [problem.overrides(lay) for lay in layouts], executor, plugins,
                           root=problem.root, names=[f"layout {_label(problem, lay)}" for lay in layouts])

    def sample(systems: list[int], first: int, last: int) -> dict[int, list[float]]:
        try:
            got = runner.run([(i, r) for r in range(first, last) for i in systems], progress)
        except ReplicationFailed as exc:
            raise CheckFailed(str(exc)) from None
        out = {}
        for i in systems:
            vals = []
            for r in range(first, last):
                value, met = row_value(got[i, r], c.target)
                x = value if c.measure == "mean" else met
                if x is None:
                    raise CheckFailed(f"replication {r} of layout {_label(problem, layouts[i])} has "
                                      f"nothing to measure for {c.target}; choose a target every "
                                      "replication measures")
                vals.append(float(x))
            out[i] = vals
        return out

    sel = kn_select(len(layouts), sample, delta=c.indifference, confidence=c.confidence,
                    n0=c.first, budget=c.max, step=c.step, maximize=goal == "maximize")
    unit = "" if c.measure == "pass_rate" else target.unit
    return Check(sel, layouts, goal, unit, runner.ran)


def _label(problem: Problem, layout: Layout) -> str:
    return "+".join(problem.names(layout))
