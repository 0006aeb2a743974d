"""Run scenario variants as batch tasks on an executor (in this process, a local pool or
Dask) and hand back each replication's scorecard values.

A variant is a set of scenario overrides; every variant runs replication r with the same
seed and index, so the same random streams (common random numbers). The scenario's files
travel to the workers as a :class:`~drillsim.batch.worker.Bundle`, as in ``drillsim batch``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from drillsim.batch.executor import Executor
from drillsim.batch.worker import Bundle, Result, Task, plugin_names
from drillsim.host.pluginhost import PluginHost
from drillsim.errors import DrillsimError
from drillsim.scenario.loader import ResolvedScenario, scenario_root


class ReplicationFailed(DrillsimError):
    """A replication of a variant failed (a plugin raised, the run stalled …)."""


class VariantRunner:
    """Runs replications of variants of one scenario.

    :param scenario: the loaded base scenario (its files are bundled).
    :param scenario_path: its file; :param root: the folder its files stay in (default:
        :func:`~drillsim.scenario.loader.scenario_root`).
    :param variants: overrides per variant (``{dotted path: value}``), by index.
    :param plugins: the plugin host the scenario was loaded with (its plugins' names,
        and its plugin modules, go to the workers), or just the names.
    :param seed: base seed (default: the scenario's).
    """

    def __init__(self, scenario: ResolvedScenario, scenario_path: Path, variants: list[dict[str, Any]],
                 executor: Executor, plugins: "PluginHost | list[str]", seed: int | None = None,
                 root: Path | None = None, names: list[str] | None = None) -> None:
        root = root or scenario_root(scenario_path)
        others = [p for p in scenario.inputs if p.resolve() != Path(scenario_path).resolve()]
        self.bundle = Bundle.of(root, Path(scenario_path), others,
                                plugins if isinstance(plugins, PluginHost) else None)
        self.overrides = [tuple(v.items()) for v in variants]
        self.names = names or [str(i) for i in range(len(variants))]
        self.executor = executor
        self.plugins = plugin_names(plugins)
        self.seed = scenario.seed if seed is None else seed
        self.started = False
        #: replications run so far
        self.ran = 0

    def run(self, wanted: list[tuple[int, int]],
            progress: Callable[[int], None] | None = None) -> dict[tuple[int, int], Result]:
        """Run ``(variant, replication)`` pairs; returns their results by pair.

        :param progress: called with :attr:`ran` after each result.
        :raises ReplicationFailed: one failed (naming variant, replication and the error).
        """
        if not self.started:
            self.executor.fit(len(wanted))
            self.executor.start(self.bundle, self.plugins)
            self.started = True
        tasks = [Task(self.bundle.key, v, self.overrides[v], self.seed, r, self.plugins)
                 for v, r in wanted]
        out: dict[tuple[int, int], Result] = {}
        for batch in self.executor.batches(tasks):
            for res in batch:
                if res.failed:
                    raise ReplicationFailed(f"replication {res.replication} of "
                                            f"{self.names[res.variant]} failed ({res.failure}): "
                                            f"{res.error}")
                out[res.variant, res.replication] = res
                self.ran += 1
                if progress is not None:
                    progress(self.ran)
        return out


def row_value(result: Result, row: str) -> tuple[float | None, bool | None]:
    """``(value, met)`` of a scorecard row in a replication's result (None, None if absent)."""
    for rid, value, met in result.values:
        if rid == row:
            return value, met
    return None, None
