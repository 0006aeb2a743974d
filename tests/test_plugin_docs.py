"""docs/plugins.md documents every hook spec (signature, stability, first result), its
examples are valid plugins that load and run, and the walkthrough quotes the worked
example's files as they are."""

from __future__ import annotations

import inspect
import re

import pytest

from drillsim.host import hookspecs
from drillsim.api import HOOK_STABILITY, Simulation
from drillsim.scenario.loader import load_scenario
from drillsim.host.pluginhost import PluginHost
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
SPECS = sorted(n for n, f in vars(hookspecs).items() if n.startswith("drillsim_") and callable(f))
RUNTIME = ["drillsim_run_started", "drillsim_choose_units", "drillsim_travel_time", "drillsim_event",
           "drillsim_run_finished", "drillsim_filter_candidates"]


def hook_section(name: str) -> str:
    """The text under the hook's ### heading, up to the next heading of level 2 or 3."""
    match = re.search(rf"^### `{name}\((?P<params>[^)]*)\)`\n(?P<body>.*?)(?=^##)", DOC, re.M | re.S)
    assert match, f"docs/plugins.md has no section '### `{name}(…)`'"
    return match.group("params"), match.group("body")


def code_blocks(text: str, language: str = "python") -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)


def test_the_spec_list_is_complete():
    assert set(SPECS) == set(HOOK_STABILITY) and len(SPECS) >= 9


@pytest.mark.parametrize("name", SPECS)
def test_every_hook_is_documented(name):
    params, body = hook_section(name)
    spec = getattr(hookspecs, name)
    assert params == ", ".join(inspect.signature(spec).parameters), f"{name}: parameters differ from the spec"
    first = bool(getattr(spec, "drillsim_spec")["firstresult"])
    assert f"**Stability:** {HOOK_STABILITY[name]} · **First result:** {'yes' if first else 'no'}" in body
    for param in inspect.signature(spec).parameters:
        assert f"`{param}`" in body, f"{name}: parameter {param} not described"
    assert "**Returns:**" in body
    assert code_blocks(body), f"{name}: no example"


def test_call_order_rules_are_stated():
    for rule in ("Last registered, first called", "tryfirst=True", "trylast=True",
                 "The host's defaults are `trylast`", "First result."):
        assert rule in DOC


def _example_module(tmp_path, name: str) -> str:
    _, body = hook_section(name)
    path = tmp_path / f"doc_{name}.py"
    path.write_text("\n\n".join(code_blocks(body)), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", [n for n in SPECS if n.startswith("drillsim_register_")])
def test_registration_examples_load_and_register(tmp_path, name):
    host = PluginHost(only=[], modules={"doc_example": _example_module(tmp_path, name)})
    assert name in host.info["doc_example"].hooks
    if name == "drillsim_register_reporters":  # collected by the drill, not at load time
        from drillsim.engine.reporting import reporters_for

        assert "ambulance_radio" in [r.name for r in reporters_for(host, set())]
        return
    assert host.info["doc_example"].provides  # the registration hook ran and registered something


@pytest.mark.parametrize("name", RUNTIME)
def test_runtime_examples_run(tmp_path, mini, name, capsys):
    host = PluginHost(only=["rescue_teams", "incident_streams"],
                      modules={"doc_example": _example_module(tmp_path, name)})
    assert name in host.info["doc_example"].hooks
    path = mini("""\
        run: {horizon: 3h}
        forces:
          - {id: a, type: district_rescue_team, base: west_base, vehicle: car, turnout: 0min}
          - {id: b, type: district_rescue_team, base: east_base, vehicle: car, turnout: 0min}
        hazards:
          - {id: s, type: scripted_incidents, params: {incidents: [
              {at: 10min, kind: c, place: middle, demand: {people: 1}, on_scene: 5min, priority: 1},
              {at: 150min, kind: c, place: east, demand: {people: 1}, on_scene: 5min}]}}
        """)
    sim = Simulation(load_scenario(path, host=host), host).run()
    kinds = [e.kind for e in sim.log]
    assert kinds.count("incident_completed") >= 1 and kinds[-1] in ("run_ended", "open_at_end")


def test_walkthrough_quotes_the_example_files_as_they_are():
    quoted = 0
    for language in ("python", "toml", "yaml"):
        for block in code_blocks(DOC, language):
            first, _, rest = block.partition("\n")
            match = re.fullmatch(r"# file: (\S+)", first)
            if not match:
                continue
            source = (ROOT / match.group(1)).read_text(encoding="utf-8")
            assert rest in source, f"docs/plugins.md quotes {match.group(1)}, which now says otherwise"
            quoted += 1
    assert quoted >= 6


def test_the_fixtures_start_time_is_the_one_the_guide_gives():
    """A plugin with a night turnout band gets it in a fixture's run: the guide names the
    start the fixtures fill in, and it is the one they fill in."""
    from drillsim.testing import scenario_text

    start = re.search(r"^start: \"(.+)\"$", scenario_text("forces: []\n"), re.M).group(1)
    assert f"start `{start}`, midnight local time" in DOC
    assert start.endswith("T00:00+08:00")
