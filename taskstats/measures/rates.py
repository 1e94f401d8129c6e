"""Completion rates and their trend over the reporting periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from taskstats.measures.nodes import Grid, Reports, day_number, lead_units
from taskstats.measures.status import schedule_frame, status_at
from taskstats.tidy.schema import STATUS_CODES, TaskTables, iso_date


def completion_rates(
    tables: TaskTables,
    status: pd.DataFrame,
    *,
    by: str = "district",
    lights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Nodes due by state, tasks done and on schedule, and the rates that say what they count.

    Args:
        tables: The tidy tables (for leaders, units, sources and sections).
        status: :func:`milestone_status` output.
        by: ``district``, ``leader``, ``unit`` (lead units), ``source`` or ``section``.
        lights: :func:`traffic_lights` output: adds ``red``, ``yellow``, ``green`` (the
            group's tasks by light) and ``light`` (the group's worst task's light).

    Returns:
        One row per group. Node counts over due nodes: ``due``, ``done``, ``on_track``,
        ``behind``, ``not_started``, ``not_reported``, ``overdue``. Task counts: ``tasks``,
        ``tasks_past_deadline`` (own deadline passed; ongoing tasks never), ``tasks_done``
        (已完成 at the task's latest due node), ``tasks_done_past_deadline``,
        ``tasks_reported`` (reported at the latest due node), ``tasks_on_schedule`` (done or
        序时推进 there). Rates (NaN where the denominator is 0): ``task_completion_rate``
        (任务完成率: done / tasks past their deadline), ``done_share`` (done / all tasks),
        ``on_schedule_rate`` (序时进度率: done or on schedule / tasks reported),
        ``reporting_rate`` (报送率: reported / due nodes), ``completion_rate`` (done / due
        nodes) and ``on_time_rate`` (done by the node / due nodes).
    """
    return completion_rates_by(tables, status, (by,), lights=lights)[by]


def completion_rates_by(
    tables: TaskTables,
    status: pd.DataFrame,
    bys: Sequence[str],
    *,
    lights: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`completion_rates` for several groupings at once, each ``by`` in ``bys`` to its
    table: every task's counts (and light) worked out once, then summed per grouping."""
    for by in bys:
        if by not in _GROUPINGS:
            raise ValueError("by must be 'district', 'leader', 'unit', 'source' or 'section'")
    rows, counts = _task_counts(tables, status)
    names = _COUNTED + _TASK_COUNTS
    if lights is not None:
        counts = np.hstack([counts, _light_counts(tables, rows, lights)])
        names = names + list(_LIGHTS)
    return {by: _rates(tables, rows, counts, names, by, lights is not None) for by in bys}


_GROUPINGS = ("district", "leader", "unit", "source", "section")
_LIGHTS = ("red", "yellow", "green")


def _rates(
    tables: TaskTables,
    rows: np.ndarray,
    counts: np.ndarray,
    names: list[str],
    by: str,
    lit: bool,
) -> pd.DataFrame:
    """The per-task counts (task rows ``rows``) summed per group of ``by`` and the rates."""
    member = np.arange(len(rows))
    keys = {"district": tables.tasks["district"].to_numpy()[rows]}
    if by in ("source", "section"):
        keys[by] = tables.tasks[by].to_numpy()[rows]
    elif by in ("leader", "unit"):
        # Each task's named people, task by task in the order of ``rows``, then as listed.
        people = _people_of_tasks(tables, by)
        where = np.full(len(tables.tasks) + 1, -1, dtype=np.int64)
        where[rows] = member
        pos = where[people["_task"].to_numpy()]
        order = np.argsort(pos, kind="stable")
        order = order[pos[order] >= 0]
        member = pos[order]
        keys = {"district": keys["district"][member], by: people[by].to_numpy()[order]}
    group, first = _groups(list(keys.values()))
    out = {k: pd.Series(v[first]).astype(str) for k, v in keys.items()}
    kept = group >= 0
    sums = np.zeros((len(first), len(names)), dtype=np.int64)
    np.add.at(sums, group[kept], counts[member[kept]])
    frame = pd.DataFrame(out | dict(zip(names, sums.T, strict=True)))

    def ratio(num: str, den: str) -> np.ndarray:
        n, d = frame[num].to_numpy(dtype=float), frame[den].to_numpy()
        return np.divide(n, d, out=np.full(len(d), np.nan), where=d > 0)

    frame["task_completion_rate"] = ratio("tasks_done_past_deadline", "tasks_past_deadline")
    frame["done_share"] = ratio("tasks_done", "tasks")
    frame["on_schedule_rate"] = ratio("tasks_on_schedule", "tasks_reported")
    frame["reported"] = frame["due"] - frame["not_reported"]
    frame["reporting_rate"] = ratio("reported", "due")
    frame["completion_rate"] = ratio("done", "due")
    frame["on_time_rate"] = ratio("on_time", "due")
    if lit:
        frame["light"] = np.where(
            frame["red"] > 0, "red", np.where(frame["yellow"] > 0, "yellow", "green")
        )
    return frame.drop(columns=["on_time", "reported"])


def _groups(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group by every key, numbered in order of first appearance (-1 where a key is
    missing, as groupby leaves such rows out), and each group's first row."""
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    missing = np.zeros(len(keys[0]), dtype=bool)
    for values in keys:
        codes, uniques = pd.factorize(values)
        missing |= codes < 0
        combined = combined * (len(uniques) + 1) + codes + 1
    group = np.full(len(combined), -1, dtype=np.int64)
    present = np.flatnonzero(~missing)
    group[present], _ = pd.factorize(combined[present])
    _, first = np.unique(group[present], return_index=True)
    return group, present[first]


def _light_counts(tables: TaskTables, rows: np.ndarray, lights: pd.DataFrame) -> np.ndarray:
    """Per task row in ``rows``: 1 in the column of its light (red, yellow, green)."""
    index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]].astype(str))
    at = index.get_indexer(pd.MultiIndex.from_frame(lights[["district", "task_id"]].astype(str)))
    light = pd.Series(lights["light"].astype(str).to_numpy(), index=at)
    light = light[light.index >= 0]
    of_task = light.reindex(rows).to_numpy()
    return np.column_stack([(of_task == name).astype(np.int64) for name in _LIGHTS])


