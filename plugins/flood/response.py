"""What a flood does once its water levels are known, for every flood hazard of the
package (the transit flood's routed wave, the flash flood's rational-method hydrograph):
each township's warning, flood and recession times from the gauge's stage, the
``hazard_summary``, gauge readings, the warning and evacuation orders, rescue calls from
people cut off, and road closures in flooded townships.

Events (the contract the core metrics read): ``warning_issued`` (``townships``),
``hazard_arrival`` (``township``, ``level`` = ``warning`` | ``impact``),
``hazard_receded``, ``evacuation_ordered``, ``gauge_reading``, ``hazard_summary``,
``shelter_*`` (:mod:`drillsim.engine.shelters`; in a drill once the players have opened
the township's shelter, read from ``shelter_opened``),
``flood_outcome`` (``township``, ``affected``, ``people_left``, ``depth_m``,
``rise_m_h``, ``deaths_expected``: at each flooded township's peak, :mod:`.outcomes`),
``flood_peak`` (``township``, ``stage_m``, ``flood_stage_m``, ``above_m``: at every
township's peak, flooded or not), ``flood_seen`` (``township``, ``by`` = ``video`` | ``rescue call`` | ``township report``,
``video``, ``delay``: when the command learns a township has flooded, ``watch``).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field

from drillsim.api import OrderRefused, Place, Restriction

from .hydrograph import sample_series
from .outcomes import expected_deaths, steepest_rise
from .rating import PowerRating


def split_people(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` people in proportion to ``weights`` into whole numbers that add up
    to ``total`` (largest-remainder method, ties to the earlier entry)."""
    wsum = float(sum(weights))
    if total == 0 or wsum <= 0:
        return [0] * len(weights)
    exact = [total * w / wsum for w in weights]
    base = [int(math.floor(x)) for x in exact]
    left = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:left]:
        base[i] += 1
    return base


def crossing(times: list[float], values: list[float], level: float, start: int = 0,
             rising: bool = True) -> tuple[float | None, int]:
    """First time (linear interpolation) at or after index ``start`` when ``values``
    crosses ``level`` upward (or downward); (None, len) if never."""
    for j in range(max(start, 1), len(values)):
        a, b = values[j - 1], values[j]
        if (rising and a < level <= b) or (not rising and a >= level > b):
            f = (level - a) / (b - a)
            return times[j - 1] + f * (times[j] - times[j - 1]), j
    if start == 0 and rising and values and values[0] >= level:
        return times[0], 0
    return None, len(values)


@dataclass
class FloodTimeline:
    """The hazard's deterministic part, computed once per run (minutes, m³/s, m)."""

    times: list[float]
    upstream: list[float]
    routed: list[float]
    stage: list[float]
    rating: PowerRating
    warning_discharge: float
    warning_time: float | None
    peak_index: int
    townships: list[dict]
    #: each flooded township's steepest rise (m/h) up to its peak, once computed
    rises: dict[str, float] = field(default_factory=dict)
    #: each flooded township's flooded share (0-1) at the minutes its rescue calls'
    #: rate was set, once computed: ``{township: {minute: share}}`` (the water's, the
    #: same in every replication, which mostly step through the same minutes)
    shares: dict[str, dict[float, float]] = field(default_factory=dict)
    #: the rescue calls' steps passed over without a call, once worked out:
    #: ``{(township, calls per unit of flooded share, end, horizon): {minute: (1 / rate or
    #: None, step end, next step's minute, delay to it)}}`` (the water's and the settled
    #: evacuation's, the same in every replication that steps through the minute)
    quiet_steps: dict[tuple, dict[float, tuple]] = field(default_factory=dict)
    #: the gauge's reading (stage m, discharge m³/s, rounded as logged) at each minute a
    #: reading was taken, once computed (the same minutes in every replication)
    readings: dict[float, tuple[float, float]] = field(default_factory=dict)
    #: the ``hazard_summary`` figures of a hazard type that computes them from the
    #: timeline alone, once computed (see :func:`drillsim_plugins.flood._start`)
    figures: dict | None = None

    def stage_at(self, t: float) -> float:
        """Gauge stage (m) at minute ``t`` (linear interpolation)."""
        step = self.times[1] - self.times[0]
        return sample_series(step, self.stage, t - self.times[0])


