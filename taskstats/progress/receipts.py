"""Receipts (回执): what became of each returned file, as data.

A receipt holds the rows accepted into the ledger, the rows kept in the history but superseded
by a later report (by 填报日期), the rows refused with their problem codes, and the unit's due
nodes still unreported; :meth:`FileReceipt.tables` gives them as DataFrames. The workbook a
unit gets back is written from them by :func:`taskstats.report.receipts.write_receipt`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats.errors import Problem

ROW_COLUMNS = ["sheet", "row", "task_id", "milestone", "status"]
REFUSED_COLUMNS = ["sheet", "row", "column", "value", "code"]
UNREPORTED_COLUMNS = ["task_id", "text", "milestone"]


@dataclass
class FileReceipt:
    """What an import did with one returned file."""

    path: Path
    district: str | None = None
    unit: str = ""
    placed_by: str = ""  # meta, title, texts, option
    skipped: bool = False  # imported before (same SHA-256)
    accepted: list[dict] = field(default_factory=list)  # appended, the current report
    superseded: list[dict] = field(default_factory=list)  # appended, a later report counts
    passed: list[dict] = field(default_factory=list)  # checked, held back with the batch
    refused: list[Problem] = field(default_factory=list)
    unreported: list[dict] = field(default_factory=list)  # task_id, text, milestone

    @property
    def refused_whole(self) -> bool:
        """The file itself is refused (unreadable, no table, no or another district)."""
        return any(p.line is None and p.code != "unsaved_formula" for p in self.refused)

    @property
    def verdict(self) -> str:
        """``skipped``, ``refused``, ``held`` (good rows kept out), ``partly`` or ``accepted``."""
        if self.skipped:
            return "skipped"
        taken = self.accepted or self.superseded
        if self.refused_whole or (self.refused and not taken and not self.passed):
            return "refused"
        if self.passed:
            return "held"
        return "partly" if self.refused else "accepted"

    def tables(self) -> dict[str, pd.DataFrame]:
        """The receipt's rows as DataFrames: ``accepted``, ``superseded``, ``passed`` (sheet,
        row, task_id, milestone, status), ``refused`` (sheet, row, column, value and the
        problem's code; the problems themselves are in ``refused``), ``unreported`` (task_id,
        text, milestone)."""

        def rows(records: list[dict]) -> pd.DataFrame:
            return pd.DataFrame(
                [[r.get(c, "") for c in ROW_COLUMNS] for r in records],
                columns=ROW_COLUMNS,
                dtype=object,
            )

        refused = pd.DataFrame(
            [[p.sheet or "", p.line or "", p.column or "", p.value, p.code] for p in self.refused],
            columns=REFUSED_COLUMNS,
            dtype=object,
        )
        unreported = pd.DataFrame(
            [[u[c] for c in UNREPORTED_COLUMNS] for u in self.unreported],
            columns=UNREPORTED_COLUMNS,
            dtype=object,
        )
        return {
            "accepted": rows(self.accepted),
            "superseded": rows(self.superseded),
            "passed": rows(self.passed),
            "refused": refused,
            "unreported": unreported,
        }
