"""Property-based tests: the loader either loads a document or raises the project's own
ValidationFailed — never any other exception — for random YAML documents and for random
mutations of the shipped flood scenario."""

from __future__ import annotations

import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drillsim.errors import ValidationFailed
from drillsim.host.pluginhost import load_plugins
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.yamlsource import parse_yaml
from tests.conftest import FLOOD, SCENARIOS

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
                    st.sampled_from(["1:30", "no", "off", "010", "12h", "-3min", "0h", "40km/h", "~",
                                     "mixin", "zitong", "boats", "1e3", ".inf", "!!python/object"]))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)

@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """One copy of scenarios/ for the whole module; each example rewrites one file in it."""
    path = tmp_path_factory.mktemp("fuzz") / "scenarios"
    shutil.copytree(SCENARIOS, path)
    return path


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_parses_or_fails_cleanly(text):
    try:
        parse_yaml(text, "fuzz.yaml")
    except ValidationFailed:
        pass


@SETTINGS
@given(documents)
def test_random_scenario_documents(root, data):
    path = root / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(path, host=load_plugins())
    except ValidationFailed:
        pass


BASE = yaml.safe_load(FLOOD.read_text(encoding="utf-8"))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(BASE) if p]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.one_of(scalars, documents, st.just("__delete__"))),
                min_size=1, max_size=3))
def test_mutated_flood_scenario(root, mutations):
    import copy

    data = copy.deepcopy(BASE)
    for path, value in mutations:
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if value == "__delete__":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    path = root / "mutated.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(path, host=load_plugins())
    except ValidationFailed:
        pass
