"""What a flood commander hears (the ``flood_reports`` drill reporter).

- The river gauge reports every reading (the hazard's ``reading_interval``, hourly in
  the Fujiang scenario), by telemetry, ``gauge_delay`` late.
- The hydrological warning arrives with the forecast peak rounded to 0.5 m and off by a
  normal forecast error (standard deviation ``forecast_error``).
- Each township reports the river above warning level, flooding and recession after a
  delay drawn uniformly from ``township_delay``; one township, drawn at random, is a
  late reporter and adds ``late_extra`` (its lines are down, its staff busy).
- Calls for help (the hazard's rescue incidents) come through the switchboard after a
  delay drawn from ``call_delay``; each is lost with probability ``call_loss`` (the
  line is busy, the phone battery dies) and then never reaches the command.
- Evacuees needing relocation supplies are reported by their township.

All delays and losses are drawn from the reporter's own random streams, so the same
drill seed gives the same reports and the hazard's own streams are untouched. The
defaults are assumptions for drills, not measured figures.
"""


from pydantic import Field

from drillsim.api import Duration, DurationOrZero, Fraction, Reporter, Strict, demand_text, hookimpl


class FloodReportParams(Strict):
    """``reporting: {flood_reports: {...}}`` in a pack."""

    gauge_delay: DurationOrZero = 5.0
    forecast_error: float = Field(default=0.5, ge=0, le=5)
    township_delay: list[DurationOrZero] = Field(default=[10.0, 40.0], min_length=2, max_length=2)
    late_extra: DurationOrZero = 90.0
    call_delay: list[DurationOrZero] = Field(default=[1.0, 8.0], min_length=2, max_length=2)
    call_loss: Fraction = 0.1
    rescue_kinds: list[str] = ["flood_rescue", "aerial_rescue"]
    relocation_delay: Duration = 30.0


def _make(channel, params: FloodReportParams | None):
    p = params or FloodReportParams()
    sim = channel.sim
    towns = channel.rng("towns")
    calls = channel.rng("calls")
    forecast = channel.rng("forecast")
    flood_towns: list[str] = []
    gauges: dict[str, str] = {}     # hazard id -> its district gauge's name
    for hazard in sim.hazards:
        if hazard.type.name in ("transit_flood", "flash_flood"):
            flood_towns.extend(t.township for t in hazard.params.townships)
            gauges[hazard.id] = hazard.params.gauge.name
    late = flood_towns[int(towns.integers(len(flood_towns)))] if flood_towns else None
    delays: dict[str, float] = {}
    last_stage: dict[str, float] = {}

    def township_delay(tid: str) -> float:
        if tid not in delays:
            lo, hi = p.township_delay
            delays[tid] = float(towns.uniform(lo, hi)) + (p.late_extra if tid == late else 0.0)
        return delays[tid]

    def town_report(tid: str, text: str) -> None:
        name = channel.township_name(tid)
        channel.send(text, category="township", source=f"{name} township", delay=township_delay(tid),
                     township=tid)

    def handle(e):
        k, d = e.kind, e.details
        if k == "gauge_reading":
            stage = d["stage"]
            prev = last_stage.get(d["gauge"])
            last_stage[d["gauge"]] = stage
            trend = "" if prev is None else (
                f", rising {stage - prev:+.2f} m" if stage > prev + 0.005 else
                f", falling {stage - prev:+.2f} m" if stage < prev - 0.005 else ", steady")
            channel.send(f"stage {stage:.2f} m{trend}", category="gauge",
                         source=f"{d['gauge']} gauge", delay=p.gauge_delay)
            return True
        if k == "warning_issued":
            peak = d.get("forecast_peak_stage")
            river = str(d.get("river") or "river").capitalize()
            text = f"flood warning for the {river}"
            if peak is not None:
                guess = round((peak + float(forecast.normal(0.0, p.forecast_error))) * 2) / 2
                text += f"; forecast crest about {guess:.1f} m at the {gauges.get(d.get('hazard'), 'district')} gauge"
            towns_text = ", ".join(channel.township_name(t) for t in d.get("townships", []))
            channel.send(f"{text}; riverside townships: {towns_text}", category="warning",
                         source="hydrological service")
            return True
        if k == "hazard_arrival":
            tid = d["township"]
            if d.get("level") == "warning":
                town_report(tid, "river above warning level at the town")
            else:
                town_report(tid, "water in the streets; low-lying homes flooding")
            return True
        if k == "hazard_receded":
            town_report(d["township"], "water receding")
            return True
        if k == "relocation_needed":
            tid = d["township"]
            channel.send(f"{d['amount']:,} evacuees need relocation supplies", category="township",
                         source=f"{channel.township_name(tid)} township", delay=p.relocation_delay,
                         township=tid)
            return True
        if k == "incident_created" and d.get("kind") in p.rescue_kinds:
            where = channel.place_name(d.get("place"))
            text = f"call for help: people trapped near {where}; needs {demand_text(d.get('demand', {}))}"
            if calls.random() < p.call_loss:
                channel.drop(text, incident=e.incident, source="119/110 switchboard")
                return True
            lo, hi = p.call_delay
            channel.send(text, category="call", source="119/110 switchboard",
                         delay=float(calls.uniform(lo, hi)), incident=e.incident,
                         township=d.get("township"))
            return True
        if k in ("hazard_summary",):
            return True  # the truth: never shown to players
        return None

    return handle


FLOOD_REPORTS = Reporter(
    name="flood_reports",
    description="flood drill reports: gauge readings, forecast warnings, late townships, lost calls",
    make=_make,
    hazard_types=("transit_flood", "flash_flood"),
    params_model=FloodReportParams,
)


@hookimpl
def drillsim_register_reporters(register):
    register(FLOOD_REPORTS)
