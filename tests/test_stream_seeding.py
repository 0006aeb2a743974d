"""A replication's random streams are numpy's ``SeedSequence([seed, replication, name
key])`` generators, whichever way the entropy is handed to numpy
(:mod:`drillsim.engine.streams` passes the uint32 words numpy makes of the list)."""

import numpy as np
import pytest

from drillsim.engine.streams import RandomStreams, name_key, uint32_words


@pytest.mark.parametrize("seed,replication", [(0, 0), (1, 19), (2**32 - 1, 2**32), (2**64 + 5, 7)])
def test_same_numbers_as_seedsequence_of_the_list(seed, replication):
    streams = RandomStreams(seed, replication)
    for name in ("flood.calls.Zitong Jiedao 梓潼街道", "arrivals", ""):
        expected = np.random.Generator(np.random.PCG64(
            np.random.SeedSequence([seed, replication, name_key(name)])))
        assert streams.get(name).random(5).tolist() == expected.random(5).tolist()


def test_words_least_significant_first():
    # numpy's _int_to_uint32_array: 0 is one word; 2**32 + 3 is [3, 1]
    assert uint32_words(0) == [0]
    assert uint32_words(7) == [7]
    assert uint32_words(2**32 + 3) == [3, 1]
    assert uint32_words(2**64) == [0, 0, 1]
