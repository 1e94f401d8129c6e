"""Milestone status: every task's every milestone as of a date, from the ledger's reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskstats.errors import InputError
from taskstats.tidy import TaskTables
from taskstats.tidy.schema import STATUSES, iso_date


def current_reports(ledger: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """The latest report per district, task and milestone known by ``as_of``.

    A report is known from its 填报日期 (or, without one, its import date). Later imports
    supersede earlier ones for the figures; the ledger keeps them all. The selection is the one
    :func:`milestone_status` uses (:class:`Reports`), over the ledger's own nodes.

    Returns:
        The chosen ledger rows, with ``known_on`` (the day each became known), in ledger order.
    """
    if ledger.empty:
        return ledger.assign(known_on=pd.Series(dtype=str))
    keys = ledger[["district", "task_id", "milestone"]].astype(str)
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
    """Every task's every milestone, with its state as of a date.

    ``as_of`` is one date for every district, or a date per district (as
    :func:`taskstats.as_of_dates` gives them).

    Returns:
        One row per district, task and milestone: ``due`` (the milestone has passed),
        ``status`` (done, on_track, behind, not_started; not_started when nothing was
        reported), ``reported``, ``overdue`` (due and not done), ``on_time`` (done, reported by
        the milestone), ``days_left`` (negative once past), ``quarter_end``; ``_task`` is the
        task's row in ``tables.tasks``. Rows run task by task, milestones in date order.
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
    if reports is not None:
        latest = reports.latest(as_of_day, len(grid.task))
        found = latest >= 0
        code[found] = reports.status[latest[found]]
        known[found] = reports.known[latest[found]]
    if nodes is None:
        return _status_frame(tables, grid.task, grid.milestone, code, known, as_of_day)
    return _status_frame(
        tables,
        grid.task[nodes],
        grid.milestone[nodes],
        code[nodes],
        known[nodes],
        as_of_day if np.ndim(as_of_day) == 0 else as_of_day[nodes],
    )


STATUS_CODES = np.array(["done", "on_track", "behind", "not_started"])


