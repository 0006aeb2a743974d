"""The region a scenario runs in: townships, sites, and road travel between them.

A region file (``scenarios/regions/*.yaml``) lists townships and sites with coordinates
and the status of each fact (``verified``, ``derived``, ``approximate``, ``assumed``,
``not_found``), and the travel model:

    road minutes = great-circle km × circuity ÷ vehicle speed (km/h) × 60

or, where the file names a road graph (GraphML, or a CSV edge list ``from,to,km``),
shortest-path km on that graph (networkx, Dijkstra) ÷ speed × 60. Points that are not
graph nodes join the graph at their nearest node by a straight leg × circuity.
"""


import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from drillsim.errors import Fault, ValidationFailed
from drillsim.scenario.geo import haversine_km
from drillsim.scenario.quantities import RANGES, RoadSpeed, read_number
from drillsim.scenario.validation import Strict, Words, suggest, validate
from drillsim.scenario.yamlsource import Document, load_yaml

Status = Literal["verified", "verified_secondary", "derived", "approximate", "assumed", "not_found"]

SITE_KINDS = ("fire_station", "rescue_base", "chemical_park", "landing_site", "aviation_base",
              "shelter", "gauge", "staging", "scenic", "forest", "mutual_aid_origin", "geohazard",
              "waterlogging", "other")


class TownshipSpec(Strict):
    """A township-level unit (镇 town or 街道 subdistrict)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Township id (lowercase letters, digits, `_`)."""
    code: str | None = None
    """Administrative code."""
    name_zh: str
    """Name in Chinese."""
    name_pinyin: str
    """Name in pinyin (`Mixin Zhen`)."""
    kind: Literal["town", "subdistrict"]
    """`town` (镇) or `subdistrict` (街道)."""
    lat: float = Field(ge=-90, le=90)
    """Latitude of the township seat, degrees north."""
    lon: float = Field(ge=-180, le=180)
    """Longitude, degrees east."""
    coord_status: Status
    """How sure the coordinates are: `verified`, `verified_secondary`, `derived`, `approximate`, `assumed`, `not_found`."""
    coord_source: str | None = None
    """Where the coordinates come from."""
    coord_note: str | None = None
    """Note on the coordinates."""
    population_weight: int | None = Field(default=None, ge=0)
    """Relative population (people), used to split totals between townships."""
    population_status: Status | None = None
    """How sure the population is."""
    population_note: str | None = None
    """Note on the population."""
    river: str | None = None
    """The river the township lies on, if any."""
    river_status: Literal["verified", "approximate", "unknown"] = "unknown"
    """`verified`, `approximate` or `unknown`."""
    river_note: str | None = None
    """Where the river comes from (source id), or a note on it."""
    note: str | None = None
    """Free text for readers."""


