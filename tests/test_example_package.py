"""The worked example (examples/drillsim-ambulance) is installed the way CI installs it
and found by its entry point; its data stays in step with drillsim's."""

from __future__ import annotations

import re

from drillsim.host.pluginhost import PluginHost
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "drillsim-ambulance"


def test_readme_and_ci_install_and_test_the_same_way():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^python3 -m venv .*$", ci, re.M).group(0)
    assert command in readme
    assert "pip install -e '.[test]' -e examples/drillsim-ambulance" in command


def test_the_example_is_found_by_its_entry_point():
    # opt in explicitly: the test session otherwise loads drillsim's built-ins only
    host = PluginHost(only=["ambulance"])
    info = host.info["ambulance"]
    assert (info.distribution, info.module) == ("drillsim-ambulance", "drillsim_ambulance")
    assert sorted(host.unit_types.names()) == ["als_ambulance", "bls_ambulance"]


def test_the_example_region_is_drillsims_tongnan_region():
    copy = EXAMPLE / "scenarios" / "regions" / "tongnan.yaml"
    # the same bytes but drillsim's editor modeline (its schema path means nothing there)
    ours = (ROOT / "scenarios" / "regions" / "tongnan.yaml").read_bytes()
    assert ours.startswith(b"# yaml-language-server: $schema=")
    assert copy.read_bytes() == ours.split(b"\n", 1)[1]
