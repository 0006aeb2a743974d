"""Names the user writes print as written (issue 19, class 4): the scorecard, the batch
comparison and the drill's screens pass scenario, plan, target, sweep and variant names
and typed orders to rich as text, never as markup, so ``[red]x[/red]`` keeps its brackets
and ``:100:`` stays three characters plus two colons instead of becoming an emoji."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

CORPUS = Path(__file__).resolve().parent / "bad_inputs" / "scenarios"
ODD = "[red]x[/red] [bold]y :100: :smile:"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    root = tmp_path / "scenarios"
    shutil.copytree(CORPUS, root)
    monkeypatch.chdir(tmp_path)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _odd_names(root: Path) -> None:
    """Markup and emoji codes in the scenario name, the plan name, a target title and an
    assumption (quoted YAML: brackets would otherwise be a list)."""
    _edit(root / "valid.yaml", "name: valid mini scenario", f"name: 'scenario {ODD}'")
    _edit(root / "valid.yaml", "{what: call rate, value: 2/h, reason: test corpus}",
          f"{{what: 'rate {ODD}', value: 2/h, reason: 'because {ODD}'}}")
    _edit(root / "plans" / "mini.yaml", "name: Mini plan (bad-input corpus)", f"name: 'plan {ODD}'")
    _edit(root / "plans" / "mini.yaml", "title: response,", f"title: 'response {ODD}',")


def test_the_scorecard_prints_names_as_written(tree):
    _odd_names(tree)
    result = CliRunner().invoke(main, ["run", "scenarios/valid.yaml", "-n", "2", "--verbose"],
                                env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (f"scenario {ODD}", f"plan: plan {ODD}", f"response {ODD}",
                 f"rate {ODD} = 2/h — because {ODD}"):
        assert text in out, text
    assert "💯" not in out and "😄" not in out


def test_the_batch_comparison_prints_names_as_written(tree, tmp_path):
    _odd_names(tree)
    sweep = tree / "sweeps" / "valid.yaml"
    _edit(sweep, "name: valid mini sweep", f"name: 'sweep {ODD}'")
    sweep.write_text(sweep.read_text(encoding="utf-8").split("factors:")[0]
                     + "variants:\n"
                     + f"  - {{name: 'first {ODD}', set: {{forces.team.units: 1}}}}\n"
                     + "  - {name: second, set: {forces.team.units: 2}}\n"
                     + "objective: {measure: mean, target: R}\n", encoding="utf-8")
    db = tmp_path / "b.db"
    ran = CliRunner().invoke(main, ["batch", "scenarios/sweeps/valid.yaml", "--workers", "0",
                                    "--db", str(db), "--quiet"])
    assert ran.exit_code == 0, ran.output
    shown = CliRunner().invoke(main, ["results", str(db), "--target", "R"],
                               env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    out = shown.output
    for text in (f"sweep {ODD}", f"first {ODD}", f"response {ODD}"):
        assert text in out, text
    assert "💯" not in out and "😄" not in out


def test_the_drill_screens_print_typed_orders_and_pack_names_as_written(tmp_path):
    pytest.importorskip("textual")
    from drillsim.drill.session import DrillSession
    from drillsim.tui.app import DrillApp

    from .conftest import SCENARIOS
    from .test_drill_tui import SIZE, order, screen_text

    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, root)
    _edit(root / "packs" / "flood.yaml", "\nname: ", f"\nname: 'pack {ODD}'\n# was: ")
    session = DrillSession.open(root / "packs" / "flood.yaml", seed=5, log_path=tmp_path / "d.jsonl")

    async def go():
        app = DrillApp(session, autoplay=False, controller=True, review_path=str(tmp_path / "r.md"))
        async with app.run_test(size=SIZE) as pilot:
            await order(pilot, "dispatch x [red]y[/red]")  # the reply quotes the incident typed
            await pilot.pause()
            assert "✗ no incident '[red]y[/red]' known to the command" in screen_text(app)
            app.step(60)
            await pilot.press("f2")  # the controller's screen: the pack's name in the truth panel
            await pilot.pause()
            text = screen_text(app)
            assert f"hidden: pack {ODD}" in text
            assert "💯" not in text

    asyncio.run(go())
