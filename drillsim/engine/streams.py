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


def uint32_words(n: int) -> list[int]:
    """The 32-bit words, least significant first, that ``numpy.random.SeedSequence``
    reads a non-negative int of its entropy as (``[0]`` for 0): numpy's own
    ``_int_to_uint32_array``, so an entropy list of ints and the ``uint32`` array of
    their words concatenated seed the same pool (the same numbers)."""
    if n == 0:
        return [0]
    words = []
    while n > 0:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return words


#: each stream name's words (:func:`uint32_words` of :func:`name_key`), once per process
_NAME_WORDS: dict[str, list[int]] = {}


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
        self._words = uint32_words(seed) + uint32_words(replication)

    def get(self, name: str) -> np.random.Generator:
        """The generator for stream ``name`` (created on first use, then reused):
        ``SeedSequence([seed, replication, name_key(name)])``, its entropy handed over
        as the ``uint32`` words numpy would make of that list (the same pool, about a
        third less work per stream: a flood run makes ~400)."""
        gen = self._streams.get(name)
        if gen is None:
            words = _NAME_WORDS.get(name)
            if words is None:
                words = _NAME_WORDS[name] = uint32_words(name_key(name))
            seq = np.random.SeedSequence(np.array(self._words + words, dtype=np.uint32))
            gen = self._streams[name] = np.random.Generator(np.random.PCG64(seq))
        return gen
