"""Double-blind drills: a player-driven simulation with a hidden scenario.

Domain logic only (no user interface): packs (:mod:`.packs`), orders (:mod:`.commands`), injects (:mod:`.injects`), the drill log
(:mod:`.drilllog`), the session stepping the simulation (:mod:`.session`) and the
after-action review (:mod:`.aar`). What players are told comes from the engine's
reporters (:mod:`drillsim.engine.reporting`). The Textual interface is :mod:`drillsim.tui`.
"""

#: clock speeds a drill offers: scenario minutes per wall minute
SPEEDS = (1, 10, 60, 600)
