"""The emergency medical service (120 急救) as a drillsim plugin.

Units (one ambulance with its crew each):

- ``als_ambulance``: advanced life support (ALS) — a doctor, a nurse and a driver with a
  monitor-defibrillator, ventilator and drugs. Brings ``{patients: 1, als: 1}``.
- ``bls_ambulance``: basic life support (BLS) — transport with first aid. Brings
  ``{patients: 1}``.

A scenario describes a critical casualty as an incident of kind ``critical_casualty``
demanding ``{patients: 1, als: 1}``; any other casualty as e.g. kind ``casualty``
demanding ``{patients: 1}``.

Dispatch rule (:func:`drillsim_choose_units`): for a ``critical_casualty``, send the
free ALS ambulance that can be on scene first (turnout if at its station, plus travel),
and only that one. When no ALS ambulance can be sent, the rule returns None and drillsim's
own rule decides: it sends the nearest unit that brings something still needed — a BLS
ambulance as first responder — and the casualty waits in the queue for its ``als``
demand until an ALS ambulance is free. Every other incident is left to the other plugins
and the default (None).

Turnout 3 min: the 2025 goal of China's 2020 guidance on pre-hospital emergency care
(国家卫生健康委等《关于进一步完善院前医疗急救服务的指导意见》, 国卫医发〔2020〕19号)
that 95 % of ambulances leave within 3 minutes, as reported e.g. at
https://nanmuxuan.com/zh-sg/tag/%E9%99%A2%E5%89%8D%E5%8C%BB%E7%96%97%E6%80%A5%E6%95%91
(2020-09-25). A scenario may set its own ``turnout:``.
"""

from __future__ import annotations

import math

from drillsim.api import UnitType, arrival_estimate, hookimpl, only_for_unit_types

#: The drillsim plugin API this plugin is written for (the host refuses it otherwise).
DRILLSIM_API = "1.2"

#: Incident kind the dispatch rule handles.
CRITICAL = "critical_casualty"

ALS_AMBULANCE = UnitType(
    name="als_ambulance",
    description="120 advanced life support ambulance (doctor, nurse, driver; monitor-defibrillator)",
    capabilities={"patients": 1, "als": 1},
    vehicle="light_vehicle",
    turnout=3.0,
)

BLS_AMBULANCE = UnitType(
    name="bls_ambulance",
    description="120 basic life support ambulance (transport with first aid)",
    capabilities={"patients": 1},
    vehicle="light_vehicle",
    turnout=3.0,
)


@hookimpl
def drillsim_register_unit_types(register):
    register(ALS_AMBULANCE)
    register(BLS_AMBULANCE)


@hookimpl
@only_for_unit_types("als_ambulance")  # None without ALS ambulances: not asked in such a run
def drillsim_choose_units(sim, incident, candidates):
    """Nearest ALS ambulance to a critical casualty; None for anything else."""
    if incident.kind != CRITICAL:
        return None
    ranked = sorted((arrival_estimate(sim, unit, incident.place), unit.index, unit)
                    for unit in candidates if unit.force.type is ALS_AMBULANCE)
    for minutes, _, unit in ranked:
        if math.isfinite(minutes):
            return [unit]
    return None  # no ALS ambulance can go now: the default sends a BLS one as first responder
