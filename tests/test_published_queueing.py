"""The queueing screens at grades of service and loads the earlier checks left out,
through the command line (``drillsim calc erlang-b|erlang-c --json``).

* Erlang B traffic tables at 0.1 %, 0.5 % and 5 % blocking (the 1 % and 2 % columns are
  in tests/test_calc.py): the offered load, to 0.01 erlang, that N circuits carry at the
  grade, as printed in every published Erlang B table (e.g. Westbay Engineers' tables at
  erlang.com; Cooper, *Introduction to Queueing Theory*, 2nd ed., 1981, Table A). Each
  printed load brackets the grade within its rounding, and ``--max-blocking`` finds N.
* Erlang C near and at saturation, by hand (Gross, Shortle, Thompson & Harris,
  *Fundamentals of Queueing Theory*, 4th ed., §2.3): for N = 3 and a = 2.9 erlangs,
  C = 0.937 678, W_q = C / (Nμ − λ) = 562.6 min with a 60-min holding time; at a = N the
  queue grows without bound and the command says so instead of giving a number.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main

# (grade of service, circuits N, offered load in erlangs as tabulated)
TABLE = [(0.001, 10, 3.09), (0.005, 10, 3.96), (0.05, 10, 6.22), (0.05, 5, 2.22),
         (0.001, 20, 9.41), (0.05, 20, 15.25), (0.05, 50, 44.53), (0.05, 100, 95.24)]


def _calc(*args):
    return CliRunner().invoke(main, ["calc", *args])


def _b(units: int, load: float) -> float:
    """Erlang B by its closed form (a^N/N!) / sum_k a^k/k!, in exact rational arithmetic."""
    a = Fraction(load)
    terms = [a ** k / math.factorial(k) for k in range(units + 1)]
    return float(terms[-1] / sum(terms))


@pytest.mark.parametrize("grade, units, load", TABLE)
def test_erlang_b_tables_at_other_grades(grade, units, load):
    below, above = load - 0.005, load + 0.005
    assert _b(units, below) < grade < _b(units, above)
    for at in (below, load, above):
        res = _calc("erlang-b", "--load", f"{at!r}", "--units", str(units), "--json")
        assert res.exit_code == 0, res.output
        assert json.loads(res.output)["results"][0]["blocking"] == pytest.approx(_b(units, at), rel=1e-12)
    res = _calc("erlang-b", "--load", f"{below!r}", "--max-blocking", f"{grade * 100:g}%", "--json")
    assert json.loads(res.output)["fewest_units"] == units


def test_erlang_c_near_saturation_by_hand():
    res = _calc("erlang-c", "--rate", "2.9/h", "--service", "60min", "--units", "3", "--json")
    assert res.exit_code == 0, res.output
    r = json.loads(res.output)["results"][0]
    # B(3, 2.9) by the closed form, C = N B / (N - a(1 - B))
    b = _b(3, 2.9)
    c = 3 * b / (3 - 2.9 * (1 - b))
    assert c == pytest.approx(0.937678, abs=5e-7)
    assert r["wait_probability"] == pytest.approx(c, rel=1e-12)
    assert r["mean_wait"] == pytest.approx(c / ((3 - 2.9) / 60), rel=1e-12)   # 562.6 min
    assert r["mean_wait"] == pytest.approx(562.6, abs=0.05)
    assert r["utilisation"] == pytest.approx(2.9 / 3)


@pytest.mark.parametrize("rate", ["3/h", "3.5/h", "72/d"])
def test_erlang_c_at_or_over_capacity_is_said_not_computed(rate):
    res = _calc("erlang-c", "--rate", rate, "--service", "60min", "--units", "3")
    assert res.exit_code == 2 and "grows without bound" in res.output, res.output
    assert "Traceback" not in res.output and "inf" not in res.output.lower().replace("info", "")


def test_a_load_equal_to_the_units_through_rounding_is_still_saturated():
    """72 calls a day held 60 min each is 3 erlangs exactly; in floating point the product
    is 2.9999999999999996. Before, three units were then said to keep up: every call
    waiting, a mean wait of 1.35e17 min, and Erlang C's search for the fewest units that
    keep up answered 3 (drillsim size's screen said so too)."""
    from drillsim.planning.erlang import erlang_c, fewest_keeping_up, smallest_units
    from drillsim.scenario.quantities import parse_quantity

    load = parse_quantity("72/d", "rate") * parse_quantity("60min", "time")   # as the commands read it
    assert load != 3.0 and load == pytest.approx(3.0)
    with pytest.raises(ValueError, match="grows without bound"):
        erlang_c(3, load)
    assert fewest_keeping_up(load) == 4 and fewest_keeping_up(2.5) == 3 and fewest_keeping_up(0.0) == 1
    assert smallest_units(load, wait_probability=1.0) == 4
    table = _calc("erlang-c", "--rate", "72/d", "--service", "60min", "--json")
    assert json.loads(table.output)["results"][0]["units"] == 4
    # the hypercube's queue check likewise (Larson & Odoni's three units, 60 min each)
    res = _calc("hypercube", "scenarios/calc/larson_three_units.yaml", "--rate", "72/d")
    assert res.exit_code == 2 and "grows without bound" in res.output, res.output
    # the command line's rate decided it: the option is named, not the file's rate: line
    assert res.output.startswith("--rate with the rest of") and not re.search(r"\.yaml:\d", res.output)
