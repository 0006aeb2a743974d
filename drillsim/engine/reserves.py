"""Stockpiles such as relocation supplies (紧急转移安置物资), counted in what they provide
for (people).

A reserve has holdings at the district level and at townships. A request for a township
draws first on that township's own stock, then on the district's; what cannot be met is
logged as a shortfall. Every draw and shortfall is an event, so adequacy is scored from
the log; ``measure`` in their details says what amounts count (``people``).

What is drawn is gone until restocked: :meth:`Reserve.restock` puts an amount back at a
holder (the engine calls it ``restock_after`` a draw when the scenario gives that delay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from drillsim.engine.eventlog import EventLog

DISTRICT = "district"


class Reserve:
    """One reserve.

    :param id: reserve id (``relocation_supplies``).
    :param unit: what an amount counts (``people``).
    :param holdings: ``{"district": 3000, "mixin": 200, …}``.
    """

    def __init__(self, id: str, unit: str, holdings: dict[str, float], log: "EventLog",
                 on_draw: "Callable[[str, float], None] | None" = None) -> None:
        self.id = id
        self.unit = unit
        self.held = dict(holdings)
        self.initial = dict(holdings)
        self._log = log
        #: called with (holder, amount) after each draw (the engine's restocking)
        self.on_draw = on_draw

    def restock(self, holder: str, amount: float) -> None:
        """Put ``amount`` back at ``holder`` (logged as ``reserve_restocked``)."""
        if amount <= 0:
            return
        self.held[holder] = self.held.get(holder, 0.0) + amount
        self._log.log("reserve_restocked", reserve=self.id, source=holder, amount=amount,
                      left=self.held[holder], measure=self.unit)

    def available(self, holder: str) -> float:
        return self.held.get(holder, 0.0)

    def draw(self, township: str | None, amount: float, purpose: str = "") -> float:
        """Take ``amount`` for a township: its own stock first, then the district's.

        :returns: the amount actually supplied (≤ ``amount``).
        """
        if amount <= 0:
            return 0.0
        self._log.log("reserve_requested", reserve=self.id, township=township, amount=amount,
                      measure=self.unit, purpose=purpose)
        remaining = amount
        for holder in ([township] if township and township != DISTRICT else []) + [DISTRICT]:
            have = self.held.get(holder, 0.0)
            take = min(have, remaining)
            if take > 0:
                self.held[holder] = have - take
                remaining -= take
                self._log.log("reserve_drawn", reserve=self.id, township=township, source=holder,
                              amount=take, left=self.held[holder], measure=self.unit)
                if self.on_draw is not None:
                    self.on_draw(holder, take)
            if remaining <= 0:
                break
        if remaining > 0:
            self._log.log("reserve_short", reserve=self.id, township=township, amount=remaining,
                          measure=self.unit)
        return amount - remaining
