"""The one progress pipeline: status, lights, rates, the red list, 未报送 and the change since the
previous period, for every consumer (district report, comparison, ``progress status``, charts,
deck, bulletin); and the one place where the ledger is chosen (real, simulated, none)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from taskstats.errors import InputError
from taskstats.measures import (
    completion_rates,
    completion_trend,
    milestone_status,
    red_list,
    traffic_lights,
)
from taskstats.measures.lights import RuleSet, task_people
from taskstats.progress.demo import demo_ledger
from taskstats.progress.ledger import empty_ledger, ledger_for
from taskstats.progress.schedule import as_of_dates, load_rules, previous_node
from taskstats.tidy.schema import TaskTables

# Where the figures' reports come from.
LEDGER_SOURCES = ("real", "simulated", "none")
PROGRESS_CHOICES = ("auto", "real", "demo", "none")


def choose_ledger(
    tables: TaskTables,
    schedules: Mapping[str, Sequence[dt.date]],
    progress: str = "auto",
    store_dir: str | Path | None = None,
    *,
    skip_bad_rows: bool = False,
) -> tuple[pd.DataFrame, str]:
    """The ledger the figures come from, and which it is (``real``, ``simulated``, ``none``).

    ``auto``: the real ledger's reports for these districts if it has any, else the stored
    simulated ledger, else one simulated now from the tables; ``real``: the real ledger (an
    error when it has none); ``demo``: a simulated ledger made now; ``none``: no reports (every
    due node 未报送).

    Raises:
        InputError: An unknown choice, or ``real`` with no real reports.
    """
    if progress not in PROGRESS_CHOICES:
        raise InputError(f"progress must be one of {', '.join(PROGRESS_CHOICES)}")
    if progress == "none":
        return empty_ledger(), "none"
    if progress == "demo":
        return demo_ledger(tables, dict(schedules)), "simulated"
    districts = list(schedules)
    ledger, simulated = ledger_for(districts, store_dir, skip_bad_rows=skip_bad_rows)
    if progress == "real":
        if simulated:
            raise InputError(
                f"no real progress reports for {', '.join(districts)}; import some with "
                "`taskstats progress import` or use progress='auto'"
            )
        return ledger, "real"
    if simulated and ledger.empty:
        return demo_ledger(tables, dict(schedules)), "simulated"
    return ledger, "simulated" if simulated else "real"


@dataclass(frozen=True)
class Snapshot:
    """Every progress figure of one or more districts as of a date.

    Attributes:
        as_of: Each district's as-of date.
        previous: Each district's previous period (the node before the as-of node), or None.
        source: ``real``, ``simulated`` or ``none``: where the reports come from.
        ledger: The reports the figures come from.
        rules: The light rules.
        status: :func:`~taskstats.measures.milestone_status` as of ``as_of``.
        lights: :func:`~taskstats.measures.traffic_lights` of ``status``.
        rates: :func:`~taskstats.measures.completion_rates` by district.
        red: :func:`~taskstats.measures.red_list`.
        not_reported: The due nodes 未报送: district, task_id, milestone, missing_units.
        figures: One row per district: the headline figures (see :func:`headline_figures`).
        change: One row per district: the figures now and at the previous period, and the
            tasks that turned red and turned green (see :func:`period_change`).
        trend: :func:`~taskstats.measures.completion_trend` up to the as-of date.
        rates_before, lights_before, status_before: The rates, lights and status at the
            previous period (the districts that have one; empty otherwise).
        people: :func:`~taskstats.measures.lights.task_people`: each task's text, lead units
            and leaders, as the red list and the period tables name them.
    """

    as_of: dict[str, dt.date]
    previous: dict[str, dt.date | None]
    source: str
    ledger: pd.DataFrame
    rules: RuleSet
    status: pd.DataFrame
    lights: pd.DataFrame
    rates: pd.DataFrame
    red: pd.DataFrame
    not_reported: pd.DataFrame
    figures: pd.DataFrame
    change: pd.DataFrame
    trend: pd.DataFrame
    rates_before: pd.DataFrame
    lights_before: pd.DataFrame
    status_before: pd.DataFrame
    people: pd.DataFrame

    @property
    def simulated(self) -> bool:
        return self.source == "simulated"


def progress_snapshot(
    tables: TaskTables,
    ledger: pd.DataFrame | str,
    schedules: Mapping[str, Sequence[dt.date]],
    as_of: dt.date | str | Mapping[str, dt.date] | None = None,
    rules: RuleSet | str = "default",
    today: dt.date | None = None,
    *,
    store_dir: str | Path | None = None,
    trend: bool = True,
    skip_bad_rows: bool = False,
) -> Snapshot:
    """Status, lights, rates, the red list, 未报送 and the change since the previous period.

    Args:
        tables: The tidy tables of the districts in ``schedules``.
        ledger: The reports (a ledger DataFrame), or a choice for :func:`choose_ledger`
            (``auto``, ``real``, ``demo``, ``none``).
        schedules: Each district's reporting nodes.
        as_of: A date for every district, a date per district, or None: each district's
            latest node on or before ``today`` (:func:`~taskstats.as_of_dates`).
        rules: The light rules (loaded, or a bundled name or TOML file).
        today: The day the default as-of date is read from (default: the clock's).
        store_dir: Where the progress store is (for a ledger choice).
        trend: Whether to compute the trend (the comparison does not need it).
        skip_bad_rows: For a ledger choice: leave out ledger rows that do not parse (counted
            in ``ledger.attrs["skipped_rows"]``) instead of refusing the ledger.

    Raises:
        InputError: A bad ledger choice, rule set or date.
    """
    schedules = dict(schedules)
    if isinstance(ledger, str):
        ledger, source = choose_ledger(
            tables, schedules, ledger, store_dir, skip_bad_rows=skip_bad_rows
        )
    else:
        source = _source_of(ledger)
    rules = rules if isinstance(rules, RuleSet) else load_rules(rules)
    if isinstance(as_of, Mapping):
        days = {d: as_of[d] for d in schedules}
    else:
        days = as_of_dates(schedules, as_of, today=today)
    previous = {d: previous_node(dates, days[d]) for d, dates in schedules.items()}
    status = milestone_status(tables, ledger, schedules, days)
    lights = traffic_lights(status, rules)
    rates = completion_rates(tables, status)
    before = _previous_figures(tables, ledger, schedules, previous, rules)
    figures = headline_figures(rates, lights)
    if trend:
        until = max(days.values()) if days else None
        trend_frame = completion_trend(tables, ledger, schedules, until=until)
        if len(trend_frame):
            limit = trend_frame["district"].map({d: v.isoformat() for d, v in days.items()})
            trend_frame = trend_frame[trend_frame["as_of"] <= limit].reset_index(drop=True)
    else:
        trend_frame = pd.DataFrame()
    missing = status[status["due"] & status["status"].eq("not_reported")]
    people = task_people(tables)
    return Snapshot(
        as_of=days,
        previous=previous,
        source=source,
        ledger=ledger,
        rules=rules,
        status=status,
        lights=lights,
        rates=rates,
        red=red_list(tables, lights, people=people),
        not_reported=missing[["district", "task_id", "milestone", "missing_units"]]
        .astype(str)
        .reset_index(drop=True),
        figures=figures,
        change=period_change(figures, lights, before[:2] if before else None),
        trend=trend_frame,
        rates_before=before[0] if before else pd.DataFrame(),
        lights_before=before[1] if before else pd.DataFrame(),
        status_before=before[2] if before else pd.DataFrame(),
        people=people,
    )


def _source_of(ledger: pd.DataFrame) -> str:
    if ledger.empty:
        return "none"
    return "simulated" if bool(ledger["simulated"].all()) else "real"


def headline_figures(rates: pd.DataFrame, lights: pd.DataFrame) -> pd.DataFrame:
    """The headline figures per district: tasks, due nodes, done nodes, 未报送 nodes, the
    rates, and the tasks by light.

    Returns:
        ``district``, ``tasks``, ``due``, ``done``, ``not_reported``, ``tasks_done``,
        ``completion_rate``, ``task_completion_rate``, ``on_schedule_rate``,
        ``reporting_rate``, ``red``, ``yellow``, ``green``.
    """
    counts = (
        lights.groupby(["district", "light"]).size().unstack(fill_value=0)
        if len(lights)
        else pd.DataFrame()
    )
    counts = counts.reindex(columns=["red", "yellow", "green"], fill_value=0)
    keep = [
        "district",
        "tasks",
        "due",
        "done",
        "not_reported",
        "tasks_done",
        "completion_rate",
        "task_completion_rate",
        "on_schedule_rate",
        "reporting_rate",
    ]
    out = rates[keep].join(counts, on="district")
    out[["red", "yellow", "green"]] = out[["red", "yellow", "green"]].fillna(0).astype("int64")
    return out.reset_index(drop=True)


def _previous_figures(
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    previous: dict[str, dt.date | None],
    rules: RuleSet,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """The rates, lights and status at each district's previous period (districts with one)."""
    had = {d: day for d, day in previous.items() if day is not None}
    if not had:
        return None
    part = tables.tasks["district"].isin(list(had))
    sub = TaskTables(
        tables.tasks[part].reset_index(drop=True),
        tables.task_units[tables.task_units["district"].isin(list(had))],
        tables.task_leaders[tables.task_leaders["district"].isin(list(had))],
        tables.quality,
    )
    status = milestone_status(sub, ledger, {d: schedules[d] for d in had}, had)
    lights = traffic_lights(status, rules)
    return completion_rates(sub, status), lights, status


def period_change(
    figures: pd.DataFrame,
    lights: pd.DataFrame,
    before: tuple[pd.DataFrame, pd.DataFrame] | None,
) -> pd.DataFrame:
    """The change since the previous period, per district.

    A task turned red when it is red now and was not; it turned green when it is green now and
    was yellow or red. A rate is ``up`` or ``down`` only when it moved; equal is ``same``.

    Returns:
        ``district``, ``red``, ``red_before``, ``turned_red``, ``turned_green``,
        ``not_reported``, ``not_reported_before``, ``completion_rate``,
        ``completion_rate_before``, ``direction`` (up, down, same; empty with no previous
        period).
    """
    out = figures[["district", "red", "not_reported", "completion_rate"]].copy()
    if before is None:
        out["red_before"] = pd.NA
        out["not_reported_before"] = pd.NA
        out["completion_rate_before"] = np.nan
        out["turned_red"] = 0
        out["turned_green"] = 0
        out["direction"] = ""
        return out[_CHANGE_COLUMNS]
    then_rates, then_lights = before
    prior = headline_figures(then_rates, then_lights).set_index("district")
    out["red_before"] = out["district"].map(prior["red"]).astype("Int64")
    out["not_reported_before"] = out["district"].map(prior["not_reported"]).astype("Int64")
    out["completion_rate_before"] = out["district"].map(prior["completion_rate"]).astype(float)
    turned_red, turned_green = turned(lights, then_lights)
    out["turned_red"] = out["district"].map(turned_red.groupby("district").size())
    out["turned_green"] = out["district"].map(turned_green.groupby("district").size())
    out[["turned_red", "turned_green"]] = out[["turned_red", "turned_green"]].fillna(0)
    out = out.astype({"turned_red": "int64", "turned_green": "int64"})
    now, was = out["completion_rate"], out["completion_rate_before"]
    out["direction"] = np.where(
        was.isna() | now.isna(),
        "",
        np.where(now > was, "up", np.where(now < was, "down", "same")),
    )
    return out[_CHANGE_COLUMNS]


def turned(lights: pd.DataFrame, before: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tasks that turned red (red now, not before) and turned green (green now, yellow or
    red before): ``district`` and ``task_id`` each."""
    key = ["district", "task_id"]
    both = lights[[*key, "light"]].merge(before[[*key, "light"]], on=key, suffixes=("", "_was"))
    red = both.loc[(both["light"] == "red") & (both["light_was"] != "red"), key]
    green = both.loc[(both["light"] == "green") & (both["light_was"] != "green"), key]
    return red.reset_index(drop=True), green.reset_index(drop=True)


_CHANGE_COLUMNS = [
    "district",
    "red",
    "red_before",
    "turned_red",
    "turned_green",
    "not_reported",
    "not_reported_before",
    "completion_rate",
    "completion_rate_before",
    "direction",
]
