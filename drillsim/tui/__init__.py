"""The drill's Textual user interface (player, controller, help and review screens).

Only this package imports Textual; the drill's logic is :mod:`drillsim.drill`.
"""
