"""Typed names a scenario must get right (drillsim/namecheck.py, the flood's river and
people checks, the start-time suggestion), on the shipped Fujiang scenario where the
corpus's mini region cannot show them, and the cases where drillsim can only warn."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import types
from pathlib import Path

import pluggy
import pytest
from click.testing import CliRunner

from drillsim.api import Strict
from drillsim.cli.main import main
from drillsim.errors import ValidationFailed
from drillsim.host.pluginhost import PluginHost, load_plugins
from drillsim.host.registry import HazardType
from drillsim.scenario.loader import load_scenario, with_zone
from tests.conftest import BUILTIN

ROOT = Path(__file__).resolve().parent.parent
FLOOD = ROOT / "scenarios" / "fujiang_flood_2020.yaml"
CORPUS = Path(__file__).resolve().parent / "bad_inputs" / "scenarios"


def _messages(exc: ValidationFailed) -> list[str]:
    return [f"{f.field}: {f.message}" for f in exc.faults]


def _load(host, **overrides):
    return load_scenario(FLOOD, host=host, overrides=overrides)


def test_a_misspelt_kind_in_serves_is_refused_on_the_flood(host):
    with pytest.raises(ValidationFailed) as caught:
        _load(host, **{"forces.township_teams.serves": ["evacuatoin"]})
    assert _messages(caught.value) == [
        "forces[5].serves[0]: no hazard in this scenario or loaded plugin makes incidents of kind "
        "'evacuatoin'; did you mean 'evacuation'?"]


def test_kinds_of_loaded_hazard_types_are_known_without_their_hazard(host):
    # the flood scenario runs no fire and no release, yet its forest team may stand by for
    # forest_fire (the forest_fire plugin's default) and the hazmat team for hazmat_release
    sc = _load(host)
    serves = {f.id: f.spec.serves for f in sc.forces}
    assert serves["forest_team"] == ["forest_fire"] and serves["hazmat_team"] == ["hazmat_release"]
    # a kind only a configured hazard makes is known through that hazard's params
    sc = _load(host, **{"hazards.fujiang_2020.params.rescue_calls.kind": "boat_rescue",
                        "forces.water_rescue.serves": ["boat_rescue"]})
    assert {f.id: f.spec.serves for f in sc.forces}["water_rescue"] == ["boat_rescue"]


def test_a_misspelt_capability_is_refused_and_listed_when_nothing_is_close(host):
    with pytest.raises(ValidationFailed) as caught:
        _load(host, **{"forces.township_teams.capabilities": {"peeple": 20, "xyzzy": 1}})
    first, second = _messages(caught.value)
    assert first == ("forces[5].capabilities.peeple: unknown capability 'peeple': no unit type has it "
                     "and nothing in this scenario asks for it; did you mean 'people'?")
    # nothing close: the known names are listed instead (unit types' and demands')
    listed = re.search(r"\(known capabilities: (.*)\)$", second).group(1).split(", ")
    assert {"people", "boats", "pumps", "aerial", "hazmat", "fireline", "patients"} - set(listed) == \
        {"patients"}  # the ambulance plugin is not loaded here


def test_a_capability_only_a_hazard_demands_is_accepted(host):
    sc = _load(host, **{"hazards.fujiang_2020.params.rescue_calls.demand": {"sandbags": 2},
                        "forces.district_team.capabilities": {"people": 10, "sandbags": 4}})
    team = next(f for f in sc.forces if f.id == "district_team")
    assert team.units[0].capabilities["sandbags"] == 4


def test_a_river_the_region_has_not_is_refused_naming_its_rivers(host):
    with pytest.raises(ValidationFailed) as caught:
        _load(host, **{"hazards.fujiang_2020.params.river": "fujang"})
    assert _messages(caught.value) == [
        "hazards[0].params.river: river 'fujang' is not a river of the region (its townships lie "
        "on: fujiang, pingtan, qiongjiang); did you mean 'fujiang'?"]


def test_a_township_on_another_river_is_a_warning(host):
    sc = _load(host, **{"hazards.fujiang_2020.params.townships[6].township": "taian"})
    assert [f"{w.field}: {w.message}" for w in sc.warnings] == [
        "hazards[0].params.townships[6].township: 'taian' lies on the qiongjiang, not the fujiang"]


def test_a_region_without_rivers_only_warns(host, tmp_path):
    root = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios" / "regions", root / "regions")
    shutil.copytree(ROOT / "scenarios" / "plans", root / "plans")
    region = root / "regions" / "tongnan.yaml"
    text = region.read_text(encoding="utf-8")
    region.write_text(re.sub(r"river: (fujiang|qiongjiang|pingtan)", "river: null", text), encoding="utf-8")
    shutil.copy(FLOOD, root / "flood.yaml")
    sc = load_scenario(root / "flood.yaml", host=host)
    assert [f"{w.field}: {w.message}" for w in sc.warnings] == [
        "hazards[0].params.river: the region records no rivers for its townships, so river "
        "'fujiang' cannot be checked"]


def test_people_at_risk_are_bounded(host):
    # 10 million is accepted (more than any district holds, still a number people mean),
    # with a warning that the run will be slow …
    sc = _load(host, **{"hazards.fujiang_2020.params.evacuation.total_people": 10_000_000})
    assert [f"{w.field}: {w.message}" for w in sc.warnings] == [
        "hazards[0].params.evacuation.total_people: 10,000,000 people at risk make many rescue calls: "
        "one replication may take many minutes (over 1,000,000 people); check the figure"]
    assert _load(host, **{"hazards.fujiang_2020.params.evacuation.total_people": 1_000_000}).warnings == []
    # … one more is refused, and so is a township's own count
    with pytest.raises(ValidationFailed) as caught:
        _load(host, **{"hazards.fujiang_2020.params.evacuation.total_people": 10_000_001,
                       "hazards.fujiang_2020.params.townships[0].people_at_risk": 20_000_000})
    assert [f.field for f in caught.value.faults] == [
        "hazards[0].params.evacuation.total_people", "hazards[0].params.townships[0].people_at_risk"]
    assert "10,000,001 people is refused: more than 10,000,000" in caught.value.faults[0].message


@pytest.mark.parametrize("written, suggested", [
    ("2020-08-16", "2020-08-16T00:00+08:00"),
    ("2020-08-16T07:30", "2020-08-16T07:30+08:00"),
    ("2020-08-16 07:30:15", "2020-08-16T07:30:15+08:00"),
])
def test_the_suggested_start_is_itself_accepted(written, suggested, monkeypatch, tmp_path):
    assert with_zone(dt.datetime.fromisoformat(written)) == suggested
    shutil.copytree(CORPUS, tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    path = Path("scenarios/valid.yaml")
    text = path.read_text(encoding="utf-8").replace('"2020-08-16T00:00+08:00"', f'"{written}"')
    path.write_text(text, encoding="utf-8")
    refused = CliRunner().invoke(main, ["validate", str(path)])
    assert refused.exit_code == 2
    quoted = re.search(r"add it, e\.g\. '([^']+)'", refused.output).group(1)
    assert quoted == suggested
    path.write_text(text.replace(f'"{written}"', f'"{quoted}"'), encoding="utf-8")
    accepted = CliRunner().invoke(main, ["validate", str(path)])
    assert accepted.exit_code == 0, accepted.output
    sc = load_scenario(path, host=load_plugins())
    assert sc.start == dt.datetime.fromisoformat(written).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


# ---- a hazard type that does not declare its incident kinds: unknown kinds only warn
hookimpl = pluggy.HookimplMarker("drillsim")


class _OpaqueParams(Strict):
    place: str


@hookimpl
def drillsim_register_hazard_types(register):
    register(HazardType("opaque_calls", "makes incidents of kinds it does not declare",
                        _OpaqueParams, lambda sim, hazard: None))


@pytest.fixture()
def opaque_host():
    module = types.ModuleType("opaque_test_plugin")
    module.drillsim_register_hazard_types = drillsim_register_hazard_types
    sys.modules["opaque_test_plugin"] = module
    try:
        yield PluginHost(only=BUILTIN, modules={"opaque": "opaque_test_plugin"})
    finally:
        del sys.modules["opaque_test_plugin"]


def test_an_undeclared_hazard_type_turns_unknown_kinds_into_warnings(mini, opaque_host):
    body = ("run: {horizon: 1h}\n"
            "forces:\n  - {id: a, type: district_rescue_team, base: west_base, vehicle: car, "
            "serves: [mystery]}\n"
            "hazards:\n  - {id: o, type: opaque_calls, params: {place: west}}\n")
    sc = load_scenario(mini(body), host=opaque_host)
    assert [f"{w.field}: {w.message}" for w in sc.warnings] == [
        "forces[0].serves[0]: no hazard in this scenario or loaded plugin makes incidents of kind "
        "'mystery' that drillsim can see (known kinds: aerial_rescue, building_fire, call, evacuation, "
        "flood_rescue, forest_fire, forest_fire_aerial, hazmat_release, hazmat_support, landslide_rescue, "
        "relocation, tanker_crash, waterlogging_rescue)"]
    # without that hazard the same kind is an error
    body = body.split("hazards:")[0]
    with pytest.raises(ValidationFailed):
        load_scenario(mini(body), host=opaque_host)
