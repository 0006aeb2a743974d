"""The scorecard as JSON (``drillsim run --json``)."""

from __future__ import annotations

import json
from typing import Any

from drillsim.report.common import goal_from_plan
from drillsim.report.facts import hazard_figures, implicit_assumptions, incident_table, still_going_at_end


def scorecard_dict(outcome) -> dict[str, Any]:
    """Everything a machine needs: rows, assumptions, resolved configuration, versions.

    Top-level keys: ``scenario``, ``scenario_file``, ``seed``, ``replications``,
    ``time_unit``, ``targets``, ``goals`` (the scored rows' ids by whose goal they meet:
    ``plan_numbers``, numbers the plan sets; ``not_plan_numbers``, a scenario's standard
    or drillsim's reading, each row naming its ``source``), ``assumptions``,
    ``observed``, ``hazards`` (each hazard's summary figures, replication 0),
    ``hazards_still_going_at_end`` (the ids of those cut short by the horizon in
    replication 0: their figures are as of the end, not their outcome),
    ``configuration``, ``versions``. Contains no wall-clock time, so equal runs give
    equal bytes.
    """
    sc = outcome.scenario
    return {
        "scenario": sc.name,
        "scenario_file": sc.path,
        "seed": outcome.seed,
        "replications": outcome.replications,
        "time_unit": "min",
        "horizon_min": sc.horizon,
        "targets": [row.to_dict() for row in outcome.rows],
        "goals": {"plan_numbers": [r.id for r in outcome.rows if goal_from_plan(r)],
                  "not_plan_numbers": [r.id for r in outcome.rows if goal_from_plan(r) is False]},
        "assumptions": [a.model_dump(mode="json") for a in sc.assumptions],
        "implicit_assumptions": implicit_assumptions(sc),
        "observed": [o.model_dump(mode="json") for o in sc.observed],
        "hazards": hazard_figures(outcome.first_events),
        "hazards_still_going_at_end": still_going_at_end(outcome.first_events),
        "incidents_replication_0": len(incident_table(outcome.first_events)),
        "events_per_replication": outcome.event_counts,
        "configuration": sc.configuration(),
        "versions": sc.versions,
    }


def to_json(outcome) -> str:
    """:func:`scorecard_dict` as stable JSON text (sorted keys, UTF-8, newline at end)."""
    return json.dumps(scorecard_dict(outcome), sort_keys=True, indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"
