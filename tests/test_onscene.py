"""``OnSceneChange``: a stepped hazard's process woken when units arrive at or leave
its incidents, not when anything else happens."""

from drillsim.api import OnSceneChange, Simulation
from drillsim.scenario.loader import load_scenario

SCENARIO = """\
    run: {horizon: 2h}
    forces:
      - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
    """


def test_woken_by_an_arrival_or_a_release_at_a_watched_incident_only(host, mini):
    sim = Simulation(load_scenario(mini(SCENARIO), host=host), host)
    woken = []

    def stepped():
        change = OnSceneChange(sim, lambda incident_id: incident_id == "I7")
        while sim.now < 100:
            timer = sim.timeout(30)
            done = yield timer | change.next()
            woken.append((sim.now, "timer" if timer in done else "change"))

    def others():
        yield sim.timeout(5)
        sim.log.log("unit_arrived", unit="a-1", incident="I9")    # another incident: no wake
        yield sim.timeout(5)
        sim.log.log("unit_dispatched", unit="a-1", incident="I7")  # not an arrival: no wake
        yield sim.timeout(7)
        sim.log.log("unit_arrived", unit="a-1", incident="I7")     # 17 min: wake
        sim.log.log("unit_arrived", unit="a-2", incident="I7")     # same instant: one wake
        yield sim.timeout(50)
        sim.log.log("unit_released", unit="a-1", incident="I7")    # 67 min: wake

    sim.process(stepped())
    sim.process(others())
    sim.run()
    # 30-min steps restarted at each wake: 17 (arrival), 47 (timer), 67 (release), 97
    # (timer); the next timer, at 127, is past the 120-min horizon
    assert woken == [(17.0, "change"), (47.0, "timer"), (67.0, "change"), (97.0, "timer")]
