"""The drill log survives kill -9: a resumed drill is the drill that was interrupted,
and a finished drill replays to the same end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from drillsim.drill.session import DrillSession

from .conftest import FLOOD, SCENARIOS

# orders at scenario minutes (multiples of the 10-minute step of the driver below)
SCRIPT = [(600, "evacuate mixin"), (650, "dispatch township_teams.mixin C1"), (700, "evacuate yuxi"),
          (900, "auto on water_rescue"), (1000, "standby blue_sky-1 yuxi"), (1100, "aid suining_aid"),
          (1200, "supplies mixin 400"), (1700, "shelter zitong"), (1800, "auto on district_team"),
          (2000, "recall blue_sky-1")]

DRIVER = textwrap.dedent("""
    import sys, time
    from drillsim.drill.session import DrillSession
    SCRIPT = {script!r}
    s = DrillSession.open({flood!r}, seed=77, log_path=sys.argv[1], secret="s3cret")
    while not s.ended:
        for t, line in SCRIPT:
            if t == s.now:
                s.command(line)
        s.advance(10.0)
        print(f"T {{s.now}}", flush=True)
        time.sleep(0.004)
""")


def drive(s, script, given=0):
    """The same driver in-process: orders at their minutes, steps of 10 minutes."""
    pending = script[given:]
    while not s.ended:
        for t, line in pending:
            if t == s.now:
                s.command(line)
        pending = [(t, l) for t, l in pending if t > s.now]
        s.advance(10.0 - (s.now % 10.0) if s.now % 10.0 else 10.0)
    return s


def events_json(s):
    return [e.to_json() for e in s.sim.log.events]


def messages(path):
    return [(r["seq"], r["t"], r["text"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())
            if r["rec"] == "message"]


def test_kill_9_then_resume_gives_the_same_drill(tmp_path, host):
    log = tmp_path / "killed.jsonl"
    code = DRIVER.format(script=SCRIPT, flood=str(FLOOD))
    proc = subprocess.Popen([sys.executable, "-c", code, str(log)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ})
    try:
        for line in proc.stdout:
            if line.startswith("T ") and float(line.split()[1]) >= 1500:
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    last_logged = max(json.loads(x)["t"] for x in log.read_text(encoding="utf-8").splitlines() if x.strip())
    resumed = DrillSession.resume(log, "s3cret", host=host)
    assert resumed.now == last_logged and 1400 <= resumed.now < resumed.horizon
    given = sum(1 for o in resumed.orders)
    assert 7 <= given <= len(SCRIPT)                      # the orders up to the kill were replayed
    drive(resumed, SCRIPT, given)
    resumed.close()

    reference = drive(DrillSession.open(FLOOD, seed=77, host=host, log_path=tmp_path / "whole.jsonl"), SCRIPT)
    reference.close()
    assert events_json(resumed) == events_json(reference)
    assert [(o.t, o.text, o.ok) for o in resumed.orders] == [(o.t, o.text, o.ok) for o in reference.orders]
    # the log holds every message once, as if the drill had never stopped
    assert messages(log) == messages(tmp_path / "whole.jsonl")


def test_replay_plays_a_finished_drill_to_the_same_end(tmp_path, host):
    s = DrillSession.open(FLOOD, seed=5, host=host, log_path=tmp_path / "d.jsonl")
    s.advance_to(900)
    s.command("evacuate zitong")
    s.command("inject message water rising at the bridge", controller=True)
    s.advance_to(1000)
    s.command("dispatch township_teams.zitong C1")
    s.advance_to(1300)
    s.command("end")
    s.close()
    r = DrillSession.replayer(tmp_path / "d.jsonl", s.secret, host=host)
    while not r.ended:
        r.advance(37.0)   # any speed: slices do not change the result
    assert r.now == s.now and r.end_reason == "ended by order"
    assert events_json(r) == events_json(s)
    assert [f.text for f in r.feed] == [f.text for f in s.feed]


def test_resume_of_a_missing_log_is_a_clear_error(tmp_path):
    from drillsim.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="drill log not found"):
        DrillSession.resume(tmp_path / "none.jsonl", "x")


class Killed(BaseException):
    """The process dying at this instant (kill -9): nothing after it runs."""


def test_a_drill_killed_after_any_record_of_an_order_or_inject_resumes(tmp_path, host, monkeypatch):
    """An order and an inject make messages at the instant they are carried out (the
    evacuation's call, the inject's message). A kill can fall between any two records
    written: each such drill must resume, go on and resume again. Before, the effects
    were logged before their cause: a drill killed between the evacuation's message and
    the order's record resumed without the order, logged the next message under the
    evacuation's number (skipped it), and could never be resumed again ("the replay
    does not match the log")."""
    from drillsim.drill import drilllog

    lines = ["evacuate mixin", "inject message the ferry is closed"]

    def play(path, kill_at=None):
        written = [0]
        real = drilllog.LogFile._write

        def write(self, line):
            if kill_at is not None and written[0] == kill_at:
                raise Killed
            written[0] += 1
            real(self, line)

        monkeypatch.setattr(drilllog.LogFile, "_write", write)
        s = DrillSession.open(FLOOD, seed=77, host=host, log_path=path, secret="s3cret")
        try:
            s.advance_to(600.0)
            before = written[0]
            for line in lines:
                s.command(line, controller=True)
            after = written[0]
            s.advance_to(700.0)
        except Killed:
            before = after = None
            s.log.close()   # the files as the dead process left them (no clock written at a close)
        else:
            s.close()
        finally:
            monkeypatch.setattr(drilllog.LogFile, "_write", real)
        return before, after

    before, after = play(tmp_path / "whole.jsonl")
    assert after - before >= 4   # two causes, each with at least one effect logged at once
    for kill_at in range(before, after + 1):
        log = tmp_path / f"killed-{kill_at}.jsonl"
        play(log, kill_at)
        resumed = DrillSession.resume(log, "s3cret", host=host)
        assert resumed.now == 600.0
        resumed.advance_to(700.0)
        resumed.close()
        again = DrillSession.resume(log, "s3cret", host=host)   # refused before the fix
        assert again.now == 700.0
        given = [o.text for o in again.orders] + [r.inject.get("text") for r in again.injects]
        again.close()
        seqs = [r[0] for r in messages(log)]
        assert seqs == list(range(1, len(seqs) + 1)), kill_at   # every message once, in order
        if kill_at == after:   # killed after both: the whole drill's messages
            assert messages(log) == messages(tmp_path / "whole.jsonl")
            assert given == ["evacuate mixin", "the ferry is closed"]