def township_times(townships, times: list[float], stage: list[float], warning_stage: float,
                   total_people: int, weights: dict[str, float]) -> list[dict]:
    """Each township's times (minutes) from the gauge's stage series: when the stage there
    (the gauge's shifted by the township's ``offset``) passes ``warning_stage``
    (``above_warning``), its ``flood_stage`` (``flooded``) and falls back below it
    (``receded``), None if never; and its people at risk (its own ``people_at_risk``, or
    its share of what is left of ``total_people`` by population ``weights``).
    """
    explicit = [t.people_at_risk for t in townships]
    auto = [t.township for t in townships if t.people_at_risk is None]
    budget = total_people - sum(p for p in explicit if p is not None)
    shares = dict(zip(auto, split_people(max(0, budget), [weights.get(t, 0.0) for t in auto])))
    above, _ = crossing(times, stage, warning_stage)
    towns = []
    for t in townships:
        flood, k = crossing(times, stage, t.flood_stage)
        recede = crossing(times, stage, t.flood_stage, start=k, rising=False)[0] if flood is not None else None
        towns.append({
            "township": t.township, "offset": t.offset, "flood_stage": t.flood_stage,
            "full_depth": t.full_depth, "evacuate": t.evacuate, "video": t.video,
            "people": t.people_at_risk if t.people_at_risk is not None else shares[t.township],
            "above_warning": None if above is None else above + t.offset,
            "flooded": None if flood is None else flood + t.offset,
            "receded": None if recede is None else recede + t.offset,
        })
    return towns


