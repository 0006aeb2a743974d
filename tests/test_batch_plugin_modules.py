"""Plugins given as ``.py`` files in the commands that run replications (issue 20):
``batch --plugin-module NAME=FILE.py`` gives the same results table in this process, on a
local pool and on a local Dask cluster; the file travels to the workers in the bundle
(they import their own copy when the original is not there); a sweep whose scenario
names a module needs ``--allow-plugin-module``; ``--traceback`` shows a failing
plugin's own traceback; a worker without an installed plugin says which and the fix."""

from __future__ import annotations

import sqlite3
import textwrap

import pytest
from click.testing import CliRunner

from drillsim.batch.executor import InProcessExecutor, LocalPoolExecutor
from drillsim.batch.runner import bundle_of, tasks_for
from drillsim.batch.sweep import load_sweep
from drillsim.cli.main import main
from drillsim.host.pluginhost import load_plugins
from tests.batch_helpers import FACTORIAL, write_sweep
from tests.conftest import BUILTIN
from tests.test_coverage import four  # noqa: F401  (fixture)

# the farthest free unit instead of the default's nearest: with the mini region's two
# teams 22.2 km apart, response times change (checked below against the run without it)
FARTHEST = textwrap.dedent("""\
    from drillsim.api import hookimpl

    @hookimpl
    def drillsim_choose_units(sim, incident, candidates):
        return [max(candidates, key=lambda u: sim.travel_time(u, u.position(sim.now), incident.place))]
    """)

FAILING = textwrap.dedent("""\
    from drillsim.api import hookimpl

    def pick(candidates):
        return len(candidates) / 0

    @hookimpl
    def drillsim_choose_units(sim, incident, candidates):
        return [pick(candidates)]
    """)


def tables(db) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    try:
        return (list(conn.execute("SELECT * FROM results ORDER BY 1, 2, 3")),
                list(conn.execute("SELECT * FROM replications ORDER BY 1, 2")))
    finally:
        conn.close()


def batch(*args):
    return CliRunner().invoke(main, ["batch", *map(str, args), "-q"])


def test_a_plugin_file_gives_the_same_table_in_process_on_a_pool_and_on_dask(mini, tmp_path):
    sweep = write_sweep(mini, FACTORIAL)
    rule = tmp_path / "rules" / "farthest.py"
    rule.parent.mkdir()
    rule.write_text(FARTHEST)
    ran = {}
    for name, options in (("inprocess", ["--workers", "0"]), ("pool", ["--workers", "2"]),
                          ("plain", ["--workers", "0"])):
        extra = [] if name == "plain" else ["--plugin-module", f"farthest={rule}"]
        result = batch(sweep, "--db", tmp_path / f"{name}.db", *options, *extra)
        assert result.exit_code == 0, result.output
        ran[name] = tables(tmp_path / f"{name}.db")
    rows, reps = ran["inprocess"]
    assert len(reps) == 18 and len(rows) == 36  # 6 variants x 3 replications, rows R and Q
    assert ran["pool"] == ran["inprocess"]
    # the plugin was used: the farthest team answers, so the responses are not the default's
    assert ran["plain"][0] != rows
    pytest.importorskip("distributed")
    result = batch(sweep, "--db", tmp_path / "dask.db", "--executor", "dask", "--workers", "2",
                   "--plugin-module", f"farthest={rule}")
    assert result.exit_code == 0, result.output
    assert "local Dask cluster, 2 worker(s)" in result.output
    assert tables(tmp_path / "dask.db") == ran["inprocess"]


def test_workers_import_the_shipped_copy_when_the_file_is_not_there(mini, host, tmp_path):
    # a remote worker has no access to the author's file: here the file is moved away
    # after the bundle is made, so every worker must import the bytes it was sent
    rule = tmp_path / "farthest.py"
    rule.write_text(FARTHEST)
    with_rule = load_plugins(only=BUILTIN, modules={"farthest": str(rule)})
    sweep = load_sweep(write_sweep(mini, FACTORIAL), with_rule)
    bundle = bundle_of(sweep)
    assert [(n, t, b) for n, t, b in bundle.modules] == [("farthest", str(rule), FARTHEST.encode())]
    assert "farthest" in sweep.plugins
    tasks = tasks_for(sweep, bundle, 2, set())

    def run_all(executor):
        with executor:
            executor.start(bundle, tuple(sweep.plugins))
            return sorted((r.variant, r.replication, r.values, r.failure) for b in executor.batches(tasks)
                          for r in b)

    reference = run_all(InProcessExecutor())
    assert all(failure is None for *_, failure in reference)
    rule.rename(tmp_path / "moved.py")
    assert run_all(LocalPoolExecutor(2)) == reference
    pytest.importorskip("distributed")
    from drillsim.batch.dask_executor import DaskExecutor

    assert run_all(DaskExecutor(workers=2)) == reference


