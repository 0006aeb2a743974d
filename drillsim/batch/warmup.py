"""Imported once by the local pool's fork server (its ``forkserver`` preload): every
pool worker forked from that server then starts with drillsim imported and the unit
registry built, instead of spending about two seconds on both itself."""

from drillsim.batch import worker  # noqa: F401  (imports the engine, loader and scoring)
from drillsim.scenario.quantities import registry

registry()
