"""The after-action report as Markdown (``drillsim run --report PATH.md``)."""

from __future__ import annotations

from typing import Any

from drillsim.report.common import (cut_off_text, clock, design_text, force_name, goal_from_plan, goal_split, goal_text,
                                    interval_note, measured, misses_by_place, num, place_name, rate_text, row_title, shortfall,
                                    where_text)
from drillsim.report.facts import (days_table, hazard_figures, hazard_of_kind, implicit_assumptions, incident_table,
                                   key_events, still_going_at_end, waits_between_hazards)
from drillsim.report.figures import building_fire_rows, figure_rows, fire_rows, split_unit, zone_rows


def model_value(outcome, key: str) -> Any:
    """The modelled figure for an observation's ``model_key`` (None if unknown)."""
    sc = outcome.scenario
    parts = key.split(".")
    if parts[0] == "hazard" and len(parts) == 3:
        return hazard_figures(outcome.first_events).get(parts[1], {}).get(parts[2])
    if parts[0] == "forces" and len(parts) == 2:
        return sum(u.capabilities.get(parts[1], 0) for f in sc.forces for u in f.units)
    if parts[0] == "reserve" and len(parts) == 2:
        for r in sc.reserves:
            if r.id == parts[1]:
                return sum(r.holdings.values())
    return None


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _event_text(e, sc=None) -> str:
    """A key event in words, townships by name (``Mixin Zhen 米心镇``) when ``sc`` (the
    scenario) is given, and the flood's stages in the planner's terms (超警)."""
    d = e.details

    def town(tid) -> str:
        return (place_name(sc, tid) if sc is not None and tid else None) or str(tid)

    if e.kind == "warning_issued":
        towns = d.get("townships", [])
        if "forecast_peak_stage" not in d:  # a hazard other than a flood
            level = str(d.get("level") or _hazard_type(sc, d.get("hazard")) or "hazard")
            if d.get("point"):  # a warning for one hazard point (a slope): name it
                return (f"Warning issued ({level}) for {town(d.get('point'))}, "
                        f"{', '.join(town(t) for t in towns)}")
            if level.lower().startswith("aegl") and level[4:].isdigit():  # aegl2 -> AEGL-2 zone
                level = f"AEGL-{level[4:]} zone"
            return (f"Warning issued ({level}) for {num(len(towns), 'townships')}: "
                    f"{', '.join(town(t) for t in towns)}")
        return f"Flood warning issued for {num(len(towns), 'townships')} ({_river(sc, d.get('river'))}); " \
               f"forecast crest stage {d.get('forecast_peak_stage')} m"
    if e.kind == "hazard_arrival":
        what = "river above warning stage (超警)" if d.get("level") == "warning" else \
            "flooded (water in the township)"
        level = str(d.get("level"))
        if level.startswith("aegl"):  # a toxic plume's 60-min AEGL zone
            return f"{town(d.get('township'))}: plume arrives (AEGL-{level[4:]} zone)"
        if d.get("point"):  # a hazard point fails (a slope): not "flooded"
            what = _hazard_type(sc, d.get("hazard")) or "hazard"
            people = d.get("people")
            return (f"{town(d.get('township'))}: {what} at {town(d.get('point'))}"
                    + (f" ({num(people)} people still there)" if isinstance(people, (int, float)) else ""))
        return f"{town(d.get('township'))}: {what}" if level in ("warning", "impact") else \
            f"{town(d.get('township'))}: hazard at level {level}"
    if e.kind == "hazard_receded":
        return f"{town(d.get('township'))}: water below its flood stage again"
    if e.kind == "evacuation_ordered":
        return f"Evacuation ordered: {town(d.get('township'))}, {num(d.get('people'))} people, " \
               f"{d.get('rescuers')} rescuers asked for"
    if e.kind == "reserve_short":
        return f"{_reserve(sc, d.get('reserve'))} short by {num(d.get('amount'))} {d.get('measure')} " \
               f"in {town(d.get('township'))}"
    if e.kind == "mutual_aid_requested":
        return f"Mutual aid requested ({(force_name(sc, d.get('force')) if sc is not None else None) or d.get('force')}, " \
               f"{d.get('units')} units, arriving in {num(d.get('arrives_in', 0) / 60)} h)"
    if e.kind == "unit_in_service":
        return f"Unit {e.unit} in service ({d.get('reason')})"
    if e.kind == "hazard_started":
        where = d.get("township") or d.get("place")  # a plugin's hazard may log either, or neither
        return f"Hazard {d.get('hazard')} begins ({d.get('kind')})" + (f" in {town(where)}" if where else "")
    if e.kind == "protective_action":
        lead = d.get("lead_min")
        # the log keeps the lead to 0.1 min: "5.50 min" claimed a precision it does not have
        # (the scorecard's C5 gives 5.48 min)
        due = (f"plume due in {num(lead, digits=1)} min" if not isinstance(lead, (int, float)) or lead >= 0 else
               f"the plume came {num(-lead, digits=1)} min before the warning")
        return f"{town(d.get('township'))}: {d.get('action')} ({num(d.get('people'))} people, {due})"
    if e.kind == "release_stopped":
        return f"Release stopped: {d.get('reason')}"
    if e.kind == "fire_contained":
        return f"Fire contained: {num(d.get('area_ha'))} ha, {num(d.get('line_m'))} m of line"
    if e.kind == "unit_stopped":
        return f"Unit {e.unit} stopped on the road: {d.get('reason')}"
    if e.kind == "weather_warning":  # the plan's T2: at least 1 h before the storm
        lead, issued = d.get("lead_min"), d.get("issued_min")
        when = ""
        if isinstance(issued, (int, float)) and abs(issued - e.t) > 0.5 and sc is not None:
            # issued before the run began (logged at its start): say when
            import datetime as dt
            when = f" at {sc.start + dt.timedelta(minutes=round(issued)):%H:%M}"
        return (f"Severe convective weather warning issued{when} (强对流天气预警)"
                + (f", {num(lead, 'min', digits=0)} before the storm's onset" if isinstance(lead, (int, float)) else ""))
    if e.kind == "storm_onset":
        rate = d.get("intensity_mm_h")
        return "The storm's onset" + (f" (rain at {num(rate)} mm/h, 短时强降水)" if isinstance(rate, (int, float)) else "")
    if e.kind in ("road_blocked", "road_reopened"):
        road = d.get("road") or "road"
        if e.kind == "road_reopened":
            return f"{road}: open again"
        what = _hazard_type(sc, d.get("hazard"))
        return f"{road}: closed" + (f" ({what})" if what else "")
    if e.kind == "run_ended":
        return f"End of run: {d.get('open_incidents')} incidents still open"
    return e.kind


