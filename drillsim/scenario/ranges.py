"""An assumption's numbers and ``range:``: which numbers of the scenario its
``applies_to`` names (the factors ``drillsim sensitivity`` varies) and whether its
``range`` fits them, checked when the scenario is read (``drillsim validate``, ``run``,
``batch`` …) with the file, line and field of each fault. A range that does not fit
passed ``validate`` and was refused only by ``drillsim sensitivity``, naming no line.

A number is a plain number (``units: 4``) or a number with a unit text (``45min``,
``1/h``, ``5%``, ``1500m3/s``); a path naming a mapping names each number inside it
(mappings only, not lists); ``run.*`` and ``plan.*`` are never varied.
"""

from __future__ import annotations

import math
import re
from typing import Any

from drillsim.scenario.yamlsource import format_path

#: a number and the unit text after it (``45min``, ``1.5e3 m3/s``)
NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*)?$", re.ASCII)


def get_path(data: Any, path: tuple) -> Any:
    """The value at ``path`` (a list item by index, or by its ``id`` for a text part).

    :raises KeyError, IndexError, StopIteration: nothing there."""
    current = data
    for part in path:
        if isinstance(current, list) and isinstance(part, str):
            current = next(item for item in current if isinstance(item, dict) and item.get("id") == part)
        else:
            current = current[part]
    return current


def number_of(value: Any) -> tuple[float, str, bool] | None:
    """``(number, unit text, whole)`` of a scenario value, or None if it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return float(value), "", True
    if isinstance(value, float):
        return value, "", False
    if isinstance(value, str):
        m = NUMBER_UNIT.match(value)
        if m and (m.group(2) is None or re.match(r"^[A-Za-z%°/]", m.group(2))):
            return float(m.group(1)), (m.group(2) or "").strip(), False
    return None


def leaves_of(data: Any, refs: list[tuple]) -> tuple[list[tuple[str, Any]], list[str]]:
    """The (dotted path, value) of every number-or-other leaf the parsed paths ``refs``
    name (a mapping gives each leaf inside it), and the refs left out with why
    (``run.*`` a run setting, ``plan.*`` a target)."""
    leaves: list[tuple[str, Any]] = []
    skipped: list[str] = []
    for path in refs:
        if path[0] in ("run", "plan"):
            skipped.append(f"{format_path(path)}: a {'run setting' if path[0] == 'run' else 'target'}, "
                           "not a model input")
            continue
        value = get_path(data, path)
        if isinstance(value, dict):
            stack = [(path, value)]
            while stack:
                p, v = stack.pop(0)
                for k, x in v.items():
                    if isinstance(x, dict):
                        stack.append((p + (k,), x))
                    else:
                        leaves.append((format_path(p + (k,)), x))
        else:
            leaves.append((format_path(path), value))
    return leaves, skipped


def range_faults(data: Any, applies_to: str | list[str] | None, given: Any,
                 parse) -> list[tuple[tuple, str]]:
    """What is wrong with an assumption's ``range`` (``given``) for the numbers its
    ``applies_to`` names in the scenario ``data``: ``[(where under the assumption,
    message)]``, empty when it fits (or there is none). ``parse`` is the loader's
    ``parse_dotted`` (the paths were checked to name something before).

    A range fits when it is ``[low, high]`` for exactly one number, or ``{path: [low,
    high]}`` for numbers among those named; each end a finite number written with the
    value's unit (``[1min, 5min]`` for ``turnout: 2min``); low below high.
    """
    if given is None:
        return []
    if not applies_to:
        return [(("range",), "a range needs applies_to: the number(s) it varies")]
    refs = [applies_to] if isinstance(applies_to, str) else list(applies_to)
    leaves, skipped = leaves_of(data, [parse(r) for r in refs])
    values = dict(leaves)
    if not leaves:
        return [(("range",), f"applies_to names no number sensitivity varies ({'; '.join(skipped)}): "
                             "leave the range out")]
    if isinstance(given, list):
        if len(leaves) != 1:
            return [(("range",), f"a [low, high] range needs applies_to to name one number; it names "
                                 f"{len(leaves)}: give range as {{path: [low, high]}}")]
        pairs = [(("range",), leaves[0][0], given)]
    else:
        pairs = []
        for key, pair in given.items():
            try:
                path = format_path(parse(key))
            except ValueError as exc:
                return [(("range", key), str(exc))]
            if path not in values:
                return [(("range", key), f"{key} is not among the numbers it applies to "
                                         f"({', '.join(values) or 'none'})")]
            pairs.append((("range", key), path, pair))
    out: list[tuple[tuple, str]] = []
    for where, path, pair in pairs:
        if len(pair) != 2:
            out.append((where, f"give [low, high] for {path}, got {len(pair)} value(s)"))
            continue
        value = number_of(values[path])
        if value is None or value[0] == 0:
            continue  # not varied (zero, words, a list): sensitivity lists it as left out
        ends = []
        for k, end in enumerate(pair):
            got = number_of(end)
            if got is None or got[1] != value[1]:
                out.append((where + (k,), f"{end!r} is not written like {path}'s value "
                                          f"{values[path]!r} (a number with unit {value[1] or 'none'!r})"))
            elif not math.isfinite(got[0]):
                out.append((where + (k,), f"{end!r} is not a finite number"))
            else:
                ends.append(got[0])
        if len(ends) == 2 and not ends[0] < ends[1]:
            out.append((where, f"the low end {pair[0]!r} is not below the high end {pair[1]!r}"))
    return out
