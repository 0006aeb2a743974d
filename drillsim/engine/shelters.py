"""Emergency shelters (应急避难场所): places for evacuees, by site, with a capacity.

The region's sites of kind ``shelter`` with a ``capacity`` (people) are the shelters.
Evacuees from a township are placed in the shelter nearest their township's seat that
has room (straight line; ties in file order), then the next nearest, until all are placed
or every shelter is full; those left over are the overflow. People leave when released
(the hazard says they may go home). Every placement, overflow and release is an event,
so places against need are scored from the log:

- ``shelter_held`` (once, at the first placement): ``capacity`` by shelter and
  ``by_township`` (the places in each township);
- ``shelter_assigned``: ``township`` (where the people come from), ``shelter``,
  ``people``, ``occupied`` (after), ``capacity``;
- ``shelter_needed``: ``township``, ``people`` (all asked for at once);
- ``shelter_overflow``: ``township``, ``people`` (no place anywhere);
- ``shelter_left``: ``township``, ``shelter``, ``people``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drillsim.scenario.geo import haversine_km

if TYPE_CHECKING:  # pragma: no cover
    from drillsim.engine.eventlog import EventLog
    from drillsim.scenario.region import Place, Region

SHELTER = "shelter"


class Shelters:
    """The shelters of one run.

    :param region: the region (its ``shelter`` sites with a capacity).
    :param log: the run's event log.
    """

    def __init__(self, region: "Region", log: "EventLog") -> None:
        self._region = region
        self._log = log
        self.capacity: dict[str, float] = {}
        self.township: dict[str, str | None] = {}
        for spec in region.spec.sites:
            if spec.kind == SHELTER and spec.capacity:
                self.capacity[spec.id] = float(spec.capacity)
                self.township[spec.id] = spec.township
        self.occupied: dict[str, float] = {s: 0.0 for s in self.capacity}
        #: (origin township, shelter) -> people there now
        self.staying: dict[tuple[str, str], float] = {}
        self._announced = False

    def places_in(self, township: str) -> float:
        """Shelter places (capacity) in ``township``."""
        return sum(c for s, c in self.capacity.items() if self.township[s] == township)

    def _announce(self) -> None:
        if self._announced:
            return
        self._announced = True
        by_town: dict[str, float] = {}
        for s, c in self.capacity.items():
            town = self.township[s] or "outside"
            by_town[town] = by_town.get(town, 0.0) + c
        self._log.log("shelter_held", capacity=dict(self.capacity), by_township=by_town,
                      total=sum(self.capacity.values()))

    def admit(self, township: str, people: float, origin: "Place") -> float:
        """Place ``people`` from ``township`` in shelters, nearest to ``origin`` with room
        first. Returns the number placed; the rest is logged as ``shelter_overflow``."""
        if people <= 0:
            return 0.0
        self._announce()
        self._log.log("shelter_needed", township=township, people=people)
        order = sorted(self.capacity, key=lambda s: (
            haversine_km(origin.lat, origin.lon, self._region.places[s].lat, self._region.places[s].lon),
            list(self.capacity).index(s)))
        left = people
        for s in order:
            room = self.capacity[s] - self.occupied[s]
            take = min(room, left)
            if take <= 0:
                continue
            self.occupied[s] += take
            self.staying[(township, s)] = self.staying.get((township, s), 0.0) + take
            left -= take
            self._log.log("shelter_assigned", township=township, shelter=s, people=take,
                          occupied=self.occupied[s], capacity=self.capacity[s])
            if left <= 0:
                break
        if left > 0:
            self._log.log("shelter_overflow", township=township, people=left)
        return people - left

    def release(self, township: str) -> float:
        """Everyone from ``township`` leaves the shelters (``shelter_left`` per shelter).
        Returns how many left."""
        gone = 0.0
        for (town, s), n in list(self.staying.items()):
            if town != township or n <= 0:
                continue
            self.occupied[s] -= n
            del self.staying[(town, s)]
            gone += n
            self._log.log("shelter_left", township=township, shelter=s, people=n)
        return gone
