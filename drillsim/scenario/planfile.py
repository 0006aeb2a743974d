"""The plan file on its own: read and validate it, and check the plan items its target
rows name (``plan_items``) against the items it lists (``items:``).

A scenario's loader (:mod:`drillsim.scenario.loader`) uses :func:`check_plan` for the
plan file it names and :func:`check_item_refs` for the scenario's own target rows;
``drillsim plan`` (:mod:`drillsim.planning.plan_coverage`) reads a plan file alone with
:func:`load_plan`.
"""

from __future__ import annotations

from pathlib import Path

from drillsim.errors import ValidationFailed
from drillsim.scenario.schema import PlanFile
from drillsim.scenario.validation import Collector, suggest, validate
from drillsim.scenario.yamlsource import Document, load_yaml


def check_item_refs(items: list[str], doc: Document, where: tuple, plan: PlanFile,
                    faults: Collector) -> None:
    """Fault each plan item id in ``items`` (a target row's ``plan_items``, written in
    ``doc`` at ``where``) that ``plan`` does not list, with a "did you mean", and each
    given twice.

    :param items: ids such as ``["P12", "P23"]`` (their form is checked by the schema).
    :param plan: the plan file the row is scored against.
    """
    known = [i.id for i in plan.items]
    first: dict[str, int] = {}
    for k, item in enumerate(items):
        if item in first:
            faults.add(doc.fault(where + (k,), f"plan item {item!r} is given twice "
                                               f"(first at plan_items[{first[item]}])"))
            continue
        first[item] = k
        if item in known:
            continue
        if not known:
            faults.add(doc.fault(where + (k,), f"plan item {item!r}: the plan file lists no "
                                               "items (add them under items:)"))
        else:
            faults.add(doc.fault(where + (k,), f"unknown plan item {item!r}: the plan file lists "
                                               f"{known[0]}..{known[-1]}" + suggest(item, known)))


def check_plan(plan: PlanFile, doc: Document, faults: Collector) -> None:
    """The plan file's own cross-references: target and item ids used once each, and
    every target row's ``plan_items`` among the items (faults located in ``doc``)."""
    for section, ids in (("targets", [t.id for t in plan.targets]), ("items", [i.id for i in plan.items])):
        first: dict[str, int] = {}
        for i, item in enumerate(ids):
            if item in first:
                faults.add(doc.fault((section, i, "id"), f"id {item!r} is used twice in {section} "
                                                         f"(first at {section}[{first[item]}])"))
            first.setdefault(item, i)
    for i, t in enumerate(plan.targets):
        check_item_refs(t.plan_items, doc, ("targets", i, "plan_items"), plan, faults)


def load_plan(path: str | Path, shown: str | None = None) -> tuple[PlanFile, Document]:
    """Read, validate and check a plan file.

    :returns: the validated plan and its document (for located messages).
    :raises ValidationFailed: a missing or unreadable file, a file that is not a plan
        (``path: this is not a plan file``), a schema fault, or a bad cross-reference;
        every fault located ``file:line:column: field``.
    """
    shown = shown or str(path)
    doc = load_yaml(path, shown)
    data = doc.data
    if not isinstance(data, dict) or "targets" not in data or "region" in data or "scenario" in data:
        raise ValidationFailed([doc.fault((), "this is not a plan file (a plan file has name:, "
                                              "targets: and items:, and no region:)")])
    plan = validate(PlanFile, doc)
    faults = Collector()
    check_plan(plan, doc, faults)
    faults.raise_if_any()
    return plan, doc


__all__ = ["check_item_refs", "check_plan", "load_plan"]
