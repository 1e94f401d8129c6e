"""Where tasks come from and how they spread: sources, measurability, concentration, comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskstats.measures.coding import ATTRIBUTIONS, Coded, Filter, grouped_tasks, positions, subset
from taskstats.tidy.schema import SOURCES, TaskTables


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
    frame, keys = grouped_tasks(t, by)
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
    frame, keys = grouped_tasks(t, by)
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
        c = Coded.of(rows[keep], column)
        every = np.ones(len(c.task), dtype=bool)
        weight = c.shares(every) if attribution == "weighted" else every.astype(float)
        load = np.bincount(c.group, weight, c.groups).astype(float)
        frames.append(_concentration_figures(c, load, across))
    return pd.concat(frames, ignore_index=True)


def _concentration_figures(c: Coded, load: np.ndarray, across: str) -> pd.DataFrame:
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
    lc, uc = Coded.of(leaders, "leader"), Coded.of(units, "unit")
    leader_at = positions(index, lc.district)  # district of each (district, leader) group
    unit_at = positions(index, uc.district)
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
