"""The shared coding of the tidy tables: subsets, integer codes per task and group, shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskstats.tidy import TaskTables

ATTRIBUTIONS = ("full", "weighted", "lead_only")
Filter = str | Iterable[str] | None


def subset(
    tables: TaskTables,
    *,
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
    leader: Filter = None,
    unit: Filter = None,
) -> TaskTables:
    """The tables restricted to the tasks matching every filter given (units, leaders follow).

    ``section`` matches a task's section or sub-section title; ``leader`` and ``unit`` keep the
    tasks that name one of them.
    """
    tasks = tables.tasks
    keep = pd.Series(True, index=tasks.index)
    if district is not None:
        keep &= tasks["district"].isin(as_list(district))
    if section is not None:
        wanted = as_list(section)
        keep &= tasks["section"].isin(wanted) | tasks["subsection"].isin(wanted)
    if source is not None:
        keep &= tasks["source"].isin(as_list(source))
    for names, table, column in (
        (leader, tables.task_leaders, "leader"),
        (unit, tables.task_units, "unit"),
    ):
        if names is not None:
            named = table[table[column].isin(as_list(names))]
            keep &= task_keys(tasks).isin(task_keys(named))
    if keep.all():
        return tables
    kept = task_keys(tasks[keep])

    def follow(df: pd.DataFrame) -> pd.DataFrame:
        return df[task_keys(df).isin(kept)]

    return TaskTables(
        tasks[keep], follow(tables.task_units), follow(tables.task_leaders), follow(tables.quality)
    )


def task_keys(df: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(df[["district", "task_id"]])


def task_codes(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Each row's task as an integer (0…T-1), the district code of each task, and the
    districts by code."""
    d, districts = pd.factorize(rows["district"])
    k, ids = pd.factorize(rows["task_id"])
    task = pd.factorize(d.astype(np.int64) * max(len(ids), 1) + k)[0]
    district_of = np.zeros(task.max() + 1 if len(task) else 0, dtype=np.int64)
    district_of[task] = d
    return task, district_of, pd.Index(districts)


def split_shares(task: np.ndarray, chosen: np.ndarray, tasks: int) -> np.ndarray:
    """The ``weighted`` attribution rule, the one every measure uses: a task shared by n chosen
    rows gives each of them 1/n; rows not chosen get 0.

    Args:
        task: Each row's task code (0…tasks-1).
        chosen: Which rows share their task (a boolean mask).
        tasks: The number of task codes.
    """
    per_task = np.bincount(task[chosen], minlength=tasks)
    return np.where(chosen, 1.0 / np.maximum(per_task, 1)[task], 0.0)


def sums(group: np.ndarray, weights: np.ndarray, groups: int) -> np.ndarray:
    """Weights summed per group, rounded to 12 places so that a share summed in any order
    reads the same (7.5, not 7.499999999999999)."""
    return np.bincount(group, weights, groups).astype(float).round(12)


