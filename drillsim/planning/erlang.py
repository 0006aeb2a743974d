"""Erlang B and Erlang C: how often a force with N identical units has none free.

The screens a planner runs before simulating (``drillsim calc erlang-b|erlang-c``): calls
arrive at random (Poisson) at rate λ, each holds one unit for a time with mean 1/μ (the
whole commitment: turnout, travel, on scene, return), there are N units. The offered
load is a = λ/μ erlangs (the mean number of units busy if there were enough).

- **Erlang B** (M/M/N/N, no queue: a call that finds every unit busy is lost or goes to
  mutual aid): the blocking probability B(N, a), by the recursion

      B(0, a) = 1,   B(n, a) = a·B(n−1, a) / (n + a·B(n−1, a))

  which never forms a^N/N! and so stays accurate for any N (Jagerman 1974, "Some
  properties of the Erlang loss function", *Bell System Technical Journal* 53(3)). B does
  not depend on the holding-time distribution beyond its mean (Erlang's insensitivity).
- **Erlang C** (M/M/N, an unlimited first-come-first-served queue): for a < N the
  probability that a call waits, C(N, a) = N·B / (N − a·(1 − B)); the mean wait
  W_q = C / (Nμ − λ); the wait's tail P(W > t) = C·exp(−(Nμ − λ)·t); the mean queue
  L_q = λ·W_q (Gross, Shortle, Thompson & Harris, *Fundamentals of Queueing Theory*, 4th
  ed., §2.3, §2.5). Unlike B, these assume exponential holding times.

Times are in minutes (the engine's unit) and rates per minute throughout.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


def erlang_b(units: int, load: float) -> float:
    """Erlang B blocking probability B(N, a) for ``units`` N ≥ 0 and offered ``load``
    a ≥ 0 erlangs, by the stable recursion above (B(0, a) = 1; B(N, 0) = 0 for N ≥ 1).

    :raises ValueError: N negative or not whole, a negative or not finite.
    """
    _check(units, load)
    b = 1.0
    for n in range(1, units + 1):
        b = load * b / (n + load * b)
    return b


#: relative margin within which an offered load counts as equal to a number of units. A
#: load computed from a rate and a holding time carries the rounding of their product
#: (72/d × 60 min is 2.9999999999999996 erlangs, not 3): read as less than 3, three
#: units were said to keep up, every call waiting and a mean wait of 1.35e17 min.
LOAD_ROUNDING = 1e-9


def saturated(units: int, load: float) -> bool:
    """Whether ``units`` cannot keep up with ``load`` erlangs when calls queue (a ≥ N: the
    queue grows without bound), a load within :data:`LOAD_ROUNDING` of N counting as N."""
    return load >= units * (1.0 - LOAD_ROUNDING)


def fewest_keeping_up(load: float) -> int:
    """The fewest units (at least 1) that keep up with ``load`` erlangs with a queue: the
    smallest N with a < N (:func:`saturated`)."""
    n = max(1, math.floor(load) + 1)
    while saturated(n, load):
        n += 1
    return n


def erlang_c(units: int, load: float) -> float:
    """Erlang C: the probability that a call waits, C(N, a) = N·B / (N − a(1 − B)), for
    a stable queue (a < N).

    :raises ValueError: bad N or a (see :func:`erlang_b`), or a ≥ N (the queue grows
        without bound: every call waits in the long run), a load within
        :data:`LOAD_ROUNDING` of N counting as N.
    """
    _check(units, load)
    if saturated(units, load):
        raise ValueError(f"an offered load of {load:g} erlangs needs more than {units} unit(s): "
                         "with a queue, it grows without bound")
    b = erlang_b(units, load)
    return units * b / (units - load * (1.0 - b))


def _check(units: int, load: float) -> None:
    if isinstance(units, bool) or not isinstance(units, int) or units < 0:
        raise ValueError(f"the number of units must be a whole number ≥ 0, got {units!r}")
    if not (isinstance(load, (int, float)) and math.isfinite(load) and load >= 0):
        raise ValueError(f"the offered load must be a finite number of erlangs ≥ 0, got {load!r}")


@dataclass(frozen=True)
class LossResult:
    """Erlang B for one number of units.

    :ivar units: N. :ivar load: offered load a, erlangs. :ivar blocking: B(N, a), the
        share of calls that find every unit busy. :ivar carried: a·(1 − B), erlangs (units
        busy on average). :ivar utilisation: carried / N, the share of time a unit is
        busy. :ivar lost_per_hour: λ·B·60, calls per hour finding no unit (None when the
        load was given without a rate).
    """

    units: int
    load: float
    blocking: float
    carried: float
    utilisation: float
    lost_per_hour: float | None


@dataclass(frozen=True)
class DelayResult:
    """Erlang C for one number of units (a stable queue).

    :ivar units: N. :ivar load: a, erlangs. :ivar wait_probability: C(N, a).
    :ivar mean_wait: W_q, minutes (over all calls, those served at once counting 0).
    :ivar mean_wait_if_waiting: 1 / (Nμ − λ), minutes: the mean wait of a call that waits.
    :ivar mean_queue: L_q, calls waiting on average. :ivar utilisation: a / N.
    :ivar wait_over: {t minutes: P(W > t)} for the times asked.
    """

    units: int
    load: float
    wait_probability: float
    mean_wait: float
    mean_wait_if_waiting: float
    mean_queue: float
    utilisation: float
    wait_over: dict[float, float]


def loss(units: int, load: float, rate: float | None = None) -> LossResult:
    """Erlang B measures for ``units`` and ``load`` erlangs (``rate``: calls per minute,
    for the lost calls per hour)."""
    b = erlang_b(units, load)
    carried = load * (1.0 - b)
    return LossResult(units, load, b, carried, carried / units if units else 0.0,
                      None if rate is None else rate * b * 60.0)


def delay(units: int, load: float, service: float, waits: list[float] = ()) -> DelayResult:
    """Erlang C measures for ``units``, ``load`` erlangs and mean holding time ``service``
    minutes; ``waits``: times t (minutes) for P(W > t).

    :raises ValueError: load ≥ units, or service not positive.
    """
    if not (math.isfinite(service) and service > 0):
        raise ValueError(f"the mean holding time must be positive, got {service!r}")
    c = erlang_c(units, load)
    drain = (units - load) / service  # Nμ − λ, per minute
    wq = c / drain
    return DelayResult(units, load, c, wq, 1.0 / drain, (load / service) * wq, load / units,
                       {t: c * math.exp(-drain * t) for t in waits})


def smallest_units(load: float, blocking: float | None = None, wait_probability: float | None = None,
                   wait: tuple[float, float, float] | None = None, most: int = 10_000) -> int:
    """The fewest units meeting a screen: Erlang B ≤ ``blocking``; or Erlang C ≤
    ``wait_probability``; or, with ``wait`` = (t, share, service), P(W > t) ≤ share.
    Exactly one screen is given. B and C fall as N grows, so the first N that meets the
    screen is the answer; B is carried along the recursion, one step per N.

    :raises ValueError: no screen or several, or none met by ``most`` units.
    """
    if sum(x is not None for x in (blocking, wait_probability, wait)) != 1:
        raise ValueError("give exactly one screen")
    _check(0, load)
    b = 1.0
    for n in range(1, most + 1):
        b = load * b / (n + load * b)                    # B(n, a)
        if blocking is not None:
            if b <= blocking:
                return n
            continue
        if saturated(n, load):
            continue                                     # no stable queue yet
        c = n * b / (n - load * (1.0 - b))               # C(n, a)
        if wait_probability is not None and c <= wait_probability:
            return n
        if wait is not None:
            t, share, service = wait
            if c * math.exp(-(n - load) / service * t) <= share:
                return n
    raise ValueError(f"no number of units up to {most:,} meets the screen")


def as_dict(result: LossResult | DelayResult) -> dict:
    """A result as plain data (JSON): ``wait_over`` keyed by minutes as text."""
    data = asdict(result)
    if "wait_over" in data:
        data["wait_over"] = {f"{t:g}min": p for t, p in data["wait_over"].items()}
    return data
