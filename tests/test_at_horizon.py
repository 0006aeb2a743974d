"""``sim.at_horizon(callback)``: what a plugin logs when the run reaches its horizon.

A run covers ``[0, horizon)``: an event at the horizon never fires, so a hazard still
going then logs its state through ``sim.at_horizon``, called by ``Simulation.finish``
before ``run_ended``, in the order registered, under the same watchdog as ``start``.
"""

import json
import textwrap

from click.testing import CliRunner

from drillsim.cli.main import main

SCENARIO = """\
    run: {horizon: 2h}
    forces:
      - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
    hazards:
      - {id: s, type: scripted_incidents, params: {incidents: [
          {at: 20min, kind: call, place: east, demand: {people: 1}, on_scene: 5min}]}}
    """


def _plugin(tmp_path, body: str):
    plugin = tmp_path / "ender.py"
    plugin.write_text("from drillsim.api import hookimpl\n\n" + textwrap.dedent(body), encoding="utf-8")
    return plugin


def _run_fails(mini, plugin) -> str:
    """``drillsim run`` of the scenario with ``plugin`` as plugin 'ender': it must fail
    (exit 1); what it says on stderr, stripped."""
    result = CliRunner().invoke(main, ["run", str(mini(SCENARIO)), "-q", "--plugin-module", f"ender={plugin}"])
    assert result.exit_code == 1, result.output
    return result.stderr.strip()


def test_callbacks_run_at_the_horizon_in_the_order_registered_before_run_ended(mini, tmp_path):
    plugin = _plugin(tmp_path, """\
        @hookimpl
        def drillsim_run_started(sim):
            sim.at_horizon(lambda: sim.log.log("ender_first", at=sim.now))
            def later():
                yield sim.timeout(30)
                sim.at_horizon(lambda: sim.log.log("ender_second", at=sim.now))
            sim.process(later())
        """)
    events = tmp_path / "events.jsonl"
    result = CliRunner().invoke(main, ["run", str(mini(SCENARIO)), "-q", "--events", str(events),
                                       "--plugin-module", f"ender={plugin}"])
    assert result.exit_code == 0, result.output
    kinds = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    tail = [(e["kind"], e["t"]) for e in kinds if e["kind"] in ("ender_first", "ender_second", "run_ended")]
    # every replication ends the same way: first, second, run_ended, at 120 min
    assert tail[:3] == [("ender_first", 120.0), ("ender_second", 120.0), ("run_ended", 120.0)]
    assert len(tail) % 3 == 0 and all(tail[i:i + 3] == tail[:3] for i in range(0, len(tail), 3))


def test_a_callback_that_fails_fails_the_run_naming_the_plugin(mini, tmp_path):
    plugin = _plugin(tmp_path, """\
        @hookimpl
        def drillsim_run_started(sim):
            def summary():
                return 1 / 0
            sim.at_horizon(summary)
        """)
    assert _run_fails(mini, plugin) == (
        "run failed: plugin 'ender' failed in sim.at_horizon(summary) at "
        "scenario time 120.0 min: ZeroDivisionError: division by zero")


def test_something_not_callable_is_refused_where_it_is_registered(mini, tmp_path):
    plugin = _plugin(tmp_path, """\
        @hookimpl
        def drillsim_run_started(sim):
            sim.at_horizon("summary")
        """)
    assert _run_fails(mini, plugin) == (
        "run failed: plugin 'ender' failed in drillsim_run_started at scenario time 0.0 min: "
        "TypeError: sim.at_horizon('summary'): give a function of no arguments to call at the horizon")


def test_a_callback_that_never_returns_is_stopped_by_the_time_limit(mini, tmp_path, monkeypatch):
    plugin = _plugin(tmp_path, """\
        @hookimpl
        def drillsim_run_started(sim):
            def forever():
                while True:
                    pass
            sim.at_horizon(forever)
        """)
    monkeypatch.setenv("DRILLSIM_EVENT_TIME_LIMIT", "0.3")
    assert _run_fails(mini, plugin) == ("run failed: plugin 'ender' did not return within 0.3 s (wall clock) "
                                        "at scenario time 120.0 min: stopped")


def test_a_hazard_type_finish_of_api_1_1_is_still_called_at_the_horizon(mini, tmp_path):
    # API 1.1 offered HazardType(finish=...); within major version 1 it keeps working
    plugin = _plugin(tmp_path, """\
        from drillsim.api import HazardType, Strict

        class Params(Strict):
            pass

        def start(sim, hazard):
            sim.at_horizon(lambda: sim.log.log("ender_own", at=sim.now))

        def finish(sim, hazard):
            sim.log.log("ender_finish", hazard=hazard.id, at=sim.now)

        @hookimpl
        def drillsim_register_hazard_types(register):
            register(HazardType("quiet", "x", Params, start=start, finish=finish))
        """)
    path = mini(SCENARIO.rstrip(" ") + "      - {id: q, type: quiet, params: {}}\n")
    events = tmp_path / "events.jsonl"
    result = CliRunner().invoke(main, ["run", str(path), "-q", "-n", "1", "--events", str(events),
                                       "--plugin-module", f"ender={plugin}"])
    assert result.exit_code == 0, result.output
    kinds = [json.loads(line)["kind"] for line in events.read_text(encoding="utf-8").splitlines()]
    # the type's finish registered before its start's own callback, both before run_ended
    assert kinds[-3:] == ["ender_finish", "ender_own", "run_ended"]


