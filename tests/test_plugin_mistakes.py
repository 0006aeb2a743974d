"""A careless plugin author's mistakes, each refused in one line naming the plugin.

Registrations (at load time, exit status 2): a unit type with a NaN capability or
turnout, a metric whose quantity, statistic or compute is not one drillsim knows, a
name registered twice by the same plugin, a params model whose default is not a value of
its own field's type. Metrics (during a run, exit status 1): a metric that raises, or
answers something other than a list of (label, finite number) pairs.
"""

from __future__ import annotations

import textwrap

import pytest

from drillsim.errors import ValidationFailed
from drillsim.host.pluginhost import PluginError, PluginHost
from drillsim.host.registry import STATISTICS, _lax_models, default_faults
from tests.conftest import BUILTIN, load_plugin_module




@pytest.mark.parametrize("record, says", [
    ('UnitType(name="t", description="x", capabilities={"people": float("nan")})',
     "unit type 't': capabilities must be a non-empty mapping of names to non-negative numbers, "
     "got {'people': nan}"),
    ('UnitType(name="t", description="x", capabilities={"people": 2}, turnout=float("nan"))',
     "unit type 't': turnout must be a number of minutes, 0 or more, got nan"),
    ('UnitType(name="t", description="x", capabilities={"people": 2}, turnout="5min")',
     "unit type 't': turnout must be a number of minutes, 0 or more, got '5min'"),
    # an int beyond a float's range passed (it compares below inf) and failed at the run
    # with OverflowError's traceback; its 401 digits are cut in the message
    ('UnitType(name="t", description="x", capabilities={"people": 2}, turnout=10**400)',
     "unit type 't': turnout must be a number of minutes, 0 or more, got 1" + "0" * 78 + "…"),
    ('UnitType(name="t", description="x", capabilities={"people": 10**400})',
     "unit type 't': capabilities must be a non-empty mapping of names to non-negative numbers, "
     "got {'people': 1" + "0" * 67 + "…"),
    ('Metric("m", "speed", "x", lambda events, context, params: [])',
     "metric 'm': quantity must be one of time, count, people, share, units, area, got 'speed'"),
    ('Metric("m", "share", "x", 42)',
     "metric 'm': compute must be a function compute(events, context, params), got int 42"),
    ('Metric("m", "share", "x", lambda events, context, params: [], statistic="median")',
     "metric 'm': statistic must be one of mean, min, max, sum, count, p50, p90, p95, got 'median'"),
])
def test_an_invalid_record_is_refused_at_load_time(plugin_from, record, says):
    hook = "drillsim_register_unit_types" if record.startswith("UnitType") else "drillsim_register_metrics"
    mod = plugin_from("careless", f"""\
        from drillsim.api import Metric, UnitType, hookimpl

        @hookimpl
        def {hook}(register):
            register({record})
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("careless", mod)
    assert str(err.value) == f"plugin 'careless', hook {hook}: {says}"


def test_the_statistics_a_metric_may_default_to_are_those_scoring_computes():
    """The registry's list (the host cannot import scoring) is the scenario schema's
    ``Statistic`` and the keys of ``drillsim.scoring.stats.STATISTICS``."""
    import typing

    from drillsim.scenario.schema import Statistic
    from drillsim.scoring.stats import STATISTICS as COMPUTED

    assert set(STATISTICS) == set(typing.get_args(Statistic)) == set(COMPUTED)


def test_one_plugin_registering_a_name_twice_is_told_so(plugin_from):
    mod = plugin_from("twice", """\
        from drillsim.api import UnitType, hookimpl

        TEAM = UnitType(name="dup_team", description="x", capabilities={"people": 1})

        @hookimpl
        def drillsim_register_unit_types(register):
            register(TEAM)
            register(TEAM)
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("twice", mod)
    # it said "registered by both 'twice' and 'twice'"
    assert str(err.value) == ("plugin 'twice', hook drillsim_register_unit_types: unit type 'dup_team' "
                              "is registered twice by 'twice'; register each name once")


@pytest.mark.parametrize("hand_over, says", [
    ("return [TEAM]", "it returned [UnitType('militia_squad')]"),
    ("yield TEAM", "it returned <generator object drillsim_register_unit_types at 0x"),
    ("register(TEAM)\n            return TEAM", "it returned UnitType('militia_squad')"),
])
def test_a_registration_hook_that_returns_its_items_is_told_to_call_register(plugin_from, hand_over, says):
    """Other plugin systems' hooks return what they provide; drillsim's hand it to
    ``register``. A hook that returned its unit type registered nothing, without a word:
    the scenario's force then failed on an "unknown unit type" the plugin seemed to give."""
    mod = plugin_from("returns", f"""\
        from drillsim.api import UnitType, hookimpl

        TEAM = UnitType(name="militia_squad", description="x", capabilities={{"people": 1}})

        @hookimpl
        def drillsim_register_unit_types(register):
            {hand_over}
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("returns", mod)
    message = str(err.value)
    assert message.startswith(f"plugin 'returns', hook drillsim_register_unit_types: {says}"), message
    assert message.endswith("which drillsim does not read; a registration hook returns nothing and "
                            "hands each item to register: register(ITEM) once per item")


def test_a_params_default_written_like_scenario_text_is_refused(plugin_from):
    """pydantic never validates a default: ``delay: Duration = "30min"`` reached every run
    that left the field out as the string '30min' (a TypeError deep in the plugin's
    process); 30.0 (minutes, what the field holds once read) is right."""
    mod = plugin_from("slowpoke", """\
        from drillsim.api import Duration, Strict, UnitType, hookimpl

        class Params(Strict):
            delay: Duration = "30min"
            crews: int = 2

        @hookimpl
        def drillsim_register_unit_types(register):
            register(UnitType(name="slow_team", description="x", capabilities={"people": 1},
                              params_model=Params))
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("slowpoke", mod)
    assert str(err.value) == (
        "plugin 'slowpoke', hook drillsim_register_unit_types: unit type 'slow_team': params "
        "model Params, field delay: default '30min' is not a float (input should be a valid "
        "number); a default is not read like a scenario's text: give the value the field "
        "holds (30.0 for a Duration of 30 min, not '30min'), or no default, so that "
        "scenarios must set it")


@pytest.mark.parametrize("field, says", [
    ('delay: Duration = float("nan")', "delay: default nan is refused: nan min is not a finite number"),
    ("delay: Duration = -5.0",
     "delay: default -5.0 is refused: -5 min is outside the range accepted for a duration "
     "(0–366 d: the longest horizon a run takes)"),
    ("delay: Duration = 0",
     "delay: default 0 is refused: a duration must be greater than zero, got 0 min"),
    ("delay: Duration | None = 527041.0",  # 366 d is 527,040 min
     "delay: default 527041.0 is refused: 527041 min is outside the range accepted for a "
     "duration (0–366 d: the longest horizon a run takes)"),
    ("share: Fraction = 1.5",
     "share: default 1.5 is refused: 1.5 is outside the physical range of a share "
     "(0–100 %: a part of a whole)"),
    ("crews: int = Field(0, ge=1)",
     "crews: default 0 is refused: input should be greater than or equal to 1"),
    # an int beyond a float's range: float() raised OverflowError, which pydantic does not
    # report, so the default loaded unchecked (and failed in the plugin's run)
    ("delay: Duration = 10**400",
     "delay: default 1" + "0" * 78 + "… is refused: a whole number of 401 digits is not a "
     "finite number (beyond a float's range)"),
    ("share: Fraction = 10**400",
     "share: default 1" + "0" * 78 + "… is refused: a whole number of 401 digits is not a "
     "finite number (beyond a float's range)"),
])
def test_a_params_default_the_fields_checks_refuse_is_refused(plugin_from, field, says):
    """A default must pass the checks a scenario's value passes (the fresh user's find:
    ``Duration = float("nan")`` or ``-5.0`` and a share of 1.5 loaded, only their type was
    checked): the same check, :func:`drillsim.scenario.quantities.check_magnitude`, on the
    value in the engine unit."""
    mod = plugin_from("careless", f"""\
        from pydantic import Field
        from drillsim.api import Duration, Fraction, Strict, UnitType, hookimpl

        class Params(Strict):
            {field}

        @hookimpl
        def drillsim_register_unit_types(register):
            register(UnitType(name="slow_team", description="x", capabilities={{"people": 1}},
                              params_model=Params))
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("careless", mod)
    assert str(err.value) == (
        "plugin 'careless', hook drillsim_register_unit_types: unit type 'slow_team': params "
        f"model Params, field {says}; a default passes the checks a scenario's value passes: "
        "give one the field accepts, or no default, so that scenarios must set it")


def test_a_params_default_its_models_own_validator_refuses_is_refused(plugin_from):
    """A ``@field_validator`` (after mode) checks a scenario's value: it checks the default
    too. One that reads another field (``info.data``, empty for a default) is passed over,
    not blamed on the default."""
    mod = plugin_from("picky", """\
        from pydantic import field_validator
        from drillsim.api import Duration, Strict, UnitType, hookimpl

        class Params(Strict):
            crews: int = 2
            callout: Duration = 90.0
            spare: int = 1

            @field_validator("callout")
            @classmethod
            def _short(cls, v):
                if v > 60:
                    raise ValueError(f"a call-out longer than 60 min is a mobilisation ({v:g} min)")
                return v

            @field_validator("spare")
            @classmethod
            def _reads_crews(cls, v, info):
                return v + info.data["crews"]

        @hookimpl
        def drillsim_register_unit_types(register):
            register(UnitType(name="picky_team", description="x", capabilities={"people": 1},
                              params_model=Params))
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("picky", mod)
    assert str(err.value) == (
        "plugin 'picky', hook drillsim_register_unit_types: unit type 'picky_team': params "
        "model Params, field callout: default 90.0 is refused: a call-out longer than 60 min is "
        "a mobilisation (90 min); a default passes the checks a scenario's value passes: give "
        "one the field accepts, or no default, so that scenarios must set it")


def test_a_default_and_a_scenarios_value_meet_one_check():
    """The range a scenario's ``-5min`` is refused by is the one a default of -5.0 is:
    the same words after the value as shown."""
    from drillsim.api import Duration, Fraction, Percent, Strict
    from drillsim.scenario.quantities import parse_fraction, parse_percent, parse_quantity

    class Params(Strict):
        delay: Duration = -5.0
        wind: Percent = 4.5
        ok: Fraction = 0.25
        fine: Duration = 366 * 1440.0

    with pytest.raises(ValueError) as text:
        parse_quantity("-5min", "time")
    with pytest.raises(ValueError) as percent:
        parse_percent("450%")
    assert str(text.value) == ("-5min is outside the range accepted for a duration (0–366 d: the "
                               "longest horizon a run takes)")
    assert default_faults(Params) == [
        f"delay: default -5.0 is refused: -5 min{str(text.value).removeprefix('-5min')}",
        f"wind: default 4.5 is refused: 4.5 (450 %){str(percent.value).removeprefix('450%')}",
    ]
    assert parse_fraction(0.25) == 0.25


def test_default_faults_finds_nested_and_literal_defaults_and_passes_right_ones():
    from typing import Literal

    from drillsim.api import Duration, Strict

    class Inner(Strict):
        rate: float = "fast"
        mode: Literal["walk", "drive"] = "drive"

    class Outer(Strict):
        inner: Inner = Inner.model_construct()
        how: Literal["a", "b"] = "c"
        delay: Duration = 30.0
        count: int = 3
        place: str
        names: list[str] = []

    assert default_faults(Outer) == [
        "inner.rate: default 'fast' is not a float (input should be a valid number)",
        "how: default 'c' is not a Literal['a', 'b'] (input should be 'a' or 'b')",
    ]


def test_drillsims_own_params_models_have_valid_defaults(host):
    """The load-time check skips drillsim's own plugins (59 models at every start-up):
    here they are checked once."""
    checked = 0
    for registry in (host.unit_types, host.hazard_types, host.metrics):
        registry.resolve_all()
        for name in registry.names():
            model = getattr(registry[name], "params_model", None)
            if model is not None:
                checked += 1
                assert default_faults(model) == [], (registry.what, name)
                assert _lax_models(model) == [], (registry.what, name)
    assert checked > 40


@pytest.mark.parametrize("models, says", [
    ("""\
        class Params(BaseModel):
            home_only: bool = True
        """, "params model Params lets unknown fields through (pydantic's extra='ignore')"),
    ("""\
        class Shift(BaseModel):
            start: str = "08:00"

        class Params(Strict):
            home_only: bool = True
            shifts: list[Shift] | None = None
        """, "params model Params, field shifts (Shift) lets unknown fields through (pydantic's extra='ignore')"),
])
def test_a_params_model_letting_unknown_fields_through_is_refused(plugin_from, models, says):
    """A plain pydantic BaseModel ignores fields it does not know: a scenario's misspelt
    ``home_onyl: false`` was dropped without a word and the run used the default."""
    mod = plugin_from("lax", "from pydantic import BaseModel\nfrom drillsim.api import Strict, UnitType, hookimpl\n\n"
                      + textwrap.dedent(models) + """
@hookimpl
def drillsim_register_unit_types(register):
    register(UnitType(name="militia_squad", description="x", capabilities={"people": 1},
                      params_model=Params))
""")
    with pytest.raises(PluginError) as err:
        load_plugin_module("lax", mod)
    assert str(err.value) == (
        f"plugin 'lax', hook drillsim_register_unit_types: unit type 'militia_squad': {says}: a "
        "scenario's misspelt field would be dropped without a word; derive it from "
        "drillsim.api.Strict, as every params model")


METRIC_TARGET = """\
    run: {horizon: 2h}
    forces:
      - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
    hazards:
      - {id: s, type: scripted_incidents, params: {incidents: [
          {at: 5min, kind: call, place: east, demand: {people: 1}, on_scene: 5min}]}}
    """


def scenario_scoring_x1(mini):
    """The mini scenario with target X1 on the plugin's metric ``careless_metric``."""
    path = mini(METRIC_TARGET)
    path.write_text(path.read_text(encoding="utf-8").replace("plan: {file: plan.yaml}\n", textwrap.dedent("""\
        plan:
          file: plan.yaml
          extra_targets:
            - {id: X1, title: careless, metric: careless_metric, comparison: "<=", threshold: 10}
        """)), encoding="utf-8")
    return path


@pytest.mark.parametrize("answer, says", [
    ("[('x', None)]", "returned the observation ('x', None), whose value is not a finite number"),
    ("[('x', float('nan'))]", "returned the observation ('x', nan), whose value is not a finite number"),
    ("[('x', math.inf)]", "returned the observation ('x', inf), whose value is not a finite number"),
    ("[('x', 'fast')]", "returned the observation ('x', 'fast'), whose value is not a finite number"),
    ("None", "returned None instead of a list"),
    ("0.5", "returned 0.5 instead of a list"),
    ("[0.5]", "returned the observation 0.5, not a (label, value) pair"),
    ("[(1, 0.5)]", "returned the observation (1, 0.5), whose label is not a string"),
])
def test_a_metric_answering_nonsense_fails_the_run_naming_plugin_metric_and_target(
        mini, tmp_path, answer, says):
    """Before: None and NaN made the row fail quietly, inf passed it, a string or None
    ended in Python's traceback."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "careless.py"
    plugin.write_text(textwrap.dedent(f"""\
        import math

        from drillsim.api import Metric, hookimpl

        def compute(events, context, params):
            return {answer}

        @hookimpl
        def drillsim_register_metrics(register):
            register(Metric("careless_metric", "count", "x", compute))
        """), encoding="utf-8")
    path = scenario_scoring_x1(mini)
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--plugin-module", f"careless={plugin}"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"run failed: plugin 'careless': metric 'careless_metric' (target X1) {says}; "
        "compute(events, context, params) returns a list of (label, value) pairs, each value "
        "a finite number (minutes for times, 0-1 for shares)")


def test_a_metric_that_raises_fails_the_run_naming_it(mini, tmp_path):
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "careless.py"
    plugin.write_text(textwrap.dedent("""\
        from drillsim.api import Metric, hookimpl

        def compute(events, context, params):
            return [("x", len(events) / 0)]

        @hookimpl
        def drillsim_register_metrics(register):
            register(Metric("careless_metric", "count", "x", compute))
        """), encoding="utf-8")
    path = scenario_scoring_x1(mini)
    args = ["run", str(path), "-q", "--plugin-module", f"careless={plugin}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == ("run failed: plugin 'careless' failed in metric 'careless_metric' "
                                     "(target X1): ZeroDivisionError: division by zero")
    traced = CliRunner().invoke(main, [*args, "--traceback"])
    assert traced.exit_code == 1
    assert 'careless.py", line 4, in compute' in traced.stderr


def test_a_good_metric_of_a_plugin_is_scored(mini, tmp_path):
    """The check lets a right answer through: one incident, one unit sent to it."""
    from drillsim.scenario.loader import load_scenario
    from drillsim.scoring.runner import run

    plugin = tmp_path / "careful.py"
    plugin.write_text(textwrap.dedent("""\
        from drillsim.api import Metric, hookimpl

        def compute(events, context, params):
            return [(e.incident, 1) for e in events if e.kind == "unit_dispatched"]

        @hookimpl
        def drillsim_register_metrics(register):
            register(Metric("careless_metric", "count", "x", compute))
        """), encoding="utf-8")
    host = PluginHost(only=BUILTIN, modules={"careful": str(plugin)})
    outcome = run(load_scenario(scenario_scoring_x1(mini), host=host), host)
    assert outcome.observations[0]["X1"] == [("I1", 1)]
    row = next(r for r in outcome.rows if r.id == "X1")
    assert (row.mean, row.status) == (1.0, "pass")


@pytest.mark.parametrize("group", ["drilsim", "drillsim_plugins", "drillsim.plugins"])
def test_a_plugin_declared_in_a_misspelt_entry_point_group_is_told_where_it_is(mini, host, monkeypatch, group):
    """``[project.entry-points.drilsim]`` installs a plugin drillsim never finds: it was
    "not installed" (with the list of those installed) while pip had just installed it."""
    from importlib import metadata

    from drillsim.host import pluginhost
    from drillsim.scenario.loader import load_scenario
    from tests.batch_helpers import MINI_BODY

    lost = metadata.EntryPoint(name="minbing", value="drillsim_minbing", group=group)
    other = metadata.EntryPoint(name="minbing", value="elsewhere", group="console_scripts")
    monkeypatch.setattr(pluginhost.metadata, "entry_points",
                        lambda: metadata.EntryPoints([other, lost]))
    hint = (f"; a distribution declares it in the entry-point group {group!r}, which drillsim "
            "does not read: name the group 'drillsim' ([project.entry-points.drillsim] in its "
            "pyproject.toml) and pip install it again")
    with pytest.raises(PluginError) as err:
        PluginHost(only=["minbing"])
    assert str(err.value).startswith("plugin(s) not installed: minbing; installed: ")
    assert str(err.value).endswith(hint)
    monkeypatch.setattr(host, "installed", host.installed - {"minbing"})  # whatever this machine has
    with pytest.raises(ValidationFailed) as err:
        load_scenario(mini("plugins: [minbing]\n" + MINI_BODY), host=host)
    said = [str(f) for f in err.value.faults]
    assert any(f.endswith(f"plugins[0]: plugin 'minbing' is not installed or not loaded{hint}") for f in said), said
    # a name in an unrelated group only is no hint
    monkeypatch.setattr(pluginhost.metadata, "entry_points", lambda: metadata.EntryPoints([other]))
    assert pluginhost.misplaced_hint("minbing") == ""


@pytest.mark.parametrize("value, names", [
    ("drillsim.api:arrival_estimate", " names a function, not a module, and"),
    ("drillsim.api", ""),
])
def test_an_entry_point_naming_what_holds_no_hook_is_warned_of(monkeypatch, value, names):
    """``ghost = "pkg:drillsim_register_unit_types"`` (the hook, not its module) loaded a
    plugin that did nothing, without a word: its unit types were then "unknown"."""
    from importlib import metadata

    from drillsim.host import pluginhost

    ghost = metadata.EntryPoint(name="ghost", value=value, group="drillsim")
    monkeypatch.setattr(pluginhost, "_entry_points", lambda: [ghost])
    host = PluginHost(only=["ghost"])
    module = value.split(":")[0]
    assert host.warnings == [
        f"plugin 'ghost' (entry point ghost = \"{value}\"){names} implements no drillsim hook, so "
        "it does nothing; an entry point names the module that holds the hooks "
        f"(ghost = \"{module}\", if that is the module)"]


@pytest.mark.parametrize("value, error", [
    ("drillsim_no_such_module_x", "ModuleNotFoundError: No module named 'drillsim_no_such_module_x'"),
    ("drillsim.api:no_such_attribute", "AttributeError: module 'drillsim.api' has no attribute "
                                       "'no_such_attribute'"),
])
def test_an_entry_point_that_points_nowhere_names_the_plugin_and_the_way_out(monkeypatch, value, error):
    """An installed distribution whose entry point names a module or attribute that does
    not exist stops every command that loads plugins: the line says how to go on without
    it (``drillsim plugins`` itself cannot list anything until then)."""
    from importlib import metadata

    from drillsim.host import pluginhost

    ghost = metadata.EntryPoint(name="ghost", value=value, group="drillsim")
    monkeypatch.setattr(pluginhost, "_entry_points", lambda: [ghost])
    with pytest.raises(PluginError) as err:
        PluginHost(only=["ghost"])
    assert str(err.value) == (
        f"plugin 'ghost' ({value}) failed to import: {error}; fix the package (its "
        "entry point in the drillsim group names the module), or leave it out: "
        "--disable-plugin ghost")
    assert PluginHost(only=[], disabled=["ghost"]).info.keys() == {"drillsim.defaults"}


@pytest.mark.parametrize("body, says", [
    ('raise KeyError("home")', "plugin 'checker' failed checking these params of unit type "
                               "'checked_team': KeyError: 'home' (a fault of the plugin, not of this file)"),
    ('yield "home is wrong"', "plugin 'checker': the check of unit type 'checked_team' yielded "
                              "'home is wrong'; it yields (path, message) pairs"),
])
def test_a_params_check_that_raises_is_the_plugins_fault_located_at_the_params(mini, tmp_path, body, says):
    """A unit type's ``check`` that raised ended ``drillsim validate`` in a traceback."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "checker.py"
    plugin.write_text(textwrap.dedent(f"""\
        from drillsim.api import Strict, UnitType, hookimpl

        class Params(Strict):
            home: str = "west"

        def check(params, context):
            {body}

        @hookimpl
        def drillsim_register_unit_types(register):
            register(UnitType(name="checked_team", description="x", capabilities={{"people": 1}},
                              vehicle="car", params_model=Params, check=check))
        """), encoding="utf-8")
    path = mini("""\
        run: {horizon: 2h}
        forces:
          - {id: a, type: checked_team, base: west_base, params: {home: east}}
        """)
    result = CliRunner().invoke(main, ["validate", str(path), "--plugin-module", f"checker={plugin}"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    # the force's params: line 8 (the mini head has 5 lines, run: and forces: follow), the
    # column where its mapping begins
    column = path.read_text(encoding="utf-8").splitlines()[7].index("{home") + 1
    assert f"{path}:8:{column}: forces[0].params: {says}" in result.output.splitlines(), result.output


def test_a_calculator_option_default_the_option_refuses_names_the_plugin():
    """It was reported as the user's bad --speed although they never gave it:
    "Error: Invalid value for '--speed': 'fast' is not a speed with a unit"."""
    from drillsim.api import CalcOption, Calculator
    from drillsim.cli.hazard import _check_defaults
    from drillsim.cli.support import Fail

    calc = Calculator("drive_time", "minutes to drive", (
        CalcOption("distance", "length", "road distance", required=True),
        CalcOption("speed", "speed", "average speed", default="fast")),
        lambda distance, speed: {"minutes": distance / speed * 60})
    with pytest.raises(Fail) as err:
        _check_defaults(calc, "careless")
    assert err.value.exit_code == 2
    assert str(err.value) == (
        "plugin error: plugin 'careless', calculator 'drive_time': the default of --speed, 'fast', "
        "is refused: 'fast' is not a speed with a unit (e.g. 40km/h, 7m/s); the default is "
        "written as a user would type it (e.g. '40km/h')")


def test_drillsims_own_calculator_defaults_read_as_their_options(host):
    from drillsim.cli.hazard import _check_defaults

    names = host.calculators.names()
    assert len(names) >= 4  # fire, landslide, plume, route
    for name in names:
        _check_defaults(host.calculators[name], host.calculators.providers[name])


@pytest.mark.parametrize("value, ok", [(0.5, True), (1, True), (0, True), (50, False), (-0.1, False)])
def test_a_share_metric_answers_between_0_and_1(value, ok):
    """A share of 50 % is 0.5 (docs/plugins.md): 50 would score 5,000 %."""
    from drillsim.scoring.scorecard import observation_fault

    fault = observation_fault([("I1", value)], "share")
    if ok:
        assert fault is None
    else:
        assert fault == f"the observation ('I1', {value}), a share outside 0-1 (a share of 50 % is 0.5)"
    assert observation_fault([("I1", value)], "count") is None


@pytest.mark.parametrize("body, says", [
    ('register(Reporter("radio", "x", make, params_model=Params))',
     "plugin 'radioman', hook drillsim_register_reporters: reporter 'radio': params model Params, "
     "field delay: default '5min' is not a float (input should be a valid number); a default is "
     "not read like a scenario's text: give the value the field holds (30.0 for a Duration of "
     "30 min, not '30min'), or no default, so that scenarios must set it"),
    ('raise RuntimeError("no radio")',
     "plugin 'radioman' failed in drillsim_register_reporters: RuntimeError: no radio"),
])
def test_a_drill_reporters_mistakes_name_the_plugin(plugin_from, body, says):
    """Reporters are registered when a drill starts (drillsim.engine.reporting): a bad
    params default and a registration hook that raises (a traceback before) are the
    plugin's, named."""
    from drillsim.engine.reporting import reporters_for

    mod = plugin_from("radioman", f"""\
        from drillsim.api import Duration, Reporter, Strict, hookimpl

        class Params(Strict):
            delay: Duration = "5min"

        def make(channel, params):
            return lambda event: None

        @hookimpl
        def drillsim_register_reporters(register):
            {body}
        """)
    with pytest.raises(PluginError) as err:
        reporters_for(load_plugin_module("radioman", mod), set())
    assert str(err.value) == says


def test_a_marked_hook_without_the_drillsim_prefix_is_told_the_name(plugin_from):
    """pluggy's own words were "plugin ?: unknown hook 'choose_units' in plugin <module
    'choose_plugin' …>"."""
    mod = plugin_from("choose", """\
        from drillsim.api import hookimpl

        @hookimpl
        def choose_units(sim, incident, candidates):
            return None
        """)
    with pytest.raises(PluginError) as err:
        load_plugin_module("choose", mod)
    assert str(err.value) == ("plugin 'choose' implements unknown hook 'choose_units'; did you mean "
                              "'drillsim_choose_units'? (see drillsim.host.hookspecs)")


@pytest.mark.parametrize("only, disabled, says", [
    (None, ["aviation"], "plugin 'aviation' is left out by --disable-plugin aviation, and this "
                         "scenario needs it"),
    (["rescue_teams", "incident_streams"], [],
     "plugin 'aviation' is not among the plugins --plugins (or $DRILLSIM_PLUGINS) loads "
     "(incident_streams, rescue_teams), and this scenario needs it; add it there"),
])
def test_a_scenario_needing_an_installed_plugin_left_out_says_what_left_it_out(mini, only, disabled, says):
    """It said "plugin 'aviation' is not installed or not loaded", though it is installed."""
    from drillsim.errors import ValidationFailed
    from drillsim.scenario.loader import load_scenario

    path = mini("""\
        plugins: [aviation]
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car}
        """)
    with pytest.raises(ValidationFailed) as err:
        load_scenario(path, host=PluginHost(only=only, disabled=disabled))
    assert f"{path}:6:11: plugins[0]: {says}" in str(err.value).splitlines()



def test_a_process_yielding_a_number_names_the_plugin_and_the_line(mini, tmp_path):
    """``yield 5`` for ``yield sim.timeout(5)``: SimPy's message was a multi-line
    traceback of the generator, and the run blamed "'drillsim' (engine)"."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "sleepy.py"
    plugin.write_text(textwrap.dedent("""\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_run_started(sim):
            def shift():
                yield sim.timeout(5)
                yield 5
            sim.process(shift())
        """), encoding="utf-8")
    path = mini("""\
        run: {horizon: 2h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [
              {at: 20min, kind: call, place: east, demand: {people: 1}, on_scene: 5min}]}}
        """)
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--plugin-module", f"sleepy={plugin}"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "run failed: plugin 'sleepy' failed in a simulation process at scenario time 5.0 min: "
        f"it yielded \"5\", which is not an event ({plugin}, line 7); yield sim.timeout(minutes), "
        "sim.event() or another SimPy event")


@pytest.mark.parametrize("wait, says", [
    ('float("nan")', "sim.timeout(nan)"),
    ("-5", "sim.timeout(-5)"),
    ('"30min"', "sim.timeout('30min')"),
])
def test_a_timeout_of_no_time_names_the_plugin_when_asked_for(mini, tmp_path, wait, says):
    """``sim.timeout(nan)`` was scheduled (SimPy refuses only a negative delay): the run
    failed hours later as "plugin 'drillsim' (engine) failed … Interrupt", or not at all;
    text failed on SimPy's comparison with no word of the method."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "sleepy.py"
    plugin.write_text(textwrap.dedent(f"""\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_run_started(sim):
            def shift():
                yield sim.timeout(5)
                yield sim.timeout({wait})
            sim.process(shift())
        """), encoding="utf-8")
    path = mini("""\
        run: {horizon: 2h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [
              {at: 20min, kind: call, place: east, demand: {people: 1}, on_scene: 5min}]}}
        """)
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--plugin-module", f"sleepy={plugin}"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "run failed: plugin 'sleepy' failed in a simulation process at scenario time 5.0 min: "
        f"ValueError: {says}: the minutes to wait must be a number, 0 or more")


def test_an_air_unit_no_plugin_gives_a_travel_time_is_told_why(mini, tmp_path):
    """A drone team registered with ``mode="air"`` and no travel-time hook: "no plugin gave a
    travel time for unit d" said nothing of the mode, nor of whose unit type it is."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "drones.py"
    plugin.write_text(textwrap.dedent("""\
        from drillsim.api import UnitType, hookimpl

        @hookimpl
        def drillsim_register_unit_types(register):
            register(UnitType(name="drone_team", description="x", capabilities={"people": 1}, mode="air"))
        """), encoding="utf-8")
    path = mini("""\
        run: {horizon: 2h}
        forces:
          - {id: d, type: drone_team, base: west_base}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [
              {at: 20min, kind: call, place: east, demand: {people: 1}, on_scene: 5min}]}}
        """)
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--plugin-module", f"drones={plugin}"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "run failed: at scenario time 20.0 min: no plugin gave a travel time for unit d "
        "(west_base → east): its unit type 'drone_team', from plugin 'drones', moves by air "
        "(mode='air'), and drillsim's road model answers for road units only: answer "
        "drillsim_travel_time for its units in that plugin, or give the type mode='road' and a vehicle")


@pytest.mark.parametrize("order, says", [
    ('sim.dispatch("a", "I1")', "sim.dispatch('a', 'I1'): give the Unit and the Incident themselves, "
                                "not an id or anything else (sim.units[unit_id], sim.incidents[incident_id])"),
    ('sim.dispatch(sim.units["a"], "I1")', "sim.dispatch(Unit, 'I1'): give the Unit and the Incident themselves, "
                                           "not an id or anything else (sim.units[unit_id], sim.incidents[incident_id])"),
    ('sim.recall("a")', "sim.recall('a'): give the Unit itself, not an id or anything else (sim.units[unit_id])"),
])
def test_an_order_given_ids_for_objects_says_so(mini, tmp_path, order, says):
    """``sim.dispatch("a", "I1")`` failed with Python's "AttributeError: 'str' object has
    no attribute 'status'"."""
    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "orders.py"
    plugin.write_text(textwrap.dedent(f"""\
        from drillsim.api import hookimpl

        @hookimpl
        def drillsim_run_started(sim):
            def order():
                yield sim.timeout(21)
                {order}
            sim.process(order())
        """), encoding="utf-8")
    path = mini("""\
        run: {horizon: 2h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [
              {at: 20min, kind: call, place: east, demand: {people: 1}, on_scene: 30min}]}}
        """)
    result = CliRunner().invoke(main, ["run", str(path), "-q", "--plugin-module", f"orders={plugin}"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"run failed: plugin 'orders' failed in a simulation process at scenario time 21.0 min: TypeError: {says}")


def test_an_incident_at_an_unknown_place_says_so_with_did_you_mean(mini, host):
    """It was Python's bare ``KeyError: 'eastt'`` (the docstring promised ValueError)."""
    from drillsim.engine.simulation import Simulation
    from drillsim.scenario.loader import load_scenario

    path = mini("""\
        run: {horizon: 2h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car}
        """)
    sim = Simulation(load_scenario(path, host=host), host)
    with pytest.raises(ValueError) as err:
        sim.create_incident("call", "eastt", {"people": 1}, 10.0)
    assert str(err.value) == ("unknown place 'eastt': a place is a Place or the id of a township or "
                              "site of the region; did you mean 'east'?")


def test_a_plugin_given_as_a_file_has_its_params_in_the_schema(tmp_path):
    """`drillsim schema` took --plugins only: a plugin not yet installed could not give
    its editor's schema."""
    import json

    from click.testing import CliRunner

    from drillsim.cli.main import main

    plugin = tmp_path / "militia.py"
    plugin.write_text(textwrap.dedent("""\
        from drillsim.api import Duration, Strict, UnitType, hookimpl

        class Params(Strict):
            assembly: Duration = 30.0

        @hookimpl
        def drillsim_register_unit_types(register):
            register(UnitType(name="militia_team", description="x", capabilities={"people": 12},
                              params_model=Params))
        """), encoding="utf-8")
    result = CliRunner().invoke(main, ["schema", "scenario", "--plugin-module", f"militia={plugin}"])
    assert result.exit_code == 0, result.output
    defs = json.loads(result.stdout)["$defs"]
    assert "assembly" in json.dumps(defs["unit_type.militia_team"])


@pytest.mark.parametrize("returned, says", [
    (None, "returned None, not a dict of named results"),
    ([1, 2], "returned [1, 2], not a dict of named results"),
    ({"minutes": None}, "returned minutes = None; a result is a number, text, true/false or a list of those"),
    ({"minutes": float("nan")}, "returned minutes = nan, not a finite number"),
    ({"minutes": [1.0, float("inf")]}, "returned minutes = [1.0, inf], not a finite number"),
    ({3: 1.0}, "returned the result name 3, not text"),
])
@pytest.mark.parametrize("as_json", [False, True])
def test_a_calculator_result_that_is_no_result_names_the_plugin(returned, says, as_json):
    # None was printed as "None" in the table (or a traceback when the whole result was
    # None); NaN as "—" in the table and a traceback with --json (JSON has no NaN)
    from click.testing import CliRunner

    from drillsim.api import CalcOption, Calculator
    from drillsim.cli.hazard import _command

    calc = Calculator("drive_time", "minutes to drive",
                      (CalcOption("distance", "length", "road distance", required=True),),
                      lambda distance: returned)
    result = CliRunner().invoke(_command(calc), ["--distance", "3km"] + (["--json"] if as_json else []))
    assert result.exit_code == 1
    assert result.output == (f"drive_time: the calculator {says}: a fault in the plugin that "
                             "provides it\n")


@pytest.mark.parametrize("record, says", [
    ('UnitType(name="t", description="x", capabilities={"people": 1}, check="validate")',
     "unit type 't': check must be a function, got str 'validate'"),
    ('HazardType("h", "x", None, start=None)', "hazard type 'h': start must be a function, got NoneType None"),
    ('HazardType("h", "x", None, start=lambda sim, hazard: None, incident_kinds=["flood"])',
     "hazard type 'h': incident_kinds must be a function, got list ['flood']"),
    ('HazardType("h", "x", None, start=lambda sim, hazard: None, finish="summary")',
     "hazard type 'h': finish must be a function, got str 'summary'"),
    ('Calculator("c", "x", (), compute={"a": 1})', "calculator 'c': compute must be a function, got dict {'a': 1}"),
])
def test_a_record_function_that_is_no_function_is_refused_at_load(record, says):
    # UnitType(check="validate") loaded, then failed every scenario using the type,
    # reported at the scenario's line as "TypeError: 'str' object is not callable"
    from drillsim.api import Calculator, HazardType, UnitType
    from drillsim.host.registry import RegistrationError

    with pytest.raises(RegistrationError) as err:
        eval(record, {"UnitType": UnitType, "HazardType": HazardType, "Calculator": Calculator}).check_self()
    assert str(err.value) == says
