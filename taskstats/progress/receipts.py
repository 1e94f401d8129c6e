"""Receipts (回执): what became of each returned file, written as a workbook for the unit.

A receipt lists the rows accepted into the ledger, the rows kept in the history but superseded
by a later report (by 填报日期), the rows refused with the reason and what to do, and the unit's
due nodes still unreported; the words come from :mod:`taskstats.report.wording.returns`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats.io.files import atomic_path, neutralise_formulas


@dataclass
class Problem:
    """One reason a row or a file is refused, located in the file.

    Attributes:
        code: What is wrong (``bad_status``, ``other_district`` …), the key of its wording.
        path: The file.
        sheet: The sheet (or Word table), if the problem is in one.
        row: The 1-based row of the sheet, if the problem is in one.
        column: The column letter and its header as typed (``I（状态）``), if in one.
        value: The value as typed, if any.
        params: What the message names besides (the allowed values, the other district …).
    """

    code: str
    path: Path
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str = ""
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        from taskstats.report.wording.returns import problem_text

        where = [str(self.path)]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {problem_text(self, 'en')}"


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
        return any(p.row is None and p.code != "unsaved_formula" for p in self.refused)

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


def receipt_name(receipt: FileReceipt) -> str:
    """The receipt's file name: ``<returned file's name>-回执.xlsx``."""
    return f"{receipt.path.stem}-回执.xlsx"


def write_receipt(
    receipt: FileReceipt,
    target: str | Path,
    *,
    district_name: str = "",
    now: dt.datetime | None = None,
    language: str = "zh",
) -> Path:
    """Write one file's receipt (.xlsx): a summary sheet, then accepted, superseded, refused
    rows and unreported nodes, each a sheet of its own (written even when empty, so a unit finds
    the same four sheets every time).

    Args:
        receipt: What the import did with the file.
        target: The .xlsx to write (replaced atomically).
        district_name: The district's name to show (default its slug).
        now: The import time shown (default now).
        language: ``zh`` (default) or ``en``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from taskstats.report.wording.returns import RECEIPT, problem_action, problem_text

    words = RECEIPT[language]
    now = now or dt.datetime.now()
    wb = Workbook()
    summary = wb.active
    summary.title = words["summary_sheet"]
    summary.append([words["title"]])
    summary["A1"].font = Font(bold=True, size=14)
    counts = {
        "accepted": len(receipt.accepted),
        "superseded": len(receipt.superseded),
        "passed": len(receipt.passed),
        "refused": len(receipt.refused),
        "unreported": len(receipt.unreported),
    }
    for key, value in (
        ("file", receipt.path.name),
        ("district", district_name or receipt.district or words["unknown"]),
        ("unit", receipt.unit or words["unknown"]),
        ("imported_at", now.strftime("%Y-%m-%d %H:%M")),
        ("verdict", words["verdicts"][receipt.verdict]),
        *((k, v) for k, v in counts.items()),
    ):
        summary.append([words["fields"][key], value])
    summary.append([])
    summary.append([words["advice"][receipt.verdict]])
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 60

    def rows(records: list[dict]) -> list[list]:
        return [
            [r.get("sheet", ""), r.get("row", ""), r["task_id"], r["milestone"], r["status"]]
            for r in records
        ]

    tables = [
        (words["accepted_sheet"], words["row_columns"], rows(receipt.accepted)),
        (words["superseded_sheet"], words["row_columns"], rows(receipt.superseded)),
        (
            words["refused_sheet"],
            words["refused_columns"],
            [
                [
                    p.sheet or "",
                    p.row or "",
                    p.column or "",
                    p.value,
                    problem_text(p, language),
                    problem_action(p, language),
                ]
                for p in receipt.refused
            ],
        ),
        (
            words["unreported_sheet"],
            words["unreported_columns"],
            [[u["task_id"], u["text"], u["milestone"]] for u in receipt.unreported],
        ),
    ]
    if receipt.passed:
        tables.insert(2, (words["passed_sheet"], words["row_columns"], rows(receipt.passed)))
    for title, columns, body in tables:
        ws = wb.create_sheet(title)
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        frame = pd.DataFrame(body, columns=columns, dtype=object)
        for record in neutralise_formulas(frame).itertuples(index=False):
            ws.append(list(record))
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width * 2))
            for c in col[1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return Path(target)