def _hazard_type(sc, hazard_id) -> str | None:
    """A scenario hazard's type in words (``landslide``, ``toxic release``), or None."""
    for h in getattr(getattr(sc, "spec", None), "hazards", None) or ():
        if h.id == hazard_id:
            return h.type.replace("_", " ")
    return None


def _river(sc, river) -> str:
    """A river id as its names in the region (``Fujiang 涪江``), else in words (``pingtan``,
    a river the townships lie on but the region draws no course of, → ``Pingtan river``;
    the timeline read "Flood warning issued for 1 township (pingtan)")."""
    for r in getattr(getattr(getattr(sc, "region", None), "spec", None), "rivers", None) or ():
        if r.id == river:
            return " ".join(x for x in (getattr(r, "name_en", None), getattr(r, "name_zh", None)) if x) or river
    return f"{str(river).replace('_', ' ').capitalize()} river" if river else "river"


def _reserve(sc, reserve) -> str:
    """A reserve id as its ``name`` in the scenario (else its id in words)."""
    for r in getattr(sc, "reserves", None) or ():
        if r.id == reserve:
            name = r.spec.name or str(reserve).replace("_", " ")
            return name[:1].upper() + name[1:]
    return str(reserve).replace("_", " ").capitalize()


def _model_text(outcome, observation) -> str:
    """The model's figure for an observation; a ``…_time_min`` figure (scenario minutes)
    as the local date and time, to stand beside a recorded time."""
    key = observation.model_key
    value = model_value(outcome, key) if key else None
    if not isinstance(value, (int, float)):
        return "—"
    if key.endswith("_time_min"):
        return clock(value, outcome.scenario.start)
    # an observation given as text ("246.7-247.3 m") names no unit: the figure's key does
    unit = observation.unit or split_unit(key.rsplit(".", 1)[-1])[1]
    return f"{num(value)} {unit}".strip()


