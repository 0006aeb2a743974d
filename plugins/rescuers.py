"""The work of one rescuer moving residents out: the check shared by the flood's
evacuation, the chemical release's evacuation and the landslide's relocation params.

Each of them sends ``ceil(residents ÷ residents_per_rescuer)`` rescuers, each on scene for
``residents_per_rescuer ÷ rate_per_rescuer`` minutes. A ratio no run can hold (a typo such
as ``1e308`` residents, or a rate of ``1e-320/h``) gave an infinite on-scene time, which
failed the run in its middle instead of at the file's line.
"""

from __future__ import annotations

from drillsim.api import RANGES


def check_rescuer_work(residents_per_rescuer: float | None, rate_per_rescuer: float) -> float:
    """``rate_per_rescuer`` (people per minute), checked against ``residents_per_rescuer``
    (people, already checked; None when that field was refused): one rescuer's work,
    residents ÷ rate minutes, must fit the longest run (:data:`drillsim.api.RANGES`
    ``duration``: 366 d).

    :returns: ``rate_per_rescuer``.
    :raises ValueError: the work is longer than 366 d, or not a finite number.
    """
    if residents_per_rescuer is None:
        return rate_per_rescuer
    longest = RANGES["duration"]
    minutes = residents_per_rescuer / rate_per_rescuer
    if not minutes <= longest.high:  # also inf and nan
        days = minutes / 1440
        work = f"{days:,.0f} d" if days < 1e9 else "millions of years"
        raise ValueError(f"one rescuer moving {residents_per_rescuer:,.10g} residents at "
                         f"{rate_per_rescuer * 60:.4g}/h would work {work} on scene, longer than "
                         f"{longest.high / 1440:g} d, {longest.why}; check the rate's unit "
                         f"(20/h) and residents_per_rescuer")
    return rate_per_rescuer
