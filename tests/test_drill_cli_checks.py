"""Checks the drill commands make before anything is written or started: a terminal for
the full-screen views (``drill PACK < /dev/null`` started Textual anyway), an address
``drill serve`` can listen on and a ``--secrets-dir`` it can write (a port in use exited
1 after writing the secrets folder)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

from .conftest import SCENARIOS

PACK = SCENARIOS / "packs" / "flood.yaml"


def _nothing_written(folder):
    return sorted(p.name for p in folder.iterdir()) == []


@pytest.mark.parametrize("args, said", [
    (["drill", str(PACK), "--seed", "1"],
     "a drill needs a terminal (its screens read keys and draw there), and standard input is "
     "not one; nothing was started"),
    (["drill", "play", str(PACK), "--secret-file", "control.secret"],
     "a drill needs a terminal (its screens read keys and draw there), and standard input is "
     "not one; nothing was started"),
    (["drill", "join", "127.0.0.1:8765", "--seat", "control"],
     "a seat needs a terminal (its screens read keys and draw there), and standard input is not "
     "one; give --web PORT to use a browser instead; nothing was started"),
])
def test_a_full_screen_view_without_a_terminal_is_refused_before_anything_is_written(
        args, said, tmp_path, monkeypatch):
    """CliRunner's standard input and output are not terminals, as ``< /dev/null`` or a
    pipe: exit 2, one line, and neither a drill log nor a secret file left behind (the
    pack is still checked first: its faults come before the terminal)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    result = CliRunner().invoke(main, args, input="")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == said
    assert "Traceback" not in result.output
    assert _nothing_written(tmp_path)


def test_replay_without_a_terminal_points_to_plain(tmp_path, monkeypatch, host):
    from drillsim.drill.session import DrillSession

    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    log = tmp_path / "d.jsonl"
    DrillSession.open(PACK, seed=1, host=host, log_path=log, secret="s").close()
    result = CliRunner().invoke(main, ["replay", str(log)], input="", env={"DRILLSIM_CONTROL_SECRET": "s"})
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        "replay's full-screen view needs a terminal (its screens read keys and draw there), and "
        "standard input is not one; give --plain to print the feed as text; nothing was started")
    plain = CliRunner().invoke(main, ["replay", str(log), "--plain", "--speed", "1e9"],
                               env={"DRILLSIM_CONTROL_SECRET": "s"})
    assert plain.exit_code == 0, plain.output
    assert "-- end of the drill" in plain.output


def test_a_bad_pack_is_said_before_the_missing_terminal(tmp_path, monkeypatch):
    bad = tmp_path / "pack.yaml"
    bad.write_text("kind: nothing\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["drill", str(bad), "--seed", "1"], input="")
    assert result.exit_code == 2, result.output
    assert "needs a terminal" not in result.output and str(bad) in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.yaml"]


def test_serve_on_a_port_in_use_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["drill", "serve", str(PACK), "--port", str(port),
                                           "--secrets-dir", "secrets", "--log", "d.jsonl"])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1].startswith(f"cannot listen on 127.0.0.1:{port}: Address already in use")
    assert _nothing_written(tmp_path)


@pytest.mark.parametrize("args, said", [
    (["--host", "no-such-host.invalid"], "--host no-such-host.invalid: cannot resolve it ("),
    # refused as every output folder under a file is, when the option is read (breaker2)
    (["--secrets-dir", "taken/secrets"], "Error: Invalid value for '--secrets-dir': 'taken/secrets': 'taken' "
                                         "is a file, not a folder: no folder can be made under it"),
])
def test_serve_refuses_what_it_cannot_use_before_writing(args, said, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["drill", "serve", str(PACK), "--port", "0", *args])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1].startswith(said), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_drill_names_its_scenario_as_given(tmp_path, monkeypatch):
    """Its faults printed the scenario's absolute path (/home/…/x.yaml:17:14); every other
    command prints the name given on the command line."""
    import shutil

    shutil.copytree(SCENARIOS.parent / "tests" / "bad_inputs" / "scenarios", tmp_path / "corpus")
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    given = "../corpus/15-negative-duration.yaml"
    result = CliRunner().invoke(main, ["drill", given, "--seed", "1"], input="")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{given}:17:14: forces[0].turnout: -5min is outside"), result.output
    validated = CliRunner().invoke(main, ["validate", given])
    assert validated.output.splitlines()[0] == result.output.splitlines()[0]