#: a force's ``status`` as the plan's words: what exists when the plan is issued (2021),
#: what it builds by 2025, and what a scenario adds without the plan naming it
STATUS_WORDS = {"existing": "existing (2021)", "under_construction": "under construction (to finish by 2025)",
                "planned": "to build by 2025", "assumed": "assumed (not a plan force)"}


def _forces_line(sc) -> str:
    """Which of the plan's forces the run counts: the scenario's ``forces_as_of`` view,
    those left out, and those counted although the plan has yet to build them."""
    view = {"built": "as built (forces still to be built left out)",
            "plan_complete": "plan complete (every force the plan promises)",
            None: "each force's enabled"}[sc.spec.forces_as_of]
    counted = {f.id for f in sc.forces}
    out = [force_name(sc, f.id) or f.id for f in sc.spec.forces if f.id not in counted]
    unbuilt = [force_name(sc, f.id) or f.id for f in sc.spec.forces if f.id in counted
               and f.status in ("planned", "under_construction")]
    return (f"- Forces counted: {view}; left out: {', '.join(out) or 'none'}; counted though "
            f"not yet built (the plan builds them by 2025): {', '.join(unbuilt) or 'none'}")


def _of_measured(n: int, replications: int) -> str:
    """`` of 9/20`` after a pass rate when only ``n`` of the ``replications`` had something
    to measure (a helicopter requested in 9 of 20), as the terminal's scorecard writes it;
    else nothing."""
    return f" of {n}/{replications}" if n and n < replications else ""


def _missed_section(sc, rows, deciding: dict | None = None, replications: int = 0) -> list[str]:
    """For each missed target, what a planner changes: how far the measured value is from
    the goal, the townships (or the force) that miss it, worst first, and, from the
    scenario's sensitivity result when there is one for it (``deciding``: ``{target:
    [(assumption, effect over its range)]}``), the assumed values that decide it most.
    The plan's own numbers come first."""
    failed = [r for r in rows if r.status == "fail"]
    if not failed:
        return []
    failed.sort(key=lambda r: goal_from_plan(r) is False)
    out = ["## Missed targets: how far, and where", ""]
    label_of = {t.id: t.metric.label for t in getattr(sc, "targets", ())}
    for r in failed:
        whose = "the plan's number" if goal_from_plan(r) else "not a plan number"
        short = shortfall(r)
        line = (f"- **{r.id}** {_md(row_title(sc, r))}" + (f" ({r.section})" if r.section else "")
                + f": {measured(r)}" + where_text(sc, r)
                + f" against {goal_text(r).replace(' (not a plan number)', '')} ({whose})"
                + (f", {short} on the mean" if short else "")
                + (f"; met in {rate_text(r)} of the {r.n} replications measured (of {replications})"
                   if r.n and r.n < replications else f"; met in {rate_text(r)} of replications"))
        places = misses_by_place(sc, r)
        if places:
            label = label_of.get(r.id) or "township"
            what = f"by {label}" if r.statistic == "sum" else "missing it"
            line += f". {what.capitalize()}: " + "; ".join(places[:8]) + (
                f"; and {len(places) - 8} more" if len(places) > 8 else "")
        top = (deciding or {}).get(r.id.partition("/")[0])
        if top:
            line += (". Decided most by these assumed values (sensitivity; a number is the target's change as "
                     "each goes from the low to the high end of its range): ") + "; ".join(
                what + (f": {'+' if effect > 0 else ''}"
                        f"{num(effect, r.unit) if r.unit != '%' else num(effect) + ' points'}"
                        if isinstance(effect, (int, float)) else "") for what, effect in top)
        why = design_text(r)
        out.append(_md(line + (f" ({why})" if why else "")))
    return out + [""]