def day_number(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


@dataclass(frozen=True)
class Grid:
    """Every (task row, milestone day) node of the districts in a schedule, task by task.

    A task's nodes are its district's milestones plus, when the task names its own deadline
    (``due_date`` in the tasks table), that day; within a task they run in date order.
    ``keys`` (sorted) and ``positions`` map a (task row, day) pair to its node.
    """

    task: np.ndarray
    milestone: np.ndarray
    district: np.ndarray  # district code of each task row
    names: pd.Index  # district of each code
    days: np.ndarray  # every node's day, once, ascending
    keys: np.ndarray
    positions: np.ndarray
    width: int

    @classmethod
    def of(cls, tables: TaskTables, schedules: dict[str, Sequence[dt.date]]) -> Grid:
        codes, names = pd.factorize(tables.tasks["district"])
        # Rows grouped by district once: comparing every row with each name is quadratic.
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        code_of = {name: i for i, name in enumerate(names)}
        own = {
            code_of[d]: np.unique(np.array(dates, dtype="datetime64[D]").astype(np.int64))
            for d, dates in schedules.items()
            if d in code_of and len(dates)
        }
        tasks, nodes = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for code, ms in own.items():
            rows = order[bounds[code] : bounds[code + 1]]
            tasks.append(np.repeat(rows, len(ms)))
            nodes.append(np.tile(ms, len(rows)))
        task, milestone = np.concatenate(tasks), np.concatenate(nodes)
        task, milestone = _with_own_deadlines(tables, codes, own, task, milestone)
        days = np.unique(milestone)
        low = int(days[0]) if len(days) else 0
        width = int(days[-1]) - low + 1 if len(days) else 1
        keys = task * width + (milestone - low)
        by_key = np.argsort(keys, kind="stable")
        return cls(task, milestone, codes, pd.Index(names), days, keys[by_key], by_key, width)

    def node_of(self, task: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The node of each (task row, day) pair, -1 where the pair is not in the grid."""
        out = np.full(len(task), -1, dtype=np.int64)
        if not len(self.keys):
            return out
        low = int(self.days[0])
        inside = (task >= 0) & (day >= low) & (day < low + self.width)
        key = task[inside].astype(np.int64) * self.width + (day[inside] - low)
        k = np.searchsorted(self.keys, key).clip(0, len(self.keys) - 1)
        hit = self.keys[k] == key
        where = np.flatnonzero(inside)
        out[where[hit]] = self.positions[k[hit]]
        return out


def _with_own_deadlines(
    tables: TaskTables,
    codes: np.ndarray,
    own: dict[int, np.ndarray],
    task: np.ndarray,
    milestone: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Add each task's own deadline (``due_date``) as a node of that task, when its district is
    in the schedule and the day is not one of its milestones already; nodes stay task by task
    in date order."""
    if "due_date" not in tables.tasks.columns or not len(task):
        return task, milestone
    due = tables.tasks["due_date"].astype(str).to_numpy()
    rows = np.flatnonzero((due != "") & np.isin(codes, list(own)))
    own_day = np.array(due[rows], dtype="datetime64[D]").astype(np.int64)
    new = np.array(
        [d not in own[c] for c, d in zip(codes[rows].tolist(), own_day.tolist(), strict=True)],
        dtype=bool,
    )
    if not new.any():
        return task, milestone
    extra = list(zip(rows[new].tolist(), own_day[new].tolist(), strict=True))
    task = np.concatenate([task, np.array([r for r, _ in extra], dtype=np.int64)])
    milestone = np.concatenate([milestone, np.array([d for _, d in extra], dtype=np.int64)])
    # Keep the tasks in the order they had, each task's nodes by date.
    rank = np.full(int(task.max()) + 1, -1, dtype=np.int64)
    firsts = pd.unique(task)
    rank[firsts] = np.arange(len(firsts))
    order = np.lexsort((milestone, rank[task]))
    return task[order], milestone[order]


@dataclass(frozen=True)
class Reports:
    """The ledger's reports on grid nodes as integer arrays, each with its supersession rank.

    A report supersedes another of the same node when it was imported later, then when it was
    reported later, then when its sheet row is later, then when it comes later in the ledger.
    ``rank`` orders reports so; ``position`` maps a rank back to the report.
    """

    node: np.ndarray
    known: np.ndarray
    status: np.ndarray
    rank: np.ndarray
    by_rank: np.ndarray | None  # report of each rank, when ranks are not positions in disguise
    low_bits: int

    @classmethod
    def of(cls, tables: TaskTables, ledger: pd.DataFrame, grid: Grid) -> Reports:
        # A million rows at a time, so that the working arrays of a large ledger stay small.
        index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]])
        parts = [
            cls._chunk(index, ledger.iloc[start : start + _CHUNK], grid)
            for start in range(0, max(len(ledger), 1), _CHUNK)
        ]
        columns = []
        for i in range(5):  # column by column, each chunk's part dropped once joined
            columns.append(np.concatenate([p[i] for p in parts]))
            for p in parts:
                p[i] = None
        node, known, status, imports, rows = columns
        del columns, parts
        return cls.from_arrays(node, known, status, imports, rows)

    @classmethod
    def from_arrays(
        cls,
        node: np.ndarray,
        known: np.ndarray,
        status: np.ndarray,
        imports: np.ndarray,
        rows: np.ndarray,
    ) -> Reports:
        """Reports from their node, day known, status code, import and sheet row."""
        # The four keys packed into one integer when they fit (no sort needed), else a sort.
        keys = [imports, known, rows, None]  # None: the position in the ledger
        low = [int(k.min()) if len(k) else 0 for k in keys[:3]] + [0]
        high = [int(k.max()) if len(k) else 0 for k in keys[:3]] + [max(len(node) - 1, 0)]
        widths = [(h - lo).bit_length() for h, lo in zip(high, low, strict=True)]
        if sum(widths) <= 62:
            rank = np.zeros(len(node), dtype=np.int64)
            for start in range(0, len(node), _CHUNK):  # in slices: no full-length temporaries
                part = rank[start : start + _CHUNK]
                for key, base, width in zip(keys, low, widths, strict=True):
                    part <<= width
                    if key is None:
                        part |= np.arange(start, start + len(part), dtype=np.int64)
                    else:
                        part |= key[start : start + _CHUNK].astype(np.int64) - base
            by_rank, low_bits = None, widths[-1]
        else:
            by_rank = np.lexsort((rows, known, imports))
            rank = np.empty(len(node), dtype=np.int64)
            rank[by_rank] = np.arange(len(node))
            low_bits = 0
        return cls(node, known, status, rank, by_rank, low_bits)

    @staticmethod
    def _chunk(index: pd.MultiIndex, ledger: pd.DataFrame, grid: Grid) -> list[np.ndarray | None]:
        """Node, day known, status, import and row of the rows on grid nodes."""
        task = _task_rows(index, ledger["district"], ledger["task_id"])
        reported = days_of(ledger["reported_on"])
        known = np.where(reported >= 0, reported, days_of(ledger["imported_at"]))
        node = grid.node_of(task, days_of(ledger["milestone"]))
        keep = np.flatnonzero(node >= 0)
        return [
            narrow(node[keep]),
            known[keep].astype(np.int32),
            status_codes(ledger["status"])[keep],
            narrow(ledger["import_id"].to_numpy()[keep]),
            narrow(ledger["row"].to_numpy()[keep]),
        ]

    def position(self, rank: np.ndarray) -> np.ndarray:
        """The report of each rank (-1 stays -1)."""
        if self.by_rank is None:
            out = rank & ((1 << self.low_bits) - 1)
        else:
            out = self.by_rank[rank.clip(0)]
        return np.where(rank >= 0, out, -1)

    def latest(self, day: int | np.ndarray, nodes: int) -> np.ndarray:
        """Per node, the position of its latest report known by ``day`` (one day, or one per
        node) (-1: none)."""
        where = np.flatnonzero(self.known <= (day if np.ndim(day) == 0 else day[self.node]))
        best = np.full(nodes, -1, dtype=np.int64)
        np.maximum.at(best, self.node[where], self.rank[where])
        return self.position(best)

    def updates_by_day(
        self, days: Sequence[int], nodes: int
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """For each of ``days`` (ascending): the nodes with reports known since the day
        before, and the position of each one's latest report (each report scattered once)."""
        by_known = np.argsort(self.known, kind="stable")
        known = self.known[by_known]
        best = np.full(nodes, -1, dtype=np.int64)
        done = 0
        for day in days:
            upto = int(np.searchsorted(known, day, side="right"))
            new = by_known[done:upto]
            np.maximum.at(best, self.node[new], self.rank[new])
            done = upto
            touched = np.zeros(nodes, dtype=bool)
            touched[self.node[new]] = True
            touched = np.flatnonzero(touched)
            yield touched, self.position(best[touched])


_CHUNK = 1 << 20


def narrow(values: np.ndarray) -> np.ndarray:
    """Integers as int32 when they fit (half the memory of a large ledger's columns)."""
    if not len(values) or (values.min() >= -(2**31) and values.max() < 2**31):
        return values.astype(np.int32)
    return values


def _task_rows(index: pd.MultiIndex, district: pd.Series, task_id: pd.Series) -> np.ndarray:
    """Each (district, task_id)'s row in ``index`` (the tasks' keys), -1 where there is none.

    The pairs are factorised as integers (a profile showed tuples of a MultiIndex to be the
    slowest part of reading a large ledger), then only the distinct pairs are looked up.
    """
    d_codes, d_names = pd.factorize(district)
    t_codes, t_names = pd.factorize(task_id)
    pair_codes, pairs = pd.factorize(d_codes.astype(np.int64) * (len(t_names) + 1) + t_codes)
    distinct = pd.MultiIndex.from_arrays(
        [
            np.asarray(d_names)[pairs // (len(t_names) + 1)],
            np.asarray(t_names)[pairs % (len(t_names) + 1)],
        ]
    )
    return index.get_indexer(distinct)[pair_codes]


def days_of(values: pd.Series) -> np.ndarray:
    """Days since 1970 of ISO dates (a date-time's first ten characters); -1 where none."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        days = _days(pd.Series(values.cat.categories.astype(str)))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, days[codes], -1)
    return _days(values)


def _days(values: pd.Series) -> np.ndarray:
    parsed = pd.to_datetime(values.astype(str).str[:10], format="%Y-%m-%d", errors="coerce")
    out = parsed.to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.where(parsed.isna().to_numpy(), -1, out)


def status_codes(values: pd.Series) -> np.ndarray:
    lookup = {k: i for i, k in enumerate(STATUSES)}
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.array([lookup.get(str(c), -1) for c in values.cat.categories], dtype=np.int8)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[codes], -1).astype(np.int8)
    return values.map(lookup).fillna(-1).astype(np.int8).to_numpy()


def _status_frame(
    tables: TaskTables,
    task: np.ndarray,
    milestone: np.ndarray,
    code: np.ndarray,
    known: np.ndarray,
    as_of_day: int,
) -> pd.DataFrame:
    reported = code >= 0
    status = np.where(reported, code, 3)  # nothing reported counts as not started
    due = milestone <= as_of_day
    done = status == 0
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
            "status": pd.Categorical.from_codes(status, categories=STATUS_CODES),
            "reported": reported,
            "due": due,
            "overdue": due & ~done,
            "on_time": done & (known <= milestone),
            "days_left": (milestone - as_of_day).astype(np.int64),
            "quarter_end": quarter_end[day_codes],
            "_task": task,
        }
    )


def schedule_frame(schedules: dict[str, Sequence[dt.date]]) -> pd.DataFrame:
    rows = [(d, day.isoformat()) for d, dates in schedules.items() for day in dates]
    return pd.DataFrame(rows, columns=["district", "milestone"])
