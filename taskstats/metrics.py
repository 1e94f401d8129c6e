"""Measures of a decomposition table: who carries what, where it came from, how it is shared.

Every function takes the tidy tables (:func:`taskstats.load`) and returns a new DataFrame in long
(tidy) form, ready for seaborn; none reads or writes a file or changes its input. Each accepts
a subset: ``district``, ``section`` and ``source`` (a value or a list of values).

How tasks are attributed, one mechanism for every measure (:func:`attribute`):

- ``full``: each named leader or unit counts the task once, so a task shared by three leaders
  counts three times in all.
- ``weighted``: a task shared by n named leaders (or n named lead units) counts 1/n for each, so
  a district's weights sum to its number of tasks that name one.
- ``lead_only`` (units): only lead units count, once each.

Collectives (各相关单位, 各副区长 …) never enter a ranking or a weight of named leaders or units;
where they are reported, it is in rows of their own with ``collective`` set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskstats.tidy import TaskTables

SOURCES = ["province", "city", "self", "unknown"]
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
        keep &= tasks["district"].isin(_as_list(district))
    if section is not None:
        wanted = _as_list(section)
        keep &= tasks["section"].isin(wanted) | tasks["subsection"].isin(wanted)
    if source is not None:
        keep &= tasks["source"].isin(_as_list(source))
    for names, table, column in (
        (leader, tables.task_leaders, "leader"),
        (unit, tables.task_units, "unit"),
    ):
        if names is not None:
            named = table[table[column].isin(_as_list(names))]
            keep &= _task_keys(tasks).isin(_task_keys(named))
    if keep.all():
        return tables
    kept = _task_keys(tasks[keep])

    def follow(df: pd.DataFrame) -> pd.DataFrame:
        return df[_task_keys(df).isin(kept)]

    return TaskTables(
        tasks[keep], follow(tables.task_units), follow(tables.task_leaders), follow(tables.quality)
    )


def _task_keys(df: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(df[["district", "task_id"]])


def attribute(assignments: pd.DataFrame, attribution: str = "full") -> pd.DataFrame:
    """Named (non-collective) assignments with a ``weight`` column, by the attribution rule.

    Args:
        assignments: ``task_units`` or ``task_leaders`` rows.
        attribution: ``full``, ``weighted`` or (units only) ``lead_only``.

    Returns:
        A new frame of the named rows kept, with ``weight``. For units, ``weighted`` and
        ``lead_only`` keep lead rows only.
    """
    if attribution not in ATTRIBUTIONS:
        raise ValueError(f"attribution must be one of {', '.join(ATTRIBUTIONS)}")
    named = assignments[~assignments["collective"]]
    is_units = "role" in named.columns
    if attribution in ("weighted", "lead_only"):
        if is_units:
            named = named[named["role"] == "lead"]
        elif attribution == "lead_only":
            raise ValueError("lead_only applies to units, not leaders")
    if attribution == "weighted":
        n = named.groupby(["district", "task_id"])["task_id"].transform("size")
        return named.assign(weight=1.0 / n)
    return named.assign(weight=1.0)


# --- leaders ---------------------------------------------------------------------------------


def leader_workload(
    tables: TaskTables,
    *,
    by: str | None = None,
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """Tasks per leader: counted in full and weighted, sole-leader tasks, share of the district.

    Args:
        tables: The tidy tables.
        by: Break each leader's figures down by ``source`` or ``section``; default none.

    Returns:
        One row per district, leader (and ``by`` value): ``tasks`` (full), ``weighted``,
        ``sole`` (tasks naming only this leader), ``share`` (tasks / the district's tasks),
        ``rank`` among named leaders, ``collective``. Collectives follow the named leaders,
        unranked.
    """
    t = subset(tables, district=district, section=section, source=source)
    keys = ["district", "leader"] + ([by] if by else [])
    rows = _with_task_columns(t.task_leaders, t.tasks, by)
    c = _Coded.of(rows, "leader", by)
    named = ~rows["collective"].to_numpy(dtype=bool)
    share = c.shares(named)  # each task split among its named leaders
    g, n = c.group, c.groups
    present = np.flatnonzero(np.bincount(g[named], minlength=n))
    out = c.frame(present).assign(
        tasks=np.bincount(g[named], minlength=n)[present],
        weighted=_sums(g, share, n)[present],
        sole=np.bincount(g[share == 1.0], minlength=n)[present],
        collective=False,
    )
    coll = np.flatnonzero(np.bincount(g[~named], minlength=n))
    coll_out = c.frame(coll).assign(
        tasks=np.bincount(g[~named], minlength=n)[coll], weighted=0.0, sole=0, collective=True
    )
    out = pd.concat([out, coll_out], ignore_index=True)
    out = out.astype({"tasks": "int64", "weighted": "float64", "sole": "int64"})
    out["share"] = out["tasks"] / _task_counts(t.tasks).reindex(out["district"]).to_numpy(float)
    return _rank(out[[*keys, "tasks", "weighted", "sole", "collective", "share"]], keys, "tasks")


def leader_units(
    tables: TaskTables,
    *,
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """Which units a leader's tasks go to: tasks per district, leader, unit and role."""
    t = subset(tables, district=district, section=section, source=source)
    leaders = t.task_leaders[~t.task_leaders["collective"]]
    units = t.task_units
    # Task codes shared by both tables, then every (leader, unit) pair within each task.
    both = pd.concat([leaders[["district", "task_id"]], units[["district", "task_id"]]])
    task, district_of, districts = _task_codes(both)
    lt, ut = task[: len(leaders)], task[len(leaders) :]
    leader, leader_names = pd.factorize(leaders["leader"])
    u, unit_names = pd.factorize(units["unit"])
    r, roles = pd.factorize(units["role"])
    coll = units["collective"].to_numpy(dtype=bool)
    unit, unit_keys = pd.factorize((u.astype(np.int64) * max(len(roles), 1) + r) * 2 + coll)
    a, b = _pairs_within(lt, ut)
    pairs = pd.DataFrame(
        {"task": lt[a], "leader": leader[a], "unit": unit[b]}
    ).drop_duplicates()  # a task counts once per pair
    counts = pairs.groupby(
        [district_of[pairs["task"].to_numpy()], "leader", "unit"], sort=False
    ).size()
    dist, lead, key = (counts.index.get_level_values(i).to_numpy() for i in range(3))
    keys = unit_keys[key]
    role_of = keys // 2 % max(len(roles), 1)
    name_of = keys // 2 // max(len(roles), 1)
    out = pd.DataFrame(
        {
            "district": pd.array(np.asarray(districts, dtype=object)[dist], dtype="str"),
            "leader": pd.array(np.asarray(leader_names, dtype=object)[lead], dtype="str"),
            "unit": pd.array(np.asarray(unit_names, dtype=object)[name_of], dtype="str"),
            "role": pd.array(np.asarray(roles, dtype=object)[role_of], dtype="str"),
            "collective": (keys % 2).astype(bool),
            "tasks": counts.to_numpy().astype("int64"),
        }
    )
    return out.sort_values(
        ["district", "leader", "role", "tasks", "unit"],
        ascending=[True, True, True, False, True],
        ignore_index=True,
    )


# --- units -----------------------------------------------------------------------------------


def unit_workload(
    tables: TaskTables,
    *,
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """Tasks per unit: led, supported, sole-led, co-led, weighted lead load, partners.

    Returns:
        One row per district and unit: ``led`` (tasks where it is a lead), ``supported``,
        ``sole_lead`` (the only named lead), ``co_led`` (a lead beside other named leads),
        ``weighted_lead`` (each task split among its named leads), ``partners`` (distinct other
        named units it shares a task with), ``rank`` by tasks led, ``collective``. Collective
        assignments (各相关单位 as support) follow in rows of their own.
    """
    t = subset(tables, district=district, section=section, source=source)
    units = t.task_units
    c = _Coded.of(units, "unit")
    named = ~units["collective"].to_numpy(dtype=bool)
    lead = units["role"].eq("lead").to_numpy(dtype=bool)
    support = units["role"].eq("support").to_numpy(dtype=bool)
    named_lead = named & lead
    share = c.shares(named_lead)  # each task split among its named lead assignments
    g, n = c.group, c.groups
    counts = {
        "led": np.bincount(g[named_lead], minlength=n),
        "supported": np.bincount(g[named & support], minlength=n),
        "sole_lead": np.bincount(g[share == 1.0], minlength=n),
        "weighted_lead": _sums(g, share, n),
        "partners": _partners(c.task[named], g[named], n),
    }
    present = np.flatnonzero(np.bincount(g[named], minlength=n))
    out = c.frame(present).assign(**{k: v[present] for k, v in counts.items()})
    out["co_led"] = out["led"] - out["sole_lead"]
    out["collective"] = False
    coll = np.flatnonzero(np.bincount(g[~named], minlength=n))
    coll_out = c.frame(coll).assign(
        led=np.bincount(g[~named & lead], minlength=n)[coll],
        supported=np.bincount(g[~named & support], minlength=n)[coll],
        weighted_lead=0.0,
        sole_lead=0,
        co_led=0,
        partners=0,
        collective=True,
    )
    out = pd.concat([out, coll_out], ignore_index=True)
    cols = [
        "district",
        "unit",
        "led",
        "supported",
        "sole_lead",
        "co_led",
        "weighted_lead",
        "partners",
        "collective",
    ]
    ints = ["led", "supported", "sole_lead", "co_led", "partners"]
    out = out[cols].astype({**{k: "int64" for k in ints}, "weighted_lead": "float64"})
    return _rank(out, ["district", "unit"], "led", tiebreak="supported")


def coordination(
    tables: TaskTables,
    *,
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """Unit pairs that share tasks: the edges of a coordination network.

    Returns:
        One row per district and unordered pair of named units (``unit_a`` < ``unit_b``):
        ``tasks`` shared and ``weight``, where a task naming k units gives each of its pairs
        1/(k-1), so that every unit's edges from one task add up to 1.
    """
    t = subset(tables, district=district, section=section, source=source)
    named = t.task_units.loc[~t.task_units["collective"], ["district", "task_id", "unit"]]
    task, district_of, districts = _task_codes(named)
    unit, names = pd.factorize(named["unit"], sort=True)  # codes in the names' order
    width = max(len(names), 1)
    once = pd.unique(task.astype(np.int64) * width + unit)  # a unit once per task
    task, unit = once // width, once % width
    a, b = _pairs_within(task, task)
    keep = unit[a] < unit[b]
    a, b = a[keep], b[keep]
    k_units = np.bincount(task, minlength=len(district_of))
    weight = 1.0 / (k_units[task[a]] - 1)
    pair, pairs = pd.factorize(unit[a] * width + unit[b])
    many = max(len(pairs), 1)
    group, groups = pd.factorize(district_of[task[a]] * many + pair)
    pairs = pairs[groups % many]
    out = pd.DataFrame(
        {
            "district": pd.array(np.asarray(districts, dtype=object)[groups // many], dtype="str"),
            "unit_a": pd.array(np.asarray(names, dtype=object)[pairs // width], dtype="str"),
            "unit_b": pd.array(np.asarray(names, dtype=object)[pairs % width], dtype="str"),
            "tasks": np.bincount(group, minlength=len(groups)).astype("int64"),
            # Rounded, so that equal sums summed in another order sort as ties.
            "weight": _sums(group, weight, len(groups)),
        }
    )
    return out.sort_values(
        ["district", "tasks", "weight", "unit_a", "unit_b"],
        ascending=[True, False, False, True, True],
        ignore_index=True,
    )


def _task_codes(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Each row's task as an integer (0…T-1), the district code of each task, and the
    districts by code."""
    d, districts = pd.factorize(rows["district"])
    k, ids = pd.factorize(rows["task_id"])
    task = pd.factorize(d.astype(np.int64) * max(len(ids), 1) + k)[0]
    district_of = np.zeros(task.max() + 1 if len(task) else 0, dtype=np.int64)
    district_of[task] = d
    return task, district_of, pd.Index(districts)


def _sums(group: np.ndarray, weights: np.ndarray, groups: int) -> np.ndarray:
    """Weights summed per group, rounded to 12 places so that a share summed in any order
    reads the same (7.5, not 7.499999999999999)."""
    return np.bincount(group, weights, groups).astype(float).round(12)


def _pairs_within(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ``left[i] == right[j]``: an inner join of two integer key arrays."""
    lo, ro = np.argsort(left, kind="stable"), np.argsort(right, kind="stable")
    ls, rs = left[lo], right[ro]
    start = np.searchsorted(rs, ls, side="left")
    size = np.searchsorted(rs, ls, side="right") - start
    i = np.repeat(np.arange(len(ls)), size)
    j = np.repeat(start, size) + (np.arange(len(i)) - np.repeat(np.cumsum(size) - size, size))
    return lo[i], ro[j]


def _partners(task: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Per group, the number of distinct other groups that share a task with it."""
    pairs = pd.unique(task.astype(np.int64) * groups + group)  # each (task, group) once
    task, group = pairs // groups, pairs % groups
    a, b = _pairs_within(task, task)
    other = a != b
    met = pd.unique(group[a[other]] * groups + group[b[other]])
    return np.bincount(met // groups, minlength=groups)


@dataclass(frozen=True)
class _Coded:
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
    def of(cls, rows: pd.DataFrame, column: str, by: str | None = None) -> _Coded:
        """Groups by district and ``column`` (and ``by``, a task column, when given)."""
        task, district_of, districts = _task_codes(rows)
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
        """For the chosen rows (a mask), each task split equally among them: the weight of
        :func:`attribute`'s ``weighted`` rule, per row (rows not chosen get 0)."""
        per_task = np.bincount(self.task[rows], minlength=self.tasks)
        return np.where(rows, 1.0 / np.maximum(per_task, 1)[self.task], 0.0)

    def frame(self, groups: np.ndarray) -> pd.DataFrame:
        """The district and name (and ``by`` value) of these groups."""
        out = pd.DataFrame({"district": self.district[groups], self.column: self.name[groups]})
        out = out.astype(str)
        if self.by:
            out[self.by] = pd.array(self.by_value[groups], dtype="str")
        return out


# --- sources, measurability, concentration ---------------------------------------------------


def source_mix(
    tables: TaskTables,
    *,
    by: str = "district",
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """Tasks by source (province, city, self, unknown) with shares.

    Args:
        by: ``district``, ``section``, ``leader`` or ``unit`` (units and leaders counted in full,
            named ones only; a unit counts tasks it leads or supports).

    Returns:
        One row per group and source, every source listed (zero where none): ``tasks`` and
        ``share`` of the group's tasks. ``unknown`` is reported as unknown, never guessed.
    """
    t = subset(tables, district=district, section=section, source=source)
    frame, keys = _grouped_tasks(t, by)
    counts = frame.groupby([*keys, "source"]).size()
    groups = frame[keys].drop_duplicates()
    full = groups.merge(pd.DataFrame({"source": SOURCES}), how="cross")
    out = full.merge(counts.rename("tasks").reset_index(), on=[*keys, "source"], how="left")
    out["tasks"] = out["tasks"].fillna(0).astype("int64")
    totals = out.groupby(keys)["tasks"].transform("sum")
    out["share"] = out["tasks"] / totals.where(totals > 0)
    out["source"] = pd.Categorical(out["source"], categories=SOURCES)
    return out.sort_values([*keys, "source"], ignore_index=True)


def measurability(
    tables: TaskTables,
    *,
    by: str = "district",
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """Tasks with a numeric target (quantified) and with a target still pending (XX).

    Args:
        by: ``district``, ``section``, ``leader`` or ``unit`` (named ones, counted in full).

    Returns:
        One row per group: ``tasks``, ``quantified``, ``quantified_share``, ``pending``,
        ``pending_share``.
    """
    t = subset(tables, district=district, section=section, source=source)
    frame, keys = _grouped_tasks(t, by)
    out = (
        frame.groupby(keys, sort=False)
        .agg(
            tasks=("task_id", "size"),
            quantified=("quantified", "sum"),
            pending=("target_pending", "sum"),
        )
        .reset_index()
    )
    out["quantified_share"] = out["quantified"] / out["tasks"]
    out["pending_share"] = out["pending"] / out["tasks"]
    out = out.astype({"quantified": "int64", "pending": "int64"})
    return out[[*keys, "tasks", "quantified", "quantified_share", "pending", "pending_share"]]


def concentration(
    tables: TaskTables,
    *,
    attribution: str = "weighted",
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """How concentrated the load is, across named leaders and across lead units.

    Loads are attributed by ``attribution`` (default weighted, so shares add up to 1).

    Returns:
        One row per district and ``across`` (``leader`` or ``lead_unit``): ``n`` named,
        ``load`` in all, ``top1_share``, ``top3_share``, ``hhi`` (sum of squared shares, 1 when
        one carries everything) and ``gini`` (0 when all carry the same).
    """
    if attribution not in ATTRIBUTIONS:
        raise ValueError(f"attribution must be one of {', '.join(ATTRIBUTIONS)}")
    t = subset(tables, district=district, section=section, source=source)
    frames = []
    for across, rows, column in (
        ("leader", t.task_leaders, "leader"),
        ("lead_unit", t.task_units, "unit"),
    ):
        keep = ~rows["collective"].to_numpy(dtype=bool)
        if across == "lead_unit":  # units always count as leads (lead_only when "full")
            keep &= rows["role"].eq("lead").to_numpy(dtype=bool)
        c = _Coded.of(rows[keep], column)
        every = np.ones(len(c.task), dtype=bool)
        weight = c.shares(every) if attribution == "weighted" else every.astype(float)
        load = np.bincount(c.group, weight, c.groups).astype(float)
        frames.append(_concentration_figures(c, load, across))
    return pd.concat(frames, ignore_index=True)


def _concentration_figures(c: _Coded, load: np.ndarray, across: str) -> pd.DataFrame:
    """Per district: n, load, top1 and top3 shares, HHI and Gini of the groups' loads."""
    columns = ["district", "across", "n", "load", "top1_share", "top3_share", "hhi", "gini"]
    if not len(load):
        types = {"district": "str", "across": "str", "n": "int64"}
        return pd.DataFrame({c: pd.Series(dtype=types.get(c, "float64")) for c in columns})
    district, names = pd.factorize(c.district, sort=True)
    order = np.lexsort((-load, district))  # each district's loads, largest first
    district, load = district[order], load[order]
    n = np.bincount(district)
    start = np.cumsum(n) - n
    rank = np.arange(len(load)) - np.repeat(start, n)  # 0 for the largest
    total = np.bincount(district, load)
    share = load / total[district]
    # Gini from the ascending ranks 1..n: 2 Σ rank·x / (n·total) − (n + 1) / n.
    ascending = n[district] - rank
    gini = 2 * np.bincount(district, ascending * load) / (n * total) - (n + 1) / n
    return pd.DataFrame(
        {
            "district": pd.array(np.asarray(names, dtype=object), dtype="str"),
            "across": across,
            "n": n.astype("int64"),
            "load": total,
            "top1_share": np.bincount(district, np.where(rank < 1, share, 0.0)),
            "top3_share": np.bincount(district, np.where(rank < 3, share, 0.0)),
            "hhi": np.bincount(district, share**2),
            "gini": np.maximum(gini, 0.0),
        }
    )[columns].round({c: 10 for c in columns[3:]})  # sums in any order read the same


# --- districts side by side ------------------------------------------------------------------


def compare_districts(
    tables: TaskTables,
    *,
    district: Filter = None,
    section: Filter = None,
    source: Filter = None,
) -> pd.DataFrame:
    """One row per district with the same indicators side by side, comparable across sizes.

    Columns: ``tasks``; ``named_leaders``; ``lead_units`` (named units leading a task);
    ``tasks_per_leader_mean`` and ``_max`` (full count over named leaders);
    ``top_leader_share`` (the busiest leader's tasks / the district's tasks);
    ``multi_lead_share`` (tasks with more than one named lead unit); ``support_units_mean``
    (named support units per task); ``share_province``, ``share_city``, ``share_self``,
    ``share_unknown``; ``quantified_share``; ``pending_share``; ``collective_share`` (unit
    assignments that are collectives); ``leaderless_share`` (tasks naming no leader at all).
    Shares are fractions of the district's tasks unless said otherwise; NaN where a district's
    table has no such column (no leaders named).
    """
    t = subset(tables, district=district, section=section, source=source)
    tasks, units, leaders = t.tasks, t.task_units, t.task_leaders
    code, names = pd.factorize(tasks["district"])
    index = pd.Index(names, name="district")
    size = len(index)

    def count(where: np.ndarray, weights: np.ndarray | None = None) -> pd.Series:
        return pd.Series(np.bincount(where, weights=weights, minlength=size), index=index)

    def present(counts: pd.Series) -> pd.Series:
        """Districts with a count, the others missing (as a groupby leaves them)."""
        return counts[counts > 0]

    n = count(code)
    # Each table coded once; rows are then picked by masks.
    lc, uc = _Coded.of(leaders, "leader"), _Coded.of(units, "unit")
    leader_at = _positions(index, lc.district)  # district of each (district, leader) group
    unit_at = _positions(index, uc.district)
    named_l = ~leaders["collective"].to_numpy(dtype=bool)
    named_u = ~units["collective"].to_numpy(dtype=bool)
    lead = named_u & units["role"].eq("lead").to_numpy(dtype=bool)
    support = named_u & units["role"].eq("support").to_numpy(dtype=bool)
    per_leader = np.bincount(lc.group[named_l], minlength=lc.groups)
    named_leaders = np.flatnonzero(per_leader)
    n_leaders = count(leader_at[named_leaders])
    has_leaders = n_leaders > 0
    out = pd.DataFrame(index=index)
    out["tasks"] = n
    out["named_leaders"] = present(n_leaders).reindex(index)
    led = np.flatnonzero(np.bincount(uc.group[lead], minlength=uc.groups))
    out["lead_units"] = present(count(unit_at[led])).reindex(index)
    loads = count(leader_at[named_leaders], per_leader[named_leaders].astype(float))
    out["tasks_per_leader_mean"] = (loads / n_leaders)[has_leaders].reindex(index)
    top = np.zeros(size, dtype=np.int64)
    np.maximum.at(top, leader_at[named_leaders], per_leader[named_leaders])
    out["tasks_per_leader_max"] = pd.Series(top, index=index)[has_leaders].reindex(index)
    out["top_leader_share"] = out["tasks_per_leader_max"] / n
    unit_row_at = unit_at[uc.group]
    task_at = np.zeros(uc.tasks, dtype=np.int64)
    task_at[uc.task] = unit_row_at
    leads_per_task = np.bincount(uc.task[lead], minlength=uc.tasks)
    out["multi_lead_share"] = count(task_at[leads_per_task > 1]) / n
    out["support_units_mean"] = count(unit_row_at[support]) / n
    for s in SOURCES:
        out[f"share_{s}"] = count(code, tasks["source"].eq(s).to_numpy(dtype=float)) / n
    out["quantified_share"] = count(code, tasks["quantified"].to_numpy(dtype=float)) / n
    out["pending_share"] = count(code, tasks["target_pending"].to_numpy(dtype=float)) / n
    collective = units["collective"].to_numpy(dtype=float)
    out["collective_share"] = count(unit_row_at, collective) / present(count(unit_row_at))
    with_leader = np.zeros(lc.tasks, dtype=np.int64)
    with_leader[lc.task] = leader_at[lc.group]
    out["leaderless_share"] = 1 - count(with_leader) / n
    out["named_leaders"] = out["named_leaders"].fillna(0).astype("int64")
    out["lead_units"] = out["lead_units"].fillna(0).astype("int64")
    return out.reset_index()


# --- helpers ---------------------------------------------------------------------------------


def _positions(index: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    """Each value's position in ``index`` (-1 where absent), looked up once per distinct value."""
    codes, distinct = pd.factorize(values)
    if not len(distinct):
        return np.zeros(len(codes), dtype=np.int64)
    return index.get_indexer(distinct)[codes]


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _task_counts(tasks: pd.DataFrame) -> pd.Series:
    return tasks.groupby("district").size()


def _with_task_columns(rows: pd.DataFrame, tasks: pd.DataFrame, by: str | None) -> pd.DataFrame:
    if not by:
        return rows
    if by not in ("source", "section", "subsection"):
        raise ValueError("by must be 'source', 'section' or 'subsection'")
    return rows.merge(tasks[["district", "task_id", by]], on=["district", "task_id"], how="left")


def _grouped_tasks(t: TaskTables, by: str) -> tuple[pd.DataFrame, list[str]]:
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


def _rank(
    out: pd.DataFrame, keys: list[str], column: str, tiebreak: str | None = None
) -> pd.DataFrame:
    """Sort named rows by ``column`` (descending) within each district and number them;
    collective rows follow, unranked."""
    order = [column] + ([tiebreak] if tiebreak else [])
    out = out.sort_values(
        ["district", *keys[2:], "collective", *order, *keys[1:2]],
        ascending=[True] * (len(keys) - 1) + [True] + [False] * len(order) + [True],
        ignore_index=True,
    )
    group = ["district", *keys[2:]]
    named = ~out["collective"]
    rank = out[named].groupby(group, sort=False).cumcount() + 1
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[named, "rank"] = rank.to_numpy()
    return out
