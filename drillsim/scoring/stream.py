"""Scoring a run from its JSON Lines event log, without holding the log in memory.

A long run streamed to disk (``Simulation(keep_events=False, sinks=[JsonLinesSink(f)])``
or ``drillsim run --events PATH``) keeps no events in memory. Metrics read the log in
one pass each, so each target reads the file again, one event at a time: memory is the
metric's own state (what is still open; its observations), not the log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from drillsim.engine.eventlog import Event
from drillsim.scoring.scorecard import measure, metric_context


def iter_jsonl(path: str | Path, replication: int | None = None) -> Iterator[Event]:
    """The events of a JSON Lines log, read lazily, in file order.

    :param replication: only records whose ``rep`` is this (a record without ``rep``
        counts as replication 0); None: every record.
    :raises OSError: the file cannot be read; :raises json.JSONDecodeError: a bad line.
    """
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            data = json.loads(line)
            if replication is None or int(data.get("rep", 0)) == replication:
                yield Event.from_dict(data)


def observe_jsonl(scenario, path: str | Path, replication: int = 0,
                  targets: list[str] | None = None) -> dict[str, list[tuple[str, float]]]:
    """Like :func:`drillsim.scoring.scorecard.observe` for one replication of a log file:
    ``{target id: [(label, value)]}`` in internal units, one pass over the file per
    target.

    :param targets: target ids to score (default: all of the scenario's).
    """
    ctx = metric_context(scenario)
    chosen = [t for t in scenario.targets if targets is None or t.id in targets]
    return {t.id: measure(t, iter_jsonl(path, replication), ctx) for t in chosen}
