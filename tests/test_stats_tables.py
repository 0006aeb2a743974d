"""The quantile table scoring uses instead of importing scipy (drillsim.scoring.ttable):
every entry is scipy's own quantile to the last bit, and agrees with a printed t table."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scipy.special import ndtri, stdtrit

from drillsim.scoring import stats
from drillsim.scoring.ttable import LEVEL, T975, Z975

#: NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2, upper critical values
#: of Student's t for a one-sided 0.025 (two-sided 95 %), 3 decimals.
NIST = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 10: 2.228, 19: 2.093,
        20: 2.086, 30: 2.042, 50: 2.009, 60: 2.000, 100: 1.984, 120: 1.980}


def test_every_entry_is_scipys_quantile_bit_for_bit():
    assert LEVEL == 0.95 and len(T975) == 200
    for df, value in enumerate(T975, start=1):
        assert value == float(stdtrit(df, 0.975)), df
    assert Z975 == float(ndtri(0.975))


@pytest.mark.parametrize("df, printed", sorted(NIST.items()))
def test_entries_match_the_printed_table(df, printed):
    assert round(T975[df - 1], 3) == printed


def test_other_degrees_of_freedom_and_levels_go_to_scipy():
    assert stats._t_quantile(201, 0.975) == float(stdtrit(201, 0.975))
    assert stats._t_quantile(5, 0.95) == pytest.approx(2.015, abs=5e-4)   # NIST, 0.05 one-sided
    assert stats._normal_quantile(0.95) == pytest.approx(1.645, abs=5e-4)


def test_a_mean_ci_from_the_table_is_the_same_as_from_scipy():
    values = [3.1, 4.7, 2.2, 9.0, 5.5, 6.25, 1.0]
    mean, (lo, hi) = stats.mean_ci(values)
    import numpy as np

    arr = np.asarray(values)
    half = float(stdtrit(6, 0.975) * arr.std(ddof=1) / np.sqrt(7))
    assert (lo, hi) == (mean - half, mean + half)


def test_scoring_a_run_does_not_import_scipy():
    code = ("import sys\nfrom drillsim.scoring import stats\n"
            "stats.mean_ci([1.0, 2.0, 4.0]); stats.wilson(3, 4)\n"
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
