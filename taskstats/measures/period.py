"""The analyst's monthly questions: what falls due in the next period, what changed since the
previous one, task by task, and which units stopped or started reporting. Pure: the status and
lights of each date come in (as the progress pipeline computes them), new tables go out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from taskstats.measures.lights import red_list
from taskstats.measures.nodes import lead_units
from taskstats.tidy.schema import TaskTables

LIGHT_ORDER = {"green": 0, "yellow": 1, "red": 2}


def next_node(schedule: Sequence[dt.date], as_of: dt.date) -> dt.date | None:
    """The first node of a schedule after ``as_of``, or None when the plan is over."""
    later = [d for d in schedule if d > as_of]
    return min(later) if later else None


def _people(tables: TaskTables, tasks: pd.DataFrame, people: pd.DataFrame | None) -> pd.DataFrame:
    """Each task's text, lead units and leaders (as the red list names them), in table order."""
    keys = tasks[["district", "task_id"]].drop_duplicates()
    named = red_list(tables, keys.assign(light="red", reasons=""), people=people)
    return named[["district", "task_id", "text", "lead_units", "leaders"]]


def due_next_period(
    tables: TaskTables,
    status: pd.DataFrame,
    as_of: dt.date,
    until: dt.date,
    *,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """本期到期: the nodes falling due after ``as_of`` up to and including ``until`` (the next
    node) that are not done, with the task's text, lead units and leaders; a task reported
    done at its own deadline (完成时限) has no node due after it.

    Args:
        tables: The tidy tables.
        status: :func:`taskstats.milestone_status` as of ``as_of``.
        as_of: The as-of date.
        until: The end of the next period (usually :func:`next_node`).
        people: :func:`~taskstats.measures.lights.task_people` of ``tables``, when the
            caller has it already.

    Returns:
        One row per task and node: district, task_id, text, milestone, days_left, status (the
        latest reported state at that node; "" when nothing is reported for it yet: a node not
        yet due is not 未报送), lead_units, leaders, deadline (the node is the task's own
        deadline, 完成时限); by date, then in the table's order. Does not mutate the inputs.
    """
    start, end = as_of.isoformat(), until.isoformat()
    milestone = status["milestone"].astype(str)
    # A task reported done at its own deadline has nothing left to report after it.
    finished = status[status["deadline"] & (status["status"] == "done")]
    finished_on = finished.groupby(["district", "task_id"], observed=True)["milestone"].min()
    key = pd.MultiIndex.from_frame(status[["district", "task_id"]].astype(str))
    ended = finished_on.astype(str).reindex(key).to_numpy()
    after_end = pd.Series(ended, index=status.index).fillna("9999") < milestone
    due = status[
        (milestone > start) & (milestone <= end) & (status["status"] != "done") & ~after_end
    ]
    due = due[["district", "task_id", "milestone", "days_left", "status", "deadline"]]
    due = due.assign(status=due["status"].astype(str).replace("not_reported", ""))
    people = _people(tables, due, people)
    out = people.merge(due, on=["district", "task_id"], how="inner")
    out = out.sort_values("milestone", kind="stable").reset_index(drop=True)
    return out[
        [
            "district",
            "task_id",
            "text",
            "milestone",
            "days_left",
            "status",
            "lead_units",
            "leaders",
            "deadline",
        ]
    ]


def due_by_unit(tables: TaskTables, due: pd.DataFrame) -> pd.DataFrame:
    """本期到期 per lead unit: how many of the next period's nodes and tasks each lead unit
    carries, how many tasks reach their own deadline (完成时限), and the first node.

    Args:
        tables: The tidy tables.
        due: :func:`due_next_period`.

    Returns:
        One row per named lead unit (as :func:`~taskstats.measures.nodes.lead_units` names
        them: collectives such as 各街道 are not units) with a node due: district,
        unit, leaders (the named 分管领导 of those tasks, joined with "、"), tasks, nodes,
        deadlines, first; the most nodes first, then the earliest, then by name. Does not
        mutate the inputs.
    """
    key = ["district", "task_id"]
    columns = ["district", "unit", "leaders", "tasks", "nodes", "deadlines", "first"]
    leads = lead_units(tables)
    rows = (
        due[[*key, "milestone", "deadline"]]
        .astype({"task_id": str})
        .merge(leads, on=key, how="inner")
    )
    if rows.empty:
        return pd.DataFrame(columns=columns)
    named = tables.task_leaders[~tables.task_leaders["collective"]]
    named = named[[*key, "leader"]].astype(str).drop_duplicates()
    people = rows[[*key, "unit"]].drop_duplicates().merge(named, on=key, how="inner")
    leaders = people.groupby(["district", "unit"])["leader"].agg(
        lambda s: "、".join(dict.fromkeys(s))
    )
    deadline_tasks = rows[rows["deadline"]].groupby(["district", "unit"])["task_id"].nunique()
    out = rows.groupby(["district", "unit"], as_index=False).agg(
        tasks=("task_id", "nunique"), nodes=("milestone", "size"), first=("milestone", "min")
    )
    index = pd.MultiIndex.from_frame(out[["district", "unit"]])
    out["leaders"] = leaders.reindex(index).fillna("").to_numpy()
    out["deadlines"] = deadline_tasks.reindex(index).fillna(0).astype("int64").to_numpy()
    out = out.sort_values(["nodes", "first", "unit"], ascending=[False, True, True])
    return out[columns].reset_index(drop=True)


def period_changes(
    tables: TaskTables,
    before: tuple[pd.DataFrame, pd.DataFrame],
    now: tuple[pd.DataFrame, pd.DataFrame],
    *,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What changed between two dates, task by task.

    Args:
        tables: The tidy tables.
        before: ``(status, lights)`` at the previous date.
        now: ``(status, lights)`` at the as-of date.
        people: :func:`~taskstats.measures.lights.task_people` of ``tables``, if known.

    Returns:
        One row per task whose light changed or that got a node done: district, task_id, text,
        light_before, light, change (``turned_red``, ``turned_yellow``, ``turned_green`` or
        ``newly_done``), newly_done (nodes done since), lead_units, leaders; the ones turned
        red first, then yellow, green and newly done, in the table's order within each.
    """
    key = ["district", "task_id"]
    lights = now[1][[*key, "light"]].merge(
        before[1][[*key, "light"]], on=key, how="left", suffixes=("", "_before")
    )
    done_now = _done_nodes(now[0])
    done_before = _done_nodes(before[0])
    done = done_now.merge(done_before, on=key, how="left", suffixes=("", "_before"))
    done = done.fillna({"done_before": 0})
    both = lights.merge(done, on=key, how="left").fillna({"done": 0, "done_before": 0})
    both["newly_done"] = (both["done"] - both["done_before"]).clip(lower=0).astype(int)
    changed = both["light"] != both["light_before"].fillna(both["light"])
    both["change"] = ""
    both.loc[changed, "change"] = "turned_" + both.loc[changed, "light"].astype(str)
    both.loc[~changed & (both["newly_done"] > 0), "change"] = "newly_done"
    out = both[both["change"] != ""]
    named = _people(tables, out, people)
    out = named.merge(out, on=key, how="inner")
    order = {"turned_red": 0, "turned_yellow": 1, "turned_green": 2, "newly_done": 3}
    out = out.assign(_order=out["change"].map(order)).sort_values("_order", kind="stable")
    return out[
        [
            *key,
            "text",
            "light_before",
            "light",
            "change",
            "newly_done",
            "lead_units",
            "leaders",
        ]
    ].reset_index(drop=True)


def newly_finished(
    tables: TaskTables,
    before: pd.DataFrame,
    now: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tasks newly done: reported done at their own deadline (完成时限) node as of now and
    not at the previous date.

    Args:
        tables: The tidy tables.
        before: :func:`taskstats.milestone_status` at the previous date.
        now: :func:`taskstats.milestone_status` at the as-of date.
        people: :func:`~taskstats.measures.lights.task_people` of ``tables``, if known.

    Returns:
        district, task_id, text, milestone (the deadline), lead_units, leaders; in the table's
        order. Does not mutate the inputs.
    """
    key = ["district", "task_id"]

    def finished(status: pd.DataFrame) -> pd.DataFrame:
        rows = status[status["deadline"] & (status["status"] == "done")]
        return rows[[*key, "milestone"]].astype(str).drop_duplicates(key)

    new = finished(now).merge(finished(before)[key], on=key, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    out = _people(tables, new, people).merge(new, on=key, how="inner")
    return out[[*key, "text", "milestone", "lead_units", "leaders"]].reset_index(drop=True)


def _done_nodes(status: pd.DataFrame) -> pd.DataFrame:
    done = status.assign(done=status["status"] == "done")
    return done.groupby(["district", "task_id"], as_index=False)["done"].sum()


def reporting_changes(
    tables: TaskTables,
    ledger: pd.DataFrame,
    previous: tuple[dt.date | None, dt.date],
    current: tuple[dt.date, dt.date],
) -> pd.DataFrame:
    """Units that stopped or started reporting: reports per reporting unit in two periods.

    A report belongs to the period in which its 填报日期 falls (its import date when it has
    none), and to its reporting unit (the ledger's ``unit`` where the row names one, else every
    named lead unit of its task).

    Args:
        tables: The tidy tables.
        ledger: The progress ledger.
        previous: ``(start, end)`` of the previous period; start excluded (None: from the
            beginning), end included.
        current: ``(start, end)`` of the current period, likewise.

    Returns:
        One row per reporting unit (the unit a ledger row names, else each named lead unit of
        its task) that reported in either period: district, unit,
        reports_before, reports_now, change (``stopped``, ``started`` or ``""``).
    """
    columns = ["district", "unit", "reports_before", "reports_now", "change"]
    if ledger.empty:
        return pd.DataFrame(columns=columns)
    known = (
        ledger["reported_on"]
        .astype(str)
        .where(ledger["reported_on"].astype(str) != "", ledger["imported_at"].astype(str).str[:10])
    )
    rows = ledger.assign(known=known)
    given = (
        rows["unit"].fillna("").astype(str).str.strip()
        if "unit" in rows.columns
        else pd.Series("", index=rows.index)
    )
    leads = lead_units(tables)
    by_unit = pd.concat(
        [
            rows.loc[given != "", ["district", "task_id", "known"]].assign(unit=given[given != ""]),
            rows.loc[given == "", ["district", "task_id", "known"]].merge(
                leads[["district", "task_id", "unit"]].astype(str), on=["district", "task_id"]
            ),
        ],
        ignore_index=True,
    )

    def within(bounds: tuple[dt.date | None, dt.date]) -> pd.Series:
        start, end = bounds
        inside = by_unit["known"] <= end.isoformat()
        return inside & (by_unit["known"] > start.isoformat()) if start else inside

    counts = by_unit.assign(
        reports_before=within(previous).astype(int), reports_now=within(current).astype(int)
    )
    out = counts.groupby(["district", "unit"], as_index=False, sort=True)[
        ["reports_before", "reports_now"]
    ].sum()
    out = out[(out["reports_before"] > 0) | (out["reports_now"] > 0)]
    out["change"] = ""
    out.loc[(out["reports_before"] > 0) & (out["reports_now"] == 0), "change"] = "stopped"
    out.loc[(out["reports_before"] == 0) & (out["reports_now"] > 0), "change"] = "started"
    return out[columns].reset_index(drop=True)