# ------------------------------------------------------------------ the processes
def run_response(sim, hazard, tl: FloodTimeline, figures: dict, rule: str) -> None:
    """Start the flood's processes in ``sim``: log ``hazard_summary`` with ``figures``,
    then gauge readings, the warning at ``tl.warning_time`` (``rule`` in words) with the
    automatic evacuation orders, each township's arrival, flooding, rescue calls and
    recession, and road closures. ``hazard.params`` gives river, gauge name, reading
    interval, evacuation, rescue calls and access (any flood hazard's parameters)."""
    p = hazard.params
    state = {"evacuations": {}, "seen": set(), "orders_given": False}
    # a drill: the players open shelters (their "shelter TOWNSHIP" order logs
    # shelter_opened); evacuees of a township are placed once both its evacuation is
    # ordered and its shelter open, in whichever order those come
    opened: set[str] = set()
    waiting: dict[str, int] = {}
    flooded: set[str] = set()
    if p.access.close_flooded:
        _FLOODED.setdefault(sim, []).append((flooded, tuple(p.access.allowed), hazard.id))
    peak_stage = tl.stage[tl.peak_index]
    sim.log.log("hazard_summary", hazard=hazard.id, river=p.river, figures=figures)

    def at(t: float):
        return sim.timeout(max(0.0, t - sim.now))

    read = tl.readings

    def readings():
        now = sim.now  # read once per wake: the clock stands still between yields
        while now <= sim.horizon:
            got = read.get(now)
            if got is None:
                got = read[now] = (round(tl.stage_at(now), 3),
                                   round(sample_series(tl.times[1], tl.routed, now), 1))
            sim.log.log("gauge_reading", hazard=hazard.id, gauge=p.gauge.name,
                        stage=got[0], discharge=got[1])
            yield sim.timeout(p.reading_interval)
            now = sim.now

    def evacuate(town, by):
        """Order the evacuation of one township: an evacuation incident demanding
        rescuers, and relocation supplies for ``relocation_share`` of its people (drawn
        at once by the automatic command; in a drill, reported as needed and left to
        the players to release)."""
        e = p.evacuation
        rescuers = math.ceil(town["people"] / e.residents_per_rescuer)
        minutes = e.residents_per_rescuer / e.rate_per_rescuer
        sim.log.log("evacuation_ordered", hazard=hazard.id, township=town["township"],
                    people=town["people"], rescuers=rescuers, by=by)
        incident = sim.create_incident(e.kind, town["township"], {e.capability: rescuers},
                                       minutes, e.priority, township=town["township"],
                                       people=town["people"])
        state["evacuations"][town["township"]] = incident
        if e.relocation_share > 0 and (e.reserve or e.shelter):
            need = math.ceil(town["people"] * e.relocation_share)
            if e.shelter and (sim.auto_orders or town["township"] in opened):
                sim.shelters.admit(town["township"], need, sim.region.place(town["township"]))
            elif e.shelter:
                waiting[town["township"]] = waiting.get(town["township"], 0) + need
            if not e.reserve:
                pass
            elif sim.auto_orders:
                sim.reserves[e.reserve].draw(town["township"], need, purpose="relocation")
            else:
                sim.log.log("relocation_needed", hazard=hazard.id, township=town["township"],
                            reserve=e.reserve, amount=need, incident=incident.id)
        return incident

    def warning_and_orders():
        if tl.warning_time is None:
            state["orders_given"] = True
            return
        yield at(tl.warning_time)
        sim.log.log("warning_issued", hazard=hazard.id, river=p.river,
                    townships=[t["township"] for t in tl.townships],
                    forecast_peak_stage=round(peak_stage, 2), rule=rule)
        if not sim.auto_orders:
            return  # players decide on evacuation (the "evacuate" order)
        yield sim.timeout(p.evacuation.order_delay)
        for town in tl.townships:
            if not town["evacuate"] or town["flood_stage"] > peak_stage or town["people"] <= 0:
                continue
            evacuate(town, "auto")
        state["orders_given"] = True

    def evacuate_order(township, by="player"):
        town = next((t for t in tl.townships if t["township"] == township), None)
        if town is None:
            names = ", ".join(t["township"] for t in tl.townships)
            raise OrderRefused(f"{township} is not on the {p.river} flood's evacuation list "
                               f"({names})")
        if township in state["evacuations"]:
            done = state["evacuations"][township]
            raise OrderRefused(f"evacuation of {township} was already ordered "
                               f"(now {done.status})")
        if town["people"] <= 0:
            raise OrderRefused(f"{township} has nobody to evacuate in this flood plan")
        evacuate(town, by)
        return f"evacuation of {township} ordered: {town['people']:,} people"

    def township(town):
        tid = town["township"]
        if town["above_warning"] is not None:
            yield at(town["above_warning"])
            sim.log.log("hazard_arrival", hazard=hazard.id, township=tid, level="warning")
        if town["flooded"] is None:
            return
        yield at(town["flooded"])
        sim.log.log("hazard_arrival", hazard=hazard.id, township=tid, level="impact",
                    people=town["people"])
        if p.access.close_flooded:
            flooded.add(tid)
            sim.access_changed(f"{hazard.id}: {tid} flooded")
        if town["video"]:
            seen(tid, "video")
        else:
            sim.process(report_flooding(tid))
        end = town["receded"] if town["receded"] is not None else math.inf
        yield from rescue_calls(town, end)
        if town["receded"] is not None:
            sim.log.log("hazard_receded", hazard=hazard.id, township=tid)
            if p.access.close_flooded:
                flooded.discard(tid)
                sim.access_changed(f"{hazard.id}: {tid} receded")
            if p.evacuation.shelter and p.evacuation.return_after is not None:
                sim.process(go_home(tid))

    def crest(town):
        """At the township's peak: how far the water stands above its flood stage."""
        yield at(tl.times[tl.peak_index] + town["offset"])
        sim.log.log("flood_peak", hazard=hazard.id, township=town["township"], stage_m=round(peak_stage, 3),
                    flood_stage_m=town["flood_stage"], above_m=round(peak_stage - town["flood_stage"], 3))

    def outcome(town):
        """At the township's peak: its people affected and the expected deaths among
        those still there (:mod:`.outcomes`, Jonkman et al. 2008)."""
        peak_t = tl.times[tl.peak_index] + town["offset"]
        yield at(peak_t)
        tid, off = town["township"], town["offset"]
        evac = state["evacuations"].get(tid)
        moved = (1.0 - p.rescue_calls.stay_share) * (evac.progress_at(sim.now) if evac else 0.0)
        left = town["people"] * (1.0 - moved)
        depth = peak_stage - town["flood_stage"]
        rise = tl.rises.get(tid)
        if rise is None:  # the water's, not drawn: the same in every replication
            rise = tl.rises[tid] = steepest_rise(lambda t: tl.stage_at(t - off), town["flooded"], peak_t)
        sim.log.log("flood_outcome", hazard=hazard.id, township=tid, affected=town["people"],
                    people_left=round(left, 1), depth_m=round(depth, 3), rise_m_h=round(rise, 3),
                    deaths_expected=round(expected_deaths(left, depth, town["full_depth"], rise), 4))

    def seen(tid, by):
        """The command learns that ``tid`` has flooded (once): ``flood_seen``."""
        if tid in state["seen"]:
            return
        state["seen"].add(tid)
        town = next(t for t in tl.townships if t["township"] == tid)
        sim.log.log("flood_seen", hazard=hazard.id, township=tid, by=by, video=town["video"],
                    delay=round(sim.now - town["flooded"], 3))

    def report_flooding(tid):
        yield sim.timeout(p.watch.report_delay)
        seen(tid, "township report")

    def go_home(tid):
        """Sheltered people of ``tid`` go home ``return_after`` the water receded."""
        yield sim.timeout(p.evacuation.return_after)
        sim.shelters.release(tid)

    def evacuation_settled(tid):
        """Whether the share of ``tid``'s people moved out can no longer change: its
        evacuation completed, or none ordered and none to come (automatic orders all
        given; in a drill the players may order one at any time)."""
        evac = state["evacuations"].get(tid)
        if evac is not None:
            return evac.completed
        return sim.auto_orders and state["orders_given"]

    def rescue_calls(town, end):
        """Rescue calls from the people left in a flooded township until ``end``: every
        ``step`` minutes the call rate is set from the local depth and the share of
        people still there, and calls arrive as a Poisson process at that rate
        (exponential gaps drawn from the township's own stream; a gap reaching past the
        step is dropped). Steps without a call are passed over without waking the
        process when the rate's inputs can no longer change (:func:`evacuation_settled`),
        the same draws made for them in the same order, and the process woken at the
        very instant (the same floating-point minute) stepping would have reached."""
        c = p.rescue_calls
        tid = town["township"]
        arrivals = sim.rng(f"{hazard.id}.calls.{tid}")
        made: dict[str, object] = {}

        def rng(kind):
            """The township's stream ``kind`` (``on_scene``, ``aerial``, ``where``), made
            at its first draw: a township without a call makes none (a third of a flood
            run's streams, each a seeded generator). Each stream is its own, found by
            its name: when it is made changes none of its numbers."""
            gen = made.get(kind)
            if gen is None:
                gen = made[kind] = sim.rng(f"{hazard.id}.{kind}.{tid}")
            return gen
        seat = sim.region.place(tid)
        offset, flood_stage, full_depth = town["offset"], town["flood_stage"], town["full_depth"]
        count = 0
        ahead = None  # (step start, first gap) drawn while passing over steps
        # standard exponential draws of ``arrivals`` (its own stream, used only here),
        # drawn in batches, next one last: ``scale * E`` is exactly what
        # ``arrivals.exponential(scale)`` gives for the same draw E
        drawn: list[float] = []

        def gap(inverse):
            """The next gap at the rate ``1 / inverse``."""
            if not drawn:
                drawn.extend(arrivals.standard_exponential(GAP_BATCH).tolist()[::-1])
            return inverse * drawn.pop()

        def next_gap(rate):
            return gap(1.0 / rate)

        shares = tl.shares.setdefault(tid, {})

        def flooded_share(now):
            """The share of the township flooded at minute ``now`` (once per minute)."""
            share = shares.get(now)
            if share is None:
                local = tl.stage_at(now - offset)
                share = shares[now] = min(1.0, max(0.0, (local - flood_stage) / full_depth))
            return share

        def call_rate(now):
            share = flooded_share(now)
            evac = state["evacuations"].get(tid)
            moved = (1.0 - c.stay_share) * (evac.progress_at(now) if evac else 0.0)
            left = town["people"] * (1.0 - moved)
            return c.rate_per_1000 * left * share / 1000.0

        while True:
            clock = sim.now  # read once per wake: the clock stands still between yields
            if not (clock < end and clock < sim.horizon):
                break
            step_end = min(clock + c.step, end)
            rate = call_rate(clock)
            t = clock
            while rate > 0:
                if ahead is not None:
                    t += ahead[1]
                    ahead = None
                else:
                    t += next_gap(rate)
                if t >= step_end:
                    break
                yield at(t)
                aerial = c.aerial_share > 0 and rng("aerial").random() < c.aerial_share
                minutes = (c.on_scene_mean if c.on_scene_distribution == "fixed"
                           else rng("on_scene").exponential(c.on_scene_mean))
                count += 1
                seen(tid, "rescue call")
                place = seat if c.scatter is None else scatter(seat, c.scatter, rng("where"), count)
                sim.create_incident(c.aerial_kind if aerial else c.kind, place,
                                    c.aerial_demand if aerial else c.demand,
                                    max(minutes, 1.0), c.priority, township=tid)
            # the minute at(step_end) reaches: SimPy adds the delay to the clock
            clock = sim.now
            now = clock + max(0.0, step_end - clock)
            if not (PASS_OVER_QUIET_STEPS and evacuation_settled(tid)):
                yield sim.timeout(max(0.0, step_end - clock))
                continue
            # pass over the steps without a call: the first one with a call (its first
            # gap kept for it), or where the loop ends, is where to wake; each step
            # start with the delay that stepping would reach it by from the one before
            hops = [(now, max(0.0, step_end - clock))]
            horizon, cstep = sim.horizon, c.step
            # call_rate(now) inlined, its settled part worked out once: nothing changes
            # while passing over (no yield), the evacuation is settled (progress_at is
            # the completed one's 1.0, or none), so the people left are the same at
            # every step; the same products in the same order give the same floats
            evac = state["evacuations"].get(tid)
            moved = (1.0 - c.stay_share) * (evac.progress_at(now) if evac else 0.0)
            per_share = c.rate_per_1000 * (town["people"] * (1.0 - moved))
            # each step's rate, end and next start depend on its minute alone here:
            # worked out once for all replications passing over the same minutes
            steps = tl.quiet_steps.setdefault((tid, per_share, end, horizon), {})
            while now < end and now < horizon:
                step = steps.get(now)
                if step is None:
                    rate = per_share * flooded_share(now) / 1000.0
                    step_end = min(now + cstep, end)
                    delay = max(0.0, step_end - now)
                    step = steps[now] = (1.0 / rate if rate > 0 else None, step_end, now + delay, delay)
                inverse, step_end, after, delay = step
                if inverse is not None:  # rate > 0: a gap drawn, next_gap(rate)
                    first = gap(inverse)
                    if now + first < step_end:
                        ahead = (now, first)
                        break
                now = after
                hops.append((now, delay))
            # wake at exactly ``now``: in one go, or through the farthest step start
            # reachable exactly from the clock, or else the next step start
            at_hop = -1
            while at_hop < len(hops) - 1:
                clock = sim.now
                for k in range(len(hops) - 1, at_hop, -1):
                    delay = delay_to(clock, hops[k][0])
                    if delay is not None:
                        break
                else:
                    k = at_hop + 1
                    delay = hops[k][1]
                at_hop = k
                yield sim.timeout(delay)

    def shelter_opened(event):
        tid = event.details.get("township")
        if tid is None or tid in opened or tid not in {t["township"] for t in tl.townships}:
            return
        opened.add(tid)
        need = waiting.pop(tid, 0)
        if need > 0:
            sim.shelters.admit(tid, need, sim.region.place(tid))

    if not sim.auto_orders:
        sim.register_order("evacuate", evacuate_order,
                           "evacuate TOWNSHIP: order the evacuation of a riverside township")
        if p.evacuation.shelter:
            sim.log.subscribe("shelter_opened", shelter_opened)
    sim.process(readings())
    sim.process(warning_and_orders())
    for town in tl.townships:
        sim.process(township(town))
        sim.process(crest(town))
        if town["flooded"] is not None and town["people"] > 0:
            sim.process(outcome(town))