def pairs_within(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ``left[i] == right[j]``: an inner join of two integer key arrays."""
    lo, ro = np.argsort(left, kind="stable"), np.argsort(right, kind="stable")
    ls, rs = left[lo], right[ro]
    start = np.searchsorted(rs, ls, side="left")
    size = np.searchsorted(rs, ls, side="right") - start
    i = np.repeat(np.arange(len(ls)), size)
    j = np.repeat(start, size) + (np.arange(len(i)) - np.repeat(np.cumsum(size) - size, size))
    return lo[i], ro[j]


def partners(task: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Per group, the number of distinct other groups that share a task with it."""
    pairs = pd.unique(task.astype(np.int64) * groups + group)  # each (task, group) once
    task, group = pairs // groups, pairs % groups
    a, b = pairs_within(task, task)
    other = a != b
    met = pd.unique(group[a[other]] * groups + group[b[other]])
    return np.bincount(met // groups, minlength=groups)


@dataclass(frozen=True)
class Coded:
    """Assignment rows as integers: each row's task and its (district, name) group."""

    task: np.ndarray
    tasks: int
    group: np.ndarray
    groups: int
    district: np.ndarray  # per group
    name: np.ndarray  # per group
    column: str

    by: str | None = None
    by_value: np.ndarray | None = None  # per group

    @classmethod
    def of(cls, rows: pd.DataFrame, column: str, by: str | None = None) -> Coded:
        """Groups by district and ``column`` (and ``by``, a task column, when given)."""
        task, district_of, districts = task_codes(rows)
        d = district_of[task]
        x, names = pd.factorize(rows[column])
        width = max(len(names), 1)
        key = d * width + x
        if by:
            y, values = pd.factorize(rows[by], use_na_sentinel=False)
            key, keys = pd.factorize(key)
            group, pairs = pd.factorize(key.astype(np.int64) * max(len(values), 1) + y)
            by_value = np.asarray(values, dtype=object)[pairs % max(len(values), 1)]
            pairs = np.asarray(keys)[pairs // max(len(values), 1)]
        else:
            group, pairs = pd.factorize(key)
            by_value = None
        return cls(
            task,
            len(district_of),
            group,
            len(pairs),
            np.asarray(districts, dtype=object)[pairs // width],
            np.asarray(names, dtype=object)[pairs % width],
            column,
            by,
            by_value,
        )

    def shares(self, rows: np.ndarray) -> np.ndarray:
        """For the chosen rows (a mask), each task split equally (:func:`split_shares`)."""
        return split_shares(self.task, rows, self.tasks)

    def frame(self, groups: np.ndarray) -> pd.DataFrame:
        """The district and name (and ``by`` value) of these groups."""
        out = pd.DataFrame({"district": self.district[groups], self.column: self.name[groups]})
        out = out.astype(str)
        if self.by:
            out[self.by] = pd.array(self.by_value[groups], dtype="str")
        return out


# --- sources, measurability, concentration ---------------------------------------------------


def positions(index: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    """Each value's position in ``index`` (-1 where absent), looked up once per distinct value."""
    codes, distinct = pd.factorize(values)
    if not len(distinct):
        return np.zeros(len(codes), dtype=np.int64)
    return index.get_indexer(distinct)[codes]


def as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def tasks_per_district(tasks: pd.DataFrame) -> pd.Series:
    return tasks.groupby("district").size()


def with_task_columns(rows: pd.DataFrame, tasks: pd.DataFrame, by: str | None) -> pd.DataFrame:
    if not by:
        return rows
    if by not in ("source", "section", "subsection"):
        raise ValueError("by must be 'source', 'section' or 'subsection'")
    return rows.merge(tasks[["district", "task_id", by]], on=["district", "task_id"], how="left")


def grouped_tasks(t: TaskTables, by: str) -> tuple[pd.DataFrame, list[str]]:
    """Task rows keyed for grouping by district, section, leader or unit."""
    tasks = t.tasks
    if by == "district":
        return tasks, ["district"]
    if by in ("section", "subsection", "source"):
        return tasks, ["district", by]
    if by == "leader":
        named = t.task_leaders[~t.task_leaders["collective"]][["district", "task_id", "leader"]]
        return named.drop_duplicates().merge(tasks, on=["district", "task_id"]), [
            "district",
            "leader",
        ]
    if by == "unit":
        named = t.task_units[~t.task_units["collective"]][["district", "task_id", "unit"]]
        return named.drop_duplicates().merge(tasks, on=["district", "task_id"]), [
            "district",
            "unit",
        ]
    raise ValueError("by must be 'district', 'section', 'leader' or 'unit'")


def rank_within(
    out: pd.DataFrame, keys: list[str], column: str, tiebreak: str | None = None
) -> pd.DataFrame:
    """Sort named rows by ``column`` (descending) within each district and rank them by it:
    equal values share the best rank of the tie, and the ranks after a tie are skipped
    (competition ranking: 1, 2, 2, 4); ``tiebreak`` only orders the rows of a tie. Collective
    rows follow, unranked."""
    order = [column] + ([tiebreak] if tiebreak else [])
    out = out.sort_values(
        ["district", *keys[2:], "collective", *order, *keys[1:2]],
        ascending=[True] * (len(keys) - 1) + [True] + [False] * len(order) + [True],
        ignore_index=True,
    )
    group = ["district", *keys[2:]]
    named = ~out["collective"]
    rank = out[named].groupby(group, sort=False)[column].rank(method="min", ascending=False)
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[named, "rank"] = rank.to_numpy()
    return out
