"""Field descriptions are read from the docstrings only when a schema is written
(drillsim.reference.fielddocs), and say what pydantic's own reading would."""

from __future__ import annotations

import subprocess
import sys

from pydantic import BaseModel, ConfigDict

from drillsim.reference.fielddocs import attribute_docstrings, describe_models
from drillsim.scenario.validation import Strict


class _Base(Strict):
    a: int = 1
    """The a.

    Second paragraph."""
    b: str = "x"
    c: int = 0  # no docstring
    """"""


class _Child(_Base):
    b: str = "y"
    d: float = 1.0
    """The d."""


class _Holder(Strict):
    child: _Child
    """A nested model."""
    items: list[_Base] = []


class _PydanticBase(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)
    a: int = 1
    """The a.

    Second paragraph."""
    b: str = "x"
    c: int = 0  # no docstring
    """"""


class _PydanticChild(_PydanticBase):
    b: str = "y"
    d: float = 1.0
    """The d."""


def test_descriptions_are_pydantics_own():
    _Holder(child=_Child())  # built before it is described: rebuilt
    describe_models()
    for ours, theirs in ((_Base, _PydanticBase), (_Child, _PydanticChild)):
        assert {n: f.description for n, f in ours.model_fields.items()} == \
               {n: f.description for n, f in theirs.model_fields.items()}
    assert _Child.model_fields["a"].description == "The a.\n\nSecond paragraph."
    assert _Child.model_fields["b"].description is None   # redefined without a docstring
    schema = _Holder.model_json_schema()
    assert schema["properties"]["child"]["description"] == "A nested model."
    assert schema["$defs"]["_Child"]["properties"]["d"]["description"] == "The d."


def test_attribute_docstrings_of_a_class():
    assert attribute_docstrings(_Child) == {"d": "The d."}


def test_loading_reads_no_docstrings():
    # pydantic's use_attribute_docstrings and our reading both find a class's source
    # through inspect.findsource
    code = ("import inspect, sys\ncalls = []\nreal = inspect.findsource\n"
            "inspect.findsource = lambda o: calls.append(o) or real(o)\n"
            "from drillsim.host.pluginhost import load_plugins\nload_plugins()\n"
            "import drillsim.scenario.loader\nprint(len(calls))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