#: pass over rescue-call steps without a call where the rate's inputs are settled (False:
#: wake at every step, as before; the tests compare the two)
PASS_OVER_QUIET_STEPS = True

#: rescue-call gaps drawn at a time from a township's arrival stream
GAP_BATCH = 64

#: flooded townships of each running simulation: [(set of township ids, allowed, hazard id)]
_FLOODED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def restriction(sim, unit, origin, destination):
    """A road unit may not drive into a flooded township unless it brings one of the
    allowed capabilities (boats); a unit already inside it may work and leave."""
    if unit.mode != "road" or destination.township is None:
        return None
    for flooded, allowed, hazard_id in _FLOODED.get(sim, ()):
        if destination.township in flooded and origin.township != destination.township \
                and not any(unit.capabilities.get(c, 0) > 0 for c in allowed):
            return Restriction(closed=True, reason=f"{hazard_id}: {destination.township} flooded, "
                                                   f"reachable only with {' or '.join(allowed)} or by air")
    return None


def delay_to(now: float, t: float) -> float | None:
    """The delay (minutes, ≥ 0) that brings a SimPy clock at ``now`` to exactly ``t``
    (≥ ``now``), or None if it does not: SimPy schedules at ``now + delay``, and in
    floating point ``now + (t - now)`` need not equal ``t`` (nor does any delay next to
    it: the exact sum falls between two floats and rounds away from ``t``)."""
    delay = max(0.0, t - now)
    return delay if now + delay == t else None


def scatter(seat: Place, radius_km: float, rng, n: int) -> Place:
    """A point uniform over the disc of ``radius_km`` around ``seat`` (equirectangular
    offset; 1° latitude = 111.32 km), in the same township."""
    d = radius_km * math.sqrt(rng.random())
    theta = 2 * math.pi * rng.random()
    lat = seat.lat + d * math.cos(theta) / 111.32
    lon = seat.lon + d * math.sin(theta) / (111.32 * math.cos(math.radians(seat.lat)))
    return Place(f"{seat.id}#{n}", f"{seat.name} #{n}", lat, lon, "incident", seat.township)
