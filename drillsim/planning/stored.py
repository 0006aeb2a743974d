"""What ``drillsim run`` reads of a stored sensitivity result (``drillsim sensitivity
--json``, :mod:`drillsim.planning.sensitivity`): the scenario's fingerprint the result
must carry, the line naming the assumed numbers that decide the most targets, and the
report's section on them. Apart from the module that computes the result, so that a run
printing its scorecard does not import that one (its factors, designs and SALib glue:
about 20 M machine instructions of every such run).
"""

from __future__ import annotations

import re
from typing import Any


def fingerprint(scenario: Any) -> str:
    """A short SHA-256 of what a scenario's results are made of, as loaded (a
    :class:`~drillsim.scenario.loader.ResolvedScenario`): the scenario
    file's data (with any overrides), the region, and each target's definition (metric,
    statistic, comparison, threshold, params, required pass rate). Not the files' comments
    or layout, the plan's bookkeeping (its name, sections, plan items), nor the run's seed
    and number of replications. A sensitivity
    result carries it, so a run can tell whether the result is still for this scenario."""
    import hashlib
    import json

    cfg = scenario.configuration(copied=False)  # only serialised below, never changed
    keys = ("id", "metric", "statistic", "comparison", "threshold", "unit", "params",
            "required_pass_rate")
    data = dict(cfg["scenario"])
    if isinstance(data.get("run"), dict):  # a run's own seed and count change no ranking
        data["run"] = {k: v for k, v in data["run"].items() if k not in ("seed", "replications")}
    what = {"scenario": data, "overrides": cfg["overrides"], "region": cfg["region"],
            "targets": [{k: t[k] for k in keys} for t in cfg["targets"]]}
    text = json.dumps(what, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _top3(data: dict, entry: dict) -> list[str]:
    """A target's ``top3`` without a factor whose one-at-a-time effect is nothing: a file
    written before :meth:`~drillsim.planning.sensitivity.Result.top` left out effects of
    float noise kept them as ``-0.0`` (the old-slope rain factor on the Guxi rescue, L4),
    and the report named them among the three that decide it most, at "-0 min"."""
    if data.get("method") != "oat":
        return list(entry["top3"][:3])
    effects = {e["factor"]: e.get("value") for e in entry.get("effects") or []}
    return [n for n in entry["top3"][:3] if effects.get(n) is None or effects[n] != 0]


def deciding_most(data: dict, targets: list[str] | None = None, most: int = 3) -> list[tuple[str, str, list[str]]]:
    """The assumed numbers that decide the most targets of a ``drillsim sensitivity --json``
    result: a factor scores 3, 2 or 1 for each target (of ``targets``, default all) in whose
    top three it ranks first, second or third; the ``most`` highest scores (ties: the order
    of the factors in the file), each as ``(path, assumption, [targets it decides])``.

    :raises KeyError, TypeError: the data is not such a file.
    """
    what = {f["path"]: f["assumption"] for f in data["factors"]}
    order = list(what)
    score: dict[str, int] = {}
    decides: dict[str, list[str]] = {}
    for target, entry in data["targets"].items():
        if targets is not None and target not in targets:
            continue
        for rank, name in enumerate(_top3(data, entry)):
            score[name] = score.get(name, 0) + 3 - rank
            decides.setdefault(name, []).append(target)
    ranked = sorted(score, key=lambda n: (-score[n], order.index(n) if n in order else len(order)))
    return [(n, what.get(n, "?"), decides[n]) for n in ranked[:most]]


def headline(data: dict, targets: list[str] | None = None, source: str = "") -> str:
    """One line for the first lines of a run's report: the three assumed numbers that
    decide the most targets (:func:`deciding_most`), each with its targets."""
    method = {"oat": "one at a time", "morris": "Morris", "sobol": "Sobol"}[data["method"]]
    top = deciding_most(data, targets)
    where = f"{source}: " if source else ""
    if not top:
        ranked = [t for t, e in data["targets"].items()
                  if (targets is None or t in targets) and e["effects"]]
        if not ranked:
            return (f"Which assumed values decide these results: {where}no target could be "
                    f"ranked ({data['replications']} replication(s) per point; one at a time "
                    "needs at least 2 that measure the target).")
        return (f"Assumed values: none of the {len(data['factors'])} assumed numbers changes a "
                f"target over its range ({where}drillsim sensitivity, {method}).")
    parts = [f"{_short(what)} ({path}: {', '.join(ts)})" for path, what, ts in top]
    return (f"Decided most by these assumed values ({where}drillsim sensitivity, {method}, "
            f"{data['replications']} replications per point): " + "; ".join(parts) + ".")


def deciding_by_target(data: dict, targets: list[str] | None = None) -> dict[str, list[tuple[str, float | None]]]:
    """Per target (of ``targets``, default all), the three assumed numbers that decide it
    most, as ``(assumption, effect)``: the assumption's words (:func:`_factor_words`: with
    the number's field where the assumption covers several, and its range) and its effect on the target
    over its range (one at a time: the target at the high value minus at the low, in the
    target's display unit), None when the file gives none or is of Morris or Sobol (μ*
    and ST are no change of the target).
    For the report's missed targets: what to look at first. An effect resting on a bound
    says so after the words (:data:`BOUND_WORDS`).

    :raises KeyError, TypeError: the data is not such a file.
    """
    factors = {f["path"]: f for f in data["factors"]}
    shared: dict[str, int] = {}
    for f in data["factors"]:
        shared[_short(f["assumption"])] = shared.get(_short(f["assumption"]), 0) + 1
    out: dict[str, list[tuple[str, float | None]]] = {}
    for target, entry in data["targets"].items():
        if targets is not None and target not in targets:
            continue
        # one at a time: high minus low, in the target's unit; Morris's μ* and Sobol's ST
        # are not a change of the target and are left out (the order names what decides)
        effects = {e["factor"]: e.get("value") for e in entry.get("effects") or []} \
            if data.get("method") == "oat" else {}
        bounded = {e["factor"] for e in entry.get("effects") or [] if e.get("bounded")}
        out[target] = [(_factor_words(name, factors.get(name), shared, data.get("method"))
                        + (BOUND_WORDS if name in bounded else ""), effects.get(name))
                       for name in _top3(data, entry)]
    return out


#: said after an assumption whose effect rests on a bound (``"bounded"`` in the file: at
#: one end of its range a run ended before what the target measures happened, and the
#: run's end stood for the value): the true effect's size is not known
BOUND_WORDS = " (a bound: at one end a run ended first, its end standing for the value)"


def _factor_words(path: str, factor: dict | None, shared: dict[str, int], method: str | None) -> str:
    """A factor as the missed targets name it: its assumption's words; the number's own
    field where one assumption covers several numbers (the rating curve's h0 and b: each
    has its own effect); and, one at a time, the range it was varied over, low to high,
    which says which way a signed effect goes (``Muskingum K, 9 → 13 h``)."""
    if factor is None:
        return path
    text = _short(factor["assumption"])
    parts = []
    field = path.rsplit(".", 1)[-1]
    if shared.get(text, 0) > 1 or not re.search(rf"\b{re.escape(field.replace('_', ' '))}\b", text, re.IGNORECASE):
        # the number's field unless the words already name it (Muskingum K): the Guxi storm
        # "174 mm in 16 h … (0.5 → 1.5 h)" read as its length varied, where it was the step
        # of its hourly depths
        parts.append(field)
    low, high = factor.get("low"), factor.get("high")
    if method == "oat" and isinstance(low, (int, float)) and isinstance(high, (int, float)):
        unit = factor.get("unit") or ""
        parts.append(f"{low:,.6g} → {high:,.6g}{'' if not unit or unit.startswith(('%', '/')) else ' '}{unit}")
    return f"{text} ({' '.join(parts)})" if parts else text


def _short(text: str) -> str:
    """The assumption's text on one line, whole: the headline goes into the Markdown report,
    where a cut cell loses what the value is (``people moved per rescuer pe…``)."""
    return " ".join(str(text).split())


def holds_zero(interval) -> bool:
    """Whether an effect's interval ``[lo, hi]`` holds 0 with some width (the effect is not
    shown to be other than 0 by the replications run); False for None or a zero-width
    interval (an effect the same in every replication)."""
    return interval is not None and interval[0] < interval[1] and interval[0] <= 0 <= interval[1]


def report_section(data: dict, targets: list[str] | None = None) -> str:
    """A Markdown section naming, per target, the three assumed numbers that decide it, from
    the JSON ``drillsim sensitivity --json`` writes (for ``drillsim run --sensitivity``).

    :raises KeyError, TypeError: the data is not such a file.
    """
    method = {"oat": "one at a time: high − low", "morris": "Morris μ*",
              "sobol": "Sobol total index ST"}[data["method"]]
    lines = ["## Which assumptions decide it", "",
             f"From `drillsim sensitivity` ({method}, {data['replications']} replications per "
             f"design point, {data['points']} points; 95 % intervals, each on its own). Per "
             "target, the three assumed numbers with the largest effect (\"could be 0\": its "
             "interval holds 0, so these replications do not show it has one):", ""]
    what = {f["path"]: f["assumption"] for f in data["factors"]}
    for target, entry in data["targets"].items():
        if targets is not None and target not in targets:
            continue
        effects = {e["factor"]: e for e in entry["effects"]}
        if not entry["effects"]:
            lines.append(f"- **{target}**: not ranked (too few replications measured it)")
            continue
        names = _top3(data, entry)  # (an effect of nothing left out, as the other readers do)
        if not names:
            lines.append(f"- **{target}**: none of the assumed numbers changes it over their ranges")
            continue
        parts = []
        for name in names:
            e = effects[name]
            ci = "" if e["interval"] is None else f" [{e['interval'][0]:.3g}, {e['interval'][1]:.3g}]"
            if holds_zero(e["interval"]):
                ci += ", could be 0"
            if e.get("bounded"):
                ci += ", " + BOUND_WORDS.strip(" ()")
            parts.append(f"`{name}` ({e['value']:+.3g}{ci}; assumed: {what.get(name, '?')})")
        lines.append(f"- **{target}**: " + "; ".join(parts))
    return "\n".join(lines) + "\n"
