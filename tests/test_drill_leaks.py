"""Issue 17, what leaks and what crashed: automatic dispatch on calls not yet heard, the
controller log opened by whoever can read the file, the pack named in the player log,
hidden state on a crash screen, one counter for orders and injects, the controller
screen redrawn before it has columns, planned injects lost to call loss, misspelt
injects. Nothing here waits on wall time."""

from __future__ import annotations

import asyncio
import json

import pytest

from drillsim.drill.drilllog import read_records
from drillsim.drill.packs import draw
from drillsim.drill.session import DrillSession
from drillsim.errors import ValidationFailed
from drillsim.tui.app import DrillApp
from drillsim.tui.screens.controller import ControllerScreen

from .conftest import SCENARIOS

PACK = SCENARIOS / "packs" / "flood.yaml"


def _drawn(seed: int, **reporting):
    drawn = draw(PACK, seed)
    drawn.reporting = {"flood_reports": {**drawn.reporting.get("flood_reports", {}), **reporting}}
    return drawn


def test_automatic_dispatch_acts_only_on_calls_the_command_has_heard(host):
    # a third of the calls lost, each delivered 30-60 min late: many calls wait unheard
    s = DrillSession(_drawn(31, call_loss=0.3, call_delay=["30min", "60min"]), 31, host=host)
    s.command("auto on all")
    s.advance_to(36 * 60)
    lost = {g.incident for g in s.gaps if g.incident}
    dispatched = [e for e in s.sim.log.events if e.kind == "unit_dispatched" and e.details["by"] == "auto"]
    assert lost and len(dispatched) > 20
    for e in dispatched:
        assert e.incident not in lost                              # never to a call that never came
        assert e.incident in s.refs and s.heard_at[e.incident] <= e.t  # never before it came
    # and the heard rescue calls did get units: the first one as soon as it was heard (a
    # unit was free then), not 30-60 min earlier when the call was made
    first = min(dispatched, key=lambda e: e.t)
    assert first.t == pytest.approx(s.heard_at[first.incident])
    assert first.t >= s.sim.incidents[first.incident].created + 30


def test_the_controller_log_is_sealed_and_resume_needs_the_control_secret(tmp_path, host):
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(PACK, seed=4242, host=host, log_path=log, secret="the-control-cell")
    s.advance_to(600)
    s.command("evacuate mixin")
    s.close()
    sealed = log.with_name("d.controller.jsonl").read_text(encoding="utf-8")
    assert "4242" not in sealed and "variant" not in sealed and '"seed"' not in sealed
    # the player, who can read both files, cannot resume — with or without --controller
    with pytest.raises(ValidationFailed, match="give the control secret"):
        DrillSession.resume(log, None, host=host)
    with pytest.raises(ValidationFailed, match="does not open the controller log"):
        DrillSession.resume(log, "a-guess", host=host)
    with pytest.raises(ValidationFailed, match="does not open"):
        DrillSession.replayer(log, "a-guess", host=host)
    resumed = DrillSession.resume(log, "the-control-cell", host=host)
    assert resumed.now == pytest.approx(600) and resumed.orders[0].text == "evacuate mixin"
    resumed.close()