def render(outcome, notes: list[str] | None = None, deciding: dict | None = None) -> str:
    """The whole report as Markdown text; ``notes``: lines the caller adds to the header
    (such as which assumed values decide the results); ``deciding``: per target, the
    assumed values that decide it most (``{target: [(assumption, effect)]}``, from the
    scenario's sensitivity result), named under each missed target."""
    sc = outcome.scenario
    rows = outcome.rows
    out = [f"# After-action report: {sc.name}", ""]
    if sc.spec.description:
        out += [sc.spec.description.strip(), ""]
    counts = {s: sum(1 for r in rows if r.status == s)
              for s in ("pass", "fail", "info", "not measured", "not judged")}
    out += [f"- Scenario file: `{sc.path}`; start {sc.start:%Y-%m-%d %H:%M %z}; horizon "
            f"{num(sc.horizon / 60, 'h')}",
            f"- Plan: {sc.plan.name} ({sc.plan.issued or 'undated'})",
            _forces_line(sc),
            f"- Seed {outcome.seed}, {outcome.replications} replication(s); times in the engine "
            "are minutes; pass rate = share of replications meeting the target"
            + (f"; {why}" if (why := interval_note(rows, outcome.replications)) else ""),
            f"- Result: **{counts['pass']} pass, {counts['fail']} fail**, {counts['info']} "
            f"information, {counts['not measured']} not measured"
            + (f", {counts['not judged']} not judged (the run ended before the outcome: "
               f"{', '.join(r.id for r in rows if r.status == 'not judged')})"
               if counts["not judged"] else ""),
            *([f"- Goals: {split}"] if (split := goal_split(rows)) else []),
            *([f"- **Cut short:** {', '.join(going)} still going when the run ended at the horizon "
               f"({num(sc.horizon / 60, 'h')}, replication 0): what it has done by then is counted, not "
               "its outcome (a fire not under control, a release or rain not over); a row that reads it "
               "passes only on what happened by the end. Lengthen run.horizon to see it end"]
              if (going := still_going_at_end(outcome.first_events)) else []),
            *[f"- {line}" for line in notes or ()], ""]

    out += ["## Scorecard", ""]
    out += _table(["id", "target", "plan §", "measured: mean [95% CI]", "p90", "goal",
                   "pass rate", "result"],
                  [[r.id, row_title(sc, r), r.section or "—",
                    measured(r) + where_text(sc, r),
                    num(r.p90, r.unit) + (f" ({place_name(sc, r.worst)} only)" if r.worst else "")
                    if r.p90 is not None else "—", goal_text(r),
                    rate_text(r) + _of_measured(r.n, outcome.replications)
                    + (f" ({r.not_judged} open)" if r.not_judged else ""),
                    r.status.upper()] for r in rows])
    theirs = [r for r in rows if goal_from_plan(r) is False]
    if theirs:  # whose goal it is, when not the plan's: a scenario standard is no plan target
        out += ["Goals that are not plan numbers, and where each comes from:", ""]
        out += [f"- **{r.id}** {_md(r.source)}" for r in theirs] + [""]
    out += _missed_section(sc, rows, deciding, outcome.replications)
    # a missed row's reason is already in its line above; only a row that passed though
    # designed to fail is flagged here (the flash flood printed T1's and E1's reasons twice)
    designed = [(r.id, design_text(r)) for r in rows if r.status != "fail" and design_text(r)]
    if designed:
        out += [f"- **{rid}** {_md(text)}" for rid, text in designed] + [""]
    cut = [(r.id, cut_off_text(sc, r)) for r in rows if cut_off_text(sc, r)]
    if cut:  # a value the run's end cut off is a bound: say what it left open
        out += [f"- **{rid}** {_md(text)}" for rid, text in cut] + [""]
    label_of = {t.id: t.metric.label for t in sc.targets}
    for r in rows:
        if r.breakdown and len(r.breakdown) > 1:  # one place or force: the row above says it all
            out += [f"### {r.id}: {row_title(sc, r)}, by {label_of.get(r.id) or 'label'}", ""]
            out += _table(["", "mean [95% CI]", "p90 over replications", "pass rate"],
                          [[place_name(sc, b["label"]), num(b["mean"], r.unit) + (
                              f" [{num(b['ci95'][0])}, {num(b['ci95'][1])}]" if b["ci95"] else "") + (
                              f" (in {b['n']} of {outcome.replications})"
                              if b.get("n", outcome.replications) < outcome.replications else ""),
                            num(b["p90"], r.unit) if "p90" in b else "—",
                            f"{b['pass_rate'] * 100:.0f}%" if "pass_rate" in b else "—"]
                           for b in r.breakdown])

    figures = hazard_figures(outcome.first_events)
    if figures:
        out += ["## Hazard", ""]
        for hid, figs in figures.items():
            out += [f"**{hid}**", ""]
            if hid in going:
                out += [f"Still going when the run ended ({clock(sc.horizon, sc.start)}): these figures are "
                        "as of then, not its outcome.", ""]
            rows = figure_rows(figs, sc, hid)
            out += _table(["figure", "value"], rows) if rows else [
                "No figures: its `hazard_summary` gave none (`figures: {}`).", ""]
            zones = zone_rows(outcome.first_events, hid, sc)
            if zones:
                out += [f"Threat zones of {hid} (60-min AEGL, ground level; replication 0): the area to "
                        "evacuate or shelter in place is set by these distances (下风向防护距离)", ""]
                out += _table(["from", "wind", "stability", "AEGL-1", "AEGL-2", "AEGL-3"], zones)
            fire = fire_rows(outcome.first_events, hid, sc)
            if fire:
                out += [f"Fire behaviour of {hid} at each report (replication 0): the head fire's flame length "
                        "read on the suppression chart of Andrews & Rothermel (1982)", ""]
                out += _table(["time", "area burned (过火面积)", "perimeter", "line built", "head spread (蔓延速度)",
                               "flame length (火焰长度)", "at the head", "crews", "helicopters"], fire)
            spread = building_fire_rows(outcome.first_events, hid, sc)
            if spread:
                out += [f"Spread of {hid} from building to building (replication 0): buildings fully "
                        "involved and still burning, the fire flow they need (灭火用水量) and the flow "
                        "put on them", ""]
                out += _table(["time", "buildings involved", "burning", "flow needed", "flow applied",
                               "water left in the tanks"], spread)
    if sc.observed:
        out += ["## The real event against the model", ""]
        out += _table(["figure", "observed", "source (status)", "model"],
                      [[o.what, f"{num(o.value) if isinstance(o.value, (int, float)) else o.value} {o.unit or ''}",
                        f"{o.source} ({o.status})",
                        _model_text(outcome, o)]
                       for o in sc.observed])

    out += ["## Forces and reserves", ""]
    force_rows = []
    for f in sc.forces:
        caps: dict[str, float] = {}
        for u in f.units:
            for k, v in u.capabilities.items():
                caps[k] = caps.get(k, 0) + v
        bases = sorted({u.base for u in f.units})
        force_rows.append([f.id, " ".join(n for n in (f.spec.name, f.spec.name_zh) if n) or "—", f.unit_type.name, f.unit_type.plan_ref,
                           STATUS_WORDS.get(f.spec.status, "not stated"), len(f.units),
                           ", ".join(f"{k} {num(v)}" for k, v in sorted(caps.items())),
                           ", ".join(bases) if len(bases) <= 3 else f"{len(bases)} places"])
    out += _table(["force", "name", "type", "plan", "status in the plan", "units", "total capabilities",
                   "based at"], force_rows)
    if sc.reserves:
        out += _table(["reserve", "name", "plan", "unit", "district", "townships", "total"],
                      [[r.id, r.spec.name or "—", r.spec.plan_ref or "—", r.unit, num(r.holdings.get("district", 0)),
                        f"{num(r.spec.per_township)} each at {len(r.holdings) - 1}",
                        num(sum(r.holdings.values()))] for r in sc.reserves])

    days = days_table(outcome.first_events, sc.start, sc.horizon)
    if days:
        out += ["## People sheltered and relocation supplies, day by day (replication 0)", "",
                "People in shelters at the end of each day and at the day's peak, person-days "
                "in shelters, people who found no place, and relocation supplies drawn and "
                "restocked (in people provided for).", ""]
        out += _table(["day", "sheltered at end", "peak", "person-days", "no place", "supplies drawn",
                       "restocked"],
                      [[d["date"], num(d["sheltered_end"]), num(d["sheltered_peak"]), num(round(d["person_days"])),
                        num(d["overflow"]), num(d["drawn"]), num(d["restocked"])] for d in days])

    out += ["## Timeline of key events (replication 0)", ""]
    out += _table(["time", "event"], [[clock(e.t, sc.start), _event_text(e, sc) + (
        f"; still going: {', '.join(going)}" if e.kind == "run_ended" and going else "")]
                                      for e in key_events(outcome.first_events)])

    waits = waits_between_hazards(outcome.first_events, hazard_of_kind(sc)) if len(sc.hazards) > 1 else []
    if waits:
        out += ["## Between hazards: calls that waited for units busy with another hazard (replication 0)", ""]
        out += _table(["incident", "kind (hazard)", "called", "waited", "first unit sent",
                       "busy at the call with", "freed", "on scene", "units sent busy elsewhere"],
                      [[w["id"], f"{w['kind']} ({w['hazard'] or '?'})", clock(w["call"], sc.start),
                        num(w["wait"], "min"), w["unit"],
                        f"{w['busy_with']['kind']} at {place_name(sc, w['busy_with']['township']) or '?'} "
                        f"({w['busy_with']['id']}, {w['busy_with']['hazard'] or '?'})",
                        clock(w["freed"], sc.start) if w["freed"] is not None else "—",
                        clock(w["arrival"], sc.start) if w["arrival"] is not None else "not reached",
                        f"{w['sent_busy']} of {w['sent']}"] for w in waits])

    incidents = incident_table(outcome.first_events)
    out += [f"## Incidents (replication 0): {len(incidents)}", ""]
    out += _table(["incident", "kind", "township", "demand", "units sent", "call", "dispatch", "arrival",
                   "response (call to arrival)", "cleared"],
                  [[i["id"], i["kind"], place_name(sc, i["township"]) if i["township"] else i["place"],
                    ", ".join(f"{k} {num(v)}" for k, v in i["demand"].items()),
                    ", ".join(i["units"]) if len(i["units"]) <= 4 else f"{len(i['units'])} units",
                    clock(i["call"]),
                    clock(i["dispatch"]) if i["dispatch"] is not None else "—",
                    clock(i["arrival"]) if i["arrival"] is not None else "not reached",
                    num(i["response"], "min") if i["response"] is not None else "—",
                    clock(i["cleared"]) if i["cleared"] is not None else "open"]
                   for i in incidents])

    out += ["## Assumptions", "", "Values this scenario assumes rather than takes from a source:", ""]
    for a in sc.assumptions:
        value = "" if a.value is None else f" = **{a.value}**"
        out.append(f"- {a.what}{value}: {a.reason}")
    out.append("")
    implicit = implicit_assumptions(sc)
    if implicit:
        out += ["Also assumed, from the region file and the plugins' defaults (status in brackets):", ""]
        out += [f"- {a['what']} = {a['value']} ({a['status']}; {a['source']})" for a in implicit]
        out.append("")
    if sc.spec.sources:
        out += ["## Sources", ""]
        out += [f"- `{k}`: {v}" for k, v in sc.spec.sources.items()] + [""]
    credits = sc.region.spec.credits
    if credits:
        out += ["## Credits", ""] + [f"- {c}" for c in credits] + [""]
    return "\n".join(out)