class SiteSpec(Strict):
    """A named place: station, chemical park, landing site, shelter, gauge …"""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Site id (lowercase letters, digits, `_`)."""
    kind: Literal[SITE_KINDS]  # type: ignore[valid-type]
    """`fire_station`, `rescue_base`, `chemical_park`, `landing_site`, `aviation_base`, `shelter`, `gauge`, `staging`, `scenic`, `forest`, `mutual_aid_origin`, `geohazard`, `waterlogging` (内涝点) or `other`."""
    name_zh: str | None = None
    """Name in Chinese."""
    name_en: str | None = None
    """Name in English."""
    lat: float = Field(ge=-90, le=90)
    """Latitude, degrees north."""
    lon: float = Field(ge=-180, le=180)
    """Longitude, degrees east."""
    status: Status
    """How sure the position is (as for townships)."""
    source: str | None = None
    """Where it comes from."""
    township: str | None = None
    """The township it lies in."""
    capacity: int | None = Field(default=None, ge=0)
    """People it holds (shelters)."""
    note: str | None = None
    """Free text for readers."""


class VehicleSpec(Strict):
    """A vehicle class: its planning speed on roads, with where the figure comes from."""

    speed: RoadSpeed
    """Planning speed on roads, with a unit (`40km/h`)."""
    status: Status
    """How sure the figure is."""
    source: str | None = None
    """Where it comes from."""
    note: str | None = None
    """Free text for readers."""


class CircuitySpec(Strict):
    """Road distance ÷ straight-line distance (the detour factor)."""

    value: float = Field(ge=1.0, le=3.0)
    """Road km per straight-line km (1 to 3), when no road graph is given."""
    status: Status
    """How sure the figure is."""
    source: str | None = None
    """Where it comes from."""
    note: str | None = None
    """Free text for readers."""


class TravelSpec(Strict):
    circuity: CircuitySpec
    """The detour factor of roads over straight lines."""
    vehicles: dict[str, VehicleSpec]
    """Vehicle classes by name, each with its road speed."""
    road_graph: str | None = None
    """A road graph file (GraphML, or a CSV edge list `from,to,km`) relative to the region file; without it, straight line × circuity."""

    @field_validator("vehicles")
    @classmethod
    def _some(cls, v):
        if not v:
            raise ValueError("name at least one vehicle class")
        return v


class RiverSpec(Strict):
    """A river reach drawn on maps: a line through places, upstream first. Maps only:
    travel and the hazards do not use it (a flood plugin has its own reaches)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """River id, as the townships' `river` field names it (`fujiang`)."""
    name_zh: str | None = None
    """Name in Chinese (涪江)."""
    name_en: str | None = None
    """Name in English or pinyin (Fujiang)."""
    course: list[str] = Field(min_length=2)
    """Township or site ids the line passes through, upstream first."""
    status: Status
    """How sure the line is: `approximate` for a line through the places the sources put on the river (not its surveyed course; maps draw it dashed)."""
    source: str | None = None
    """Citation key (see `sources`)."""
    note: str | None = None
    """Free text: what the course rests on."""


class RegionFile(Strict):
    """Schema of a region file."""

    name: Words
    """Region name."""
    name_zh: str | None = None
    """Name in Chinese."""
    credits: list[str] = []
    """Data credits printed on maps."""
    sources: dict[str, str] = {}
    """Citations by key."""
    travel: TravelSpec
    """How units move: circuity, vehicle speeds, road graph."""
    townships: list[TownshipSpec]
    """The townships (镇街)."""
    sites: list[SiteSpec] = []
    """Named places: stations, parks, landing sites, gauges …"""
    rivers: list[RiverSpec] = []
    """River reaches drawn on maps (a line through townships and sites, upstream first)."""


@dataclass(frozen=True, eq=False)
class Place:
    """A point units can be based at or sent to.

    ``township`` is the id of the township the place lies in (None outside the region).
    """

    id: str
    name: str
    lat: float
    lon: float
    kind: str
    township: str | None = None

    def __repr__(self) -> str:
        return f"Place({self.id})"


