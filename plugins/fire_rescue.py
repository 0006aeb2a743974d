"""Fire and rescue stations (消防救援站, plan F1) and community fire posts
(微型消防站 / 社区应急救援站, plan F4).

Defaults per unit (one appliance with its crew); a scenario states its own values and
lists them under ``assumptions:``:

- station appliance: 6 people, 1 pump; turnout 1 min (the popular "1 min turnout + 4
  min travel" reading of the 5-minute rule, ``cn_fire_turnout_s``, status approximate);
- community post: 3 people with light equipment, turnout 2 min (assumed).
"""

from drillsim.api import UnitType, hookimpl

FIRE_RESCUE_STATION = UnitType(
    name="fire_rescue_station",
    description="消防救援站 fire and rescue station appliance with its crew",
    capabilities={"people": 6, "pumps": 1},
    vehicle="fire_engine",
    turnout=1.0,
    plan_ref="F1 III.(3).1(1), IV.(8)",
)

COMMUNITY_FIRE_POST = UnitType(
    name="community_fire_post",
    description="微型消防站 community fire post (first response in its community)",
    capabilities={"people": 3},
    vehicle="light_vehicle",
    turnout=2.0,
    plan_ref="F4 II.(3).2",
)


@hookimpl
def drillsim_register_unit_types(register):
    register(FIRE_RESCUE_STATION)
    register(COMMUNITY_FIRE_POST)
