"""Region and plan files loaded once per process, for every scenario that names them.

Every variant of a sweep names the same region and plan files, and a batch worker loads
each variant it runs: loading, validating and resolving the two files again for each
variant was about half the cost of checking a sweep (the flood sweep: 36 variants and 10
single levels, 1,505 M machine instructions counted with valgrind, about 0.7 of it the
region and the plan). A sweep cannot change them: its settings address the scenario file
only, and a setting of ``region:`` or ``plan.file`` names another file, which is loaded
under its own key.

What is kept is what was read: an entry is used only for the same file (its resolved
path), named the same way in messages, under the same scenario root, with the same text;
a region's road graph is compared by its size, modification time and inode (it is not
read again to be compared). A file that is refused is not kept: each scenario that names
it gets its faults again. What is shared is not changed by anyone: the region's and the
plan's models are frozen, the plan's parsed document is read only for the places of
faults, and the region's only mutable part is its cache of road travel times, whose
values do not depend on who asked first (:meth:`Region.road_minutes`).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from drillsim.scenario.region import Region, load_region
from drillsim.scenario.schema import PlanFile
from drillsim.scenario.validation import validate
from drillsim.scenario.yamlsource import Document, load_yaml, read_text

#: How many regions and plans a process keeps (each: a few hundred KiB).
KEPT = 8

_REGIONS: OrderedDict[tuple, tuple[tuple, Region]] = OrderedDict()
_PLANS: OrderedDict[tuple, tuple[Document, PlanFile]] = OrderedDict()
_LOCK = threading.Lock()  # a Dask worker may load scenarios in several threads


def _get(kept: OrderedDict, key: tuple) -> Any:
    with _LOCK:
        entry = kept.get(key)
        if entry is not None:
            kept.move_to_end(key)
        return entry


def _put(kept: OrderedDict, key: tuple, entry: Any) -> None:
    with _LOCK:
        kept[key] = entry
        if len(kept) > KEPT:
            kept.popitem(last=False)


def _stat_signature(paths: tuple[Path, ...]) -> tuple:
    """(size, modification time in ns, inode) of each of ``paths``; None for one gone."""
    out = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def shared_region(ref: Path, shown: str, root: Path,
                  check_kind: Callable[[Any], None]) -> Region:
    """The region file ``ref`` loaded and validated (:func:`load_region`), or the region
    this process loaded from the same text.

    :param shown: how messages name the file; :param root: the folder its road graph
        must stay in.
    :param check_kind: called with the file's parsed data before it is loaded; raises
        :class:`ValidationFailed` when the file is another kind of document.
    :raises ValidationFailed: the file cannot be read, is another kind of document, or
        is not a valid region (nothing is kept then).
    """
    text = read_text(ref, shown)
    key = (str(ref), shown, str(root), text)
    entry = _get(_REGIONS, key)
    if entry is not None:
        graph, region = entry
        if _stat_signature(region.files[1:]) == graph:
            return region
    check_kind(load_yaml(ref, shown).data)
    region = load_region(ref, shown, root)
    _put(_REGIONS, key, (_stat_signature(region.files[1:]), region))
    return region


def shared_plan(ref: Path, shown: str, check_kind: Callable[[Any], None]
                ) -> tuple[Document, PlanFile]:
    """The plan file ``ref`` read and validated against :class:`PlanFile`, with its parsed
    document (for the places of faults; not to be changed), or the pair this process
    made from the same text.

    :param check_kind: as for :func:`shared_region`.
    :raises ValidationFailed: unreadable, another kind of document, or not a valid plan
        file (nothing is kept then).
    """
    text = read_text(ref, shown)
    key = (str(ref), shown, text)
    entry = _get(_PLANS, key)
    if entry is not None:
        return entry
    doc = load_yaml(ref, shown)
    check_kind(doc.data)
    entry = (doc, validate(PlanFile, doc))
    _put(_PLANS, key, entry)
    return entry


def forget() -> None:
    """Drop every region and plan kept (for tests that count loads)."""
    with _LOCK:
        _REGIONS.clear()
        _PLANS.clear()

