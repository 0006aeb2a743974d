"""The drill's orders obey the scenario's rules for forces as the simulation does:

- ``air`` at night: the 2020 flood's helicopter flies by daylight only (``night:
  first_light``); a player's request between sunset and sunrise is refused with the
  reason and the time of first light, and is carried out after it;
- ``shelter TOWNSHIP`` puts the township's evacuees who rely on relocation supplies (30 %
  of its people, the flood's ``relocation_share``) in the region's shelters, nearest
  first, whether the shelter is opened before or after the evacuation is ordered.

By hand: sunrise at the aviation centre (30.1782 N, 105.82991 E) on 17 August 2020 is
06:25 UTC+8 to the minute (NOAA solar calculator: 06:24:53); the drill starts at 07:00
on 16 August, so 03:00 on the 17th is minute 1,200 and 07:00 minute 1,440.
"""

from __future__ import annotations

import math

import pytest

from drillsim.drill.session import DrillSession
from tests.conftest import FLOOD


def _state(s):
    return (len(s.sim.log.events), {u.id: (u.status, u.incident) for u in s.sim._unit_list})


@pytest.fixture
def night(host):
    s = DrillSession.open(FLOOD, seed=5, host=host)
    s.advance_to(1200)                                   # 03:00 on 17 August
    assert s.sim.local_time().hour == 3
    r = s.command("inject incident aerial_rescue mixin aerial=1 30min", controller=True)
    assert r.ok, r.text
    s.advance_to(1230)                                   # the call reaches the command (reports lag)
    ref = next(ref for ref, inc in s.known_incidents() if inc.kind == "aerial_rescue")
    return s, ref


def test_air_at_night_is_refused_with_first_light(night):
    s, ref = night
    before = _state(s)
    r = s.command(f"air {ref}")
    assert not r.ok
    assert "no helicopter may take off now" in r.text and "helicopters" in r.text
    assert "no take-off between sunset and sunrise" in r.text and "first light at 06:25" in r.text
    assert _state(s) == before                            # nothing sent, nothing logged
    # the same rule as the simulation's: the log's daylight event is the aviation plugin's
    grounded = [e for e in s.sim.log.events if e.kind == "daylight" and e.details.get("grounded")]
    assert grounded and grounded[-1].details["until"] == "06:25"


def test_air_after_first_light_is_carried_out(night):
    s, ref = night
    s.advance_to(1440)                                   # 07:00, day
    r = s.command(f"air {ref}")
    assert r.ok and "helicopters tasked" in r.text
    sent = [e for e in s.sim.log.events if e.kind == "unit_dispatched" and e.unit == "helicopters"]
    assert sent and sent[-1].t >= 1440 and sent[-1].details["by"] == "player"


def placed(s, township):
    return sum(e.details["people"] for e in s.sim.log.events
               if e.kind == "shelter_assigned" and e.details["township"] == township)


def test_shelter_after_the_evacuation_places_the_evacuees(host):
    s = DrillSession.open(FLOOD, seed=5, host=host)
    assert s.command("evacuate zitong").ok
    need = next(e.details["amount"] for e in s.sim.log.events if e.kind == "relocation_needed")
    people = next(e.details["people"] for e in s.sim.log.events if e.kind == "evacuation_ordered")
    assert need == math.ceil(people * 0.30)
    assert placed(s, "zitong") == 0                      # no shelter opened yet: nobody placed
    r = s.command("shelter zitong")
    assert r.ok
    assert placed(s, "zitong") == pytest.approx(need)
    # nearest first: the three city subdistricts' shelters (2,000 places each, all placed
    # at the district seat in the region file) fill first, ties in file order
    got = [(e.details["shelter"], e.details["people"]) for e in s.sim.log.events if e.kind == "shelter_assigned"]
    city = ["shelters_guilin", "shelters_zitong", "shelters_dafo"]
    assert got[:3] == [(c, min(2000, need - 2000 * k)) for k, c in enumerate(city) if need > 2000 * k][:3]
    assert not any(e.kind == "shelter_overflow" for e in s.sim.log.events)   # 18,000 places in all
    assert not s.command("shelter zitong").ok            # already open


