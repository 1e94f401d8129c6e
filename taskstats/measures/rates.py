"""Completion rates and their trend over the reporting periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from taskstats.measures.status import (
    STATUS_CODES,
    Grid,
    Reports,
    day_number,
    schedule_frame,
    status_at,
)
from taskstats.tidy.schema import TaskTables


def completion_rates(
    tables: TaskTables,
    status: pd.DataFrame,
    *,
    by: str = "district",
) -> pd.DataFrame:
    """Milestones due, done, on track, behind, not started and overdue, with rates.

    Args:
        tables: The tidy tables (for leaders, units, sources and sections).
        status: :func:`milestone_status` output.
        by: ``district``, ``leader``, ``unit`` (lead units), ``source`` or ``section``.

    Returns:
        One row per group: ``due``, ``done``, ``on_track``, ``behind``, ``not_started``,
        ``overdue`` (all counted over due milestones), ``completion_rate`` (done / due) and
        ``on_time_rate`` (done by the milestone / due); NaN rates where nothing is due.
    """
    if by not in ("district", "leader", "unit", "source", "section"):
        raise ValueError("by must be 'district', 'leader', 'unit', 'source' or 'section'")
    per_task = _task_counts(tables, status)
    keys = ["district"] if by == "district" else ["district", by]
    if by in ("source", "section"):
        per_task[by] = tables.tasks[by].to_numpy()[per_task["_task"].to_numpy()]
    elif by in ("leader", "unit"):
        per_task = per_task.merge(_people_of_tasks(tables, by), on="_task")
    counts = per_task.drop(columns="_task").groupby(keys, sort=False, observed=True).sum()
    out = counts.astype("int64").reset_index()
    out["completion_rate"] = out["done"] / out["due"].where(out["due"] > 0)
    out["on_time_rate"] = out["on_time"] / out["due"].where(out["due"] > 0)
    out = out.astype({k: str for k in keys})
    return out.drop(columns="on_time")


_COUNTED = ["due", "done", "on_track", "behind", "not_started", "overdue", "on_time"]


def _task_counts(tables: TaskTables, status: pd.DataFrame) -> pd.DataFrame:
    """Per task in ``status`` (in order of appearance): its due nodes counted by state."""
    task = status["_task"].to_numpy()
    due = status["due"].to_numpy(dtype=bool)
    code = pd.Categorical(status["status"], categories=STATUS_CODES).codes
    n = len(tables.tasks)
    t, c = task[due], code[due]
    counts = {"due": np.bincount(t, minlength=n)}
    for i, name in enumerate(STATUS_CODES):
        counts[str(name)] = np.bincount(t[c == i], minlength=n)
    for name in ("overdue", "on_time"):
        counts[name] = np.bincount(t[status[name].to_numpy(dtype=bool)[due]], minlength=n)
    rows = pd.unique(task)
    out = pd.DataFrame({"_task": rows, "district": tables.tasks["district"].to_numpy()[rows]})
    for name in _COUNTED:
        out[name] = counts[name][rows]
    return out


def _people_of_tasks(tables: TaskTables, by: str) -> pd.DataFrame:
    """Named leaders (or lead units) of each task, by the task's row in ``tables.tasks``."""
    people = (
        tables.task_leaders
        if by == "leader"
        else tables.task_units[tables.task_units["role"] == "lead"]
    )
    named = people[~people["collective"]]
    index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]])
    rows = index.get_indexer(pd.MultiIndex.from_frame(named[["district", "task_id"]]))
    return pd.DataFrame({"_task": rows, by: named[by].to_numpy()})


def completion_trend(
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    *,
    by: str = "district",
) -> pd.DataFrame:
    """Completion rates as of each milestone: the trend over reporting periods."""
    own = schedule_frame(schedules)
    if by == "district":
        out = _district_trend(tables, ledger, schedules, own)
        return out
    grid = Grid.of(tables, schedules)  # the grid and the ledger's reports built once
    reports = Reports.of(tables, ledger, grid) if len(ledger) else None
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
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    own: pd.DataFrame,
) -> pd.DataFrame:
    """The per-district trend: the grid's nodes tallied by district and milestone, and the
    tallies updated day by day for the nodes with new reports only."""
    grid = Grid.of(tables, schedules)
    reports = Reports.of(tables, ledger, grid) if len(ledger) else None
    names = grid.names
    n, m = len(names), len(grid.days)
    cell = grid.district[grid.task] * m + np.searchsorted(grid.days, grid.milestone)
    nodes_in = np.bincount(cell, minlength=n * m).reshape(n, m)
    tally = np.zeros((n * m, 4), dtype=np.int64)  # done, on_track, behind, on_time
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
            [tally.reshape(n, m, 4)[:, passed, :].sum(axis=1), np.zeros((1, 4), np.int64)]
        )[codes]
        part = pd.DataFrame(counts, columns=["done", "on_track", "behind", "on_time"])
        part.insert(0, "due", due)
        part.insert(0, "district", districts)
        rows.append(part.assign(as_of=day))
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True).astype(
        {k: "int64" for k in ("due", "done", "on_track", "behind", "on_time")}
    )
    out["not_started"] = out["due"] - out["done"] - out["on_track"] - out["behind"]
    out["overdue"] = out["due"] - out["done"]
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
            "overdue",
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
    for i in range(3):
        np.add.at(tally[:, i], cells[code == i], sign)
    np.add.at(tally[:, 3], cells[timely], sign)


# --- warnings --------------------------------------------------------------------------------
