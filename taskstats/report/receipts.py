"""The receipt (回执) workbook a unit gets back for each returned file, written from the
receipt's data (:class:`taskstats.progress.receipts.FileReceipt`) in the words of
:mod:`taskstats.report.wording.returns`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from taskstats.io.files import atomic_path, neutralise_formulas
from taskstats.progress.receipts import FileReceipt
from taskstats.progress.sheets import ImportRefused, ImportResult, import_progress
from taskstats.report.wording.returns import RECEIPT, problem_action, problem_text
from taskstats.tidy import TaskTables
from taskstats.tidy.manifest import Manifest


def import_with_receipts(
    paths: Iterable[str | Path],
    tables: TaskTables,
    manifests: dict[str, Manifest],
    receipts_dir: str | Path,
    *,
    language: str = "zh",
    **options,
) -> tuple[ImportResult, list[Path]]:
    """:func:`taskstats.progress.import_progress`, with a receipt per file written in
    ``receipts_dir`` (refused files too).

    Args:
        paths, tables, manifests: As for ``import_progress``; ``options`` are its keywords.
        receipts_dir: The folder of the receipts.
        language: ``zh`` (default) or ``en``.

    Returns:
        What the import did, and the receipts written.

    Raises:
        ProgressError: As ``import_progress`` does; the receipts are written first.
    """
    try:
        result = import_progress(paths, tables, manifests, **options)
    except ImportRefused as exc:
        write_receipts(exc.result, receipts_dir, manifests, language=language)
        raise
    return result, write_receipts(result, receipts_dir, manifests, language=language)


def write_receipts(
    result: ImportResult,
    receipts_dir: str | Path,
    manifests: Mapping[str, Manifest],
    *,
    language: str = "zh",
) -> list[Path]:
    """Write each file's receipt of an import as ``<file>-回执.xlsx`` in ``receipts_dir``."""
    paths = []
    for receipt in result.receipts:
        manifest = manifests.get(receipt.district or "")
        paths.append(
            write_receipt(
                receipt,
                Path(receipts_dir) / receipt_name(receipt),
                district_name=manifest.name if manifest else "",
                now=result.imported_at,
                language=language,
            )
        )
    return paths


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

    words = RECEIPT[language]
    now = now or dt.datetime.now()
    data = receipt.tables()
    wb = Workbook()
    summary = wb.active
    summary.title = words["summary_sheet"]
    summary.append([words["title"]])
    summary["A1"].font = Font(bold=True, size=14)
    counts = {
        key: len(data[key]) for key in ("accepted", "superseded", "passed", "refused", "unreported")
    }
    for key, value in (
        ("file", receipt.path.name),
        ("district", district_name or receipt.district or words["unknown"]),
        ("unit", receipt.unit or words["unknown"]),
        ("imported_at", now.strftime("%Y-%m-%d %H:%M")),
        ("verdict", words["verdicts"][receipt.verdict]),
        *counts.items(),
    ):
        summary.append([words["fields"][key], value])
    summary.append([])
    summary.append([words["advice"][receipt.verdict]])
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 60

    refused = data["refused"].drop(columns="code")
    refused["reason"] = [problem_text(p, language) for p in receipt.refused]
    refused["action"] = [problem_action(p, language) for p in receipt.refused]
    tables = [
        (words["accepted_sheet"], words["row_columns"], data["accepted"]),
        (words["superseded_sheet"], words["row_columns"], data["superseded"]),
        (words["refused_sheet"], words["refused_columns"], refused),
        (words["unreported_sheet"], words["unreported_columns"], data["unreported"]),
    ]
    if len(data["passed"]):
        tables.insert(2, (words["passed_sheet"], words["row_columns"], data["passed"]))
    for title, columns, body in tables:
        ws = wb.create_sheet(title)
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        frame = pd.DataFrame(body.to_numpy(), columns=columns, dtype=object)
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
