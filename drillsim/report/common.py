"""Formatting shared by the reports."""

from __future__ import annotations

import math
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from drillsim.scenario.quantities import format_minutes

UNIT_LABEL = {"min": "min", "h": "h", "d": "d", "people": "people", "count": "", "units": "units",
              "per million": "per million residents", "per 100,000": "per 100,000 residents",
              "%": "%", "ha": "ha"}


SINGULAR = {"points": "point", "buildings": "building", "townships": "township", "people": "person",
            "person-days": "person-day", "units": "unit"}
"""Count units in the singular, for a value that reads exactly 1."""


def num(value, unit: str = "", digits: int | None = None) -> str:
    """A value for people to read: thousands separators, sensible decimals, unit."""
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    if isinstance(value, float) and value == 0:
        value = 0.0  # -0.0 reads "0", not "-0"
    if digits is None:
        a = abs(value)
        digits = 0 if a >= 1000 or float(value).is_integer() else (1 if a >= 10 else 2)
    text = f"{value:,.{digits}f}"
    label = UNIT_LABEL.get(unit, unit)
    if text in ("1", "-1"):  # "1 points", "max <= 1 buildings" read wrong
        label = SINGULAR.get(label, label)
    if label == "%":
        return text + "%"
    return f"{text} {label}".strip()


def measured(row) -> str:
    """``mean [lo, hi] unit`` for a scorecard row."""
    if row.mean is None:
        return "not measured"
    text = num(row.mean, row.unit)
    if row.ci95:
        lo, hi = row.ci95
        if hi - lo > 1e-9 * max(1.0, abs(row.mean)):  # a deterministic row has no interval
            text += f" [{num(lo)}, {num(hi)}]"
    return text


def interval_note(rows, replications: int) -> str:
    """Why a measured row shows no confidence interval, when one does ('' if none):
    a t-interval needs two replications (its t has n − 1 degrees of freedom; Law,
    *Simulation Modeling and Analysis*, 5th ed., §4.5 and §9.4.1), and a value the same
    in every replication has none to show (its sample variance is 0)."""
    shown = [r for r in rows if r.mean is not None]
    single = [r for r in shown if r.ci95 is None]
    same = [r for r in shown if r.ci95 is not None and r.n > 1
            and r.ci95[1] - r.ci95[0] <= 1e-9 * max(1.0, abs(r.mean))]
    parts = []
    if single and replications == 1:
        parts.append("one replication gives no confidence interval: it needs at least 2 (run "
                     "with -n 2 or more)")
    elif single:
        ids = ", ".join(r.id for r in single[:5]) + (f" and {len(single) - 5} more" if len(single) > 5 else "")
        parts.append(f"no confidence interval for {ids}: measured in only one replication")
    if same:
        parts.append("no interval where every replication gave the same value")
    return "; ".join(parts)


def place_name(sc, label: str | None) -> str | None:
    """A place or force label (a township, site or force id, possibly with a note in
    brackets) as its name, e.g. ``mixin`` → ``Mixin Zhen 米心镇``, ``district_team`` →
    ``district team 区综合应急救援队`` (the force's ``name``, else its id in words, then
    its ``name_zh``), ``baolong_fire`` → ``the baolong fire`` (a hazard's id in words);
    other labels unchanged."""
    if label is None:
        return None
    key, _, rest = label.partition(" ")
    try:
        name = sc.region.place(key).name
    except (KeyError, AttributeError):
        name = force_name(sc, key) or hazard_name(sc, key)
        if name is None:
            return label
    return f"{name} {rest}".strip()


def where_text(sc, row) -> str:
    """Where a ``min``/``max`` row over places stands, after its mean: `` at Mixin Zhen
    米心镇`` when that place was the worst in every replication measured (the row's mean
    is the place's own), else `` (the worst place varies by replication; worst on average
    Mixin Zhen 米心镇, 595.9 min)``: the row's mean is then the mean of each replication's
    worst, larger (or, for ``min``, smaller) than any one place's mean, and "709.9 min at
    Mixin" beside Mixin's own 595.9 min read as a contradiction. Empty for a row with no
    place."""
    if not row.worst:
        return ""
    name = place_name(sc, row.worst)
    own = next((b for b in getattr(row, "breakdown", None) or () if b.get("label") == row.worst), None)
    if (own is None or own.get("mean") is None or row.mean is None
            or (own.get("n", row.n) == row.n and num(own["mean"], row.unit) == num(row.mean, row.unit))):
        # places tied with it: "0 people at Biekou Zhen" read as Biekou alone running out,
        # where six townships did (the flood's T4-low)
        tied = 0 if own is None or own.get("mean") is None else sum(
            1 for b in getattr(row, "breakdown", None) or ()
            if b is not own and b.get("mean") is not None and num(b["mean"], row.unit) == num(own["mean"], row.unit))
        # a force is no place: "6.67 h for district team", not "at district team"
        key = str(row.worst).partition(" ")[0]
        at = "for" if force_name(sc, key) is not None and _not_a_place(sc, key) else "at"
        return f" {at} {name}" + (f" and {tied} more" if tied else "")
    return (f" (the worst place varies by replication; worst on average {name}, "
            f"{num(own['mean'], row.unit)})")


