"""The pack's MSEL: injects triggered by the players' actions (or their absence), by other
injects and by simulation events, driven through the drill session without the TUI; the
same injects at the same times on resume; bad MSEL fields refused at load with file,
line, field and "did you mean"."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.drill import msel
from drillsim.drill.session import DrillSession
from drillsim.errors import ValidationFailed

from .conftest import SCENARIOS

MSEL = """
objectives:
  - id: O1
    title: Evacuate Mixin before the water
    capability: Critical Transportation
    expect: [evacuate mixin]
injects:
  - id: mixin_call
    title: Mixin asks for the evacuation order
    kind: message
    township: mixin
    text: "Mixin township: the river is rising, shall we move people?"
    unless: {action: evacuate mixin, by: 5h}
    objective: O1
  - title: Mixin calls again
    kind: message
    text: "Mixin township again: people are asking where to go"
    after: {inject: mixin_call, delay: 30min}
  - title: after the warning
    kind: message
    text: "District government: report your evacuation plan"
    after: {event: warning_issued, delay: 15min}
"""


@pytest.fixture
def pack(tmp_path):
    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root)
    path = root / "packs" / "flood.yaml"
    text = path.read_text(encoding="utf-8")
    text = text[:min(text.index(k) for k in ("\n# Exercise objectives", "\nobjectives:", "\ninjects:") if k in text)]
    text += "\n" + MSEL.lstrip("\n")
    path.write_text(text, encoding="utf-8")
    return path


def fired(session) -> dict[str, float]:
    return {r.inject["title"]: r.t for r in session.injects if r.ok}


def test_an_action_triggered_inject_fires_when_the_action_is_missing(pack, host):
    s = DrillSession.open(pack, seed=21, host=host)
    s.advance_to(6 * 60)
    got = fired(s)
    assert got["Mixin asks for the evacuation order"] == 300.0          # 5 h
    assert got["Mixin calls again"] == 330.0                            # 30 min after it
    call = next(m for m in s.messages if m.text.startswith("Mixin township: the river"))
    assert call.t == 300.0 and call.township == "mixin"


def test_it_does_not_fire_when_the_action_was_taken(pack, host):
    s = DrillSession.open(pack, seed=21, host=host)
    s.advance_to(60)
    assert s.command("evacuate mixin").ok
    s.advance_to(6 * 60)
    got = fired(s)
    assert "Mixin asks for the evacuation order" not in got and "Mixin calls again" not in got


def test_a_refused_or_late_order_does_not_count(pack, host):
    s = DrillSession.open(pack, seed=21, host=host)
    s.advance_to(60)
    assert not s.command("evacuate mixn").ok      # refused: a typo is not the action
    s.advance_to(5.5 * 60)
    assert s.command("evacuate mixin").ok         # after 5 h: too late to stop the call
    assert fired(s)["Mixin asks for the evacuation order"] == 300.0


def test_an_event_triggered_inject_fires_its_delay_after_the_event(pack, host):
    s = DrillSession.open(pack, seed=21, host=host)
    s.advance_to(30 * 60)
    warning = min(e.t for e in s.sim.log.events if e.kind == "warning_issued")
    assert fired(s)["after the warning"] == pytest.approx(warning + 15.0, abs=1e-9)


def test_an_inject_follows_the_command_learning_a_township_flooded(pack, host):
    # flood_seen (plugins/flood/response.py) is logged when the command learns a township
    # has flooded (video, a rescue call or the township's report); the inject fires 10 min
    # after the first such event in that township, as the trigger says.
    text = pack.read_text(encoding="utf-8").replace("after: {event: warning_issued, delay: 15min}",
                                                    "after: {event: flood_seen, township: shuangjiang, delay: 10min}")
    pack.write_text(text, encoding="utf-8")
    s = DrillSession.open(pack, seed=21, host=host)
    s.advance_to(30 * 60)
    seen = min(e.t for e in s.sim.log.events if e.kind == "flood_seen"
               and e.details.get("township") == "shuangjiang")
    assert fired(s)["after the warning"] == pytest.approx(seen + 10.0, abs=1e-9)


@pytest.mark.parametrize("event", ["flood_seen", "weather_warning", "storm_onset", "fire_reported",
                                   "fire_attack_began"])
def test_the_player_safe_events_are_triggers(event, pack, host):
    text = pack.read_text(encoding="utf-8").replace("event: warning_issued", f"event: {event}")
    pack.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 0, result.output


def test_resume_fires_the_same_injects_at_the_same_times(pack, host, tmp_path):
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(pack, seed=21, host=host, log_path=log)
    s.advance_to(4 * 60)          # the log ends before the action trigger's time
    s.close()
    r = DrillSession.resume(log, s.secret, host=host)
    r.advance_to(30 * 60)
    live = DrillSession.open(pack, seed=21, host=host)
    live.advance_to(30 * 60)
    assert fired(r) == fired(live) and len(fired(live)) == 3


def test_matching_reads_units_forces_and_targets():
    world = msel.World(lambda u: u.split("-")[0], lambda i: ("zitong", "zitong"),
                       lambda ident: "I7" if ident == "care_home" else None)
    order = msel.OrderView(10.0, "dispatch", ["water_rescue-2"], "I7", None)
    yes = ["dispatch water_rescue", "dispatch water_rescue-2 to this", "dispatch water_rescue to care_home",
           "dispatch water_rescue to zitong"]
    no = ["dispatch blue_sky", "dispatch water_rescue-1", "dispatch water_rescue to yuxi", "air this",
          "evacuate zitong"]
    for text in yes:
        assert msel.matches(msel.parse_action(text), order, world, this_incident="I7"), text
    for text in no:
        assert not msel.matches(msel.parse_action(text), order, world, this_incident="I7"), text


BAD = {
    "unknown action verb": (("expect: [evacuate mixin]", "expect: [evacuat mixin]"),
                            r"objectives\[0\]\.expect\[0\]: unknown action 'evacuat'; did you mean 'evacuate'\?"),
    "unknown township in an action": (("action: evacuate mixin", "action: evacuate mixim"),
                                      r"injects\[0\]\.unless\.action: 'evacuate mixim': unknown township "
                                      r"'mixim'; did you mean 'mixin'\?"),
    "unknown force in an action": (("expect: [evacuate mixin]", "expect: [dispatch water_rescu to mixin]"),
                                   r"objectives\[0\]\.expect\[0\]: 'dispatch water_rescu to mixin': no unit or "
                                   r"force 'water_rescu'; did you mean 'water_rescue'\?"),
    "unknown inject followed": (("inject: mixin_call", "inject: mixin_cal"),
                                r"injects\[1\]\.after\.inject: no planned inject with id 'mixin_cal'; "
                                r"did you mean 'mixin_call'\?"),
    "unknown event": (("event: warning_issued", "event: warning_issue"),
                      r"injects\[2\]\.after\.event: unknown event 'warning_issue'; did you mean 'warning_issued'\?"),
    "unknown objective": (("    objective: O1", "    objective: O2"),
                          r"injects\[0\]\.objective: no objective 'O2' in objectives: \(have: O1\)"),
    "unknown capability": (("capability: Critical Transportation", "capability: Critical Transport"),
                           r"objectives\[0\]\.capability: 'Critical Transport' is not a core capability of "
                           r"the National Preparedness Goal; did you mean 'Critical Transportation'\?"),
    "two triggers": (("unless: {action: evacuate mixin, by: 5h}", "unless: {action: evacuate mixin, by: 5h}\n    at: 3h"),
                     r"injects\[0\]\.unless: one trigger per inject: it has at and unless"),
    "trigger after the horizon": (("by: 5h}", "by: 3d}"),
                                  r"injects\[0\]\.unless\.by: 3d is at or after the end of the drill"),
    "this on a message": (("    objective: O1", "    objective: O1\n    expect: [dispatch water_rescue to this]"),
                          r"injects\[0\]\.expect\[0\]: 'dispatch water_rescue to this': 'this' is the incident"),
    "a crest is no trigger": (("event: warning_issued", "event: flood_peak"),
                              r"injects\[2\]\.after\.event: unknown event 'flood_peak'"),
    "an outcome is no trigger": (("event: warning_issued", "event: flood_outcome"),
                                 r"injects\[2\]\.after\.event: unknown event 'flood_outcome'"),
    "a township on an event naming none": (("event: warning_issued, delay", "event: weather_warning, township: mixin, delay"),
                                           r"injects\[2\]\.after\.township: event 'weather_warning' names no "
                                           r"township: a township filter on it would never fire"),
    "event trigger without delay": (("delay: 15min", "delay: 0min"),
                                    r"injects\[2\]\.after\.delay: an inject follows an event by at least 1min"),
    "event trigger under a minute": (("delay: 15min", "delay: 0.5min"),
                                     r"injects\[2\]\.after\.delay: an inject follows an event by at least 1min "
                                     r"\(it is fired between simulation steps\), not 0\.5min"),
    "bare number as a delay": (("delay: 30min", "delay: 10"),
                               r"injects\[1\]\.after\.delay: a duration needs a unit: write e\.g\. 90min, 12h, 2d, "
                               r"not the bare number 10"),
    "bare number as an objective's time": (("    expect: [evacuate mixin]\ninjects", "    expect: [evacuate mixin]\n    by: 13\ninjects"),
                                           r"objectives\[0\]\.by: a duration needs a unit: write e\.g\. 90min, 12h, 2d, "
                                           r"not the bare number 13"),
    "bare number as an unless time": (("by: 5h}", "by: 5}"),
                                      r"injects\[0\]\.unless\.by: a duration needs a unit: .*not the bare number 5"),
    "objective due after the end": (("    expect: [evacuate mixin]\ninjects", "    expect: [evacuate mixin]\n    by: 300h\ninjects"),
                                    r"objectives\[0\]\.by: 300h is at or after the end of the drill \(horizon \d+ min\): "
                                    r"it could never be met in the drill"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_msel_fields_are_refused_with_file_line_and_field(case, pack, host):
    (old, new), expected = BAD[case]
    text = pack.read_text(encoding="utf-8")
    assert old in text
    pack.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert __import__("re").search(r"flood\.yaml:\d+:\d+: " + expected, result.output), result.output
    with pytest.raises(ValidationFailed, match=expected):
        DrillSession.open(pack, seed=3, host=host)


def test_if_not_is_unless_and_is_located_under_its_own_name(pack, host):
    text = pack.read_text(encoding="utf-8").replace("unless: {action: evacuate mixin, by: 5h}",
                                                    "if_not: {action: evacuate mixn, by: 5h}")
    pack.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 2
    line = text[:text.index("if_not:")].count("\n") + 1
    assert f"flood.yaml:{line}:" in result.output and "injects[0].if_not.action" in result.output


def test_a_duplicate_objective_id_is_the_only_fault_reported(pack, host):
    """Two objectives ``O1`` (the second meant as ``O2``): the duplicate is said, not the
    knock-on "no objective 'O2'" of an inject naming the second one."""
    text = pack.read_text(encoding="utf-8")
    text = text.replace("    expect: [evacuate mixin]\ninjects",
                        "    expect: [evacuate mixin]\n  - id: O1\n    title: Warn Mixin\n"
                        "    capability: Public Information and Warning\ninjects", 1)
    text = text.replace("    objective: O1\n", "    objective: O2\n", 1)
    pack.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    faults = [line for line in result.output.splitlines() if "flood.yaml:" in line]
    assert len(faults) == 1 and "objectives[1].id: objective id 'O1' is used twice" in faults[0], result.output