def test_a_callback_needing_arguments_is_refused_where_it_is_registered(mini, tmp_path):
    """Old code accepted it and failed only at the horizon, after the whole run, blaming
    the engine ('drillsim') for a TypeError of the plugin's making."""
    plugin = _plugin(tmp_path, """\
        @hookimpl
        def drillsim_run_started(sim):
            def summary(hazard_id):
                sim.log.log("x")
            sim.at_horizon(summary)
        """)
    assert _run_fails(mini, plugin) == (
        "run failed: plugin 'ender' failed in drillsim_run_started at scenario time 0.0 min: "
        "TypeError: sim.at_horizon(summary): summary(hazard_id) needs arguments, but it is "
        "called with none; give a function of no arguments (a closure, or "
        "functools.partial(f, ...))")


def test_on_scene_change_given_an_incident_id_is_refused_naming_the_plugin(mini, tmp_path):
    """``OnSceneChange(sim, "I1")`` (an id, not a function): old code failed at the first
    arrival, 20 min later, blaming the engine ('drillsim')."""
    plugin = _plugin(tmp_path, """\
        from drillsim.api import OnSceneChange

        @hookimpl
        def drillsim_run_started(sim):
            def watch():
                change = OnSceneChange(sim, "I1")
                yield change.next()
            sim.process(watch())
        """)
    assert _run_fails(mini, plugin) == (
        "run failed: plugin 'ender' failed in a simulation process at scenario time 0.0 min: "
        "TypeError: OnSceneChange(sim, 'I1'): watches must be a function watches(incident_id) "
        "-> bool saying whether an incident is the hazard's, e.g. lambda incident_id: "
        "incident_id in mine")


def test_create_incident_given_wrong_types_says_what_it_takes(mini, tmp_path):
    """A demand as a list, work as text, a priority as a word: old code failed with
    Python's own words ('list' object has no attribute 'items'; '>' not supported between
    instances of 'str' and 'int'; invalid literal for int())."""
    cases = [("['people', 1], 30.0", "TypeError: incident demand must be a mapping {capability: "
              "amount} such as {'people': 4}, got ['people', 1]"),
             ("{'people': 1}, '2h'", "ValueError: incident on-scene work must be a positive number "
              "of minutes (120.0 for 2 h), got '2h'"),
             ("{'people': 1}, 30.0, 'high'", "ValueError: incident priority must be a whole number, "
              "1 (most urgent) to 9, got 'high'")]
    for i, (args, says) in enumerate(cases):
        folder = tmp_path / f"case{i}"  # a module of its own each (hosts are kept per module)
        folder.mkdir()
        plugin = _plugin(folder, f"""\
            @hookimpl
            def drillsim_run_started(sim):
                def calls():
                    yield sim.timeout(10)
                    sim.create_incident("call", "east", {args})
                sim.process(calls())
            """)
        result = CliRunner().invoke(main, ["run", str(mini(SCENARIO)), "-q", "-n", "1",
                                           "--plugin-module", f"ender{i}={plugin}"])
        assert result.exit_code == 1
        assert result.stderr.strip() == (f"run failed: plugin 'ender{i}' failed in a simulation "
                                         f"process at scenario time 10.0 min: {says}")


def test_a_summary_whose_figures_are_no_mapping_fails_the_report_in_one_line(mini, tmp_path):
    """figures="big": old code wrote the scorecard, then the report and the JSON failed
    with a traceback (dictionary update sequence element #0 has length 1)."""
    plugin = _plugin(tmp_path, """\
        @hookimpl
        def drillsim_run_started(sim):
            sim.at_horizon(lambda: sim.log.log("hazard_summary", hazard="s", figures="big"))
        """)
    for option in ("--report", "--json"):
        out = tmp_path / f"out{option}"
        result = CliRunner().invoke(main, ["run", str(mini(SCENARIO)), "-q", "-n", "1", option, str(out),
                                           "--plugin-module", f"ender={plugin}"])
        assert result.exit_code == 1, result.output
        assert result.stderr.strip() == (
            "run failed: hazard 's' logged hazard_summary at scenario time 120.0 min with "
            "figures='big': figures is a mapping {name: value} such as {'area_ha': 1.2} (a fault "
            "of the plugin providing its hazard type, see `drillsim plugins`)")
        assert not out.exists()


def test_the_timeline_names_where_a_hazard_begins_or_nothing():
    """A plugin's hazard_started with a place and no township read 'in None' (the
    smoulder example of docs/plugins.md's readers); with neither, nothing is said."""
    from drillsim.engine.eventlog import Event
    from drillsim.report.markdown import _event_text

    def line(**details):
        return _event_text(Event(10.0, "hazard_started", None, None, {"hazard": "peat", "kind": "smoulder", **details}))

    assert line(place="zitong") == "Hazard peat begins (smoulder) in zitong"
    assert line(township="mixin") == "Hazard peat begins (smoulder) in mixin"
    assert line() == "Hazard peat begins (smoulder)"
