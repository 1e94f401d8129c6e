"""The tidy tables' schemas, what a reader hands over, and the anomaly vocabulary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from taskstats.errors import InputError

LONG_CELL = 5_000  # characters; a task text is rarely over a few hundred
INFO, WARNING = "info", "warning"
# Where a task came from: province (省任务), city (市任务), self-added (自增任务), or not said.
SOURCES = ("province", "city", "self", "unknown")
# Progress states as a unit writes them (状态), and their codes.
STATUSES = {"已完成": "done", "序时推进": "on_track", "滞后": "behind", "未启动": "not_started"}
# Every state a node can be in: the four a unit writes, and 未报送 (no report by the as-of date).
# The order is the codes' order in the status tables.
STATUS_CODES = ("done", "on_track", "behind", "not_started", "not_reported")
# From least advanced to most: a task with several lead units is in the least advanced state of
# its units' reports (behind if any says 滞后, done only when all say 已完成).
STATUS_SEVERITY = ("behind", "not_reported", "not_started", "on_track", "done")
# The progress ledger: every report ever imported, one row each.
LEDGER_COLUMNS = [
    "import_id",
    "imported_at",
    "file",
    "file_sha256",
    "sheet",
    "row",
    "district",
    "task_id",
    "milestone",
    "status",
    "standard",
    "progress",
    "evidence",
    "contact",
    "reported_on",
    "simulated",
    "unit",
]
# Ledger columns an older ledger may lack (read as empty): ``unit``, the reporting unit (the
# lead unit whose sheet the row came from, or the sheet's unit column; empty: the whole task).
OPTIONAL_LEDGER_COLUMNS = ("unit",)
# The ledger columns that milestone status, rates and lights need.
STATUS_COLUMNS = [
    "import_id",
    "imported_at",
    "row",
    "district",
    "task_id",
    "milestone",
    "status",
    "reported_on",
    "simulated",
    "unit",
]


@dataclass
class Issue:
    """One anomaly found while reading: where it is, what kind, and what it means."""

    kind: str
    message: str
    line: int | None = None
    task: str | None = None
    severity: str = WARNING
    sheet: str | None = None


@dataclass
class RawTask:
    """One numbered task as read, before normalisation.

    ``cells`` maps a field (lead, support, units, leader, source, deadline) to the cell texts
    found for it; sub-target rows add further cells.
    """

    number: int | None
    line: int
    section: str = ""
    subsection: str = ""
    text_parts: list[str] = field(default_factory=list)
    cells: dict[str, list[str]] = field(default_factory=dict)
    sheet: str | None = None
    lost: bool = False
    task_id: str = ""

    def add(self, name: str, value: str) -> None:
        if value and name != "number":
            if name == "text":
                self.text_parts.append(value)
            else:
                self.cells.setdefault(name, []).append(value)


@dataclass
class ReadResult:
    """What a reader found in one file."""

    path: Path
    layout: str
    encoding: str | None
    columns: tuple[str, ...]
    rows_seen: int
    tasks: list[RawTask]
    issues: list[Issue]
    sheet: str | None = None
    declared_counts: list[tuple[str, int, int]] = field(default_factory=list)
    tables_read: list[str] = field(default_factory=list)
    tables_skipped: list[tuple[str, str]] = field(default_factory=list)


TASK_COLUMNS = [
    "district",
    "task_id",
    "seq",
    "section",
    "subsection",
    "text",
    "source",
    "source_raw",
    "deadline_raw",
    "due_date",
    "ongoing",
    "quantified",
    "target_pending",
    "raw_file",
    "raw_line",
]
UNIT_COLUMNS = ["district", "task_id", "unit", "unit_raw", "host", "role", "collective"]
LEADER_COLUMNS = ["district", "task_id", "leader", "leader_raw", "collective"]
QUALITY_COLUMNS = ["district", "task_id", "raw_file", "line", "kind", "severity", "message"]


class TaskTables(NamedTuple):
    """The tidy tables of one or more districts.

    Attributes:
        tasks: One row per task.
        task_units: One row per unit named by a task, with its role (lead or support).
        task_leaders: One row per leader named by a task.
        quality: One row per anomaly found while reading, with file and line.
    """

    tasks: pd.DataFrame
    task_units: pd.DataFrame
    task_leaders: pd.DataFrame
    quality: pd.DataFrame


def iso_date(day: dt.date | str) -> str:
    """A date (or an ISO date string) as ``YYYY-MM-DD``.

    Raises:
        InputError: The value is not a date.
    """
    if isinstance(day, dt.datetime):
        return day.date().isoformat()
    if isinstance(day, dt.date):
        return day.isoformat()
    try:
        return dt.date.fromisoformat(str(day)).isoformat()
    except ValueError as exc:
        raise InputError(f"{day!r} is not a date (use 2020-06-30)") from exc
