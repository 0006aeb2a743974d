"""The standard fuel models (13 Anderson, 40 Scott & Burgan) from the shipped data file.

``fuel_models.yaml`` beside this module holds the published tables with their sources;
this module reads it once and hands out :class:`FuelModel` records in the units Rothermel
wrote his equations in (lb/ft², 1/ft, ft, Btu/lb), which is where the published checks
(BehavePlus) live too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from drillsim.api import suggest

#: t/ac → lb/ft² (2000 lb per short ton, 43,560 ft² per acre)
TONS_PER_ACRE_TO_LB_FT2 = 2000.0 / 43560.0


@dataclass(frozen=True)
class FuelModel:
    """One fuel model.

    :ivar code: ``"FM1"``…``"FM13"`` (Anderson 1982) or ``"GR1"``…``"SB4"`` (Scott & Burgan 2005).
    :ivar load: oven-dry loads, lb/ft², ``(1-h, 10-h, 100-h, live herbaceous, live woody)``.
    :ivar sav: surface-area-to-volume ratios, 1/ft, ``(1-h, live herbaceous, live woody)``.
    :ivar depth: fuel bed depth, ft.
    :ivar mx_dead: dead fuel moisture of extinction, fraction.
    :ivar heat: heat content, Btu/lb (dead and live alike in all standard models).
    :ivar dynamic: live herbaceous load cures to dead with moisture (Scott & Burgan).
    """

    code: str
    number: int
    name: str
    family: str
    load: tuple[float, float, float, float, float]
    sav: tuple[float, float, float]
    depth: float
    mx_dead: float
    heat: float
    dynamic: bool


@lru_cache(maxsize=1)
def fuel_models() -> dict[str, FuelModel]:
    """All 53 standard fuel models by code (read once from ``fuel_models.yaml``)."""
    text = resources.files(__package__).joinpath("fuel_models.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    out: dict[str, FuelModel] = {}
    for family, scale, key in (("anderson_13", 1.0, "load_lb_ft2"),
                               ("scott_burgan_40", TONS_PER_ACRE_TO_LB_FT2, "load_t_ac")):
        group = data[family]
        for code, m in group["models"].items():
            out[code] = FuelModel(
                code, int(m["number"]), m["name"], family,
                tuple(float(x) * scale for x in m[key]), tuple(float(s) for s in m["sav_1_ft"]),
                float(m["depth_ft"]), m["mx_dead_pct"] / 100.0, float(m["heat_btu_lb"]),
                bool(group["dynamic"]))
    return out


def fuel_model(code: str) -> FuelModel:
    """The fuel model with this code (``"TL8"``, ``"FM9"``; ``"9"`` means ``FM9``).

    :raises ValueError: unknown code, naming the close matches.
    """
    models = fuel_models()
    key = code.strip().upper()
    if key.isdigit():
        key = f"FM{int(key)}"
    if key in models:
        return models[key]
    raise ValueError(f"unknown fuel model {code!r}{suggest(key, list(models))}; the 13 Anderson "
                     f"(FM1-FM13) and 40 Scott & Burgan models (GR1-GR9, GS1-GS4, SH1-SH9, "
                     f"TU1-TU5, TL1-TL9, SB1-SB4) are known")