def test_a_sweep_whose_scenario_names_a_module_needs_allow_plugin_module(mini, tmp_path):
    body = "plugins:\n  - {name: farthest, module: rules/farthest.py}\n"
    from tests.batch_helpers import MINI_BODY

    sweep = write_sweep(mini, FACTORIAL, body=body + MINI_BODY)
    (sweep.parent.parent / "rules").mkdir()
    (sweep.parent.parent / "rules" / "farthest.py").write_text(FARTHEST)
    result = batch(sweep, "--db", tmp_path / "refused.db", "--workers", "0")
    assert result.exit_code == 2
    assert "drillsim imports a module named in a scenario only when you allow it: pass " \
           "--allow-plugin-module" in result.output
    result = batch(sweep, "--db", tmp_path / "allowed.db", "--workers", "2", "--allow-plugin-module")
    assert result.exit_code == 0, result.output
    rule = sweep.parent.parent / "rules" / "farthest.py"
    result = batch(sweep, "--db", tmp_path / "option.db", "--workers", "0", "--plugin-module",
                   f"farthest={rule}", "--allow-plugin-module")
    assert result.exit_code == 0, result.output
    assert tables(tmp_path / "allowed.db") == tables(tmp_path / "option.db")


def test_batch_traceback_shows_the_plugins_own_frames(mini, tmp_path):
    sweep = write_sweep(mini, FACTORIAL)
    rule = tmp_path / "failing.py"
    rule.write_text(FAILING)
    args = [sweep, "-n", "1", "--workers", "0", "--plugin-module", f"failing={rule}"]
    plain = batch(*args, "--db", tmp_path / "a.db")
    assert plain.exit_code == 1
    line = ("failed (plugin failed): plugin 'failing' failed in drillsim_choose_units at scenario "
            "time")
    assert line in plain.output and "Traceback" not in plain.output
    shown = batch(*args, "--db", tmp_path / "b.db", "--traceback")
    assert shown.exit_code == 1 and line in shown.output
    trace = shown.output[shown.output.index("Traceback (most recent call last):"):]
    # the plugin's frames, innermost last, and its own exception, not the engine's wrapper
    assert f'File "{rule}", line 8, in drillsim_choose_units' in trace
    assert f'File "{rule}", line 4, in pick' in trace
    first = trace.split("\nreplication ")[0]
    assert first.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "PluginFailed" not in first


def test_a_plugin_missing_on_pool_workers_names_it_and_the_fix(mini, host, tmp_path):
    from drillsim.batch.worker import check_plugins

    message = check_plugins(("rescue_teams", "ambulance_not_here"), where="worker w")
    assert message == ("plugin 'ambulance_not_here' is not installed on worker w: install it there "
                       "and restart the worker, or give the plugin as a .py file (--plugin-module "
                       "ambulance_not_here=FILE.py), which drillsim sends to every worker")


# every trip takes 25 min (instead of the four-township region's 10 min from a to b)
SLOW_ROADS = textwrap.dedent("""\
    from drillsim.api import hookimpl

    @hookimpl(tryfirst=True)
    def drillsim_travel_time(sim, unit, origin, destination):
        return 25.0
    """)


def test_size_with_a_plugin_file_on_a_pool(four, tmp_path):  # noqa: F811
    import json

    from tests.test_sizing import BODY, PLAN

    (four.parent / "plan.yaml").write_text(PLAN, encoding="utf-8")
    four.write_text(four.read_text().split("run:")[0] + BODY, encoding="utf-8")
    rule = tmp_path / "slow.py"
    rule.write_text(SLOW_ROADS)
    got = {}
    for workers in ("0", "2"):
        out = tmp_path / f"s{workers}.json"
        r = CliRunner().invoke(main, ["size", str(four), "--force", "north", "--target", "R",
                                      "--min", "3", "--max", "3", "-n", "3", "-w", workers,
                                      "--json", str(out), "--plugin-module", f"slow={rule}", "-q"])
        assert r.exit_code == 0, r.output
        got[workers] = json.loads(out.read_text())
    assert got["0"] == got["2"]
    # 3 units, one per call: turnout 2 min + the plugin's 25 min (12 min without it,
    # tests/test_sizing.py)
    assert got["0"]["points"][0]["mean"] == pytest.approx(27.0)


@pytest.mark.parametrize("command", ["batch", "optimise", "size", "sensitivity"])
def test_every_command_that_runs_replications_takes_the_loading_options(command):
    r = CliRunner().invoke(main, [command, "--help"], terminal_width=200)
    assert r.exit_code == 0
    for option in ("--plugin-module NAME=MODULE", "--allow-plugin-module", "--trace-hooks"):
        assert option in r.output


def test_a_dotted_module_missing_on_a_worker_names_it_and_the_fix():
    from drillsim.batch.worker import Bundle, check_plugins, install

    bundle = Bundle("k" * 64, "s.yaml", (("s.yaml", "name: x\n"),),
                    modules=(("rules", "no_such_package.rules", b""),),
                    origins=(("rules", "module no_such_package.rules"),))
    install(bundle)
    message = check_plugins(("rules",), where="worker w", key=bundle.key)
    assert message.startswith("on worker w: plugin 'rules': cannot import module "
                              "'no_such_package.rules': ModuleNotFoundError")
    assert message.endswith("; install module no_such_package.rules there, or give the plugin as a "
                            ".py file (--plugin-module rules=FILE.py), which drillsim sends to every "
                            "worker")
    assert "\n" not in message
