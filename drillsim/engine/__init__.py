"""The SimPy core: units, incidents, dispatch, reserves, random streams, event log.

Time unit: minutes (float). The engine knows no force and no hazard by name; those come
from plugins through :mod:`drillsim.host.hookspecs`.
"""
