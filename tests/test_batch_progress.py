"""batch says what it is doing from its first second: a spinner names each start-up step,
then the replications bar takes its place."""

from __future__ import annotations

import io

from rich.console import Console

from drillsim.batch.progress import BatchProgress


def test_steps_then_the_bar():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    with BatchProgress(console=console) as bar:
        bar.step("checking the sweep s.yaml and every variant it expands to")
        bar.progress.refresh()
        assert [t.description for t in bar.progress.tasks] == [
            "checking the sweep s.yaml and every variant it expands to"]
        bar.step("starting the workers (4 variants × 2 replications)")
        bar.progress.refresh()
        bar.start(2, 8)        # 2 of 8 stored before
        bar.update(5, 8)
        bar.progress.refresh()
        (task,) = bar.progress.tasks   # the step is gone, the bar stays
        assert task.description == "replications" and task.completed == 3 and task.total == 6
    text = out.getvalue()
    assert "checking the sweep s.yaml" in text and "starting the workers (4 variants" in text
    assert "5/8" in text       # done/total counts what was stored before


def test_disabled_draws_nothing():
    out = io.StringIO()
    with BatchProgress(console=Console(file=out, force_terminal=True), enabled=False) as bar:
        bar.step("loading plugins")
        bar.start(0, 4)
        bar.update(4, 4)
    assert out.getvalue() == ""


def test_a_console_that_is_not_a_terminal_gets_nothing():
    # rich prints a live display's last frame when it stops on a file or pipe: a blank
    # line before the batch's error or summary when the start-up step was removed
    out = io.StringIO()
    with BatchProgress(console=Console(file=out)) as bar:
        bar.step("loading plugins")
    assert out.getvalue() == ""


def test_a_quiet_batch_imports_no_rich(mini, tmp_path):
    # -q draws nothing and prints one closing line on stderr: rich (about 128 M
    # instructions to import) is not needed for it
    import subprocess
    import sys

    from tests.batch_helpers import FACTORIAL, write_sweep

    sweep = write_sweep(mini, FACTORIAL)
    db = tmp_path / "quiet.db"
    code = ("import sys\nfrom drillsim.cli.main import main\n"
            f"try:\n    main(['batch', {str(sweep)!r}, '-n', '2', '-q', '-w', '0', '--db', {str(db)!r}])\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('rich' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
    # 6 variants (2 × 3) × 2 replications, the line as rich printed it before
    assert out.stderr == f"12 replication(s) run (in this process); 12 of 12 in {db}\n"