def _not_a_place(sc, key: str) -> bool:
    try:
        sc.region.place(key)
    except (KeyError, AttributeError):
        return True
    return False


def hazard_name(sc, hazard_id: str) -> str | None:
    """A scenario hazard's id in words (``baolong_fire`` → ``the baolong fire``, as a
    row over fires labels its place); None when the scenario has no hazard of that id."""
    for h in getattr(getattr(sc, "spec", None), "hazards", None) or ():
        if h.id == hazard_id:
            return "the " + hazard_id.replace("_", " ")
    return None


def force_name(sc, force_id: str) -> str | None:
    """A scenario force's name for a planner: its ``name`` (else its id in words) and its
    ``name_zh`` (the plan's words): ``district team 区综合应急救援队``; None when the
    scenario has no force of that id."""
    for f in getattr(getattr(sc, "spec", None), "forces", None) or ():
        if f.id == force_id:
            english = f.name or f.id.replace("_", " ")
            return f"{english} {f.name_zh}" if f.name_zh and f.name_zh not in english else english
    return None


def row_title(sc, row) -> str:
    """A scorecard row's title with the place or force a by-label row is about named
    (``Peak share of units committed: blue_sky`` → ``…: blue sky 蓝天救援队``)."""
    title = row.title
    _, slash, label = row.id.partition("/")
    if slash and title.endswith(f": {label}"):
        return title[: -len(label)] + (place_name(sc, label) or label)
    return title


def design_text(row) -> str | None:
    """What a row's ``fails_by_design`` says on a report: the reason when the row fails
    (``fails by design: …``), a flag when it passes although it carries one (the scenario
    or the model has changed: check it), None when it carries none or was not measured."""
    why = getattr(row, "fails_by_design", None)
    if not why or row.status not in ("pass", "fail"):
        return None
    if row.status == "fail":
        return f"fails by design: {why}"
    return f"passed although expected to fail by design ({why}): check the scenario"


def cut_off_text(sc, row) -> str | None:
    """What the run's end left open in a row (its ``cut_off``, an observation that is
    only a bound), or None: ``not judged: the run ended before the outcome in 3 of 3
    replications (the baolong fire (not contained)): …`` for a row it leaves undecided,
    ``cut off by the run's end: … (a bound, and the goal is missed even so)`` for a row
    it decided anyway."""
    label = getattr(row, "cut_off", None)
    if not label:
        return None
    what = place_name(sc, label) if sc is not None else label
    if "(" not in label:  # a label by place only (response_time_by_township): say what it is
        what += " (still open when the run ended)"
    if row.status == "not judged":
        return (f"not judged: the run ended before the outcome in {row.not_judged} of {row.n} "
                f"replication{'s' if row.n != 1 else ''} ({what}), which could meet the goal or "
                "miss it; lengthen run.horizon")
    if row.status not in ("pass", "fail"):
        return f"cut off by the run's end: {what}"
    decided = "met" if row.status == "pass" else "missed"
    return f"cut off by the run's end: {what}; a bound, and the goal is {decided} even so"


def target_text(row) -> str:
    if row.comparison is None:
        return "(information)"
    return f"{row.statistic} {row.comparison} {num(row.threshold, row.unit)}"


#: how a report marks a goal that is not a number the plan sets
NOT_PLAN = "not a plan number"


def goal_from_plan(row) -> bool | None:
    """Whether a scored row's goal is a number the plan itself sets (T1's 12 h, T3's
    3,000 people): True when the row names no ``source``; False when it names one (a
    target whose threshold is not the plan's says where it comes from: a scenario's
    standard, a national standard, drillsim's reading such as "nothing left unmet");
    None for an information row. A scenario standard is not a plan target, so the
    reports mark these goals and count them apart."""
    if row.comparison is None:
        return None
    return not getattr(row, "source", None)


