"""The nodes a status is read at (every task's reporting nodes) and the ledger's reports on
them, as integer arrays: the machinery under :mod:`taskstats.measures.status`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskstats.tidy.schema import STATUS_CODES, STATUS_SEVERITY, STATUSES, TaskTables

NOT_STARTED = STATUS_CODES.index("not_started")
NOT_REPORTED = STATUS_CODES.index("not_reported")
# Each status code's place from least advanced (0) to most.
SEVERITY = np.array([STATUS_SEVERITY.index(c) for c in STATUS_CODES], dtype=np.int8)
BY_SEVERITY = np.array([STATUS_CODES.index(c) for c in STATUS_SEVERITY], dtype=np.int8)


def day_number(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def lead_units(tables: TaskTables, *, named_only: bool = True) -> pd.DataFrame:
    """The lead units of each task, in the order the task names them: the one definition the
    measures, the bulletin, the explorer and the fill-in sheet use.

    Args:
        named_only: Leave out collective placeholders such as 各镇街 (they do not report, nor
            are they ranked, on their own).

    Returns:
        ``district``, ``task_id``, ``unit``: one row per task and named lead unit.
    """
    units = tables.task_units
    lead = units["role"] == "lead"
    if named_only:
        lead &= ~units["collective"].astype(bool)
    out = units[lead][["district", "task_id", "unit"]].astype(str).drop_duplicates()
    return out.reset_index(drop=True)


def joined_lead_units(tables: TaskTables, *, sep: str = "、") -> pd.Series:
    """Every lead unit of each task (collectives included) joined in one string, indexed by
    district and task_id: the ``lead_units`` column of red lists and explorers."""
    lead = lead_units(tables, named_only=False)
    return (
        lead.groupby(["district", "task_id"], sort=False)["unit"].agg(sep.join).rename("lead_units")
    )


@dataclass(frozen=True)
class Grid:
    """Every (task row, node day) of the districts in a schedule, task by task.

    A task's nodes are its district's reporting nodes plus, when the task names its own
    deadline (``due_date``), that day; within a task they run in date order. ``deadline``
    marks each task's own deadline node (its ``due_date``, or its last node when it has none;
    none for ``ongoing`` tasks); every other node is a checkpoint. ``keys`` (sorted) and
    ``positions`` map a (task row, day) pair to its node.
    """

    task: np.ndarray
    milestone: np.ndarray
    district: np.ndarray  # district code of each task row
    names: pd.Index  # district of each code
    days: np.ndarray  # every node's day, once, ascending
    keys: np.ndarray
    positions: np.ndarray
    width: int
    deadline: np.ndarray  # per node: the task's own deadline
    deadline_day: np.ndarray  # per task row: its own deadline's day (-1: none, ongoing)

    @classmethod
    def of(cls, tables: TaskTables, schedules: Mapping[str, Sequence[dt.date]]) -> Grid:
        codes, names = pd.factorize(tables.tasks["district"])
        task, milestone, _ = _node_arrays(tables.tasks, schedules)
        days = np.unique(milestone)
        low = int(days[0]) if len(days) else 0
        width = int(days[-1]) - low + 1 if len(days) else 1
        keys = task * width + (milestone - low)
        by_key = np.argsort(keys, kind="stable")
        deadline_day = own_deadlines(tables, task, milestone)
        deadline = (deadline_day[task] == milestone if len(task) else np.zeros(0, dtype=bool)) & (
            deadline_day[task] >= 0 if len(task) else np.zeros(0, dtype=bool)
        )
        return cls(
            task,
            milestone,
            codes,
            pd.Index(names),
            days,
            keys[by_key],
            by_key,
            width,
            deadline,
            deadline_day,
        )

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


def own_deadlines(tables: TaskTables, task: np.ndarray, milestone: np.ndarray) -> np.ndarray:
    """Each task row's own deadline as a day number: its ``due_date``, else its last node;
    -1 for ``ongoing`` (持续推进) tasks and tasks with no node."""
    n = len(tables.tasks)
    out = np.full(n, -1, dtype=np.int64)
    if len(task):
        np.maximum.at(out, task, milestone)
    if "due_date" in tables.tasks.columns:
        due = days_of(tables.tasks["due_date"])
        out = np.where((due >= 0) & (out >= 0), due, out)
    if "ongoing" in tables.tasks.columns:
        ongoing = tables.tasks["ongoing"].fillna(False).astype(bool).to_numpy()
        out[ongoing] = -1
    return out


def task_nodes(tasks: pd.DataFrame, schedules: Mapping[str, Sequence[dt.date]]) -> pd.DataFrame:
    """The nodes of each task: its district's reporting nodes, plus its own deadline
    (``due_date``) when that day is not one of them. The one definition the status grid, the
    fill-in sheet, the check of returned sheets and the simulated ledger share.

    Tasks of a district with no (or an empty) schedule have no node. Tasks come grouped by
    district in the schedules' order, in table order within a district; each task's nodes run
    in date order. Does not mutate ``tasks``.

    Args:
        tasks: The tasks table (``district``, ``task_id``, optionally ``due_date``).
        schedules: Each district's reporting nodes.

    Returns:
        ``row`` (the task's position in ``tasks``), ``district``, ``task_id``, ``milestone``
        (2020-06-30) and ``scheduled`` (the node is one of the district's reporting nodes,
        not only the task's own deadline): one row per task and node.
    """
    row, day, scheduled = _node_arrays(tasks, schedules)
    return pd.DataFrame(
        {
            "row": row,
            "district": tasks["district"].astype(str).to_numpy()[row],
            "task_id": tasks["task_id"].astype(str).to_numpy()[row],
            "milestone": day.astype("datetime64[D]").astype(str),
            "scheduled": scheduled,
        }
    )


def _node_arrays(
    tasks: pd.DataFrame, schedules: Mapping[str, Sequence[dt.date]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`task_nodes` as arrays: each node's task row, day number and whether it is a
    scheduled node (the grid reads these without building the frame)."""
    codes, names = pd.factorize(tasks["district"])
    # Rows grouped by district once: comparing every row with each name is quadratic.
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    code_of = {name: i for i, name in enumerate(names)}
    own = {
        code_of[d]: np.unique(np.array(dates, dtype="datetime64[D]").astype(np.int64))
        for d, dates in schedules.items()
        if d in code_of and len(dates)
    }
    tasks_at, days_at = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for code, ms in own.items():
        rows = order[bounds[code] : bounds[code + 1]]
        tasks_at.append(np.repeat(rows, len(ms)))
        days_at.append(np.tile(ms, len(rows)))
    task, day = np.concatenate(tasks_at), np.concatenate(days_at)
    scheduled = np.ones(len(task), dtype=bool)
    if "due_date" not in tasks.columns or not len(task):
        return task, day, scheduled
    # Each task's own deadline, when its district has a schedule and the day is not in it.
    due_text = tasks["due_date"].astype(str).to_numpy()
    rows = np.flatnonzero((due_text != "") & np.isin(codes, list(own)))
    due = np.array(due_text[rows], dtype="datetime64[D]").astype(np.int64)
    # (district, day) pairs as one integer, looked up among the schedules' pairs.
    low = min(int(due.min()) if len(due) else 0, int(day.min()))
    width = max(int(due.max()) if len(due) else 0, int(day.max())) - low + 1
    pairs = np.concatenate([code * width + (ms - low) for code, ms in own.items()])
    new = ~np.isin(codes[rows].astype(np.int64) * width + (due - low), pairs)
    if not new.any():
        return task, day, scheduled
    task = np.concatenate([task, rows[new].astype(np.int64)])
    day = np.concatenate([day, due[new]])
    scheduled = np.concatenate([scheduled, np.zeros(int(new.sum()), dtype=bool)])
    # Keep the tasks in the order they had, each task's nodes by date.
    rank = np.full(int(task.max()) + 1, -1, dtype=np.int64)
    firsts = pd.unique(task)
    rank[firsts] = np.arange(len(firsts))
    by = np.lexsort((day, rank[task]))
    return task[by], day[by], scheduled[by]


@dataclass(frozen=True)
class Reports:
    """The ledger's reports on grid nodes as integer arrays, each with its supersession rank.

    For a node and a reporting unit, the report with the latest 填报日期 counts (a report
    without one is dated by its import); among reports of the same date, the later import,
    then the later sheet row, then the later ledger row. ``rank`` orders reports so;
    ``position`` maps a rank back to the report. ``unit`` is each report's reporting unit as a
    code into ``unit_names`` (0: none, a report on the whole task); ``lead_task`` and
    ``lead_unit`` list the named lead units of each task row as codes into the same names.
    """

    node: np.ndarray
    known: np.ndarray
    status: np.ndarray
    rank: np.ndarray
    by_rank: np.ndarray | None  # report of each rank, when ranks are not positions in disguise
    low_bits: int
    unit: np.ndarray | None = None
    unit_names: pd.Index | None = None
    lead_task: np.ndarray | None = None
    lead_unit: np.ndarray | None = None

    @classmethod
    def of(cls, tables: TaskTables, ledger: pd.DataFrame, grid: Grid) -> Reports:
        # A million rows at a time, so that the working arrays of a large ledger stay small.
        index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]])
        parts = [
            cls._chunk(index, ledger.iloc[start : start + _CHUNK], grid, start)
            for start in range(0, max(len(ledger), 1), _CHUNK)
        ]
        columns = []
        for i in range(6):  # column by column, each chunk's part dropped once joined
            columns.append(np.concatenate([p[i] for p in parts]))
            for p in parts:
                p[i] = None
        node, known, status, imports, rows, keep = columns
        del columns, parts
        reports = cls.from_arrays(node, known, status, imports, rows)
        if "unit" not in ledger.columns:
            return reports
        units = ledger["unit"].astype(str).to_numpy()[keep]
        if not (units != "").any():
            return reports
        leads = lead_units(tables)
        names = pd.Index([""]).append(pd.Index(pd.unique(np.r_[leads["unit"].to_numpy(), units])))
        names = names[~names.duplicated()]
        lead_task = index.get_indexer(pd.MultiIndex.from_frame(leads[["district", "task_id"]]))
        return cls(
            reports.node,
            reports.known,
            reports.status,
            reports.rank,
            reports.by_rank,
            reports.low_bits,
            names.get_indexer(units).astype(np.int32),
            names,
            lead_task[lead_task >= 0],
            names.get_indexer(leads["unit"].to_numpy())[lead_task >= 0],
        )

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
        keys = [known, imports, rows, None]  # None: the position in the ledger
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
            by_rank = np.lexsort((rows, imports, known))
            rank = np.empty(len(node), dtype=np.int64)
            rank[by_rank] = np.arange(len(node))
            low_bits = 0
        return cls(node, known, status, rank, by_rank, low_bits)

    @staticmethod
    def _chunk(
        index: pd.MultiIndex, ledger: pd.DataFrame, grid: Grid, start: int
    ) -> list[np.ndarray | None]:
        """Node, day known, status, import, row and ledger position of the rows on grid
        nodes."""
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
            keep + start,
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
        node) (-1: none), whichever unit made it."""
        where = np.flatnonzero(self.known <= (day if np.ndim(day) == 0 else day[self.node]))
        best = np.full(nodes, -1, dtype=np.int64)
        np.maximum.at(best, self.node[where], self.rank[where])
        return self.position(best)

    def states(
        self, day: int | np.ndarray, grid: Grid
    ) -> tuple[np.ndarray, np.ndarray, dict[int, list[str]]]:
        """Per node, as of ``day``: its status code (-1: no report), the day the state became
        known, and the lead units that have not reported where some have (by node).

        A report without a unit stands for the whole task. Where units report, each lead
        unit's latest report counts (a unit without one takes the whole-task report, or is
        未报送) and the node is in the least advanced of their states.
        """
        nodes = len(grid.task)
        per_node_day = day if np.ndim(day) == 0 else day[self.node]
        seen = self.known <= per_node_day
        whole = seen if self.unit is None else seen & (self.unit == 0)
        where = np.flatnonzero(whole)
        best = np.full(nodes, -1, dtype=np.int64)
        np.maximum.at(best, self.node[where], self.rank[where])
        pos = self.position(best)
        code = np.full(nodes, -1, dtype=np.int8)
        known = np.full(nodes, np.iinfo(np.int32).max, dtype=np.int32)
        found = pos >= 0
        code[found] = self.status[pos[found]]
        known[found] = self.known[pos[found]]
        missing: dict[int, list[str]] = {}
        if self.unit is None or not (seen & (self.unit > 0)).any():
            return code, known, missing
        by_unit = np.flatnonzero(seen & (self.unit > 0))
        frame = pd.DataFrame(
            {"node": self.node[by_unit], "unit": self.unit[by_unit], "rank": self.rank[by_unit]}
        )
        frame = frame.loc[frame.groupby(["node", "unit"])["rank"].idxmax()]
        frame["pos"] = self.position(frame["rank"].to_numpy())
        frame["status"] = self.status[frame["pos"].to_numpy()]
        frame["known"] = self.known[frame["pos"].to_numpy()]
        # The lead units expected at each node with unit reports; those without a report of
        # their own take the whole-task report, or are 未报送.
        touched = pd.unique(frame["node"])
        leads = pd.DataFrame({"task": self.lead_task, "unit": self.lead_unit})
        expected = pd.DataFrame({"node": touched, "task": grid.task[touched]}).merge(
            leads, on="task"
        )
        rows = expected.merge(frame, on=["node", "unit"], how="left")
        absent = rows["status"].isna().to_numpy()
        stand_in = code[rows["node"].to_numpy()]
        rows["status"] = np.where(
            absent, np.where(stand_in >= 0, stand_in, NOT_REPORTED), rows["status"].fillna(0)
        ).astype(np.int8)
        rows["known"] = np.where(
            absent, known[rows["node"].to_numpy()], rows["known"].fillna(0)
        ).astype(np.int64)
        others = frame[
            ~frame.set_index(["node", "unit"]).index.isin(rows.set_index(["node", "unit"]).index)
        ]
        every = pd.concat(
            [rows[["node", "unit", "status", "known"]], others[["node", "unit", "status", "known"]]]
        )
        worst = np.full(nodes, len(SEVERITY), dtype=np.int8)
        node_of = every["node"].to_numpy()
        np.minimum.at(worst, node_of, SEVERITY[every["status"].to_numpy()])
        latest_known = np.full(nodes, -1, dtype=np.int64)
        reported = every["status"].to_numpy() != NOT_REPORTED
        np.maximum.at(latest_known, node_of[reported], every["known"].to_numpy()[reported])
        code[touched] = BY_SEVERITY[worst[touched]]
        known[touched] = latest_known[touched]
        lacking = every[every["status"].to_numpy() == NOT_REPORTED]
        names = np.asarray(self.unit_names)
        for n, group in lacking.groupby("node", sort=False)["unit"]:
            missing[int(n)] = names[group.to_numpy()].tolist()
        return code, known, missing

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
