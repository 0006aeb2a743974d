"""Toxic chemicals: molar masses and AEGL levels from the shipped ``chemicals.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from drillsim.api import suggest

#: molar volume of an ideal gas at 25 °C and 101.325 kPa, L/mol (the AEGL convention)
MOLAR_VOLUME_25C = 24.45
LEVELS = ("aegl1", "aegl2", "aegl3")


@dataclass(frozen=True)
class Chemical:
    """A toxic gas: ``molar_mass`` g/mol, ``aegl_ppm`` {level: 60-min AEGL in ppm}."""

    name: str
    name_zh: str
    molar_mass: float
    aegl_ppm: dict[str, float]

    def aegl_mg_m3(self, level: str) -> float:
        """The 60-min AEGL of ``level`` (``aegl1``…``aegl3``) in mg/m³ at 25 °C."""
        return ppm_to_mg_m3(self.aegl_ppm[level], self.molar_mass)


def ppm_to_mg_m3(ppm: float, molar_mass: float) -> float:
    """ppm (by volume) → mg/m³ at 25 °C, 1 atm: mg/m³ = ppm × M / 24.45."""
    return ppm * molar_mass / MOLAR_VOLUME_25C


def mg_m3_to_ppm(mg_m3: float, molar_mass: float) -> float:
    """mg/m³ → ppm at 25 °C, 1 atm (inverse of :func:`ppm_to_mg_m3`)."""
    return mg_m3 * MOLAR_VOLUME_25C / molar_mass


@lru_cache(maxsize=1)
def chemicals() -> dict[str, Chemical]:
    """All chemicals of ``chemicals.yaml`` by name."""
    data = yaml.safe_load(resources.files(__package__).joinpath("chemicals.yaml").read_text(encoding="utf-8"))
    return {name: Chemical(name, d["name_zh"], float(d["molar_mass_g_mol"]),
                           {k: float(v) for k, v in d["aegl_60min_ppm"].items()}) for name, d in data.items()}


def chemical(name: str) -> Chemical:
    """The chemical called ``name``.

    :raises ValueError: unknown name, with the known ones.
    """
    known = chemicals()
    if name not in known:
        raise ValueError(f"unknown chemical {name!r}{suggest(name, list(known))}; known: {', '.join(known)}")
    return known[name]
