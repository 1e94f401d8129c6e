"""Milestone status: every task's every reporting node as of a date, from the ledger's reports.

A status describes the task at a node as its unit saw it on the 填报日期: done (已完成),
on_track (序时推进), behind (滞后), not_started (未启动); a due node nobody reported is
not_reported (未报送). A task's own deadline is its 完成时限 (``due_date``), or its last node
when it has none; every earlier node is a checkpoint, where 序时推进 is on schedule. A task is
overdue only past its own deadline without 已完成; ongoing (持续推进) tasks never are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from taskstats.errors import InputError
from taskstats.measures.nodes import (
    NOT_REPORTED,
    Grid,
    Reports,
    day_number,
    days_of,
    lead_units,
    narrow,
    status_codes,
)
from taskstats.tidy import TaskTables
from taskstats.tidy.schema import STATUS_CODES, iso_date

DONE = STATUS_CODES.index("done")


def current_reports(ledger: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """The report that counts per district, task, node and reporting unit, known by ``as_of``.

    A report is known from its 填报日期 (or, without one, its import date); the latest 填报日期
    counts, the import order breaking ties only. The ledger keeps them all. The selection is
    the one :func:`milestone_status` uses (:class:`~taskstats.measures.nodes.Reports`).

    Returns:
        The chosen ledger rows, with ``known_on`` (the day each became known), in ledger order.
    """
    if ledger.empty:
        return ledger.assign(known_on=pd.Series(dtype=str))
    names = ["district", "task_id", "milestone"] + (["unit"] if "unit" in ledger else [])
    keys = ledger[names].astype(str)
    node, nodes = pd.factorize(pd.MultiIndex.from_frame(keys))
    reported = days_of(ledger["reported_on"])
    known = np.where(reported >= 0, reported, days_of(ledger["imported_at"]))
    reports = Reports.from_arrays(
        narrow(node.astype(np.int64)),
        known.astype(np.int32),
        status_codes(ledger["status"]),
        narrow(ledger["import_id"].to_numpy()),
        narrow(ledger["row"].to_numpy()),
    )
    day = np.iinfo(np.int32).max if as_of is None else day_number(iso_date(as_of))
    latest = reports.latest(day, len(nodes))
    rows = np.sort(latest[latest >= 0])
    out = ledger.iloc[rows].reset_index(drop=True)
    known_on = pd.Series(known[rows].astype("datetime64[D]").astype(str), dtype="str")
    return out.assign(known_on=known_on.to_numpy())


def milestone_status(
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    as_of: dt.date | str | dict[str, dt.date | str],
) -> pd.DataFrame:
    """Every task's every reporting node, with its state as of a date.

    ``as_of`` is one date for every district, or a date per district (as
    :func:`taskstats.as_of_dates` gives them). A task with several lead units is in the least
    advanced state of its units' latest reports at the node (done only when all say done,
    behind if any says behind, not_reported naming the units that did not report).

    Returns:
        One row per district, task and node: ``due`` (the node has passed), ``status`` (done,
        on_track, behind, not_started, not_reported: nothing reported by the as-of date),
        ``reported`` (not not_reported), ``deadline`` (the node is the task's own deadline),
        ``overdue`` (due, at or past the task's own deadline, not done; never for ongoing
        tasks), ``on_time``
        (done, reported by the node), ``days_left`` (negative once past), ``quarter_end``,
        ``missing_units`` (the lead units that have not reported, joined with "、"); ``_task``
        is the task's row in ``tables.tasks``. Rows run task by task, nodes in date order.
    """
    grid = Grid.of(tables, schedules)
    reports = Reports.of(tables, ledger, grid) if len(ledger) else None
    if isinstance(as_of, dict):
        missing = sorted(set(grid.names) - set(as_of))
        if missing:
            raise InputError(f"no as-of date for {', '.join(missing)}")
        per_code = np.array([day_number(iso_date(as_of[d])) for d in grid.names], dtype=np.int64)
        day: int | np.ndarray = per_code[grid.district[grid.task]]
    else:
        day = day_number(iso_date(as_of))
    return status_at(tables, grid, reports, day)


def status_at(
    tables: TaskTables,
    grid: Grid,
    reports: Reports | None,
    as_of_day: int | np.ndarray,
    nodes: np.ndarray | None = None,
) -> pd.DataFrame:
    """The status frame of the grid's nodes (or of ``nodes``, a mask) as of a day (one for
    every node, or one per node)."""
    code = np.full(len(grid.task), -1, dtype=np.int8)
    known = np.full(len(grid.task), np.iinfo(np.int32).max, dtype=np.int32)
    missing: dict[int, list[str]] = {}
    if reports is not None:
        code, known, missing = reports.states(as_of_day, grid)
    units = _missing_units(tables, grid, code, missing)
    frame = _status_frame(tables, grid, code, known, units, as_of_day)
    if nodes is None:
        return frame
    return frame[nodes].reset_index(drop=True)


def _missing_units(
    tables: TaskTables, grid: Grid, code: np.ndarray, missing: dict[int, list[str]]
) -> np.ndarray:
    """Per node, the lead units that have not reported (joined with "、"): all the task's
    named lead units where nothing was reported, the silent ones where some units were."""
    out = np.full(len(grid.task), "", dtype=object)
    silent = np.flatnonzero(code < 0)
    if len(silent):
        leads = lead_units(tables)
        joined = leads.groupby(["district", "task_id"], sort=False)["unit"].agg("、".join)
        index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]])
        per_task = joined.reindex(index).fillna("").to_numpy(dtype=object)
        out[silent] = per_task[grid.task[silent]]
    for node, names in missing.items():
        out[node] = "、".join(names)
    return out


def _status_frame(
    tables: TaskTables,
    grid: Grid,
    code: np.ndarray,
    known: np.ndarray,
    missing_units: np.ndarray,
    as_of_day: int | np.ndarray,
) -> pd.DataFrame:
    task, milestone = grid.task, grid.milestone
    status = np.where(code >= 0, code, NOT_REPORTED).astype(np.int8)
    reported = status != NOT_REPORTED  # a co-led node some units left unreported is not
    due = milestone <= as_of_day
    done = status == DONE
    deadline_day = grid.deadline_day[task] if len(task) else np.zeros(0, np.int64)
    past_deadline = (deadline_day >= 0) & (milestone >= deadline_day)
    days, day_codes = np.unique(milestone, return_inverse=True)
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    quarter_end = ((months + 1).astype("datetime64[D]") - 1 == dates) & (
        (months.astype(np.int64) % 12 + 1) % 3 == 0
    )
    district_codes, districts = pd.factorize(tables.tasks["district"])
    task_codes, task_ids = pd.factorize(tables.tasks["task_id"])
    return pd.DataFrame(
        {
            "district": pd.Categorical.from_codes(district_codes[task], categories=districts),
            "task_id": pd.Categorical.from_codes(task_codes[task], categories=task_ids),
            "milestone": pd.Categorical.from_codes(
                day_codes, categories=np.datetime_as_string(dates, unit="D"), ordered=True
            ),
            "status": pd.Categorical.from_codes(status, categories=list(STATUS_CODES)),
            "reported": reported,
            "due": due,
            "deadline": grid.deadline,
            "overdue": due & past_deadline & ~done,
            "on_time": done & (known <= milestone),
            "days_left": (milestone - as_of_day).astype(np.int64),
            "quarter_end": quarter_end[day_codes],
            "missing_units": pd.array(missing_units, dtype="str"),
            "_task": task,
        }
    )


def schedule_frame(schedules: dict[str, Sequence[dt.date]]) -> pd.DataFrame:
    rows = [(d, day.isoformat()) for d, dates in schedules.items() for day in dates]
    return pd.DataFrame(rows, columns=["district", "milestone"])
