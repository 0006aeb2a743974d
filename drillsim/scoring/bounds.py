"""Observations cut off by the end of the run: values that are only bounds.

A fire still burning at the horizon "was contained after at least 60 min"; an incident
no unit reached "was reached after at least 45 min"; a township whose evacuation had not
finished "had a margin of at most -30 min". A metric gives such an observation as
:class:`AtLeast` or :class:`AtMost` (a ``float``, so every other reader takes it as its
value), and the scorecard then judges a replication only where the bound decides it:
the true value lies somewhere between the bound and no limit at all, and a goal met at
one end and missed at the other cannot be judged on the run's span (statistics in
survival analysis call such an observation *right-censored* (:class:`AtLeast`);
Klein & Moeschberger, *Survival Analysis*, 2nd ed., §1.2 and §3.2).

Every statistic drillsim reduces with (mean, min, max, sum, count, percentiles) is
non-decreasing in each value, so the replication's true value lies between the
statistic taken with every bound at its written value and the one with every bound
pushed to its open end (:data:`OPEN_END`); a comparison with a threshold is monotone
too, hence judged exactly when both ends agree (:func:`drillsim.scoring.scorecard.judge`).
"""

from __future__ import annotations

from numbers import Real

#: what stands for "no limit" at the open end of a bound (finite: a percentile's linear
#: interpolation between +/- infinity gives NaN); larger than any goal a scenario writes
OPEN_END = 1e300


def _number(cls: type, value: object) -> float:
    """``value`` as a float for a bound, refusing what is no number (``float()`` alone
    would take the text ``"5"`` and True)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{cls.__name__}({value!r}): a bound is a number (minutes for a time, "
                        f"as the metric's other values), not {type(value).__name__}; give the "
                        f"value the run's end cut off, e.g. {cls.__name__}(context.horizon - start)")
    return value


class AtLeast(float):
    """A value cut off by the end of the run whose true value is at least this one (a
    time still running: to containment, to arrival, to reopening; an area still
    growing). Arithmetic on it gives a plain ``float``: mark the value a metric returns.

    :raises TypeError: the value is not a number (None, text, True/False); a NaN or an
        infinite bound is refused with the metric's other values, naming the plugin.
    """

    __slots__ = ()

    def __new__(cls, value: float = 0.0) -> "AtLeast":
        return super().__new__(cls, _number(cls, value))

    def __repr__(self) -> str:
        return f"AtLeast({float(self)!r})"


class AtMost(float):
    """A value cut off by the end of the run whose true value is at most this one (a
    margin to a hazard's arrival for an evacuation not finished by the end).

    :raises TypeError: as :class:`AtLeast`.
    """

    __slots__ = ()

    def __new__(cls, value: float = 0.0) -> "AtMost":
        return super().__new__(cls, _number(cls, value))

    def __repr__(self) -> str:
        return f"AtMost({float(self)!r})"


def is_bound(value: float) -> bool:
    """Whether ``value`` is an :class:`AtLeast` or an :class:`AtMost`."""
    return isinstance(value, (AtLeast, AtMost))


def ends(values: list[float]) -> tuple[list[float], list[float]]:
    """The least and the greatest the values could truly be: each bound at its written
    value or at :data:`OPEN_END` (plain floats; values with no bound stay as they are)."""
    low = [-OPEN_END if isinstance(v, AtMost) else float(v) for v in values]
    high = [OPEN_END if isinstance(v, AtLeast) else float(v) for v in values]
    return low, high


def row_status(passes: int, open_: int, n: int, required: float) -> tuple[str, bool | None]:
    """A row's status and whether it passed, from ``passes`` replications judged to meet
    the goal and ``open_`` not judged (:func:`~drillsim.scoring.scorecard.judge`) of ``n`` measured: ``pass`` if the
    judged passes alone reach the ``required`` rate, ``fail`` if they do not even with
    every open one counted as meeting it, else ``not judged`` (None)."""
    if passes / n >= required - 1e-12:
        return "pass", True
    if (passes + open_) / n < required - 1e-12:
        return "fail", False
    return "not judged", None
