"""The garbage collector is held back while a command imports and loads
(drillsim.engine.collector.collector_held) and is on again afterwards, however it ends."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main
from drillsim.engine.collector import collector_held

ROOT = Path(__file__).resolve().parent.parent


def test_held_inside_on_after_and_what_was_made_is_frozen():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with collector_held():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]  # tracked objects made meanwhile
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept)
    gc.unfreeze()


def test_on_again_after_an_error_and_left_off_if_it_was_off():
    with pytest.raises(ValueError):
        with collector_held():
            raise ValueError("bad input")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


@pytest.mark.parametrize("scenario, code", [("fujiang_flood_2020.yaml", 0), ("no_such_file.yaml", 2)])
def test_a_run_leaves_the_collector_on(scenario, code):
    result = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / scenario), "-n", "1", "-q"])
    assert result.exit_code == code, result.output
    assert gc.isenabled()
    gc.unfreeze()


def test_the_console_script_leaves_the_collector_on(monkeypatch, capsys):
    from drillsim import entry

    monkeypatch.setattr("sys.argv", ["drillsim", "--help"])
    with pytest.raises(SystemExit) as exc:
        entry.main()
    assert exc.value.code == 0
    assert "Usage" in capsys.readouterr().out
    assert gc.isenabled()
    gc.unfreeze()


def test_a_run_printing_its_scorecard_leaves_the_collector_on():
    result = CliRunner().invoke(main, ["run", str(ROOT / "scenarios" / "fujiang_flood_2020.yaml"), "-n", "1"])
    assert result.exit_code == 0, result.output
    assert "Verdict:" in result.output
    assert gc.isenabled()
    gc.unfreeze()
