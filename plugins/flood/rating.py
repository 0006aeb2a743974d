"""Stage–discharge relation (rating curve) at a gauging station.

Power law Q = a·(h − h0)^b (e.g. WMO-No. 1044, *Manual on Stream Gauging* vol. II,
2010, §1.4: the usual form of a rating for a stable control), with a fitted so the
curve passes through one known (stage, discharge) point. h0 is the stage of zero flow,
b typically 1.5–2.5 for natural channels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PowerRating:
    """Q = a (h − h0)^b; stages in m, discharges in m³/s.

    :raises ValueError: (from :meth:`through`) a point at or below h0, b ≤ 0.
    """

    a: float
    h0: float
    b: float

    @classmethod
    def through(cls, h0: float, b: float, stage: float, discharge: float) -> "PowerRating":
        """The curve with zero-flow stage ``h0`` and exponent ``b`` through one point."""
        if b <= 0:
            raise ValueError(f"exponent b must be positive, got {b}")
        if stage <= h0:
            raise ValueError(f"the known stage {stage} m must be above the zero-flow stage {h0} m")
        if discharge <= 0:
            raise ValueError(f"the known discharge must be positive, got {discharge}")
        return cls(discharge / (stage - h0) ** b, h0, b)

    def discharge(self, stage: float) -> float:
        """m³/s at ``stage`` (0 at or below h0)."""
        return self.a * (stage - self.h0) ** self.b if stage > self.h0 else 0.0

    def stage(self, discharge: float) -> float:
        """m at ``discharge`` (h0 for zero or negative flow)."""
        return self.h0 + (discharge / self.a) ** (1.0 / self.b) if discharge > 0 else self.h0
