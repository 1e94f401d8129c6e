"""The fill-in progress sheet's rows and its contract (columns, meta and instruction sheets): what
:func:`taskstats.report.template.write_template` writes and :mod:`.returned` reads back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from taskstats.errors import InputError
from taskstats.measures.nodes import joined_lead_units, task_nodes
from taskstats.tidy import TaskTables
from taskstats.tidy.vocabulary import SHEET_HEADERS

# Each column of the fill-in sheet: its field, whether it is pre-filled, its width.
# The widths add up to what an A4 landscape page prints at about 8.5 points (wider columns
# printed the sheet at 5 points).
_LAYOUT = [
    ("task_id", True, 6),
    ("text", True, 40),
    ("lead", True, 14),
    ("support", True, 14),
    ("leaders", True, 9),
    ("milestone", True, 11),
    ("standard", False, 20),
    ("progress", False, 28),
    ("status", False, 9),
    ("evidence", False, 20),
    ("contact", False, 12),
    ("reported_on", False, 11),
]
# (header, field, pre-filled, width); the headers are the vocabulary's (returned sheets are
# read by the same words).
SHEET_COLUMNS = [(SHEET_HEADERS[name][0], name, pre, width) for name, pre, width in _LAYOUT]

# The sheet contract read back by returned sheets (progress/returned.py): the hidden meta sheet
# and the instructions sheet, skipped when looking for the table.
META_SHEET = "_taskstats"
INSTRUCTION_SHEET = "填表说明"


def template_rows(tables: TaskTables, district: str, milestones: Sequence[dt.date]) -> pd.DataFrame:
    """The rows of a district's progress sheet: one per task and milestone, pre-filled."""
    tasks = tables.tasks[tables.tasks["district"] == district]
    if tasks.empty:
        raise InputError(f"no tasks for district {district!r}")
    units = tables.task_units[tables.task_units["district"] == district]
    leaders = tables.task_leaders[tables.task_leaders["district"] == district]

    def names(df: pd.DataFrame, column: str) -> pd.Series:
        return df.groupby("task_id", sort=False)[column].agg("、".join)

    lead = joined_lead_units(tables)
    lead = lead[lead.index.get_level_values("district") == district].droplevel("district")
    support = names(units[units["role"] == "support"], "unit")
    who = names(leaders, "leader")
    base = pd.DataFrame(
        {
            "task_id": tasks["task_id"].to_numpy(),
            "text": tasks["text"].to_numpy(),
            "lead": tasks["task_id"].map(lambda t, m=lead: m.get(t, "")).to_numpy(),
            "support": tasks["task_id"].map(lambda t, m=support: m.get(t, "")).to_numpy(),
            "leaders": tasks["task_id"].map(lambda t, m=who: m.get(t, "")).to_numpy(),
        }
    )
    nodes = task_nodes(tasks, {district: milestones})
    rows = base.iloc[nodes["row"].to_numpy()].reset_index(drop=True)
    rows["milestone"] = nodes["milestone"].to_numpy()
    for _, name, prefilled, _ in SHEET_COLUMNS:
        if not prefilled:
            rows[name] = ""
    return rows[[c[1] for c in SHEET_COLUMNS]]