def test_a_replayed_drill_gives_the_same_review_byte_for_byte(tmp_path, host):
    """``drillsim replay`` of a finished drill's log rebuilds the drill: the same events
    and the same review. Before, the replay's review listed the drawn values in the log's
    sorted order instead of the order drawn, and said nothing of the clock run (the
    replay's own pace, not the drill's)."""
    from drillsim.drill import aar

    log = tmp_path / "d.jsonl"
    s = DrillSession.open(SCENARIOS / "packs" / "flood.yaml", seed=5, host=host, log_path=log, secret="s3cret")
    assert list(s.drawn.choices) != sorted(s.drawn.choices)   # an order a sorted log would lose
    s.set_paused(False)
    s.set_speed(600)
    for t, line in [(300, "evacuate mixin"), (420, "fire 2"), (600, "evacuate yuxi"), (900, "supplies mixin 400")]:
        while s.now < t:
            s.tick(1.0)     # 10 scenario minutes a tick at 600x
        s.command(line, controller=line.startswith("fire"))
    while s.now < 1200:
        s.tick(1.0)
    s.command("end")
    live = aar.build(s).markdown
    events = events_json(s)
    s.close()
    assert "scenario time run by the clock: 20.0 h at 600×" in live

    r = DrillSession.replayer(log, "s3cret", host=host)
    r.paused = False
    while not r.ended:
        r.advance(37.0)
    assert events_json(r) == events
    assert aar.build(r).markdown == live