class Region:
    """Runtime region: places by id and the road travel model.

    :param spec: the validated region file.
    :param graph: optional networkx graph with edge attribute ``km``.
    """

    def __init__(self, spec: RegionFile, graph=None, source: str = "",
                 files: tuple[Path, ...] = ()) -> None:
        self.spec = spec
        self.source = source
        #: the files it was read from (region file, road graph), resolved
        self.files = files
        self.townships = {t.id: t for t in spec.townships}
        self.places: dict[str, Place] = {}
        for t in spec.townships:
            self.places[t.id] = Place(t.id, f"{t.name_pinyin} {t.name_zh}", t.lat, t.lon, t.kind, t.id)
        for s in spec.sites:
            name = " ".join(x for x in (s.name_en, s.name_zh) if x) or s.id
            self.places[s.id] = Place(s.id, name, s.lat, s.lon, s.kind, s.township)
        self.circuity = spec.travel.circuity.value
        self.speeds = {name: v.speed for name, v in spec.travel.vehicles.items()}
        self.graph = graph
        self._cache: dict[tuple[str, str, str], float] = {}

    def place(self, place_id: str) -> Place:
        """The place with this id; :class:`KeyError` if none."""
        return self.places[place_id]

    def sites(self, kind: str) -> list[Place]:
        """All sites of one kind, in file order."""
        return [self.places[s.id] for s in self.spec.sites if s.kind == kind]

    def road_km(self, a: Place, b: Place) -> float:
        """Road distance, km: graph shortest path if a graph is given, else
        great-circle × circuity."""
        if self.graph is None:
            return haversine_km(a.lat, a.lon, b.lat, b.lon) * self.circuity
        import networkx as nx

        na, lead_a = self._join(a)
        nb, lead_b = self._join(b)
        if na == nb:
            return haversine_km(a.lat, a.lon, b.lat, b.lon) * self.circuity
        try:
            km = nx.shortest_path_length(self.graph, na, nb, weight="km")
        except nx.NetworkXNoPath:
            return math.inf
        return lead_a + km + lead_b

    def _join(self, p: Place) -> tuple[str, float]:
        if p.id in self.graph:
            return p.id, 0.0
        best, best_km = None, math.inf
        for node in sorted(self.graph.nodes):
            q = self.places.get(node)
            if q is None:
                continue
            km = haversine_km(p.lat, p.lon, q.lat, q.lon)
            if km < best_km:
                best, best_km = node, km
        return best, best_km * self.circuity

    def road_minutes(self, a: Place, b: Place, vehicle: str) -> float:
        """Road travel time, minutes, for a vehicle class; ``inf`` if unreachable.

        :raises KeyError: unknown vehicle class (loading checks this first).
        """
        key = (a.id, b.id, vehicle)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        minutes = self.road_km(a, b) / self.speeds[vehicle] * 60.0
        if a.id in self.places and b.id in self.places:  # ad-hoc points are not cached
            self._cache[key] = minutes
        return minutes

    def locate(self, at: str | None) -> tuple[float, float]:
        """``(lat, lon)`` of a place id, of ``"lat,lon"`` text, or (None) the mean of the
        township seats — how calculators and tools let users say where.

        :raises ValueError: neither a place id nor two numbers.
        """
        if at is None:
            towns = list(self.townships.values())
            return sum(t.lat for t in towns) / len(towns), sum(t.lon for t in towns) / len(towns)
        if at in self.places:
            p = self.places[at]
            return p.lat, p.lon
        try:
            lat, lon = (float(v) for v in at.split(","))
        except ValueError:
            raise ValueError(f"--at {at!r}: give a place id of the region or 'lat,lon'") from None
        return lat, lon

    def nearest(self, p: Place, kind: str) -> Place | None:
        """The site of ``kind`` nearest to ``p`` in a straight line (ties: file order)."""
        best, best_km = None, math.inf
        for s in self.sites(kind):
            km = haversine_km(p.lat, p.lon, s.lat, s.lon)
            if km < best_km:
                best, best_km = s, km
        return best


def _km_problem(km: float) -> str | None:
    """Why an edge's km is no road length (negative, nan, beyond half the Earth's
    circumference: 1e308 km passed, and its trips never arrived), or None."""
    longest = RANGES["length"]
    if not km >= 0:
        return "km must be a finite, non-negative number"
    if km > longest.high:
        return longest.refusal(f"{km:,.10g} km")
    return None


def _load_graph(path: Path, doc: Document):
    import networkx as nx

    def fail(message: str) -> ValidationFailed:
        return ValidationFailed([doc.fault(("travel", "road_graph"), message)])

    try:
        if path.suffix.lower() == ".graphml":
            g = nx.read_graphml(path)
            graph = nx.Graph()
            for u, v, data in g.edges(data=True):
                km = data["km"] if isinstance(data["km"], (int, float)) else read_number(data["km"])
                problem = _km_problem(float(km))
                if problem:
                    raise fail(f"road graph {path.name!r}, edge {u} – {v}: {problem}")
                graph.add_edge(u, v, km=float(km))
            return graph
        graph = nx.Graph()
        with path.open(newline="", encoding="utf-8") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    # the digits 0-9, as every number drillsim reads (float() took '１２')
                    km = read_number(row["km"])
                except (KeyError, TypeError, ValueError) as exc:
                    why = f" ({exc})" if isinstance(exc, ValueError) and row.get("km") else ""
                    raise fail(f"road graph {path.name!r}, line {line}: each edge needs from, to "
                               f"and a number km{why}") from None
                problem = _km_problem(km)
                if problem:
                    raise fail(f"road graph {path.name!r}, line {line}: {problem}")
                graph.add_edge(row["from"], row["to"], km=km)
        return graph
    except ValidationFailed:
        raise
    except FileNotFoundError:
        raise fail(f"road graph {path.name!r} not found") from None
    except Exception as exc:  # networkx and csv raise many kinds for a malformed file
        # the exception text may quote the file; name only its kind
        raise fail(f"cannot read road graph {path.name!r}: each edge needs from, to and km "
                   f"({type(exc).__name__})") from None


