"""A mutual-aid force's cross-references are checked when the scenario is loaded
(UnitType.check): a misspelt ``params.origin_site`` (a place of the region) or
``params.hit_by.hazard`` (a hazard of the scenario) is one line naming the file, the line
and the field, exit status 2, nothing run — not a plugin failure once the run starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

SHIPPED = Path(__file__).resolve().parent.parent / "scenarios"
COMPOUND = "fujiang_flood_chemical_leak.yaml"


@pytest.fixture
def folder(tmp_path):
    """A copy of the shipped scenarios (the compound names ../regions and ../plans)."""
    root = tmp_path / "scenarios"
    root.mkdir()
    for sub in ("regions", "plans"):
        shutil.copytree(SHIPPED / sub, root / sub)
    return root


def _with(folder: Path, old: str, new: str) -> tuple[Path, int, int]:
    """The compound scenario with ``old`` replaced by ``new`` once; the line and column
    (line 1-based, offset 0-based) of ``old``, counted here from the text."""
    text = (SHIPPED / COMPOUND).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = folder / COMPOUND
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = text[:text.index(old)]
    line = before.count("\n") + 1
    return path, line, len(before) - (before.rfind("\n") + 1)  # 0-based offset in the line


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("old, new, field, message", [
    ("origin_site: suining_city", "origin_site: suining_cty", "forces[12].params.origin_site",
     "unknown place 'suining_cty': not a township or site of the region; did you mean 'suining_city'?"),
    ("hit_by: {hazard: fujiang_2020,", "hit_by: {hazard: fujiang_202,", "forces[12].params.hit_by.hazard",
     "'fujiang_202' is not a hazard of this scenario; did you mean 'fujiang_2020'?"),
    ("{origin_site: ziyang_city,", "{origin_site: Ziyang,", "forces[13].params.origin_site",
     "unknown place 'Ziyang': not a township or site of the region"),
])
def test_a_misspelt_mutual_aid_reference_is_a_load_fault(folder, command, old, new, field, message):
    path, line, col = _with(folder, old, new)
    column = col + 1 + len(old.split(":")[0]) + 2 + (len("{hazard: ") if "hit_by" in old else 0)
    args = [command, str(path)] + (["-n", "1", "-q"] if command == "run" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "plugin 'mutual_aid' failed" not in result.output
    first = result.output.strip().splitlines()[0]
    assert first.startswith(f"{path}:{line}:{column}: {field}: "), first
    assert message in first


def test_the_shipped_compound_passes_the_check(folder):
    shutil.copy(SHIPPED / COMPOUND, folder / COMPOUND)
    result = CliRunner().invoke(main, ["validate", str(folder / COMPOUND)])
    assert result.exit_code == 0, result.output