_COUNTED = [
    "due",
    "done",
    "on_track",
    "behind",
    "not_started",
    "not_reported",
    "overdue",
    "on_time",
]
_TASK_COUNTS = [
    "tasks",
    "tasks_past_deadline",
    "tasks_done",
    "tasks_done_past_deadline",
    "tasks_reported",
    "tasks_on_schedule",
]


def _task_counts(tables: TaskTables, status: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The task rows in ``status`` (in order of appearance) and, per task, its due nodes
    counted by state and its own state (columns ``_COUNTED + _TASK_COUNTS``)."""
    task = status["_task"].to_numpy()
    due = status["due"].to_numpy(dtype=bool)
    code = pd.Categorical(status["status"], categories=list(STATUS_CODES)).codes
    n = len(tables.tasks)
    t, c = task[due], code[due]
    counts = {"due": np.bincount(t, minlength=n)}
    for i, name in enumerate(STATUS_CODES):
        counts[str(name)] = np.bincount(t[c == i], minlength=n)
    for name in ("overdue", "on_time"):
        counts[name] = np.bincount(t[status[name].to_numpy(dtype=bool)[due]], minlength=n)
    # The task's state: that of its latest due node (rows run task by task, nodes by date).
    latest = np.full(n, -1, dtype=np.int64)
    where = np.flatnonzero(due)
    np.maximum.at(latest, task[where], where)
    state = np.full(n, -1, dtype=np.int64)
    has_due = latest >= 0
    state[has_due] = code[latest[has_due]]
    past = np.zeros(n, dtype=bool)
    past[task[due & status["deadline"].to_numpy(dtype=bool)]] = True
    counts["tasks"] = np.ones(n, dtype=np.int64)
    counts["tasks_past_deadline"] = past.astype(np.int64)
    counts["tasks_done"] = (state == _CODE["done"]).astype(np.int64)
    counts["tasks_done_past_deadline"] = (past & (state == _CODE["done"])).astype(np.int64)
    counts["tasks_reported"] = ((state >= 0) & (state != _CODE["not_reported"])).astype(np.int64)
    counts["tasks_on_schedule"] = np.isin(state, [_CODE["done"], _CODE["on_track"]]).astype(
        np.int64
    )
    rows = pd.unique(task)
    return rows, np.column_stack([counts[name][rows] for name in _COUNTED + _TASK_COUNTS])


_CODE = {name: i for i, name in enumerate(STATUS_CODES)}


def _people_of_tasks(tables: TaskTables, by: str) -> pd.DataFrame:
    """Named leaders (or lead units) of each task, by the task's row in ``tables.tasks``."""
    if by == "leader":
        named = tables.task_leaders[~tables.task_leaders["collective"]]
    else:
        named = lead_units(tables)
    index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]])
    rows = index.get_indexer(pd.MultiIndex.from_frame(named[["district", "task_id"]]))
    return pd.DataFrame({"_task": rows, by: named[by].to_numpy()})


