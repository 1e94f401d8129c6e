"""The fill-in progress sheet (.xlsx) sent to units: pre-filled, locked, with a drop-down."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from taskstats.errors import InputError
from taskstats.io.files import atomic_path, neutralise_formulas
from taskstats.io.textfit import text_ems
from taskstats.measures.nodes import joined_lead_units, lead_units, task_nodes
from taskstats.progress.schedule import schedule_dates
from taskstats.tidy import TaskTables
from taskstats.tidy.manifest import Manifest
from taskstats.tidy.schema import STATUSES
from taskstats.tidy.vocabulary import SHEET_HEADERS

# Each column of the fill-in sheet: its field, whether it is pre-filled, its width.
_LAYOUT = [
    ("task_id", True, 8),
    ("text", True, 50),
    ("lead", True, 18),
    ("support", True, 18),
    ("leaders", True, 10),
    ("milestone", True, 12),
    ("standard", False, 30),
    ("progress", False, 40),
    ("status", False, 10),
    ("evidence", False, 30),
    ("contact", False, 16),
    ("reported_on", False, 12),
]
# (header, field, pre-filled, width); the headers are the vocabulary's (returned sheets are
# read by the same words).
SHEET_COLUMNS = [(SHEET_HEADERS[name][0], name, pre, width) for name, pre, width in _LAYOUT]

INSTRUCTIONS = [
    "填表说明：",
    "1. 序号，指目标任务分解表中的任务序号（已预填，请勿修改）。",
    "2. 目标任务，指任务分解表中的任务名称（已预填，需原文保留）。",
    "3. 牵头单位、责任单位、负责领导，按任务分解表预填。",
    "4. 节点，指本行对应的时间节点（已预填）；每项任务在每个节点各占一行。",
    "5. 完成标准（目标值），指该节点应完成的数量、质量和成果形式等。",
    "6. 完成情况，填写截至填报日期的工作进展。",
    "7. 状态，从下拉列表中选择：已完成 / 序时推进 / 滞后 / 未启动。",
    "8. 证明材料，列出能证明工作进展或完成的文本、图片、视频、统计数据等材料，如方案、合同、"
    "会议的照片/签到簿/纪要、项目验收报告等。每个工作节点都要列明相应的证明材料。",
    "9. 责任处室及负责人，指本单位负责该项任务的责任处室及其具体负责人。",
    "10. 填报日期，格式为 {example}。",
    "未到节点或尚无进展的行可以留空；已填写内容的行必须选择状态。",
]
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


def write_template(
    tables: TaskTables,
    manifest: Manifest,
    target: str | Path,
    *,
    by_unit: bool = False,
    year: int | None = None,
) -> Path:
    """Write a district's progress sheet (.xlsx): pre-filled, locked, with a status drop-down.

    Args:
        tables: The tidy tables.
        manifest: The district's manifest (its schedule gives the milestones).
        target: The .xlsx file to write (replaced atomically).
        by_unit: One sheet per lead unit instead of one sheet for the district.
        year: Year for a quarterly schedule when the manifest has none.
    """
    from openpyxl import Workbook

    milestones = schedule_dates(manifest, year)
    rows = template_rows(tables, manifest.slug, milestones)
    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTION_SHEET
    info.append([f"{manifest.name} 目标任务推进表（样表）"])
    nodes = sorted(set(rows["milestone"]))  # the schedule's and the tasks' own deadlines
    info.append([f"节点（共{len(nodes)}个）：{'、'.join(nodes)}"])
    info.append([])
    for line in INSTRUCTIONS:
        info.append([line.format(example=nodes[0] if nodes else milestones[0].isoformat())])
    info.column_dimensions["A"].width = 110
    _print_setup(info, header=False)
    if by_unit:
        units = lead_units(tables)
        units = units[units["district"] == manifest.slug]
        groups = units.groupby("unit", sort=False)["task_id"].agg(set)
        used: set[str] = set()
        covered: set[str] = set()
        for unit, ids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            _fill_sheet(wb.create_sheet(_sheet_name(unit, used)), rows[rows["task_id"].isin(ids)])
            covered |= ids
        rest = rows[~rows["task_id"].isin(covered)]
        if not rest.empty:
            _fill_sheet(wb.create_sheet(_sheet_name("其他", used)), rest)
    else:
        _fill_sheet(wb.create_sheet("推进表"), rows)
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


def _fill_sheet(ws, rows: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.append([c[0] for c in SHEET_COLUMNS])
    for record in neutralise_formulas(rows).itertuples(index=False):
        ws.append(list(record))
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    fill_in = PatternFill("solid", fgColor="FFF9E5")
    for col, (_, _, prefilled, width) in enumerate(SHEET_COLUMNS, 1):
        letter = ws.cell(1, col).column_letter
        ws.column_dimensions[letter].width = width
        ws.cell(1, col).font = Font(bold=True)
        ws.cell(1, col).fill = head_fill
        for r in range(2, len(rows) + 2):
            cell = ws.cell(r, col)
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
        errorTitle="状态",
        error="请从下拉列表中选择：已完成、序时推进、滞后、未启动",
    )
    dv.add(f"{status_col}2:{status_col}{max(2, len(rows) + 1)}")
    ws.add_data_validation(dv)
    for r, record in enumerate(rows.itertuples(index=False), 2):
        ws.row_dimensions[r].height = sheet_row_height(record)
    ws.freeze_panes = "C2"
    _print_setup(ws)
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


def _print_setup(ws, *, header: bool = True) -> None:
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
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\").strip()[:28] or "单位"
    candidate, k = base, 2
    while candidate in used or candidate in (INSTRUCTION_SHEET, META_SHEET):
        candidate = f"{base[:26]}~{k}"
        k += 1
    used.add(candidate)
    return candidate
