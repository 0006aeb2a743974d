"""PyYAML imported with its regular expressions compiled at first use
(drillsim.scenario.yamlimport): a run compiles none of them, and PyYAML reads, resolves
and refuses as it does with them compiled at import."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys

import pytest
import yaml

from drillsim.scenario.yamlimport import LazyPattern
from tests.conftest import FLOOD


def test_a_run_compiles_none_of_pyyamls_patterns():
    code = ("import sys\nfrom drillsim.cli.main import main\n"
            f"try:\n    main(['run', {str(FLOOD)!r}, '-n', '1', '-q'])\nexcept SystemExit:\n    pass\n"
            "import yaml\nfrom yaml.resolver import Resolver\n"
            "from drillsim.scenario.yamlimport import LazyPattern\n"
            "pats = [yaml.reader.Reader.NON_PRINTABLE, yaml.constructor.SafeConstructor.timestamp_regexp]\n"
            "pats += [r for v in Resolver.yaml_implicit_resolvers.values() for _, r in v]\n"
            "pats = list({id(p): p for p in pats}.values())\n"
            "print(len(pats), sum(isinstance(p, LazyPattern) for p in pats), "
            "sum(isinstance(p, LazyPattern) and p.compiled for p in pats))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # PyYAML 6's ten import-time patterns (8 resolvers, the timestamp, the reader's check),
    # all deferred, none compiled by the run
    assert out.strip().splitlines()[-1] == "10 10 0"


def test_a_lazy_pattern_is_the_compiled_pattern():
    text = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
    lazy = LazyPattern(text)
    assert not lazy.compiled
    assert lazy.search("ok\x07bell").start() == 2  # BEL (U+0007) is not printable in YAML
    assert lazy.compiled
    assert lazy.pattern == text and lazy.flags == re.compile(text).flags
    assert lazy.search("printable é 漢 \U0001F600") is None


@pytest.mark.parametrize("text, expected", [
    ("when: 2020-08-16", {"when": datetime.date(2020, 8, 16)}),  # the constructor's timestamp
    # YAML 1.1's resolvers: an exponent needs its sign and a float its dot, so 1e3 stays
    # text (docs/GUIDE's PyYAML traps), and 1:30 is sexagesimal, 90
    ("a: true\nb: 0x1F\nc: 1.5e+3\nd: ~\ne: .inf\nf: 1e3\ng: 1:30",
     {"a": True, "b": 31, "c": 1500.0, "d": None, "e": float("inf"), "f": "1e3", "g": 90}),
])
def test_pyyamls_own_loaders_resolve_as_yaml_1_1_says(text, expected):
    assert yaml.safe_load(text) == expected
    assert yaml.load(text, Loader=yaml.SafeLoader) == expected


def test_pyyamls_pure_reader_still_refuses_a_character_yaml_does_not_allow():
    with pytest.raises(yaml.reader.ReaderError, match="#x0007"):
        yaml.load("a: b\x07", Loader=yaml.SafeLoader)