def completion_trend(
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    *,
    by: str = "district",
    until: dt.date | str | None = None,
) -> pd.DataFrame:
    """Completion rates as of each reporting node: the trend over reporting periods.

    Args:
        until: The as-of date: the trend has no point after it.
    """
    own = schedule_frame(schedules)
    if until is not None:
        own = own[own["milestone"] <= iso_date(until)]
    grid = Grid.of(tables, schedules)  # the grid and the ledger's reports built once
    reports = Reports.of(tables, ledger, grid) if len(ledger) else None
    if by == "district" and (reports is None or reports.unit is None):
        # The fast path: one report per node, tallies updated day by day.
        return _district_trend(tables, grid, reports, own)
    frames = []
    for day in sorted(set(own["milestone"])):
        # Each district's trend is read at its own milestones only.
        read = grid.names.isin(own.loc[own["milestone"] == day, "district"])
        status = status_at(tables, grid, reports, day_number(day), read[grid.district[grid.task]])
        frames.append(completion_rates(tables, status, by=by).assign(as_of=day))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["district", "as_of"], kind="stable", ignore_index=True)


def _district_trend(
    tables: TaskTables, grid: Grid, reports: Reports | None, own: pd.DataFrame
) -> pd.DataFrame:
    """The per-district trend: the grid's nodes tallied by district and node, and the
    tallies updated day by day for the nodes with new reports only."""
    names = grid.names
    n, m = len(names), len(grid.days)
    cell = grid.district[grid.task] * m + np.searchsorted(grid.days, grid.milestone)
    nodes_in = np.bincount(cell, minlength=n * m).reshape(n, m)
    tally = np.zeros((n * m, 5), dtype=np.int64)  # done, on_track, behind, not_started, on_time
    state = np.full(len(grid.task), -1, dtype=np.int8)  # the latest report's status code
    timely = np.zeros(len(grid.task), dtype=bool)  # ... done by the milestone
    days = sorted(set(own["milestone"]))
    updates = (
        reports.updates_by_day([day_number(d) for d in days], len(grid.task))
        if reports is not None
        else None
    )
    rows = []
    for day in days:
        if updates is not None:
            touched, pos = next(updates)
            _retally(tally, cell[touched], state[touched], timely[touched], -1)
            state[touched] = reports.status[pos]
            timely[touched] = (state[touched] == 0) & (
                reports.known[pos] <= grid.milestone[touched]
            )
            _retally(tally, cell[touched], state[touched], timely[touched], 1)
        # Each district is read at its own milestones, over the nodes due by then.
        districts = own.loc[own["milestone"] == day, "district"].unique()
        codes = names.get_indexer(districts)
        passed = grid.days <= day_number(day)
        due = np.append(nodes_in[:, passed].sum(axis=1), 0)[codes]
        counts = np.vstack(
            [tally.reshape(n, m, 5)[:, passed, :].sum(axis=1), np.zeros((1, 5), np.int64)]
        )[codes]
        part = pd.DataFrame(
            counts, columns=["done", "on_track", "behind", "not_started", "on_time"]
        )
        part.insert(0, "due", due)
        part.insert(0, "district", districts)
        rows.append(part.assign(as_of=day))
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True).astype(
        {k: "int64" for k in ("due", "done", "on_track", "behind", "not_started", "on_time")}
    )
    out["not_reported"] = (
        out["due"] - out["done"] - out["on_track"] - out["behind"] - out["not_started"]
    )
    out["reporting_rate"] = (out["due"] - out["not_reported"]) / out["due"].where(out["due"] > 0)
    out["completion_rate"] = out["done"] / out["due"].where(out["due"] > 0)
    out["on_time_rate"] = out["on_time"] / out["due"].where(out["due"] > 0)
    out = out[
        [
            "district",
            "due",
            "done",
            "on_track",
            "behind",
            "not_started",
            "not_reported",
            "reporting_rate",
            "completion_rate",
            "on_time_rate",
            "as_of",
        ]
    ]
    return out.sort_values(["district", "as_of"], kind="stable", ignore_index=True)


def _retally(
    tally: np.ndarray, cells: np.ndarray, code: np.ndarray, timely: np.ndarray, sign: int
) -> None:
    """Add (or, with sign -1, remove) nodes' latest reports to the per-cell tallies."""
    for i in range(4):
        np.add.at(tally[:, i], cells[code == i], sign)
    np.add.at(tally[:, 4], cells[timely], sign)
