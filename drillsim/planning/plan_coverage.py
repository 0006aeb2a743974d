"""How far a folder of scenarios scores a plan: one line per plan item (``P1`` …).

An item is **scored** when some scenario scored against the plan has a target row that
names the item in ``plan_items`` and whose value can fail: it has a comparison and a
threshold, and the threshold is not one the metric always meets (the never-fail check
``drillsim validate`` warns of, :func:`drillsim.scenario.loader.target_cannot_change`).
It is **partly** scored when only information rows or rows that can never fail name it,
or when the plan file says what the scenarios model of it without a row (the item's
``partly:``). Otherwise it is **not modelled**, with the plan file's ``not_modelled:``
reason, or "no scenario models it yet" when the plan file gives none.

Scenarios are the scenario files (not sweeps, packs, regions …) directly in the
folders given, by default the folder above the plan file's ``plans/``, that name this
plan file; each is loaded and resolved as ``drillsim validate`` loads it (a scenario
that is not valid stops the count: its rows cannot be known).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.loader import document_kind, load_scenario, target_cannot_change
from drillsim.scenario.planfile import load_plan
from drillsim.scenario.schema import PlanFile, PlanItem
from drillsim.scenario.validation import Collector
from drillsim.scenario.yamlsource import load_yaml

Status = Literal["scored", "partly", "not modelled"]
#: the order statuses are counted and printed in
STATUSES: tuple[Status, ...] = ("scored", "partly", "not modelled")
#: what an item without a ``not_modelled`` reason and without rows is shown with
NO_SCENARIO_YET = "no scenario models it yet"


@dataclass(frozen=True)
class RowRef:
    """One target row naming an item: the scenario file (as shown), the target id, why
    it cannot fail (None when it can), and whether its goal is a number the plan sets
    (the row names no ``source``; a scenario's standard or drillsim's reading names one)."""

    scenario: str
    target: str
    cannot_fail: str | None = None
    plan_number: bool = True


@dataclass(frozen=True)
class ItemCoverage:
    """One plan item and how far the scenarios score it.

    ``scored_by``: rows that can fail; ``partly_by``: rows naming it that cannot
    (information rows, never-fail rows); ``reason``: why it is partly or not modelled
    (never blank unless scored).
    """

    item: PlanItem
    status: Status
    scored_by: tuple[RowRef, ...]
    partly_by: tuple[RowRef, ...]
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The item as plain data (``--json``)."""
        rows = lambda refs: [{"scenario": r.scenario, "target": r.target,  # noqa: E731
                              "plan_number": r.plan_number,
                              **({"cannot_fail": r.cannot_fail} if r.cannot_fail else {})} for r in refs]
        return {"id": self.item.id, "title": self.item.title, "title_zh": self.item.title_zh,
                "section": self.item.section, "plan_status": self.item.status,
                "status": self.status, "scored_by": rows(self.scored_by),
                "partly_by": rows(self.partly_by), "reason": self.reason or None,
                "against_plan_number": self.against_plan_number}

    @property
    def against_plan_number(self) -> bool | None:
        """Whether a row scoring the item meets a number the plan itself sets (None when
        not scored): an item scored only against scenarios' standards or drillsim's
        readings (a crew always free, nobody left unsupplied) is scored, but not against
        the plan's own figure."""
        if self.status != "scored":
            return None
        return any(r.plan_number for r in self.scored_by)


@dataclass
class PlanCoverage:
    """The coverage of one plan file by a set of scenarios."""

    plan_path: str
    plan: PlanFile
    scenarios: list[str]
    items: list[ItemCoverage]
    #: scenarios skipped (another plan) and items marked not_modelled that a row scores
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Items by status, in :data:`STATUSES` order."""
        return {s: sum(1 for i in self.items if i.status == s) for s in STATUSES}

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``: the plan, the scenarios read, the items, the counts."""
        return {"plan": self.plan_path, "plan_name": self.plan.name, "scenarios": self.scenarios,
                "counts": self.counts(), "items": [i.to_json() for i in self.items],
                "notes": self.notes}


def default_scenario_folder(plan_path: Path) -> Path:
    """The folder above the plan file's ``plans/`` (``scenarios/plans/x.yaml`` ->
    ``scenarios``), or the plan file's own folder when it is not in a ``plans/`` folder;
    written as the plan file was given (relative stays relative: the scenarios' faults
    name them so, as every command names its files), resolved only when the name given
    does not show the ``plans/`` folder (``./x.yaml`` inside it)."""
    folder = Path(plan_path).parent
    if folder.name == "plans":
        return folder.parent
    real = Path(plan_path).resolve().parent
    return real.parent if real.name == "plans" else folder