def goal_text(row) -> str:
    """:func:`target_text`, with ``(not a plan number)`` after a goal the plan does not set."""
    text = target_text(row)
    return text + f" ({NOT_PLAN})" if goal_from_plan(row) is False else text


def goal_split(rows) -> str | None:
    """The rows with a goal split by whose goal it is: ``the plan's own numbers: 3 of 7
    met (missed T1, T11); not plan numbers: 9 of 11 met (missed T3-short, D1)``, or
    ``none is a number the plan sets: all 4 are …``; None when every goal is the plan's
    (nothing to tell apart). The same rows as the verdict's "N of M targets met", so the
    two parts add up to it: a row not judged (the run ended first) or not measured is
    counted in its part and named (``2 of 4 met (not judged FF2, FF5)``)."""
    scored = [r for r in rows if r.comparison is not None]
    theirs = [r for r in scored if goal_from_plan(r) is False]
    if not theirs:
        return None

    def part(name: str, group: list) -> str:
        met = sum(1 for r in group if r.status == "pass")
        said = [f"{what} {', '.join(ids)}" for what, status in (
                    ("missed", "fail"), ("not judged", "not judged"), ("not measured", "not measured"))
                if (ids := [r.id for r in group if r.status == status])]
        return f"{name}: {met} of {len(group)} met" + (f" ({'; '.join(said)})" if said else "")

    plans = [r for r in scored if goal_from_plan(r)]
    if not plans:
        return (f"none is a number the plan sets: "
                f"{'both' if len(theirs) == 2 else f'all {len(theirs)}'} are a scenario's "
                "standard or drillsim's reading"
                if len(theirs) > 1 else
                "none is a number the plan sets: it is a scenario's standard or drillsim's reading")
    return "; ".join([part("the plan's own numbers", plans), part("not plan numbers", theirs)])


def rate_text(row) -> str:
    if row.pass_rate is None:
        return "—"
    return f"{row.pass_rate * 100:.0f}%"


def clock(minutes: float, start=None) -> str:
    """Scenario time as ``+1d 02:30`` and, given the start datetime, the date and time.

    Both are to the nearest minute, so they agree: 2,177.6 min after 07:00 is
    ``… 19:18 (+1d 12:18)`` (the date and time were cut to the minute, ``19:17``,
    beside an offset rounded to ``12:18``)."""
    rel = "+" + format_minutes(minutes)
    if start is None or not math.isfinite(minutes):
        return rel
    import datetime as dt

    when = start + dt.timedelta(minutes=round(minutes))
    return f"{when:%Y-%m-%d %H:%M} ({rel})"


def write_atomic(path: str | Path, text: str) -> None:
    """Write a text file so that it is either complete or absent (temp file + rename).

    :raises OSError: the folder does not exist or is not writable (callers report it).
    """
    with open_atomic(path) as fh:
        fh.write(text)


def file_in_the_way(path: str | Path) -> Path | None:
    """The nearest existing ancestor of ``path`` when it is not a folder (a file named
    where a folder of the path should be: ``scenario.yaml/plots``), else None. Messages
    said "folder 'scenario.yaml' does not exist" of a file that does."""
    for parent in Path(path).parents:
        if os.path.lexists(parent):
            return None if os.path.isdir(parent) else parent
    return None


