"""Metrics for building fires, read from the event log only.

Event contract: ``building_fire_result`` (``hazard``, ``buildings``, ``controlled``,
``water_short_min``, ``first_attack_margin`` minutes or None), logged once per fire when
it is out or the run ends; ``incident_created`` of the fire call (``hazard`` in its
details) and ``fire_attack`` (``hazard``: the first water on the fire).
"""

from __future__ import annotations

from drillsim.api import AtLeast, AtMost, Metric, Strict


class BuildingFireParams(Strict):
    hazards: list[str] | None = None
    """Hazard ids measured (default: all building fires)."""


def _results(events, params):
    wanted = set(params.hazards) if params.hazards else None
    return [e for e in events if e.kind == "building_fire_result"
            and (wanted is None or e.details.get("hazard") in wanted)]


def buildings_lost(events, ctx, params: BuildingFireParams):
    """Per fire: buildings fully involved (0 when the fire was held before flashover). A
    fire still going at the end of the run counts the buildings involved by then (a lower
    bound, labelled ``(not controlled)``); one that had not yet flashed over then, neither
    held nor spread, gives no observation (0 lost would credit an outcome the run did not
    reach)."""
    out = []
    for e in _results(events, params):
        d = e.details
        if d["controlled"]:
            out.append((d["hazard"], float(d["buildings"])))
        elif d["buildings"] > 0:
            out.append((f"{d['hazard']} (not controlled)", AtLeast(d["buildings"])))
    return out


def flashover_margins(events, ctx, params: BuildingFireParams):
    """Per fire: minutes from the first water on the fire to flashover (positive: the
    attack came before flashover; negative: after). A fire no pump reached counts from
    the end of the run (a bound, labelled so); one that had neither flashover nor water
    by the end gives no observation (its margin is unknown: 0 would pass it)."""
    out = []
    for e in _results(events, params):
        h, m = e.details["hazard"], e.details["first_attack_margin"]
        if m is None:
            flash = next((x.t for x in events if x.kind == "flashover" and x.details.get("hazard") == h), None)
            if flash is not None:
                out.append((f"{h} (no attack)", AtMost(flash - ctx.horizon)))
        else:
            out.append((h, m))
    return out


def water_short_times(events, ctx, params: BuildingFireParams):
    """Per fire: minutes the attack was short of water (its pumps could have put more on
    the fire than the hydrants and tanks gave). A fire still going at the end counts to
    the end (a lower bound, labelled ``(not controlled)``); one no water reached and no
    pump stood short at gives no observation (the supply was never put to the test: 0
    minutes short would credit an attack that did not happen)."""
    out = []
    for e in _results(events, params):
        d = e.details
        if d["first_attack_margin"] is None and not d["water_short_min"]:
            continue
        out.append((d["hazard"], d["water_short_min"]) if d["controlled"]
                   else (f"{d['hazard']} (not controlled)", AtLeast(d["water_short_min"])))
    return out


def first_water_times(events, ctx, params: BuildingFireParams):
    """Per fire: minutes from the fire call (``incident_created`` with the fire's
    ``hazard``) to the first water on the fire (``fire_attack``): the interval of the
    community fire posts' "3 minutes to arrive" (社区微型消防站建设标准（试行）, 公消〔2015〕301号:
    消防员应按照“3分钟到场”要求赶赴现场处置). A fire called in but never reached by
    water counts from the call to the end of the run (a lower bound, labelled so)."""
    wanted = set(params.hazards) if params.hazards else None
    fires = {e.details["hazard"] for e in _results(events, params)}
    called: dict[str, float] = {}
    water: dict[str, float] = {}
    for e in events:
        h = e.details.get("hazard") if e.details else None
        if h is None or (wanted is not None and h not in wanted):
            continue
        if e.kind == "incident_created":
            called.setdefault(h, e.t)
        elif e.kind == "fire_attack":
            water.setdefault(h, e.t)
    out = []
    for h, t in called.items():
        if h not in fires:
            continue   # another hazard's call (a flood's evacuation), not a building fire
        out.append((h, water[h] - t) if h in water else (f"{h} (no water)", AtLeast(ctx.horizon - t)))
    return out


METRICS = [
    Metric("buildings_lost", "count", "buildings fully involved by the fire (0: held before flashover)",
           buildings_lost, "max", BuildingFireParams, "hazard"),
    Metric("flashover_margin", "time", "first water on the fire → flashover (negative: after flashover)",
           flashover_margins, "min", BuildingFireParams, "hazard"),
    Metric("first_water_time", "time", "fire call → first water on the fire",
           first_water_times, "max", BuildingFireParams, "hazard", minimum=0.0),
    Metric("water_short_time", "time", "time the fire attack was short of water",
           water_short_times, "max", BuildingFireParams, "hazard", minimum=0.0,
           made_by="dispatch"),
]
