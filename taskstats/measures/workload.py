"""Who carries what: leader and unit workload, leader-unit pairs, coordination."""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskstats.measures.coding import (
    Coded,
    Filter,
    pairs_within,
    partners,
    rank_within,
    subset,
    sums,
    task_codes,
    tasks_per_district,
    with_task_columns,
)
from taskstats.tidy.schema import TaskTables

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
        ``rank`` among named leaders (equal task counts share a rank: 1, 2, 2, 4),
        ``collective``. Collectives follow the named leaders, unranked.
    """
    t = subset(tables, district=district, section=section, source=source)
    keys = ["district", "leader"] + ([by] if by else [])
    rows = with_task_columns(t.task_leaders, t.tasks, by)
    c = Coded.of(rows, "leader", by)
    named = ~rows["collective"].to_numpy(dtype=bool)
    share = c.shares(named)  # each task split among its named leaders
    g, n = c.group, c.groups
    present = np.flatnonzero(np.bincount(g[named], minlength=n))
    out = c.frame(present).assign(
        tasks=np.bincount(g[named], minlength=n)[present],
        weighted=sums(g, share, n)[present],
        sole=np.bincount(g[share == 1.0], minlength=n)[present],
        collective=False,
    )
    coll = np.flatnonzero(np.bincount(g[~named], minlength=n))
    coll_out = c.frame(coll).assign(
        tasks=np.bincount(g[~named], minlength=n)[coll], weighted=0.0, sole=0, collective=True
    )
    out = pd.concat([out, coll_out], ignore_index=True)
    out = out.astype({"tasks": "int64", "weighted": "float64", "sole": "int64"})
    out["share"] = out["tasks"] / tasks_per_district(t.tasks).reindex(out["district"]).to_numpy(
        float
    )
    return rank_within(
        out[[*keys, "tasks", "weighted", "sole", "collective", "share"]], keys, "tasks"
    )


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
    task, district_of, districts = task_codes(both)
    lt, ut = task[: len(leaders)], task[len(leaders) :]
    leader, leader_names = pd.factorize(leaders["leader"])
    u, unit_names = pd.factorize(units["unit"])
    r, roles = pd.factorize(units["role"])
    coll = units["collective"].to_numpy(dtype=bool)
    unit, unit_keys = pd.factorize((u.astype(np.int64) * max(len(roles), 1) + r) * 2 + coll)
    a, b = pairs_within(lt, ut)
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


def lead_unit_workload(units: pd.DataFrame) -> pd.DataFrame:
    """The rows of a ``unit_workload`` table for its 牵头单位 (a new frame, in its order): the
    named units that lead at least one task (``measures.nodes.lead_units``'s units); collectives
    and units that only support are left out. The one count of lead units the cards, the chart
    and the table show."""
    return units[~units["collective"] & (units["led"] > 0)].reset_index(drop=True)


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
        named units it shares a task with), ``rank`` by tasks led (equal counts share a
        rank: 1, 2, 2, 4; ``supported`` orders the rows of a tie), ``collective``. Collective
        assignments (各相关单位 as support) follow in rows of their own.
    """
    t = subset(tables, district=district, section=section, source=source)
    units = t.task_units
    c = Coded.of(units, "unit")
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
        "weighted_lead": sums(g, share, n),
        "partners": partners(c.task[named], g[named], n),
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
    return rank_within(out, ["district", "unit"], "led", tiebreak="supported")


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
    task, district_of, districts = task_codes(named)
    unit, names = pd.factorize(named["unit"], sort=True)  # codes in the names' order
    width = max(len(names), 1)
    once = pd.unique(task.astype(np.int64) * width + unit)  # a unit once per task
    task, unit = once // width, once % width
    a, b = pairs_within(task, task)
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
            "weight": sums(group, weight, len(groups)),
        }
    )
    return out.sort_values(
        ["district", "tasks", "weight", "unit_a", "unit_b"],
        ascending=[True, False, False, True, True],
        ignore_index=True,
    )