def test_a_changed_line_is_refused(tmp_path, host):
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(PACK, seed=5, host=host, log_path=log, secret="k")
    s.advance_to(300)
    s.command("evacuate mixin")
    s.advance_to(400)
    s.close()
    lines = log.read_text(encoding="utf-8").splitlines()
    n = next(i for i, ln in enumerate(lines) if '"rec": "order"' in ln)
    lines[n] = lines[n].replace("evacuate mixin", "evacuate yuxi")
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="hash chain breaks"):
        DrillSession.resume(log, "k", host=host)
    # a sealed record changed by one character fails its HMAC
    clog = log.with_name("d.controller.jsonl")
    cl = clog.read_text(encoding="utf-8").splitlines()
    cl[1] = cl[1][:40] + ("A" if cl[1][40] != "A" else "B") + cl[1][41:]
    clog.write_text("\n".join(cl) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        DrillSession.replayer(log, "k", host=host)


def test_a_torn_last_line_is_cut_and_the_drill_goes_on(tmp_path, host):
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(PACK, seed=6, host=host, log_path=log, secret="k")
    s.advance_to(300)
    s.command("evacuate mixin")
    s.close()
    with open(log, "a", encoding="utf-8") as fh:
        fh.write('{"rec": "order", "t": 3')            # kill -9 mid-write
    resumed = DrillSession.resume(log, "k", host=host)
    resumed.advance_to(320)
    resumed.close()
    assert [r["rec"] for r in read_records(log)][-1] in ("clock", "resumed", "message")
    assert log.read_text(encoding="utf-8").endswith("\n")


def test_player_log_names_no_pack_and_orders_are_numbered_without_gaps(tmp_path, host):
    log = tmp_path / "d.jsonl"
    s = DrillSession.open(PACK, seed=77, host=host, log_path=log)
    s.advance_to(500)
    s.command("evacuate mixin")
    s.command("inject message the bridge is closed", controller=True)
    s.command("fire 2", controller=True)                          # the landslide
    s.command("evacuate yuxi")
    s.command("inject roadopen shuangjiang", controller=True)
    s.command("evacuate zitong")
    s.advance_to(600)
    s.close()
    text = log.read_text(encoding="utf-8")
    assert "flood.yaml" not in text and "packs" not in text and "Fujiang flood drills" not in text
    player = [json.loads(x) for x in text.splitlines()]
    assert [r["act"] for r in player if r["rec"] == "order"] == [1, 2, 3]
    control = read_records(log.with_name("d.controller.jsonl"), s.secret)
    assert [(r["seq"], r["after"]) for r in control if r["rec"] == "inject"] == [(1, 1), (2, 1), (3, 2)]
    # a replay interleaves them as given: the road reopened after the landslide
    r = DrillSession.replayer(log, s.secret, host=host)
    r.advance_to(600)
    kinds = [e.kind for e in r.sim.log.events if e.kind in ("road_closed", "road_opened", "evacuation_ordered")]
    live = [e.kind for e in s.sim.log.events if e.kind in ("road_closed", "road_opened", "evacuation_ordered")]
    assert kinds == live and "road_closed" in kinds and kinds.index("road_closed") < kinds.index("road_opened")


def test_a_planned_incident_inject_is_never_lost_to_call_loss(host):
    s = DrillSession(_drawn(8, call_loss=1.0), 8, host=host)     # every call lost
    s.advance_to(120)
    r = s.command("fire 5", controller=True)                       # the care home in Zitong
    assert r.ok
    s.advance_to(130)
    heard = [m for m in s.messages if m.incident is not None
             and s.sim.incidents[m.incident].details.get("injected")]
    assert heard and heard[0].t == pytest.approx(120)
    # unless the inject says it may be lost
    r = s.command("inject incident flood_rescue yuxi boats=1", controller=True)
    inc_id = r.text.split()[1]
    assert s.refs.get(inc_id) is not None                         # ad-hoc: delivered too
    s.fire({"kind": "incident", "incident_kind": "flood_rescue", "place": "mixin",
            "demand": {"boats": 1}, "may_be_lost": True})
    last = list(s.sim.incidents)[-1]
    s.advance_to(200)
    assert last not in s.refs and any(g.incident == last for g in s.gaps)


@pytest.mark.parametrize("line, says", [
    ("inject incident flood_rescue zitong boat=1", "no unit brings 'boat'; did you mean 'boats'?"),
    ("inject incident flod_rescue zitong boats=1", "unknown incident kind 'flod_rescue'; did you mean 'flood_rescue'?"),
])
def test_misspelt_injects_are_refused_with_did_you_mean(host, line, says):
    s = DrillSession(draw(PACK, 3), 3, host=host)
    before = len(s.sim.incidents)
    r = s.command(line, controller=True)
    assert not r.ok and says in r.text
    assert len(s.sim.incidents) == before


def test_controller_screen_survives_the_clock_ticking_while_it_opens(tmp_path, host):
    session = DrillSession.open(PACK, seed=9, host=host)

    async def go():
        app = DrillApp(session, autoplay=False, controller=True)
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(5):
                app.push_screen(ControllerScreen(session))
                app.step(5)          # the clock redraws the screen before it is mounted
                await pilot.pause()
                assert isinstance(app.screen, ControllerScreen)
                assert app.screen.query_one("#planned").row_count == len(session.planned)
                app.pop_screen()
                await pilot.pause()

    asyncio.run(go())


def test_a_crash_shows_no_hidden_state(tmp_path, host, capsys):
    log = tmp_path / "d.jsonl"
    session = DrillSession.open(PACK, seed=123457, host=host, log_path=log)
    hidden = [str(session.seed), session.drawn.variant, "flood.yaml"]

    async def go():
        app = DrillApp(session, autoplay=False)

        def bug():
            seed, variant = session.seed, session.drawn.variant  # noqa: F841 - locals a traceback shows
            raise KeyError(f"{seed} {variant}")

        app.action_bug = bug
        app.bind("f9", "bug")
        with pytest.raises(KeyError):
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.press("f9")
                await pilot.pause()
        return app

    app = asyncio.run(go())
    shown = capsys.readouterr().err
    assert "the drill crashed (KeyError" in shown
    for word in hidden:
        assert word not in shown
    control = read_records(log.with_name("d.controller.jsonl"), session.secret)
    crash = next(r for r in control if r["rec"] == "crash")
    assert str(session.seed) in crash["traceback"]              # kept for the controller
    for word in hidden:
        assert word not in log.read_text(encoding="utf-8")


def test_control_secret_file_is_made_once_owner_only_and_read_back(tmp_path, monkeypatch):
    from drillsim.cli.drill import SECRET_ENV, control_secret
    from drillsim.cli.support import Fail

    monkeypatch.delenv(SECRET_ENV, raising=False)
    path = tmp_path / "control.secret"
    with pytest.raises(Fail, match="no such control secret file"):
        control_secret(path, new=False)
    secret, told = control_secret(path, new=True)
    assert len(secret) >= 22 and "written to" in told and secret not in told
    assert path.stat().st_mode & 0o077 == 0
    assert control_secret(path, new=False) == (secret, None)
    monkeypatch.setenv(SECRET_ENV, "from-the-environment")
    assert control_secret(None, new=False) == ("from-the-environment", None)
