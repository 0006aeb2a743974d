"""Classes of bad input found by feeding every command broken files (the breaker's pass,
tests/bad_inputs/): each test covers the whole class, not the one example the corpus
holds. Each failed on the code before its fix (a traceback, or a run that failed after
``validate`` had passed the file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from drillsim.scenario.quantities import _KINDS, parse_quantity
from drillsim.scenario.validation import Strict

HERE = Path(__file__).resolve().parent / "bad_inputs"

# pint evaluates the numbers inside a unit text: these raised ZeroDivisionError
DIVIDING_BY_ZERO = ["2/0h", "1 km/0h", "3 h/0", "1 /h/0", "5 m3/s/0"]


@pytest.mark.parametrize("kind", sorted(_KINDS))
@pytest.mark.parametrize("text", DIVIDING_BY_ZERO)
def test_a_unit_dividing_by_zero_is_a_message(kind, text):
    with pytest.raises(ValueError, match="divides by zero"):
        parse_quantity(text, kind)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _demand_fields(host):
    """(model, field name, annotation) of every field named ``demand`` or ``*_demand`` of
    every params model of the loaded plugins (and the drill pack's inject): what an
    incident needs on scene (a hypercube atom's ``demand`` is a share of calls, a float)."""
    import drillsim.drill.packs  # noqa: F401  (its inject model has a demand)
    from drillsim.reference.kinds import params_models

    for registration in params_models(host):  # imports every params model (and those it nests)
        assert registration.model is not None
    return [(model, name, field.rebuild_annotation())
            for model in sorted(set(_subclasses(Strict)), key=lambda m: (m.__module__, m.__qualname__))
            for name, field in model.model_fields.items()
            if (name == "demand" or name.endswith("_demand")) and field.annotation is not float]


def test_every_demand_refuses_zero_and_nothing(host):
    """An incident's demand of 0 (or of nothing) passed ``validate`` and failed the run
    when the first such incident was created (``incident demand must name positive
    amounts``): every demand field of every plugin refuses it when the file is read."""
    found = _demand_fields(host)
    owners = {model.__name__ for model, _, _ in found}
    # incident streams (2), chemical (2), forest fire (2), waterlogging, road tanker,
    # building fire, flood (2), landslide, a drill pack's inject at least
    assert len(found) >= 12, found
    assert {"PoissonParams", "ScriptedIncident", "AttackParams", "PlannedInject"} <= owners, owners
    for model, name, annotation in found:
        adapter = TypeAdapter(annotation)
        assert adapter.validate_python({"people": 5}) == {"people": 5.0}
        for bad in ({"people": 0}, {"people": 5, "boats": 0}, {}, {"people": float("nan")},
                    {"people": -1}):
            with pytest.raises(ValidationError):
                adapter.validate_python(bad)
                pytest.fail(f"{model.__qualname__}.{name} took {bad}")


def test_only_set_may_give_the_run_settings_variants_share(tmp_path, host):
    """A factor's or a variant's run.seed / run.replications was replaced without a word
    by the sweep's (tests/bad_inputs/scenarios/sweeps/133-, 134-: refused); ``set:`` is
    the base of every variant, so there it is the sweep's seed and replications."""
    import shutil

    from drillsim.batch.sweep import load_sweep

    here = tmp_path / "scenarios"
    shutil.copytree(HERE / "scenarios", here)
    sweep = here / "sweeps" / "shared.yaml"
    sweep.write_text("name: s\nscenario: ../valid.yaml\nset: {run.seed: 7, run.replications: 3}\n"
                     "factors:\n  units: {path: forces.team.units, values: [1, 2]}\n"
                     "objective: {measure: mean, target: R}\n", encoding="utf-8")
    loaded = load_sweep(sweep, host)
    assert (loaded.seed, loaded.replications) == (7, 3)
    assert {v.seed for v in loaded.variants} == {7}  # common random numbers