def test_shelter_before_the_evacuation_takes_them_at_the_order(host):
    s = DrillSession.open(FLOOD, seed=5, host=host)
    assert s.command("shelter mixin").ok
    assert placed(s, "mixin") == 0
    assert s.command("evacuate mixin").ok
    need = next(e.details["amount"] for e in s.sim.log.events if e.kind == "relocation_needed")
    assert need > 0 and placed(s, "mixin") == pytest.approx(need)


def test_orders_of_one_name_chain(host):
    """Two plugins offering one order (two hazards' ``evacuate``): the first registered
    is tried first, the next takes what it refuses, and when all refuse the reasons are
    given together; the help text stays the first's."""
    from drillsim.engine.simulation import OrderRefused, Simulation
    from drillsim.scenario.loader import load_scenario

    sim = Simulation(load_scenario(FLOOD, host=host), host, auto_dispatch=False)
    said = []

    def flood(township, by="player"):
        said.append(("flood", township))
        if township != "mixin":
            raise OrderRefused(f"{township} is not on the flood's list")
        return "flood evacuation"

    def slide(township, by="player"):
        said.append(("slide", township))
        if township != "guxi":
            raise OrderRefused(f"{township} has no hazard point")
        return "relocation"

    sim.register_order("probe", flood, "probe TOWNSHIP")
    sim.register_order("probe", slide, "other help")
    assert sim.order("probe", township="mixin") == "flood evacuation" and said == [("flood", "mixin")]
    assert sim.order("probe", township="guxi") == "relocation"
    assert said[1:] == [("flood", "guxi"), ("slide", "guxi")]
    with pytest.raises(OrderRefused) as err:
        sim.order("probe", township="yuxi")
    assert str(err.value) == "yuxi is not on the flood's list; yuxi has no hazard point"
    assert sim.orders["probe"][1] == "probe TOWNSHIP"


def test_aid_and_air_without_such_forces_are_refused_in_the_players_words(host):
    """The chemical leak has neither mutual aid nor aviation: ``aid`` is refused like
    ``air``, in the order's own words (it said "no order 'mutual_aid' in this scenario
    (have: evacuate, shelter)", a name the player never typed), and changes nothing."""
    from tests.conftest import SCENARIOS

    s = DrillSession.open(SCENARIOS / "chemical_park_leak.yaml", seed=3, host=host)
    s.advance_to(30)
    before = _state(s)
    r = s.command("aid ziyang")
    assert not r.ok and r.text == "no mutual aid in this scenario"
    r = s.command("air C1")
    assert not r.ok and r.text == "no aviation in this scenario"     # C1, the leak, is known by then
    assert _state(s) == before


def test_an_order_missing_its_words_is_answered_with_what_to_type(host):
    """The usage line of an order names its arguments as a player types them, as README's
    list of orders does (``auto on|off FORCE|all``, ``aid FORCE``): it printed the
    argument kinds' internal names (``usage: auto ONOFF AUTOFORCE``, ``aid AIDFORCE``,
    ``fire PLANNED``) and ``usage: end `` with a space after it."""
    s = DrillSession.open(FLOOD, seed=5, host=host)
    said = {line: s.command(line, controller=line in ("inject", "fire")).text
            for line in ("auto", "aid", "fire", "end now", "dispatch", "inject")}
    assert said == {
        "auto": "usage: auto on|off FORCE|all",
        "aid": "usage: aid FORCE",
        "fire": "usage: fire N",
        "end now": "usage: end",
        "dispatch": "usage: dispatch UNITS INCIDENT",
        "inject": "usage: inject KIND TEXT (KIND: message, incident, breakdown, roadcut, roadopen, inservice)",
    }
    from drillsim.drill.commands import help_lines

    shown = dict(help_lines(controller=True))
    assert "auto on|off FORCE|all" in shown and "aid FORCE" in shown and "fire N" in shown
