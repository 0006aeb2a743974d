"""The ``building_fire`` hazard: a fire in a dense timber-built block (an old town).

What a run does:

1. At ``start`` a fire is established in the room of origin of one building of the block
   and grows as a t² fire of the ``growth`` class (:mod:`.growth`, NFPA 72 / SFPE) to
   flashover at Thomas's heat release rate for the ``room`` (t_fo = √(Q_fo / α)). At
   flashover the building is fully involved.
2. ``detection`` after the start the fire is reported: an incident of kind
   ``attack.kind`` at ``place`` demanding ``attack.demand`` (the first alarm's appliances).
3. **Held before flashover.** If an appliance with pumps and water (hydrants working or
   tank water) is on scene before flashover, the fire is held to its room: no building is
   lost (the rule behind response standards such as NFPA 1710's: water on the fire before
   flashover confines it to the room of origin).
4. **Spread.** Otherwise fire passes from building to building by Hamada's step times
   (:mod:`.spread`) for the ``block`` and the ``wind``; a building burns ``burn_time``
   after it is fully involved, then is burnt out.
5. **Control.** Whenever a unit arrives, a building catches fire or burns out, or the
   tanks run dry, the flow the attack can put on the fire (:mod:`.water`: the
   appliances' pumps, fed by the working hydrants and the tanks) is compared with the
   needed fire flow (NFA formula) of the buildings burning; when it covers it, the fire is
   under control: no further building catches fire. Each hydrant in reach works, once per
   replication, with probability ``water.working`` (plan T13: 98 % of hydrants in order).
   The attack is *short of water* while the supply keeps it below what its pumps could
   deliver and the fire needs (minutes summed).
6. ``mop_up`` after control (or after the last building burns out) the incident ends.

Events: ``hazard_started`` (``kind`` = ``building_fire``), ``fire_growth`` (α, Q_fo,
t_fo, Hamada's step times, needed flow per building, hydrants working), ``flashover``,
``fire_held`` (before flashover), ``fire_attack`` (the first water on the fire:
``before_flashover`` minutes, negative after), ``fire_state`` (involved, burning, needed
and applied flow, whenever they change), ``fire_controlled``, ``fire_burnt_out``,
``building_fire_result`` (at the end — held, controlled, burnt out, or the horizon with
the fire still going: ``buildings``, ``controlled``, ``water_short_min``,
``first_attack_margin``), ``hazard_summary``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from drillsim.api import Demand, HazardType, Discharge, OnSceneChange, Duration, DurationOrZero, Fraction, Height, Strict, WindSpeed, suggest

from .growth import Room, alpha, flashover_kw, time_to_reach_s
from .spread import Block, hamada_step_times, ignition_offsets
from .water import applied_flow_l_s, needed_flow_l_s, tank_draw_l_s


class RoomParams(Strict):
    """The room of origin and its opening (a door or an open shopfront)."""

    length: Height
    """Internal length (`5m`)."""
    width: Height
    """Internal width."""
    height: Height
    """Floor to ceiling."""
    opening_width: Height
    """Width of the opening."""
    opening_height: Height
    """Height of the opening."""

    def room(self) -> Room:
        return Room(self.length, self.width, self.height, self.opening_width, self.opening_height)

    @model_validator(mode="after")
    def _valid(self):
        self.room()
        return self


class BlockParams(Strict):
    """The block of buildings around the one of origin."""

    rows: int = Field(ge=1, le=100)
    """Rows of buildings across the wind."""
    columns: int = Field(ge=1, le=200)
    """Buildings along the wind (the street)."""
    origin: list[int] = Field(min_length=2, max_length=2)
    """Row and column of the building of origin, from 0 (the wind blows towards higher columns)."""
    building_side: Height
    """Mean side of a building, a (`8m`)."""
    gap: Height = 0.0
    """Mean gap between buildings, d (`1m`; 0: shared walls)."""
    floors: int = Field(default=1, ge=1, le=10)
    """Storeys of a building (each involved for the needed flow)."""
    fire_resistant: Fraction = 0.0
    """Share of fire-resistant (mortar-clad) buildings (Hamada's f)."""

    @model_validator(mode="after")
    def _origin(self):
        r, c = self.origin
        if not (0 <= r < self.rows and 0 <= c < self.columns):
            raise ValueError(f"origin {self.origin} lies outside the block of {self.rows} x {self.columns}")
        return self

    def block(self) -> Block:
        return Block(self.rows, self.columns, (self.origin[0], self.origin[1]))


class AttackParams(Strict):
    kind: str = "building_fire"
    """Incident kind of the fire call."""
    demand: Demand = {"pumps": 3.0}
    """The first alarm (`{pumps: 3}`)."""
    priority: int = Field(default=1, ge=1, le=9)
    """Dispatch priority."""
    flow_per_pump: Discharge
    """Flow one pump on scene puts on the fire (`20L/s`)."""
    pump_capability: str = "pumps"
    """Capability counted as pumps."""
    tank_capability: str = "water"
    """Capability giving a unit's tank water, m³."""


class WaterParams(Strict):
    """Municipal hydrants in reach of the block (市政消火栓)."""

    hydrants: int = Field(ge=0, le=100)
    """Hydrants in reach."""
    hydrant_flow: Discharge
    """Flow of one working hydrant (`15L/s`)."""
    working: Fraction = 1.0
    """Share of hydrants in working order (plan T13: 98 %)."""


class BuildingFireParams(Strict):
    """``params:`` of a ``building_fire`` hazard (see the module docstring)."""

    place: str
    """Where the fire is (a site or township of the region)."""
    start: DurationOrZero = 0.0
    """Scenario time of established burning."""
    growth: Literal["slow", "medium", "fast", "ultrafast"]
    """t² growth class (NFPA 72 / SFPE)."""
    room: RoomParams
    """Room of origin, for the flashover heat release rate."""
    block: BlockParams
    """The block the fire may spread through."""
    wind: WindSpeed = 0.0
    """Wind speed, blowing along the block's columns (`3m/s`)."""
    burn_time: Duration
    """Time a fully involved building burns before it is burnt out."""
    detection: DurationOrZero = 0.0
    """Start of burning → the call."""
    attack: AttackParams
    """The fire call and the appliances' flow."""
    water: WaterParams
    """Hydrants in reach."""
    mop_up: DurationOrZero = 60.0
    """Work after control (or burn-out) before the incident ends."""


def incident_kinds(p: BuildingFireParams) -> list[str]:
    """A building fire creates one incident: the fire call."""
    return [p.attack.kind]


def figures(p: BuildingFireParams) -> dict:
    """The fire's deterministic figures: α (kW/s²), Q_fo (kW), t_fo (min), Hamada's step
    times (min), the needed flow per fully involved building (L/s)."""
    a = alpha(p.growth)
    q_fo = flashover_kw(p.room.room())
    steps = hamada_step_times(p.block.building_side, p.block.gap, p.wind / 3.6, p.block.fire_resistant)
    return {"alpha_kw_s2": a, "flashover_kw": q_fo, "flashover_min": time_to_reach_s(a, q_fo) / 60.0,
            "step_down_min": steps.down, "step_side_min": steps.side, "step_up_min": steps.up,
            "needed_flow_per_building_l_s": needed_flow_l_s(p.block.building_side ** 2, p.block.floors)}


def start(sim, hazard) -> None:
    """``HazardType.start``: schedule the fire, its report and the control check."""
    p: BuildingFireParams = hazard.params
    place = sim.region.place(p.place)
    fig = figures(p)
    steps = hamada_step_times(p.block.building_side, p.block.gap, p.wind / 3.6, p.block.fire_resistant)
    offsets = ignition_offsets(p.block.block(), steps)
    flashover_at = p.start + fig["flashover_min"]
    ignite = {b: flashover_at + dt for b, dt in offsets.items()}
    nff = fig["needed_flow_per_building_l_s"]
    draws = sim.rng(f"{hazard.id}.hydrants").random(p.water.hydrants)
    working = int(sum(1 for d in draws if d < p.water.working))
    hydrants_l_s = working * p.water.hydrant_flow * 1000.0
    flow_per_pump = p.attack.flow_per_pump * 1000.0
    incident = {}

    def at(t: float):
        return sim.timeout(max(0.0, t - sim.now))

    def report():
        yield at(p.start + p.detection)
        incident["fire"] = sim.create_incident(p.attack.kind, place, p.attack.demand, 1e9, p.attack.priority,
                                               township=place.township, hazard=hazard.id)

    def flashover():
        yield at(flashover_at)
        if state["held"] is None:
            sim.log.log("flashover", hazard=hazard.id, place=place.id, heat_release_kw=round(fig["flashover_kw"], 1))

    state = {"held": None, "controlled": None, "first_attack": None, "short": 0.0,
             "before": None, "started": False, "logged": False}
    tanks: dict[str, float] = {}

    def on_scene() -> tuple[float, float]:
        """(pumping capacity L/s, tank water m³) of the units on the fire."""
        inc = incident.get("fire")
        pumps, water = 0.0, 0.0
        if inc is None:
            return pumps, water
        for u in inc.present:
            n = u.capabilities.get(p.attack.pump_capability, 0.0)
            if n <= 0:
                continue
            pumps += n * flow_per_pump
            tanks.setdefault(u.id, float(u.capabilities.get(p.attack.tank_capability, 0.0)))
            water += tanks[u.id]
        return pumps, water

    def draw_tanks(m3: float) -> None:
        inc = incident.get("fire")
        for u in (inc.present if inc is not None else ()):
            if m3 <= 0:
                return
            if tanks.get(u.id, 0.0) > 0:
                take = min(m3, tanks[u.id])
                tanks[u.id] -= take
                m3 -= take
                if tanks[u.id] < 1e-6:          # m³: a tank drawn to within a millilitre is empty
                    tanks[u.id] = 0.0

    def involved(now: float) -> tuple[int, int]:
        """(buildings fully involved, of which still burning) at ``now``."""
        stop = state["controlled"]
        last = now if stop is None else min(now, stop)
        inv = [t for t in ignite.values() if t <= last + 1e-9]
        return len(inv), sum(1 for t in inv if t + p.burn_time > now)

    def fire():
        yield at(p.start)
        sim.log.log("hazard_started", hazard=hazard.id, kind="building_fire", place=place.id,
                    township=place.township, growth=p.growth)
        state["started"] = True
        sim.log.log("fire_growth", hazard=hazard.id, growth=p.growth, hydrants_working=working,
                    hydrants=p.water.hydrants, **{k: round(v, 4) for k, v in fig.items()})
        # a unit arriving (or leaving) between the fire's own times changes the water
        # applied from that moment
        crew_change = OnSceneChange(sim, lambda iid: "fire" in incident and incident["fire"].id == iid)
        times = sorted(set(ignite.values()) | {t + p.burn_time for t in ignite.values()})
        last, before = None, None      # last fire_state logged; (time, applied, tank draw, short)
        while True:
            now = sim.now
            if before is not None:     # the flow held constant since the last look
                t0, _, draw, short = before
                if short:
                    state["short"] += now - t0
                draw_tanks(draw * (now - t0) * 60.0 / 1000.0)
            pumps, water = on_scene()
            has_water = pumps > 0 and (hydrants_l_s > 0 or water > 0)
            if has_water and state["first_attack"] is None:
                state["first_attack"] = now
                sim.log.log("fire_attack", hazard=hazard.id, before_flashover=flashover_at - now)
            if now < flashover_at - 1e-9:
                if has_water:
                    state["held"] = now
                    sim.log.log("fire_held", hazard=hazard.id, since_start=now - p.start,
                                before_flashover=flashover_at - now)
                    break
                applied = draw = 0.0
                short = False
                nxt = flashover_at
            else:
                n_inv, n_burn = involved(now)
                needed = n_burn * nff
                applied = applied_flow_l_s(pumps, hydrants_l_s, water, needed)
                short = applied + 1e-9 < min(pumps, needed)
                if n_burn > 0 and applied + 1e-9 >= needed:
                    state["controlled"] = now
                    sim.log.log("fire_controlled", hazard=hazard.id, buildings=n_inv, since_start=now - p.start,
                                applied_l_s=round(applied, 2), needed_l_s=round(needed, 2))
                    break
                snapshot = (n_inv, n_burn, round(applied, 2))
                if snapshot != last:
                    sim.log.log("fire_state", hazard=hazard.id, involved=n_inv, burning=n_burn,
                                needed_l_s=round(needed, 2), applied_l_s=round(applied, 2),
                                pumps_l_s=round(pumps, 2), hydrants_l_s=round(hydrants_l_s, 2),
                                tank_m3=round(water, 3))
                    last = snapshot
                if n_burn == 0 and n_inv == len(ignite):
                    sim.log.log("fire_burnt_out", hazard=hazard.id, buildings=n_inv, since_start=now - p.start)
                    break
                draw = tank_draw_l_s(applied, hydrants_l_s)
                nxt = next((t for t in times if t > now + 1e-9), sim.horizon)
                if draw > 0:
                    nxt = min(nxt, now + water * 1000.0 / draw / 60.0)
            if now >= sim.horizon:
                break
            before = state["before"] = (now, applied, draw, short)
            yield sim.timeout(max(0.0, min(nxt, sim.horizon) - now)) | crew_change.next()
        yield from finish()

    def finish():
        log_result()
        if sim.now < sim.horizon and p.mop_up > 0:
            yield sim.timeout(p.mop_up)
        inc = incident.get("fire")
        if inc is not None:
            sim.complete_incident(inc, reason="fire out, mop-up done")

    def at_horizon() -> None:
        """The run ends with the fire still going: its result as of the horizon (the
        short-of-water minutes counted to it)."""
        if state["logged"] or not state["started"]:
            return
        before = state["before"]
        if before is not None and before[3]:
            state["short"] += sim.now - before[0]
        log_result()

    def log_result() -> None:
        state["logged"] = True
        now = sim.now
        if state["held"] is not None:
            buildings = 0
        else:
            buildings = involved(now)[0]
        margin = None if state["first_attack"] is None else flashover_at - state["first_attack"]
        result = {"buildings": buildings, "held": state["held"] is not None,
                  "controlled": state["controlled"] is not None or state["held"] is not None,
                  "water_short_min": state["short"], "first_attack_margin": margin,
                  "hydrants_working": working}
        sim.log.log("building_fire_result", hazard=hazard.id, **result)
        sim.log.log("hazard_summary", hazard=hazard.id, figures={**fig, **result})

    sim.at_horizon(at_horizon)
    sim.process(report())
    sim.process(flashover())
    sim.process(fire())


def check(params: BuildingFireParams, context):
    """Cross-references: the place exists; some force brings pumps to the fire."""
    if params.place not in context.region.places:
        yield (("place",), f"unknown place {params.place!r}" + suggest(params.place, list(context.region.places)))
    for cap in params.attack.demand:
        if not context.can_serve(params.attack.kind, cap):
            context.warn(("attack", "demand"), f"no force in this scenario brings {cap!r} to "
                                               f"{params.attack.kind!r} incidents: the fire will burn unanswered")


BUILDING_FIRE = HazardType(
    name="building_fire",
    description="建筑火灾 fire in a dense timber block: t² growth to flashover, Hamada spread between "
                "buildings, control by water supply (hydrants, tanks) against the needed fire flow",
    params_model=BuildingFireParams,
    start=start,
    check=check,
    incident_kinds=incident_kinds,
)
