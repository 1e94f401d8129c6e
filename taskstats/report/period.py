"""The district report's period sections: 本期到期 (what falls due up to the next node, by lead
unit, and the tasks reaching their deadline) and 与上期相比 (lights changed task by task, nodes
newly done, units that stopped or started reporting). Every figure from the report's one
progress snapshot; a section with nothing to show is one line."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from taskstats.measures.period import (
    LIGHT_ORDER,
    due_by_unit,
    due_next_period,
    newly_finished,
    next_node,
    period_changes,
    reporting_changes,
)
from taskstats.progress.schedule import previous_node
from taskstats.report.html import html_table
from taskstats.report.shown import progress_note
from taskstats.report.views import DistrictReport
from taskstats.report.wording import label_values
from taskstats.report.wording.period import (
    PERIOD_REPORT,
    period_frame,
    period_span,
)
from taskstats.tidy.schema import TaskTables

Bounds = tuple[dt.date | None, dt.date]


def reporting_periods(schedule: Sequence[dt.date], as_of: dt.date) -> tuple[Bounds, Bounds] | None:
    """The previous and the current reporting period as ``(start, end)`` (start excluded, None
    from the beginning; end included): the current one runs from the previous node to the
    as-of date, the previous one from the node before it. None without a previous node."""
    before = previous_node(schedule, as_of)
    if before is None:
        return None
    return (previous_node(schedule, before), before), (before, as_of)


@dataclass(frozen=True)
class PeriodView:
    """The period sections of one district's report.

    Attributes:
        as_of: The as-of date.
        until: The next node (the end of the next period), or None when the plan is over.
        previous: The previous period's node, or None.
        periods: The previous and current reporting periods (see :func:`reporting_periods`).
        due: :func:`~taskstats.measures.period.due_next_period` (empty without a next node).
        due_units: :func:`~taskstats.measures.period.due_by_unit` of ``due``.
        lights: The task's light now, by task_id.
        changes: :func:`~taskstats.measures.period.period_changes` (empty without a previous
            period).
        finished: :func:`~taskstats.measures.period.newly_finished` (empty without a previous
            period).
        reporting: :func:`~taskstats.measures.period.reporting_changes`, the units whose
            reporting stopped or started only.
        lang: The report's language.
        source: Where the progress figures come from: ``real``, ``simulated`` or ``none``.
    """

    as_of: dt.date
    until: dt.date | None
    previous: dt.date | None
    periods: tuple[Bounds, Bounds] | None
    due: pd.DataFrame
    due_units: pd.DataFrame
    lights: pd.Series
    changes: pd.DataFrame
    finished: pd.DataFrame
    reporting: pd.DataFrame
    lang: str = "zh"
    source: str = "real"

    def due_html(self) -> str:
        """本期到期: the heading, one line of figures, the table by lead unit and the tasks
        reaching their deadline; one line when nothing falls due."""
        w = PERIOD_REPORT[self.lang]
        out = _heading(w["due_heading"])
        day = self.as_of.isoformat()
        if self.until is None:
            return out + _line(w["no_next"].format(day=day))
        until = self.until.isoformat()
        if self.due.empty:
            return out + _line(w["no_due"].format(day=day, until=until))
        deadlines = self.due[self.due["deadline"]]
        out += _line(
            w["due_line"].format(
                day=day,
                until=until,
                nodes=len(self.due),
                tasks=self.due["task_id"].nunique(),
                units=self.due_units["unit"].nunique(),
                deadlines=deadlines["task_id"].nunique(),
            )
        )
        out += _sub(w["by_unit"])
        if self.due_units.empty:
            out += _line(w["no_due_units"])
        else:
            out += self._table(self.due_units.drop(columns="district"), max_rows=SHOWN_UNITS)
        out += _sub(w["deadlines"])
        if deadlines.empty:
            return out + _line(w["no_deadlines"])
        shown = deadlines.assign(light=deadlines["task_id"].map(self.lights).fillna("green"))
        worst = shown["light"].map(LIGHT_ORDER).fillna(0)
        shown = shown.assign(_worst=-worst).sort_values(["_worst", "milestone"], kind="stable")
        columns = ["task_id", "text", "milestone", "days_left", "light", "lead_units", "leaders"]
        return out + self._table(shown[columns], max_rows=SHOWN_TASKS)

    def changes_html(self) -> str:
        """与上期相比: the heading, one line of figures, the tasks whose light changed, the
        tasks newly done and the units that stopped or started reporting; one line for each
        part with nothing."""
        w = PERIOD_REPORT[self.lang]
        out = _heading(w["changes_heading"])
        if self.previous is None or self.periods is None:
            return out + _line(w["no_previous"])
        kinds = self.changes["change"].value_counts()
        done = self.changes[self.changes["newly_done"] > 0]
        out += _line(
            w["changes_line"].format(
                before=self.previous.isoformat(),
                nodes=int(done["newly_done"].sum()),
                tasks=len(done),
                **{k: int(kinds.get(k, 0)) for k in _TURNED},
            )
        )
        lit = self.changes[self.changes["change"].isin(_TURNED)]
        out += _sub(w["lights"])
        if lit.empty:
            out += _line(w["no_lights"])
        else:
            columns = ["task_id", "text", "light_before", "light", "change", "lead_units"]
            out += self._table(lit[[*columns, "leaders"]])
        out += _sub(w["finished"])
        if self.finished.empty:
            out += _line(w["no_finished"])
        else:
            out += self._table(self.finished.drop(columns="district"), max_rows=SHOWN_TASKS)
        out += _sub(w["reporting"])
        spans = {
            "previous": period_span(*self.periods[0], self.lang),
            "current": period_span(*self.periods[1], self.lang),
        }
        if self.reporting.empty:
            return out + _line(w["no_reporting"].format(**spans))
        counts = self.reporting["change"].value_counts()
        out += _line(
            w["reporting_line"].format(
                stopped=int(counts.get("stopped", 0)),
                started=int(counts.get("started", 0)),
                **spans,
            )
        )
        units = self.reporting.rename(columns={"unit": "reporting_unit"})
        return out + self._table(units.drop(columns="district"))

    def _table(self, frame: pd.DataFrame, max_rows: int | None = None) -> str:
        """A period table: a task whose text was lost says so, no column of blank leaders (a
        table that names none), the progress source said once above."""
        if "text" in frame.columns:
            frame = frame.assign(text=label_values(frame[["text"]], self.lang)["text"])
        if (
            "leaders" in frame.columns
            and not frame["leaders"].fillna("").astype(str).str.strip().any()
        ):
            frame = frame.drop(columns="leaders")
        table = html_table(period_frame(frame, self.lang), self.lang, max_rows=max_rows)
        return progress_note(self.source, self.lang) + table


_TURNED = ("turned_red", "turned_yellow", "turned_green")
# The lead units (most nodes first) and the tasks reaching their deadline (the worst lit first)
# shown; the rest are counted in one line. The whole list is ``taskstats progress due --xlsx``.
SHOWN_UNITS = 20
SHOWN_TASKS = 30


def _heading(words: str) -> str:
    return f"<h2>{html.escape(words)}</h2>"


def _sub(words: str) -> str:
    return f"<h3>{html.escape(words)}</h3>"


def _line(words: str) -> str:
    return f'<p class="ts-note">{html.escape(words)}</p>'


def period_view(report: DistrictReport) -> PeriodView:
    """The period sections of a district report, from its one progress snapshot."""
    district = report.read.manifest.slug
    snap = report.snapshot
    return period_sections(
        report.tables, snap, district, report.schedule[district], lang=report.lang
    )


def period_sections(
    tables: TaskTables, snapshot, district: str, schedule: Sequence[dt.date], *, lang: str = "zh"
) -> PeriodView:
    """The period sections of ``district`` from a progress snapshot
    (:func:`taskstats.progress_snapshot`) and its reporting nodes."""
    as_of = snapshot.as_of[district]
    until = next_node(schedule, as_of)
    mine = snapshot.status["district"] == district
    status = snapshot.status[mine]
    # The tasks' names, once for every table below: the snapshot's.
    people = snapshot.people
    due = (
        due_next_period(tables, status, as_of, until, people=people)
        if until is not None
        else due_next_period(tables, status.iloc[:0], as_of, as_of, people=people)
    )
    lights = snapshot.lights[snapshot.lights["district"] == district]
    previous = snapshot.previous.get(district)
    periods = reporting_periods(schedule, as_of)
    if previous is not None and len(snapshot.status_before):
        status_before, lights_before = snapshot.status_before, snapshot.lights_before
        then = (
            status_before[status_before["district"] == district],
            lights_before[lights_before["district"] == district],
        )
        changes = period_changes(tables, then, (status, lights), people=people)
        finished = newly_finished(tables, then[0], status, people=people)
    else:
        changes = pd.DataFrame(columns=["task_id", "change", "newly_done"])
        finished = pd.DataFrame()
    if periods is not None:
        ledger = snapshot.ledger[snapshot.ledger["district"] == district]
        reporting = reporting_changes(tables, ledger, *periods)
        reporting = reporting[reporting["change"] != ""].reset_index(drop=True)
    else:
        reporting = pd.DataFrame()
    return PeriodView(
        as_of=as_of,
        until=until,
        previous=previous,
        periods=periods,
        due=due,
        due_units=due_by_unit(tables, due),
        lights=lights.set_index("task_id")["light"],
        changes=changes,
        finished=finished,
        reporting=reporting,
        lang=lang,
        source=snapshot.source,
    )
