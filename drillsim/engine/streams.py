"""Named random streams for one replication.

Each stream is a numpy ``Generator`` (PCG64) seeded by ``SeedSequence`` from
(base seed, replication index, stream name). The same name in the same replication gives
the same numbers in every variant of a scenario (common random numbers), and no code
uses numpy's or Python's global random state.
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


class RandomStreams:
    """Factory of independent, reproducible generators for one replication.

    :param seed: the run's base seed (non-negative int).
    :param replication: replication index, 0-based.
    """

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative")
        self.seed = seed
        self.replication = replication
        self._streams: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        """The generator for stream ``name`` (created on first use, then reused)."""
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence([self.seed, self.replication, name_key(name)])
            gen = self._streams[name] = np.random.Generator(np.random.PCG64(seq))
        return gen
