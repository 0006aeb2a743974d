"""drillsim: exercise emergency plans with discrete-event simulation.

The engine runs YAML scenarios on a SimPy core; response forces and hazards are
pluggy plugins; runs are scored against a plan's capability targets.

Internal time unit: **minutes** (float) everywhere in the engine, the event log and
the plugin API. Scenario files carry units in the text (``90min``, ``12h``, ``2d``).
"""

__version__ = "0.1.0"