def check_region(spec: RegionFile, doc: Document) -> list[Fault]:
    """Cross-checks a schema cannot express: unique ids, known townships on sites, a
    shelter's capacity and township, known places on river courses."""
    faults = []
    seen: dict[str, int] = {}
    for i, t in enumerate(spec.townships):
        if t.id in seen:
            faults.append(doc.fault(("townships", i, "id"), f"township id {t.id!r} is used twice"))
        seen[t.id] = i
    for i, s in enumerate(spec.sites):
        if s.id in seen:
            faults.append(doc.fault(("sites", i, "id"), f"id {s.id!r} is already used by another "
                                                         "township or site"))
        seen[s.id] = i
        township_ids = [t.id for t in spec.townships]
        if s.township is not None and s.township not in township_ids:
            faults.append(doc.fault(("sites", i, "township"), f"unknown township {s.township!r}"
                                    + suggest(s.township, township_ids)))
        if s.kind == "shelter":  # what T5 and the placement of evacuees count by
            if s.capacity is None:
                faults.append(doc.fault(("sites", i, "capacity"), "a shelter needs capacity: the "
                                        "people it holds (a whole number; 0 for one that holds nobody)"))
            if s.township is None:
                faults.append(doc.fault(("sites", i, "township"), "a shelter needs township: the "
                                        "township whose places it counts among"))
    rivers: set[str] = set()
    for i, r in enumerate(spec.rivers):
        if r.id in rivers:
            faults.append(doc.fault(("rivers", i, "id"), f"river id {r.id!r} is used twice"))
        rivers.add(r.id)
        for j, place in enumerate(r.course):
            if place not in seen:
                faults.append(doc.fault(("rivers", i, "course", j), f"unknown township or site "
                                        f"{place!r}" + suggest(place, sorted(seen))))
    return faults


def load_region(path: Path, shown: str, root: Path | None = None) -> Region:
    """Load and validate a region file.

    :param root: folder a road graph must lie in (default: :func:`~drillsim.scenario.paths.scenario_root`).
    :raises ValidationFailed: schema errors, duplicate ids, a road graph outside the root
        or unreadable.
    """
    doc = load_yaml(path, shown)
    spec = validate(RegionFile, doc)
    faults = check_region(spec, doc)
    if faults:
        raise ValidationFailed(faults)
    graph = None
    files = [Path(path).resolve()]
    if spec.travel.road_graph:
        from drillsim.scenario.paths import resolve_ref, scenario_root

        ref = resolve_ref(doc, ("travel", "road_graph"), spec.travel.road_graph, Path(path).resolve(),
                          root or scenario_root(Path(path)))
        graph = _load_graph(ref, doc)
        _check_graph_places(graph, spec, ref, doc)
        files.append(Path(ref).resolve())
    return Region(spec, graph, shown, tuple(files))


def _check_graph_places(graph, spec: RegionFile, ref: Path, doc: Document) -> None:
    """A road graph must hold a road, and join the region at some place: its nodes are
    the region's township and site ids (and junctions of its own). An empty file, one of
    only its header, or one whose names are all misspelt (``WEST``) was taken for no
    graph at all: every trip went by the straight line × circuity without a word.

    :raises ValidationFailed: located at ``travel.road_graph``."""
    ids = {t.id for t in spec.townships} | {s.id for s in spec.sites}
    if graph.number_of_edges() == 0:
        message = (f"road graph {ref.name!r} holds no road: give one edge a line, from,to,km "
                   "(the first line is that header)")
    elif not ids & set(graph.nodes):
        shown = ", ".join(map(repr, sorted(map(str, graph.nodes))[:3]))
        message = (f"road graph {ref.name!r}: none of its nodes ({shown} …) is a township or site "
                   "of the region, so no trip could use it; name the places by their ids")
    else:
        return
    raise ValidationFailed([doc.fault(("travel", "road_graph"), message)])