def is_special(path: str | Path) -> bool:
    """Whether ``path`` exists as something other than a regular file or a folder: a
    character or block device, a named pipe, a socket."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def save_figure(fig, path: str | Path, **savefig) -> None:
    """Write a matplotlib figure to ``path`` whole or not at all, as the text outputs
    are (:func:`open_atomic`, binary): a plot or map that fails half-way (a full disk, a
    font or drawing error) leaves no partial image, and whatever was at ``path`` stays.
    The format follows the name's ending (``.png``, ``.pdf``), as ``savefig`` chooses it.

    :param savefig: passed on to ``Figure.savefig`` (``dpi``, ``bbox_inches`` …).
    :raises OSError: the file cannot be written.
    """
    path = Path(path)
    with open_atomic(path, binary=True) as fh:
        fig.savefig(fh, format=path.suffix.lstrip(".").lower() or None, **savefig)


@contextmanager
def open_atomic(path: str | Path, keep_on: type[BaseException] | tuple = (),
                binary: bool = False) -> Iterator[IO[str]]:
    """A text file to write as a stream that appears at ``path`` only when the block ends
    (temp file in the same folder + rename): a writer stopped by an exception leaves
    whatever was at ``path`` before untouched, unless the exception is one of ``keep_on``
    (then what was written so far is put in place, and the exception goes on).

    A path that is not a regular file — a device (``/dev/null``) or a named pipe — and a
    symbolic link (``/dev/stdout``, a link to a file kept elsewhere) are written into
    directly, through the link: a temp file renamed over them would replace the device,
    pipe or link itself (as root, ``/dev/stdout`` of the whole machine) and leave what
    they point to untouched.

    :param binary: a byte stream (an image) instead of UTF-8 text.
    :raises OSError: the folder does not exist or is not writable (callers report it).
    """
    path = Path(path)
    text = {} if binary else {"encoding": "utf-8"}
    mode = "wb" if binary else "w"
    if path.is_symlink() or is_special(path):
        with open(path, mode, **text) as fh:
            yield fh
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")

    def put_in_place(fh) -> None:
        fh.flush()
        os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)

    try:
        with os.fdopen(fd, mode, **text) as fh:
            try:
                yield fh
            except keep_on:
                put_in_place(fh)
                raise
            put_in_place(fh)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def gap(row, value: float | None = None) -> float | None:
    """How far ``value`` (default: the row's mean) is from the row's goal, in the row's
    unit, positive when it misses: threshold − value for a ``>=``/``>`` goal, value −
    threshold for ``<=``/``<``; None for an information row or an unmeasured value."""
    value = row.mean if value is None else value
    if value is None or row.comparison is None or row.threshold is None:
        return None
    return row.threshold - value if row.comparison.startswith(">") else value - row.threshold


def shortfall(row, value: float | None = None) -> str | None:
    """A miss in words a planner acts on: ``4.53 h short`` (of a ``>=`` goal), ``4,187
    people over`` (a ``<=`` goal), ``75.7 percentage points short`` (a share), ``568.9 min
    (9.48 h) over`` (a miss of two hours or more in minutes); None when ``value``
    (default: the mean) meets the goal."""
    g = gap(row, value)
    if g is None or g <= 0:
        return None
    word = "short" if row.comparison.startswith(">") else "over"
    amount = f"{num(g)} percentage points" if row.unit == "%" else num(g, row.unit)
    if row.unit == "min" and g >= 120:  # a miss of hours read in hours too (T6's 2 h circle)
        amount += f" ({num(g / 60, 'h')})"
    return f"{amount} {word}"


def misses_by_place(sc, row) -> list[str]:
    """Where a failed row over places misses, worst first: for a min/max row, each place
    whose mean misses the goal with its value and shortfall (``Mixin Zhen 米心镇 7.47 h,
    4.53 h short``), or its note alone when its label carries one (``Suining … (turned
    down)``: the metric counts such a case to a bound); for a mean over places (a share),
    each place below the goal with its value; for a sum over places, each place's part (``Zitong Jiedao 梓潼街道 3,812
    people``); [] for a row without places or with one only (its "at …" names it)."""
    entries = [b for b in (row.breakdown or []) if b.get("mean") is not None]
    if not entries:
        return []
    if row.statistic == "sum":
        parts = sorted((b for b in entries if b["mean"] != 0), key=lambda b: -abs(b["mean"]))
        return [f"{place_name(sc, b['label'])} {num(b['mean'], row.unit)}" for b in parts]
    if len(entries) < 2:  # one force or place: the row's own "at …" names it
        return []
    missing = [(gap(row, b["mean"]), b) for b in entries if (gap(row, b["mean"]) or 0) > 0]
    missing.sort(key=lambda gb: -gb[0])
    if row.statistic == "mean":  # a share over places: each place is in or out
        return [f"{place_name(sc, b['label'])} {num(b['mean'], row.unit)}" for _, b in missing]
    # a label with a note ("suining_aid (turned down)") stands for a case the metric counts
    # to a bound (to the end of the run): its note, not a figure, says what happened
    return [place_name(sc, b["label"]) if " (" in b["label"] else
            f"{place_name(sc, b['label'])} {num(b['mean'], row.unit)}, {shortfall(row, b['mean'])}"
            for _, b in missing]
