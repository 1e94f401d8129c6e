"""The fill-in progress sheet (.xlsx) sent to units: pre-filled, locked, with a drop-down; its
rows and columns from :mod:`taskstats.progress.template`, its words from the wording package."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from taskstats.io.files import atomic_path, neutralise_formulas
from taskstats.io.textfit import text_ems
from taskstats.measures.nodes import lead_units
from taskstats.progress.schedule import schedule_dates
from taskstats.progress.template import INSTRUCTION_SHEET, META_SHEET, SHEET_COLUMNS, template_rows
from taskstats.report.wording import text
from taskstats.report.wording.template import TEMPLATE
from taskstats.tidy import TaskTables
from taskstats.tidy.manifest import Manifest
from taskstats.tidy.schema import STATUSES


def write_template(
    tables: TaskTables,
    manifest: Manifest,
    target: str | Path,
    *,
    by_unit: bool = False,
    year: int | None = None,
    language: str = "zh",
) -> Path:
    """Write a district's progress sheet (.xlsx): pre-filled, locked, with a status drop-down.

    Args:
        tables: The tidy tables.
        manifest: The district's manifest (its schedule gives the milestones).
        target: The .xlsx file to write (replaced atomically).
        by_unit: One sheet per lead unit instead of one sheet for the district.
        year: Year for a quarterly schedule when the manifest has none.
        language: ``zh`` (default) or ``en`` for the sheet's words; the column headers stay
            the vocabulary's, by which returned sheets are read.
    """
    from openpyxl import Workbook

    text(language)  # refuses an unknown language
    words = TEMPLATE[language]

    milestones = schedule_dates(manifest, year)
    rows = template_rows(tables, manifest.slug, milestones)
    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTION_SHEET
    info.append([words["title"].format(name=manifest.name)])
    nodes = sorted(set(rows["milestone"]))  # the schedule's and the tasks' own deadlines
    info.append([words["nodes"].format(count=len(nodes), nodes=words["node_sep"].join(nodes))])
    info.append([])
    example = nodes[0] if nodes else milestones[0].isoformat()
    statuses = words["status_sep"].join(STATUSES)
    for line in words["instructions"]:
        info.append([line.format(example=example, statuses=statuses)])
    info.column_dimensions["A"].width = 110
    _print_setup(info, words, header=False)
    if by_unit:
        units = lead_units(tables)
        units = units[units["district"] == manifest.slug]
        groups = units.groupby("unit", sort=False)["task_id"].agg(set)
        used: set[str] = set()
        covered: set[str] = set()
        for unit, ids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            _fill_sheet(
                wb.create_sheet(_sheet_name(unit, used, words)),
                rows[rows["task_id"].isin(ids)],
                words,
            )
            covered |= ids
        rest = rows[~rows["task_id"].isin(covered)]
        if not rest.empty:
            _fill_sheet(
                wb.create_sheet(_sheet_name(words["other_sheet"], used, words)), rest, words
            )
    else:
        _fill_sheet(wb.create_sheet(words["district_sheet"]), rows, words)
    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("district", manifest.slug),
        ("name", manifest.name),
        ("milestones", ",".join(d.isoformat() for d in milestones)),
        ("generated_at", dt.datetime.now().isoformat(timespec="seconds")),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return Path(target)


def _fill_sheet(ws, rows: pd.DataFrame, words: dict) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.append([c[0] for c in SHEET_COLUMNS])
    for record in neutralise_formulas(rows).itertuples(index=False):
        ws.append(list(record))
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    fill_in = PatternFill("solid", fgColor="FFF9E5")
    line = Side(style="thin", color="808080")
    ruled = Border(left=line, right=line, top=line, bottom=line)  # a printed sheet to write in
    for col, (_, _, prefilled, width) in enumerate(SHEET_COLUMNS, 1):
        letter = ws.cell(1, col).column_letter
        ws.column_dimensions[letter].width = width
        ws.cell(1, col).font = Font(bold=True)
        ws.cell(1, col).fill = head_fill
        ws.cell(1, col).border = ruled
        ws.cell(1, col).alignment = Alignment(wrap_text=True, vertical="center")
        for r in range(2, len(rows) + 2):
            cell = ws.cell(r, col)
            cell.border = ruled
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if not prefilled:
                cell.protection = Protection(locked=False)
                cell.fill = fill_in
    status_col = ws.cell(1, [c[1] for c in SHEET_COLUMNS].index("status") + 1).column_letter
    dv = DataValidation(
        type="list",
        formula1=f'"{",".join(STATUSES)}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=words["status_title"],
        error=words["status_error"].format(statuses="、".join(STATUSES)),
    )
    dv.add(f"{status_col}2:{status_col}{max(2, len(rows) + 1)}")
    ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 2 * LINE_POINTS + 3  # a header of two lines shown whole
    for r, record in enumerate(rows.itertuples(index=False), 2):
        ws.row_dimensions[r].height = sheet_row_height(record)
    ws.freeze_panes = "C2"
    _print_setup(ws, words)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


LINE_POINTS = 15.0  # one line of 11-point text in a spreadsheet row


def sheet_row_height(values: Sequence) -> float:
    """The height (points) a sheet row needs to show its pre-filled text whole, wrapped in its
    column (a column's width counts half-em characters), so that no task text is cut on a
    printed page; at least two lines, room to write in."""
    lines = 2
    for value, (_, _, prefilled, width) in zip(values, SHEET_COLUMNS, strict=True):
        if prefilled and isinstance(value, str) and value:
            lines = max(lines, math.ceil(text_ems(value) / (width * 0.5 * 0.95)))
    return lines * LINE_POINTS + 3


def _print_setup(ws, words: dict, *, header: bool = True) -> None:
    """Print on A4 landscape, every column on the page (as many pages down as needed), the
    header row on every page (``header``), page numbers in the footer."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header:
        ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True
    # The footer (page numbers) printed whole inside the bottom margin
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.75, header=0.3, footer=0.3)
    ws.oddFooter.center.text = words["footer"]


def _sheet_name(name: str, used: set[str], words: dict) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\").strip()[:28] or words["unit_sheet"]
    candidate, k = base, 2
    while candidate in used or candidate in (INSTRUCTION_SHEET, META_SHEET):
        candidate = f"{base[:26]}~{k}"
        k += 1
    used.add(candidate)
    return candidate
