"""Water on the fire ground: the flow a fire needs and the flow the attack can keep up.

**Needed fire flow.** The US National Fire Academy's formula (NFA "quick calculation",
IFSTA *Essentials of Fire Fighting*; Fire Engineering, "Fire flow formulas"): a fully
involved floor needs its area in square feet divided by 3, in US gallons per minute,

    NFF = A_ft² / 3  gpm  per involved floor.

In SI: 1 m² = 10.7639 ft², 1 gpm = 0.0630902 L/s, so NFF = 0.226366 L/s per m² of
involved floor (:data:`NFA_L_S_PER_M2`).

**Supply.** The appliances on scene can pump ``flow per pump`` each; what they pump comes
from the municipal hydrants in reach (each working hydrant gives its flow: GB 50974-2014,
消防给水及消火栓系统技术规范, §7.2, counts 10–15 L/s per municipal hydrant) and, beyond
that, from the appliances' tanks while any water is left in them. The attack's flow is

    applied = min(pumping capacity, hydrant flow + (tank flow if tanks hold water)).

The attack is *short of water* when the supply keeps it below what its pumps could put
on the fire (and the fire needs).
"""

from __future__ import annotations

#: L/s of needed fire flow per m² of involved floor (NFA formula, SI): 10.7639 ft²/m² ÷ 3
#: gpm per ft² × 0.0630902 L/s per gpm
NFA_L_S_PER_M2 = 10.763910416709722 / 3.0 * 0.0630901964


def needed_flow_l_s(floor_area_m2: float, floors: int = 1, involvement: float = 1.0) -> float:
    """Needed fire flow of one building, L/s (NFA formula): floor area × floors involved ×
    involvement share × 0.226366 L/s per m².

    :raises ValueError: a negative area, floors below 1 or a share outside 0–1.
    """
    if floor_area_m2 < 0 or floors < 1 or not 0.0 <= involvement <= 1.0:
        raise ValueError("needed fire flow needs an area >= 0 m², floors >= 1 and a share 0-1")
    return floor_area_m2 * floors * involvement * NFA_L_S_PER_M2


def applied_flow_l_s(pumps_l_s: float, hydrants_l_s: float, tank_water_m3: float, needed_l_s: float) -> float:
    """The flow the attack puts on the fire, L/s: what the fire needs, at most what the
    pumps on scene can deliver, from the hydrants and, while they hold water, the tanks.

    :param pumps_l_s: total pumping capacity of the appliances on scene.
    :param hydrants_l_s: total flow of the working hydrants in reach.
    :param tank_water_m3: water left in the appliances' tanks.
    :param needed_l_s: the needed fire flow of the buildings burning.
    """
    want = min(pumps_l_s, needed_l_s)
    if tank_water_m3 > 0:
        return want
    return min(want, hydrants_l_s)


def tank_draw_l_s(applied_l_s: float, hydrants_l_s: float) -> float:
    """The part of the applied flow drawn from the tanks, L/s (what the hydrants do not give)."""
    return max(0.0, applied_l_s - hydrants_l_s)
