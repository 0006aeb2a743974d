"""libyaml composes documents for the loader (drillsim.scenario.yamlsource._CComposer):
the same data and positions as PyYAML's pure-Python composer for every shipped YAML file,
and the same messages for refused ones (those are composed again by the pure one)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from drillsim.errors import ValidationFailed
from drillsim.scenario import yamlsource

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in ROOT.rglob("*.yaml")
               if not {".venv", ".tmp", "node_modules"} & set(p.relative_to(ROOT).parts))

pytestmark = pytest.mark.skipif(yamlsource._CParser is None, reason="PyYAML without libyaml")


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _outcome(text: str, shown: str):
    try:
        doc = yamlsource.parse_yaml(text, shown)
    except ValidationFailed as exc:
        return ("refused", [str(f) for f in exc.faults])
    return ("ok", _plain(doc.data), doc.positions, doc.key_positions, doc.raw)


def _pure(text: str, shown: str, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(yamlsource, "_compose_fast", lambda _text: None)
        return _outcome(text, shown)


def test_every_shipped_yaml_file_composes_the_same(monkeypatch):
    assert len(FILES) > 100
    fast_used = 0
    for path in FILES:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:  # a bad input: refused before parsing
            continue
        shown = str(path.relative_to(ROOT))
        pure = _pure(text, shown, monkeypatch)
        assert _outcome(text, shown) == pure, shown
        fast_used += yamlsource._compose_fast(text) is not None
    assert fast_used > 100  # libyaml composed the accepted ones


@pytest.mark.parametrize("text, message", [
    ("a: [1, 2\nb: 3\n", "YAML syntax error: expected ',' or ']', but got ':'"),
    ("a: 1\n---\nb: 2\n", "more than one YAML document ('---') in the file; keep one"),
    ("a: 1\na: 2\n", "duplicate key 'a' (first given on line 1)"),
    ("a: *nowhere\n", "YAML syntax error: found undefined alias 'nowhere'"),
    ("", "the file is empty"),
])
def test_a_refused_document_has_the_pure_composers_message(text, message, monkeypatch):
    fast = _outcome(text, "f.yaml")
    assert fast == _pure(text, "f.yaml", monkeypatch)
    assert fast[0] == "refused" and message in fast[1][0]
