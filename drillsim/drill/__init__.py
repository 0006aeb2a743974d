"""Double-blind drills: a player-driven simulation with a hidden scenario.

Domain logic only (no user interface): packs (:mod:`.packs`), reporters
(:mod:`.reporting`), orders (:mod:`.commands`), injects (:mod:`.injects`), the drill log
(:mod:`.drilllog`), the session stepping the simulation (:mod:`.session`) and the
after-action review (:mod:`.aar`). The Textual interface is :mod:`drillsim.tui`.
"""