def _scenario_files(folders: list[Path]) -> list[tuple[Path, str]]:
    """(file, name shown) of every scenario file directly in ``folders``, in name order;
    the name shown is the file's stem when there is one folder, else its path.

    :raises ValidationFailed: a folder that does not exist.
    """
    out = []
    for folder in folders:
        if not folder.is_dir():
            raise ValidationFailed([Fault(str(folder), 0, 0, "", "no such folder of scenarios "
                                                                 "(--scenarios names a folder)")])
        for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()):
            try:
                kind = document_kind(load_yaml(path, str(path)).data)
            except ValidationFailed:
                kind = "scenario"  # unreadable: loading it below says why
            if kind == "scenario":
                out.append((path, path.stem if len(folders) == 1 else str(path)))
    return out


def _cannot_fail(target) -> str | None:
    """Why a resolved target row's value can never fail, or None if it can."""
    if target.comparison is None or target.threshold is None:
        return "information row"
    if target_cannot_change(target.metric, target.statistic, target.comparison,
                            target.threshold) == "never fail":
        return "can never fail"
    return None


def plan_coverage(plan_path: str | Path, host, scenario_folders: list[str | Path] | None = None
                  ) -> PlanCoverage:
    """Which scenarios score which plan items.

    :param plan_path: the plan file (``scenarios/plans/tongnan-2021.yaml``).
    :param host: the plugin host the scenarios are resolved against
        (:func:`drillsim.host.pluginhost.load_plugins`).
    :param scenario_folders: folders of scenario files; default
        :func:`default_scenario_folder`.
    :returns: one :class:`ItemCoverage` per plan item, in the plan's order.
    :raises ValidationFailed: the plan file is missing, not a plan file or invalid; a
        folder does not exist; a scenario naming the plan is invalid (its faults).
    """
    plan_path = Path(plan_path)
    plan, _doc = load_plan(plan_path, str(plan_path))
    folders = [Path(f) for f in scenario_folders] if scenario_folders else [default_scenario_folder(plan_path)]
    wanted = plan_path.resolve()
    rows: dict[str, list[RowRef]] = {i.id: [] for i in plan.items}
    read, notes = [], []
    faults = Collector()
    for path, shown in _scenario_files(folders):
        sc = faults.run(load_scenario, path, host=host)
        if sc is None:
            continue
        if wanted not in sc.inputs:
            notes.append(f"{shown}: scored against another plan file; left out")
            continue
        read.append(shown)
        for t in sc.targets:
            for item in t.plan_items:
                rows.setdefault(item, []).append(RowRef(shown, t.id, _cannot_fail(t),
                                                        plan_number=not t.source))
    faults.raise_if_any()
    items = []
    for item in plan.items:
        scored = tuple(r for r in rows[item.id] if r.cannot_fail is None)
        partly = tuple(r for r in rows[item.id] if r.cannot_fail is not None)
        if scored:
            status, reason = "scored", ""
            if item.not_modelled:
                notes.append(f"{item.id}: the plan file says not modelled ({item.not_modelled}), "
                             f"but {scored[0].scenario} {scored[0].target} scores it")
        elif partly or item.partly:
            status = "partly"
            reason = item.partly or ", ".join(sorted({r.cannot_fail for r in partly}))
        else:
            status, reason = "not modelled", item.not_modelled or NO_SCENARIO_YET
        items.append(ItemCoverage(item, status, scored, partly, reason))
    return PlanCoverage(str(plan_path), plan, read, items, notes)


def rows_text(refs: tuple[RowRef, ...]) -> str:
    """``a.yaml T1, T3*; b.yaml H1*``: rows grouped by scenario, in the order found; ``*``
    marks a row whose goal is not a number the plan sets (it names a source)."""
    by: dict[str, list[str]] = {}
    for r in refs:
        by.setdefault(r.scenario, [])
        name = r.target + ("" if r.plan_number or r.cannot_fail else "*")
        if name not in by[r.scenario]:
            by[r.scenario].append(name)
    return "; ".join(f"{s} {', '.join(ts)}" for s, ts in by.items())
