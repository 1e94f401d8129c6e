"""Progress tracking: schedules, fill-in sheets, a checked ledger, completion rates and lights.

The flow follows the seed documents: units get a sheet pre-filled with their tasks and the
district's milestones (Dalian's 附件2: half-year, Q3, year end; Qingdao's 附件2: every month from
July to December), fill in a standard, the state of work, a status and evidence, and send it
back. :func:`import_progress` checks every row and appends good files to the ledger; the
measures (:func:`milestone_status`, :func:`completion_rates`, :func:`traffic_lights`) read the
ledger as of a date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import io
import json
import tomllib
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from taskstats import config
from taskstats.errors import InputError, ProgressError
from taskstats.export import atomic_path, neutralise_formulas
from taskstats.locking import exclusive
from taskstats.manifest import Manifest
from taskstats.normalize import fold
from taskstats.tidy import TaskTables

STATUSES = {"已完成": "done", "序时推进": "on_track", "滞后": "behind", "未启动": "not_started"}
LEDGER_FILE = "ledger.csv"
DEMO_FILE = "demo_ledger.csv"
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
]
# Sheet columns: header, ledger field, pre-filled (locked) or filled in by the unit.
SHEET_COLUMNS = [
    ("序号", "task_id", True, 8),
    ("目标任务", "text", True, 50),
    ("牵头单位", "lead", True, 18),
    ("责任单位", "support", True, 18),
    ("负责领导", "leaders", True, 10),
    ("节点", "milestone", True, 12),
    ("完成标准（目标值）", "standard", False, 30),
    ("完成情况", "progress", False, 40),
    ("状态", "status", False, 10),
    ("证明材料", "evidence", False, 30),
    ("责任处室及负责人", "contact", False, 16),
    ("填报日期", "reported_on", False, 12),
]
_HEADER_ALIASES = {
    "task_id": ("序号", "task_id"),
    "text": ("目标任务", "task", "text"),
    "milestone": ("节点", "时间节点", "milestone"),
    "standard": ("完成标准（目标值）", "完成标准", "standard"),
    "progress": ("完成情况", "进展情况", "progress"),
    "status": ("状态", "status"),
    "evidence": ("证明材料", "evidence"),
    "contact": ("责任处室及负责人", "contact"),
    "reported_on": ("填报日期", "reported_on"),
    "district": ("区县", "district"),
}
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
    "10. 填报日期，格式为 2020-06-30。",
    "未到节点或尚无进展的行可以留空；已填写内容的行必须选择状态。",
]
_META_SHEET = "_taskstats"
_INSTRUCTION_SHEET = "填表说明"


# --- schedules -------------------------------------------------------------------------------


def schedule_dates(manifest: Manifest, year: int | None = None) -> list[dt.date]:
    """The district's milestone dates, from its manifest's ``[schedule]``.

    ``kind = "dates"`` lists them; ``"monthly"`` runs from ``start`` to ``end`` (``"2020-07"``),
    one node at each month's end; ``"quarterly"`` (the default) gives the four quarter ends of
    ``year`` (the schedule's, the manifest's, or the argument).

    Raises:
        InputError: The schedule is malformed, or a quarterly schedule has no year.
    """
    sched = manifest.schedule or {}
    kind = sched.get("kind", "quarterly")
    where = manifest.path or manifest.raw_file
    try:
        if kind == "dates":
            dates = sorted(dt.date.fromisoformat(str(d)) for d in sched["dates"])
        elif kind == "monthly":
            start = dt.date.fromisoformat(f"{sched['start']}-01")
            end = dt.date.fromisoformat(f"{sched['end']}-01")
            dates = []
            y, m = start.year, start.month
            while (y, m) <= (end.year, end.month):
                dates.append(dt.date(y, m, calendar.monthrange(y, m)[1]))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        elif kind == "quarterly":
            y = year or sched.get("year") or manifest.year
            if not y:
                raise InputError(
                    "the district's year is unknown: set [schedule] year in the "
                    "manifest or pass a year",
                    path=where,
                )
            dates = [dt.date(int(y), m, calendar.monthrange(int(y), m)[1]) for m in (3, 6, 9, 12)]
        else:
            raise InputError(
                f"unknown schedule kind {kind!r}; use dates, monthly or quarterly", path=where
            )
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(
            f"malformed [schedule] ({exc}); see the README for the form", path=where
        ) from exc
    if not dates:
        raise InputError("the [schedule] names no milestone", path=where)
    return dates


def schedules_for(
    manifests: Iterable[Manifest], year: int | None = None
) -> dict[str, list[dt.date]]:
    """Milestone dates for several districts, by slug."""
    return {m.slug: schedule_dates(m, year) for m in manifests}


def rules_for(manifest: Manifest) -> RuleSet:
    """The district's light rules: ``[schedule] rules`` in its manifest, else the default."""
    return load_rules(str((manifest.schedule or {}).get("rules", "default")))


# --- sheets out ------------------------------------------------------------------------------


def template_rows(tables: TaskTables, district: str, milestones: Sequence[dt.date]) -> pd.DataFrame:
    """The rows of a district's progress sheet: one per task and milestone, pre-filled."""
    tasks = tables.tasks[tables.tasks["district"] == district]
    if tasks.empty:
        raise InputError(f"no tasks for district {district!r}")
    units = tables.task_units[tables.task_units["district"] == district]
    leaders = tables.task_leaders[tables.task_leaders["district"] == district]

    def names(df: pd.DataFrame, column: str) -> pd.Series:
        return df.groupby("task_id", sort=False)[column].agg("、".join)

    lead = names(units[units["role"] == "lead"], "unit")
    support = names(units[units["role"] == "support"], "unit")
    who = names(leaders, "leader")
    base = pd.DataFrame(
        {
            "task_id": tasks["task_id"].to_numpy(),
            "text": tasks["text"].to_numpy(),
            "lead": tasks["task_id"].map(lead).fillna("").to_numpy(),
            "support": tasks["task_id"].map(support).fillna("").to_numpy(),
            "leaders": tasks["task_id"].map(who).fillna("").to_numpy(),
        }
    )
    rows = base.merge(pd.DataFrame({"milestone": [d.isoformat() for d in milestones]}), how="cross")
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
    info.title = _INSTRUCTION_SHEET
    info.append([f"{manifest.name} 目标任务推进表（样表）"])
    info.append([f"节点：{'、'.join(d.isoformat() for d in milestones)}"])
    info.append([])
    for line in INSTRUCTIONS:
        info.append([line])
    info.column_dimensions["A"].width = 110
    if by_unit:
        units = tables.task_units[
            (tables.task_units["district"] == manifest.slug)
            & (tables.task_units["role"] == "lead")
            & ~tables.task_units["collective"]
        ]
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
    meta = wb.create_sheet(_META_SHEET)
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
    ws.freeze_panes = "C2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\").strip()[:28] or "单位"
    candidate, k = base, 2
    while candidate in used or candidate in (_INSTRUCTION_SHEET, _META_SHEET):
        candidate = f"{base[:26]}~{k}"
        k += 1
    used.add(candidate)
    return candidate


# --- sheets in -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: rows appended, files skipped as already imported."""

    appended: int = 0
    imported_files: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    ledger_path: Path | None = None


def import_progress(
    paths: Iterable[str | Path],
    tables: TaskTables,
    manifests: dict[str, Manifest],
    *,
    store_dir: str | Path | None = None,
    district: str | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Check filled-in progress sheets and append them to the ledger.

    Every row of every file is checked (unknown task, edited task text, status outside the list,
    milestone not in the schedule, duplicate rows, dates out of range). If any file has any
    error, nothing is imported and the ledger is left byte-for-byte as it was. A file whose
    content was imported before (same SHA-256) is skipped.

    Args:
        paths: .xlsx or .csv files.
        tables: The tidy tables (the tasks the sheets must match).
        manifests: Manifests by slug (for schedules).
        store_dir: The progress store; default ``data/processed/progress``.
        district: District of files that do not say (csv without a district column).
        now: Import time (for tests); default now.

    Raises:
        ProgressError: Listing every problem with file, sheet, row and column.
    """
    store = Path(store_dir or config.processed_data_dir() / "progress")
    now = now or dt.datetime.now()
    with exclusive(store):
        ledger = read_ledger(store)
        known = set(ledger["file_sha256"])
        batch, problems, result = [], [], ImportResult(ledger_path=store / LEDGER_FILE)
        seen: dict[tuple[str, str, str], str] = {}
        for path in (Path(p) for p in paths):
            data, digest = _read_bytes(path)
            if digest in known:
                result.skipped_files.append(path.name)
                continue
            rows, file_problems = _parse_file(path, data, tables, manifests, district, now, seen)
            problems.extend(file_problems)
            for row in rows:
                row.update(file=path.name, file_sha256=digest)
            batch.extend(rows)
            known.add(digest)
            result.imported_files.append(path.name)
        if problems:
            raise ProgressError(
                f"{len(problems)} problem(s); nothing was imported:\n"
                + "\n".join(f"  {p}" for p in problems)
            )
        if not batch:
            return result
        next_id = int(ledger["import_id"].max()) + 1 if len(ledger) else 1
        by_file = {
            name: next_id + i
            for i, name in enumerate(dict.fromkeys(r["file_sha256"] for r in batch))
        }
        for row in batch:
            row["import_id"] = by_file[row["file_sha256"]]
            row["imported_at"] = now.isoformat(timespec="seconds")
            row["simulated"] = False
        new = pd.DataFrame(batch, columns=LEDGER_COLUMNS)
        combined = pd.concat([ledger, new], ignore_index=True) if len(ledger) else new
        _write_ledger(combined, store / LEDGER_FILE)
        result.appended = len(new)
        return result


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
]


def read_ledger(
    store_dir: str | Path | None = None,
    name: str = LEDGER_FILE,
    *,
    columns: Sequence[str] | None = None,
    districts: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The progress ledger (every report ever imported), or an empty one.

    The CSV is the record; a columnar copy written beside it (``.parquet``) is read instead
    while it matches the CSV's size and modification time.

    Args:
        columns: Read only these (``STATUS_COLUMNS`` is what the rates and lights need),
            repeated values stored once; the others come back empty. Saves memory on a large
            ledger.
        districts: Read only these districts' reports.
    """
    path = Path(store_dir or config.processed_data_dir() / "progress") / name
    if not path.exists():
        return _empty_ledger()
    wanted = None if districts is None else list(districts)
    ledger = _read_columnar(path, columns, wanted)
    if ledger is None:
        try:
            ledger = (
                _read_compact(path, columns)
                if columns
                else pd.read_csv(
                    path, dtype=str, keep_default_na=False, encoding="utf-8", engine="pyarrow"
                )
            )
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raise ProgressError(f"{path}: the progress ledger is damaged ({exc})") from exc
        if columns:
            missing = set(columns) - set(ledger.columns)
        else:
            missing = set(LEDGER_COLUMNS) - set(ledger.columns)
        if missing:
            raise ProgressError(f"{path}: the progress ledger lacks {', '.join(sorted(missing))}")
        if wanted is not None:
            ledger = ledger[ledger["district"].isin(wanted)].reset_index(drop=True)
    for col in set(LEDGER_COLUMNS) - set(ledger.columns):
        # Columns not read: one empty category, a byte per row.
        ledger[col] = pd.Categorical.from_codes(np.zeros(len(ledger), np.int8), [""])
    return _typed_ledger(ledger[LEDGER_COLUMNS])


_COLUMNAR_STAMP = b"taskstats.ledger"


def _columnar_path(path: Path) -> Path:
    return path.with_suffix(".parquet")


def _stamp(path: Path) -> bytes:
    stat = path.stat()
    return json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}).encode()


def _read_columnar(
    path: Path, columns: Sequence[str] | None, districts: list[str] | None
) -> pd.DataFrame | None:
    """The ledger from its columnar copy; None when there is none or it is not current."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = _columnar_path(path)
    if not copy.exists():
        return None
    try:
        if (pq.read_schema(copy).metadata or {}).get(_COLUMNAR_STAMP) != _stamp(path):
            return None
        names = list(columns or LEDGER_COLUMNS)
        table = pq.read_table(
            copy,
            columns=names,
            read_dictionary=[c for c in names if c not in _TYPED] if columns else None,
            filters=[("district", "in", districts)] if districts is not None else None,
        )
    except (pa.ArrowException, OSError, ValueError, KeyError):
        return None  # a damaged or foreign copy: the CSV is read instead
    return _to_pandas(table)


def _to_pandas(table) -> pd.DataFrame:
    """An Arrow table as a DataFrame, handing the decoding buffers back to the system."""
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    _give_back_memory()
    return frame


def _give_back_memory() -> None:
    """Return memory freed by a large computation to the operating system.

    Arrow's pool and glibc's heap both keep freed memory for reuse; on a province-scale ledger
    that is hundreds of megabytes held after each step, so the heavy steps call this at the end.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None elsewhere (macOS, Windows, musl)."""
    import ctypes

    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):
        return None


_TYPED = ("import_id", "row", "simulated")


def _read_compact(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Some ledger columns, repeated values stored once (dictionary-encoded while parsing)."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    kinds = {"import_id": pa.int64(), "row": pa.int64(), "simulated": pa.string()}
    types = {c: kinds.get(c, pa.dictionary(pa.int32(), pa.string())) for c in columns}
    try:
        table = pa_csv.read_csv(
            path,
            convert_options=pa_csv.ConvertOptions(
                include_columns=list(columns), column_types=types, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, KeyError) as exc:
        raise ValueError(str(exc)) from exc
    return _to_pandas(table)


def _empty_ledger() -> pd.DataFrame:
    return _typed_ledger(pd.DataFrame({c: pd.Series(dtype=str) for c in LEDGER_COLUMNS}))


def _typed_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    out = ledger.copy()
    for col in ("import_id", "row"):
        if out[col].dtype != np.int64:
            out[col] = pd.to_numeric(out[col]).astype("int64")
    if out["simulated"].dtype != bool:
        out["simulated"] = out["simulated"].astype(str).str.lower().isin(["true", "1"])
    for col in set(LEDGER_COLUMNS) - set(_TYPED):
        if not isinstance(out[col].dtype, pd.CategoricalDtype | pd.StringDtype):
            out[col] = out[col].fillna("").astype(str)
    return out


def _write_ledger(ledger: pd.DataFrame, target: Path) -> None:
    """The ledger as CSV (the record), then its columnar copy stamped with the CSV's state."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with atomic_path(target) as tmp:
        ledger.to_csv(tmp, index=False, encoding="utf-8")
    plain = _typed_ledger(ledger[LEDGER_COLUMNS])
    plain = plain.astype({c: str for c in LEDGER_COLUMNS if c not in _TYPED})
    table = pa.Table.from_pandas(plain, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _COLUMNAR_STAMP: _stamp(target)}
    )
    with atomic_path(_columnar_path(target)) as tmp:
        pq.write_table(table, tmp)


def _read_bytes(path: Path) -> tuple[bytes, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProgressError(f"{path}: cannot read the file ({exc.strerror})") from exc
    return data, hashlib.sha256(data).hexdigest()


def _parse_file(
    path: Path,
    data: bytes,
    tables: TaskTables,
    manifests: dict[str, Manifest],
    district: str | None,
    now: dt.datetime,
    seen: dict,
) -> tuple[list[dict], list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") and data[:4] == b"PK\x03\x04":
        sheets, meta = _xlsx_sheets(path, data)
    elif suffix == ".csv":
        sheets, meta = _csv_sheet(path, data), {}
    else:
        return [], [
            f"{path}: not a progress sheet: expected an .xlsx workbook made by "
            "`taskstats template` or a .csv with its columns"
        ]
    district = meta.get("district") or district
    rows, problems = [], []
    for sheet, grid in sheets:
        header_at, columns = _find_header(grid)
        if columns is None:
            what = (
                "is empty"
                if not any(any(c for c in r) for r in grid)
                else "has no progress header (序号, 节点, 状态)"
            )
            problems.append(f"{path}, sheet {sheet!r}: the sheet {what}")
            continue
        for offset, values in enumerate(grid[header_at + 1 :], header_at + 2):
            record = {
                name: _cell_text(values[i]) if i < len(values) else ""
                for name, i in columns.items()
            }
            row_district = record.pop("district", "") or district
            if not any(
                record.get(k)
                for k in ("standard", "progress", "status", "evidence", "contact", "reported_on")
            ):
                continue  # not filled in yet
            where = f"{path}, sheet {sheet!r}, row {offset}"
            parsed = _check_row(
                record, row_district, tables, manifests, where, columns, now, seen, problems
            )
            if parsed is not None:
                parsed.update(sheet=sheet, row=offset)
                rows.append(parsed)
    if not sheets:
        problems.append(f"{path}: the file holds no sheet")
    return rows, problems


def _xlsx_sheets(path: Path, data: bytes) -> tuple[list[tuple[str, list[list]]], dict]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ProgressError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    meta = {}
    if _META_SHEET in wb.sheetnames:
        meta = {
            str(r[0]): str(r[1])
            for r in wb[_META_SHEET].iter_rows(values_only=True)
            if r and r[0] is not None and len(r) > 1
        }
    sheets = [
        (ws.title, [list(r) for r in ws.iter_rows(values_only=True)])
        for ws in wb.worksheets
        if ws.title not in (_META_SHEET, _INSTRUCTION_SHEET)
    ]
    return sheets, meta


def _csv_sheet(path: Path, data: bytes) -> list[tuple[str, list[list]]]:
    import csv

    from taskstats.textio import decode_bytes

    try:
        text, _ = decode_bytes(data, path)
    except InputError as exc:
        raise ProgressError(str(exc)) from exc
    return [("csv", [row for row in csv.reader(io.StringIO(text))])]


def _find_header(grid: list[list]) -> tuple[int, dict[str, int] | None]:
    lookup = {fold(a).lower(): name for name, aliases in _HEADER_ALIASES.items() for a in aliases}
    for i, row in enumerate(grid[:20]):
        columns = {}
        for j, cell in enumerate(row):
            name = lookup.get(fold(_cell_text(cell)).lower())
            if name and name not in columns:
                columns[name] = j
        if {"task_id", "milestone", "status"} <= set(columns):
            return i, columns
    return 0, None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(text: str) -> dt.date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _check_row(
    record: dict,
    district: str | None,
    tables: TaskTables,
    manifests: dict[str, Manifest],
    where: str,
    columns: dict[str, int],
    now: dt.datetime,
    seen: dict,
    problems: list[str],
) -> dict | None:
    from openpyxl.utils import get_column_letter

    def col(name: str) -> str:
        header = (
            next(c[0] for c in [*SHEET_COLUMNS, ("区县", "district", False, 0)] if c[1] == name)
            if name != "text"
            else "目标任务"
        )
        return (
            f"column {get_column_letter(columns[name] + 1)} ({header})"
            if name in columns
            else f"({header})"
        )

    before = len(problems)
    if not district or district not in manifests:
        problems.append(
            f"{where}: unknown district {district!r}; the sheet does not say "
            "which district it is for (use --district)"
        )
        return None
    tasks = tables.tasks[tables.tasks["district"] == district]
    texts = dict(zip(tasks["task_id"], tasks["text"], strict=True))
    task_id = record.get("task_id", "")
    if task_id not in texts:
        problems.append(f"{where}, {col('task_id')}: unknown task {task_id!r} in {district}")
    else:
        given, expected = record.get("text", ""), texts[task_id]
        if given.startswith("'") and not expected.startswith("'"):
            given = given[1:]  # the quote that kept a formula-like text from running
        if given and expected and fold(given) != fold(expected):
            problems.append(
                f"{where}, {col('text')}: task {task_id}'s text was edited; copy it "
                "unchanged from the task table"
            )
    milestones = schedule_dates(manifests[district])
    milestone = _parse_date(record.get("milestone", ""))
    if milestone is None or milestone not in milestones:
        problems.append(
            f"{where}, {col('milestone')}: milestone {record.get('milestone')!r} is "
            f"not in the schedule ({', '.join(d.isoformat() for d in milestones)})"
        )
    status = record.get("status", "")
    if status not in STATUSES:
        what = "missing" if not status else f"{status!r} is not allowed"
        problems.append(
            f"{where}, {col('status')}: status {what}; choose one of {', '.join(STATUSES)}"
        )
    reported = record.get("reported_on", "")
    reported_on = _parse_date(reported) if reported else None
    if reported and reported_on is None:
        problems.append(
            f"{where}, {col('reported_on')}: {reported!r} is not a date (use 2020-06-30)"
        )
    elif reported_on is not None:
        earliest = dt.date(milestones[0].year, 1, 1)
        if not earliest <= reported_on <= now.date():
            problems.append(
                f"{where}, {col('reported_on')}: date {reported_on} is out of range "
                f"({earliest} to {now.date()})"
            )
    if milestone is not None and task_id:
        key = (district, task_id, milestone.isoformat())
        if key in seen:
            problems.append(
                f"{where}: duplicate row for task {task_id} at {milestone}; first at {seen[key]}"
            )
        else:
            seen[key] = where
    if len(problems) > before:
        return None
    return {
        "district": district,
        "task_id": task_id,
        "milestone": milestone.isoformat(),
        "status": status,
        "standard": record.get("standard", ""),
        "progress": record.get("progress", ""),
        "evidence": record.get("evidence", ""),
        "contact": record.get("contact", ""),
        "reported_on": reported_on.isoformat() if reported_on else "",
    }


# --- the ledger as of a date -------------------------------------------------------------------


def current_reports(ledger: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """The latest report per district, task and milestone known by ``as_of``.

    A report is known from its 填报日期 (or, without one, its import date). Later imports
    supersede earlier ones for the figures; the ledger keeps them all.
    """
    if ledger.empty:
        return ledger.copy()
    return _latest(_ordered_reports(ledger), as_of).drop(columns="_key")


def _ordered_reports(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger in supersession order, with ``known_on`` and an integer key per task-node."""
    known_on = ledger["reported_on"].where(
        ledger["reported_on"] != "", ledger["imported_at"].str[:10]
    )
    key = ledger.groupby(["district", "task_id", "milestone"], sort=False).ngroup()
    out = ledger.assign(known_on=known_on, _key=key)
    return out.sort_values(["import_id", "known_on", "row"], kind="stable")


def _latest(ordered: pd.DataFrame, as_of: dt.date | str | None) -> pd.DataFrame:
    known = ordered if as_of is None else ordered[ordered["known_on"] <= _iso(as_of)]
    return known.drop_duplicates("_key", keep="last").reset_index(drop=True)


def milestone_status(
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    as_of: dt.date | str,
) -> pd.DataFrame:
    """Every task's every milestone, with its state as of a date.

    Returns:
        One row per district, task and milestone: ``due`` (the milestone has passed),
        ``status`` (done, on_track, behind, not_started; not_started when nothing was
        reported), ``reported``, ``overdue`` (due and not done), ``on_time`` (done, reported by
        the milestone), ``days_left`` (negative once past), ``quarter_end``; ``_task`` is the
        task's row in ``tables.tasks``. Rows run task by task, milestones in date order.
    """
    grid = _Grid.of(tables, schedules)
    reports = _Reports.of(tables, ledger, grid) if len(ledger) else None
    out = _status_at(tables, grid, reports, _day(_iso(as_of)))
    del reports
    _give_back_memory()
    return out


def _status_at(
    tables: TaskTables,
    grid: _Grid,
    reports: _Reports | None,
    as_of_day: int,
    nodes: np.ndarray | None = None,
) -> pd.DataFrame:
    """The status frame of the grid's nodes (or of ``nodes``, a mask) as of a day."""
    code = np.full(len(grid.task), -1, dtype=np.int8)
    known = np.full(len(grid.task), np.iinfo(np.int32).max, dtype=np.int32)
    if reports is not None:
        latest = reports.latest(as_of_day, len(grid.task))
        found = latest >= 0
        code[found] = reports.status[latest[found]]
        known[found] = reports.known[latest[found]]
    if nodes is None:
        return _status_frame(tables, grid.task, grid.milestone, code, known, as_of_day)
    return _status_frame(
        tables, grid.task[nodes], grid.milestone[nodes], code[nodes], known[nodes], as_of_day
    )


_CODES = np.array(["done", "on_track", "behind", "not_started"])


def _day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


@dataclass(frozen=True)
class _Grid:
    """Every (task row, milestone day) node of the districts in a schedule, task by task.

    ``first[t]`` is task row t's first node (-1 outside the schedule); ``index[d, k]`` is the
    position of day ``days[k]`` in district code d's schedule (-1 where it has no such node).
    """

    task: np.ndarray
    milestone: np.ndarray
    first: np.ndarray
    district: np.ndarray  # district code of each task row
    names: pd.Index  # district of each code
    days: np.ndarray
    index: np.ndarray

    @classmethod
    def of(cls, tables: TaskTables, schedules: dict[str, Sequence[dt.date]]) -> _Grid:
        codes, names = pd.factorize(tables.tasks["district"])
        # Rows grouped by district once: comparing every row with each name is quadratic.
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        code_of = {name: i for i, name in enumerate(names)}
        own = {
            code_of[d]: np.unique(np.array(dates, dtype="datetime64[D]").astype(np.int64))
            for d, dates in schedules.items()
            if d in code_of and len(dates)
        }
        days = np.unique(np.concatenate(list(own.values()))) if own else np.zeros(0, np.int64)
        index = np.full((len(names), len(days)), -1, dtype=np.int64)
        first = np.full(len(codes), -1, dtype=np.int64)
        tasks, nodes, start = [], [], 0
        for code, ms in own.items():
            rows = order[bounds[code] : bounds[code + 1]]
            index[code, np.searchsorted(days, ms)] = np.arange(len(ms))
            first[rows] = start + np.arange(len(rows)) * len(ms)
            start += len(rows) * len(ms)
            tasks.append(np.repeat(rows, len(ms)))
            nodes.append(np.tile(ms, len(rows)))
        if not tasks:
            tasks, nodes = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        return cls(
            np.concatenate(tasks), np.concatenate(nodes), first, codes, pd.Index(names), days, index
        )

    def node_of(self, task: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The node of each (task row, day) pair, -1 where the pair is not in the grid."""
        k = np.searchsorted(self.days, day).clip(0, max(len(self.days) - 1, 0))
        on_day = (task >= 0) & (len(self.days) > 0)
        on_day[on_day] &= self.days[k[on_day]] == day[on_day]
        out = np.full(len(task), -1, dtype=np.int64)
        t = task[on_day]
        j = self.index[self.district[t], k[on_day]]
        start = self.first[t]
        ok = (j >= 0) & (start >= 0)
        out[np.flatnonzero(on_day)[ok]] = start[ok] + j[ok]
        return out


@dataclass(frozen=True)
class _Reports:
    """The ledger's reports on grid nodes as integer arrays, each with its supersession rank.

    A report supersedes another of the same node when it was imported later, then when it was
    reported later, then when its sheet row is later, then when it comes later in the ledger.
    ``rank`` orders reports so; ``position`` maps a rank back to the report.
    """

    node: np.ndarray
    known: np.ndarray
    status: np.ndarray
    rank: np.ndarray
    by_rank: np.ndarray | None  # report of each rank, when ranks are not positions in disguise
    low_bits: int

    @classmethod
    def of(cls, tables: TaskTables, ledger: pd.DataFrame, grid: _Grid) -> _Reports:
        # A million rows at a time, so that the working arrays of a large ledger stay small.
        index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]])
        parts = [
            cls._chunk(index, ledger.iloc[start : start + _CHUNK], grid)
            for start in range(0, max(len(ledger), 1), _CHUNK)
        ]
        columns = []
        for i in range(5):  # column by column, each chunk's part dropped once joined
            columns.append(np.concatenate([p[i] for p in parts]))
            for p in parts:
                p[i] = None
        node, known, status, imports, rows = columns
        del columns, parts
        # The four keys packed into one integer when they fit (no sort needed), else a sort.
        keys = [imports, known, rows, None]  # None: the position in the ledger
        low = [int(k.min()) if len(k) else 0 for k in keys[:3]] + [0]
        high = [int(k.max()) if len(k) else 0 for k in keys[:3]] + [max(len(node) - 1, 0)]
        widths = [(h - lo).bit_length() for h, lo in zip(high, low, strict=True)]
        if sum(widths) <= 62:
            rank = np.zeros(len(node), dtype=np.int64)
            for start in range(0, len(node), _CHUNK):  # in slices: no full-length temporaries
                part = rank[start : start + _CHUNK]
                for key, base, width in zip(keys, low, widths, strict=True):
                    part <<= width
                    if key is None:
                        part |= np.arange(start, start + len(part), dtype=np.int64)
                    else:
                        part |= key[start : start + _CHUNK].astype(np.int64) - base
            by_rank, low_bits = None, widths[-1]
        else:
            by_rank = np.lexsort((rows, known, imports))
            rank = np.empty(len(node), dtype=np.int64)
            rank[by_rank] = np.arange(len(node))
            low_bits = 0
        return cls(node, known, status, rank, by_rank, low_bits)

    @staticmethod
    def _chunk(index: pd.MultiIndex, ledger: pd.DataFrame, grid: _Grid) -> list[np.ndarray | None]:
        """Node, day known, status, import and row of the rows on grid nodes."""
        task = _task_rows(index, ledger["district"], ledger["task_id"])
        reported = _days_of(ledger["reported_on"])
        known = np.where(reported >= 0, reported, _days_of(ledger["imported_at"]))
        node = grid.node_of(task, _days_of(ledger["milestone"]))
        keep = np.flatnonzero(node >= 0)
        return [
            _narrow(node[keep]),
            known[keep].astype(np.int32),
            _status_codes(ledger["status"])[keep],
            _narrow(ledger["import_id"].to_numpy()[keep]),
            _narrow(ledger["row"].to_numpy()[keep]),
        ]

    def position(self, rank: np.ndarray) -> np.ndarray:
        """The report of each rank (-1 stays -1)."""
        if self.by_rank is None:
            out = rank & ((1 << self.low_bits) - 1)
        else:
            out = self.by_rank[rank.clip(0)]
        return np.where(rank >= 0, out, -1)

    def latest(self, day: int, nodes: int) -> np.ndarray:
        """Per node, the position of its latest report known by ``day`` (-1: none)."""
        where = np.flatnonzero(self.known <= day)
        best = np.full(nodes, -1, dtype=np.int64)
        np.maximum.at(best, self.node[where], self.rank[where])
        return self.position(best)

    def updates_by_day(
        self, days: Sequence[int], nodes: int
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """For each of ``days`` (ascending): the nodes with reports known since the day
        before, and the position of each one's latest report (each report scattered once)."""
        by_known = np.argsort(self.known, kind="stable")
        known = self.known[by_known]
        best = np.full(nodes, -1, dtype=np.int64)
        done = 0
        for day in days:
            upto = int(np.searchsorted(known, day, side="right"))
            new = by_known[done:upto]
            np.maximum.at(best, self.node[new], self.rank[new])
            done = upto
            touched = np.zeros(nodes, dtype=bool)
            touched[self.node[new]] = True
            touched = np.flatnonzero(touched)
            yield touched, self.position(best[touched])


_CHUNK = 1 << 20


def _narrow(values: np.ndarray) -> np.ndarray:
    """Integers as int32 when they fit (half the memory of a large ledger's columns)."""
    if not len(values) or (values.min() >= -(2**31) and values.max() < 2**31):
        return values.astype(np.int32)
    return values


def _task_rows(index: pd.MultiIndex, district: pd.Series, task_id: pd.Series) -> np.ndarray:
    """Each (district, task_id)'s row in ``index`` (the tasks' keys), -1 where there is none.

    The pairs are factorised as integers (a profile showed tuples of a MultiIndex to be the
    slowest part of reading a large ledger), then only the distinct pairs are looked up.
    """
    d_codes, d_names = pd.factorize(district)
    t_codes, t_names = pd.factorize(task_id)
    pair_codes, pairs = pd.factorize(d_codes.astype(np.int64) * (len(t_names) + 1) + t_codes)
    distinct = pd.MultiIndex.from_arrays(
        [
            np.asarray(d_names)[pairs // (len(t_names) + 1)],
            np.asarray(t_names)[pairs % (len(t_names) + 1)],
        ]
    )
    return index.get_indexer(distinct)[pair_codes]


def _days_of(values: pd.Series) -> np.ndarray:
    """Days since 1970 of ISO dates (a date-time's first ten characters); -1 where none."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        days = _days(pd.Series(values.cat.categories.astype(str)))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, days[codes], -1)
    return _days(values)


def _days(values: pd.Series) -> np.ndarray:
    parsed = pd.to_datetime(values.astype(str).str[:10], format="%Y-%m-%d", errors="coerce")
    out = parsed.to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.where(parsed.isna().to_numpy(), -1, out)


def _status_codes(values: pd.Series) -> np.ndarray:
    lookup = {k: i for i, k in enumerate(STATUSES)}
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.array([lookup.get(str(c), -1) for c in values.cat.categories], dtype=np.int8)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[codes], -1).astype(np.int8)
    return values.map(lookup).fillna(-1).astype(np.int8).to_numpy()


def _status_frame(
    tables: TaskTables,
    task: np.ndarray,
    milestone: np.ndarray,
    code: np.ndarray,
    known: np.ndarray,
    as_of_day: int,
) -> pd.DataFrame:
    reported = code >= 0
    status = np.where(reported, code, 3)  # nothing reported counts as not started
    due = milestone <= as_of_day
    done = status == 0
    days, day_codes = np.unique(milestone, return_inverse=True)
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    quarter_end = ((months + 1).astype("datetime64[D]") - 1 == dates) & (
        (months.astype(np.int64) % 12 + 1) % 3 == 0
    )
    district_codes, districts = pd.factorize(tables.tasks["district"])
    task_codes, task_ids = pd.factorize(tables.tasks["task_id"])
    return pd.DataFrame(
        {
            "district": pd.Categorical.from_codes(district_codes[task], categories=districts),
            "task_id": pd.Categorical.from_codes(task_codes[task], categories=task_ids),
            "milestone": pd.Categorical.from_codes(
                day_codes, categories=np.datetime_as_string(dates, unit="D"), ordered=True
            ),
            "status": pd.Categorical.from_codes(status, categories=_CODES),
            "reported": reported,
            "due": due,
            "overdue": due & ~done,
            "on_time": done & (known <= milestone),
            "days_left": (milestone - as_of_day).astype(np.int64),
            "quarter_end": quarter_end[day_codes],
            "_task": task,
        }
    )


def _schedule_frame(schedules: dict[str, Sequence[dt.date]]) -> pd.DataFrame:
    rows = [(d, day.isoformat()) for d, dates in schedules.items() for day in dates]
    return pd.DataFrame(rows, columns=["district", "milestone"])


def completion_rates(
    tables: TaskTables,
    status: pd.DataFrame,
    *,
    by: str = "district",
) -> pd.DataFrame:
    """Milestones due, done, on track, behind, not started and overdue, with rates.

    Args:
        tables: The tidy tables (for leaders, units, sources and sections).
        status: :func:`milestone_status` output.
        by: ``district``, ``leader``, ``unit`` (lead units), ``source`` or ``section``.

    Returns:
        One row per group: ``due``, ``done``, ``on_track``, ``behind``, ``not_started``,
        ``overdue`` (all counted over due milestones), ``completion_rate`` (done / due) and
        ``on_time_rate`` (done by the milestone / due); NaN rates where nothing is due.
    """
    if by not in ("district", "leader", "unit", "source", "section"):
        raise ValueError("by must be 'district', 'leader', 'unit', 'source' or 'section'")
    per_task = _task_counts(tables, status)
    keys = ["district"] if by == "district" else ["district", by]
    if by in ("source", "section"):
        per_task[by] = tables.tasks[by].to_numpy()[per_task["_task"].to_numpy()]
    elif by in ("leader", "unit"):
        per_task = per_task.merge(_people_of_tasks(tables, by), on="_task")
    counts = per_task.drop(columns="_task").groupby(keys, sort=False, observed=True).sum()
    out = counts.astype("int64").reset_index()
    out["completion_rate"] = out["done"] / out["due"].where(out["due"] > 0)
    out["on_time_rate"] = out["on_time"] / out["due"].where(out["due"] > 0)
    out = out.astype({k: str for k in keys})
    return out.drop(columns="on_time")


_COUNTED = ["due", "done", "on_track", "behind", "not_started", "overdue", "on_time"]


def _task_counts(tables: TaskTables, status: pd.DataFrame) -> pd.DataFrame:
    """Per task in ``status`` (in order of appearance): its due nodes counted by state."""
    task = status["_task"].to_numpy()
    due = status["due"].to_numpy(dtype=bool)
    code = pd.Categorical(status["status"], categories=_CODES).codes
    n = len(tables.tasks)
    t, c = task[due], code[due]
    counts = {"due": np.bincount(t, minlength=n)}
    for i, name in enumerate(_CODES):
        counts[str(name)] = np.bincount(t[c == i], minlength=n)
    for name in ("overdue", "on_time"):
        counts[name] = np.bincount(t[status[name].to_numpy(dtype=bool)[due]], minlength=n)
    rows = pd.unique(task)
    out = pd.DataFrame({"_task": rows, "district": tables.tasks["district"].to_numpy()[rows]})
    for name in _COUNTED:
        out[name] = counts[name][rows]
    return out


def _people_of_tasks(tables: TaskTables, by: str) -> pd.DataFrame:
    """Named leaders (or lead units) of each task, by the task's row in ``tables.tasks``."""
    people = (
        tables.task_leaders
        if by == "leader"
        else tables.task_units[tables.task_units["role"] == "lead"]
    )
    named = people[~people["collective"]]
    index = pd.MultiIndex.from_frame(tables.tasks[["district", "task_id"]])
    rows = index.get_indexer(pd.MultiIndex.from_frame(named[["district", "task_id"]]))
    return pd.DataFrame({"_task": rows, by: named[by].to_numpy()})


def completion_trend(
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    *,
    by: str = "district",
) -> pd.DataFrame:
    """Completion rates as of each milestone: the trend over reporting periods."""
    own = _schedule_frame(schedules)
    if by == "district":
        out = _district_trend(tables, ledger, schedules, own)
        _give_back_memory()
        return out
    grid = _Grid.of(tables, schedules)  # the grid and the ledger's reports built once
    reports = _Reports.of(tables, ledger, grid) if len(ledger) else None
    frames = []
    for day in sorted(set(own["milestone"])):
        # Each district's trend is read at its own milestones only.
        read = grid.names.isin(own.loc[own["milestone"] == day, "district"])
        status = _status_at(tables, grid, reports, _day(day), read[grid.district[grid.task]])
        frames.append(completion_rates(tables, status, by=by).assign(as_of=day))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["district", "as_of"], kind="stable", ignore_index=True)


def _district_trend(
    tables: TaskTables,
    ledger: pd.DataFrame,
    schedules: dict[str, Sequence[dt.date]],
    own: pd.DataFrame,
) -> pd.DataFrame:
    """The per-district trend: the grid's nodes tallied by district and milestone, and the
    tallies updated day by day for the nodes with new reports only."""
    grid = _Grid.of(tables, schedules)
    reports = _Reports.of(tables, ledger, grid) if len(ledger) else None
    names = grid.names
    n, m = len(names), len(grid.days)
    cell = grid.district[grid.task] * m + np.searchsorted(grid.days, grid.milestone)
    nodes_in = np.bincount(cell, minlength=n * m).reshape(n, m)
    tally = np.zeros((n * m, 4), dtype=np.int64)  # done, on_track, behind, on_time
    state = np.full(len(grid.task), -1, dtype=np.int8)  # the latest report's status code
    timely = np.zeros(len(grid.task), dtype=bool)  # ... done by the milestone
    days = sorted(set(own["milestone"]))
    updates = (
        reports.updates_by_day([_day(d) for d in days], len(grid.task))
        if reports is not None
        else None
    )
    rows = []
    for day in days:
        if updates is not None:
            touched, pos = next(updates)
            _retally(tally, cell[touched], state[touched], timely[touched], -1)
            state[touched] = reports.status[pos]
            timely[touched] = (state[touched] == 0) & (
                reports.known[pos] <= grid.milestone[touched]
            )
            _retally(tally, cell[touched], state[touched], timely[touched], 1)
        # Each district is read at its own milestones, over the nodes due by then.
        districts = own.loc[own["milestone"] == day, "district"].unique()
        codes = names.get_indexer(districts)
        passed = grid.days <= _day(day)
        due = np.append(nodes_in[:, passed].sum(axis=1), 0)[codes]
        counts = np.vstack(
            [tally.reshape(n, m, 4)[:, passed, :].sum(axis=1), np.zeros((1, 4), np.int64)]
        )[codes]
        part = pd.DataFrame(counts, columns=["done", "on_track", "behind", "on_time"])
        part.insert(0, "due", due)
        part.insert(0, "district", districts)
        rows.append(part.assign(as_of=day))
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True).astype(
        {k: "int64" for k in ("due", "done", "on_track", "behind", "on_time")}
    )
    out["not_started"] = out["due"] - out["done"] - out["on_track"] - out["behind"]
    out["overdue"] = out["due"] - out["done"]
    out["completion_rate"] = out["done"] / out["due"].where(out["due"] > 0)
    out["on_time_rate"] = out["on_time"] / out["due"].where(out["due"] > 0)
    out = out[
        [
            "district",
            "due",
            "done",
            "on_track",
            "behind",
            "not_started",
            "overdue",
            "completion_rate",
            "on_time_rate",
            "as_of",
        ]
    ]
    return out.sort_values(["district", "as_of"], kind="stable", ignore_index=True)


def _retally(
    tally: np.ndarray, cells: np.ndarray, code: np.ndarray, timely: np.ndarray, sign: int
) -> None:
    """Add (or, with sign -1, remove) nodes' latest reports to the per-cell tallies."""
    for i in range(3):
        np.add.at(tally[:, i], cells[code == i], sign)
    np.add.at(tally[:, 3], cells[timely], sign)


# --- warnings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """Traffic-light rules, loaded from TOML (see ``taskstats/rules/``)."""

    name: str
    description: str
    rules: tuple[dict, ...]


_LIGHTS = {"green": 0, "yellow": 1, "red": 2}
_WHEN = {"overdue", "status", "due_within", "consecutive"}


def load_rules(name_or_path: str | Path = "default") -> RuleSet:
    """A bundled rule set (``default``, ``monthly``) or one from a TOML file.

    Raises:
        InputError: The file is missing or a rule is malformed.
    """
    path = Path(name_or_path)
    try:
        if path.suffix == ".toml":
            text = path.read_text(encoding="utf-8")
        else:
            text = (
                resources.files("taskstats")
                .joinpath(f"rules/{name_or_path}.toml")
                .read_text(encoding="utf-8")
            )
    except (FileNotFoundError, OSError) as exc:
        bundled = sorted(
            p.name[:-5]
            for p in resources.files("taskstats").joinpath("rules").iterdir()
            if p.name.endswith(".toml")
        )
        raise InputError(
            f"no rule set {str(name_or_path)!r}; bundled: {', '.join(bundled)}"
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"rule set is not valid TOML: {exc}", path=path) from exc
    rules = tuple(data.get("rule", []))
    for i, rule in enumerate(rules, 1):
        if rule.get("light") not in ("red", "yellow") or rule.get("when") not in _WHEN:
            raise InputError(
                f"rule {i}: 'light' must be red or yellow and 'when' one of "
                f"{', '.join(sorted(_WHEN))}",
                path=path,
            )
    return RuleSet(str(data.get("name", path.stem)), str(data.get("description", "")), rules)


def traffic_lights(status: pd.DataFrame, rules: RuleSet | None = None) -> pd.DataFrame:
    """A light per task (red, yellow, green) from a rule set, each with its reasons.

    Returns:
        One row per district and task: ``light`` and ``reasons`` (the rules that set it,
        in Chinese, joined with "；").
    """
    rules = rules or load_rules("default")
    nodes = _Nodes.of(status)
    level = np.zeros(nodes.tasks, dtype=np.int8)
    fired = []  # per rule: its level and order, the rows it fires on and their reason codes
    texts: list[str] = []
    for order, rule in enumerate(rules.rules):
        rows, reason = _fire(rule, nodes, texts)
        if len(rows):
            fired.append((_LIGHTS[rule["light"]], order, rows, reason))
            np.maximum.at(level, nodes.task[rows], _LIGHTS[rule["light"]])
    reasons = np.full(nodes.tasks, "", dtype=object)
    if fired:
        # The reasons are those of the rules at the task's highest level, rule by rule and
        # node by node, each text once.
        rows = np.concatenate([r for _, _, r, _ in fired])
        task = nodes.task[rows]
        lvl = np.concatenate([np.full(len(r), v, np.int8) for v, _, r, _ in fired])
        rule = np.concatenate([np.full(len(r), o) for _, o, r, _ in fired])
        reason = np.concatenate([c for _, _, _, c in fired])
        top = lvl == level[task]
        task, rule, rows, reason = task[top], rule[top], rows[top], reason[top]
        order = np.lexsort((rows, rule, task))
        task, reason = task[order], reason[order]
        once = ~pd.Series(task * (len(texts) + 1) + reason).duplicated().to_numpy()
        task, reason = task[once], reason[once]
        text = np.asarray(texts, dtype=object)[reason].tolist()
        starts = np.flatnonzero(np.r_[True, task[1:] != task[:-1]])
        ends = np.r_[starts[1:], len(task)]
        reasons[task[starts]] = ["；".join(text[a:b]) for a, b in zip(starts, ends, strict=True)]
    names = np.array(list(_LIGHTS))
    first = nodes.first
    heads = nodes.status[["district", "task_id"]].iloc[first].astype(str)
    _give_back_memory()
    return pd.DataFrame(
        {
            "district": heads["district"].to_numpy(),
            "task_id": heads["task_id"].to_numpy(),
            "light": pd.array(names[level], dtype="str"),
            "reasons": pd.array(reasons, dtype="str"),
        }
    )


@dataclass(frozen=True)
class _Nodes:
    """A status frame sorted by district, task and milestone, with an integer code per task."""

    status: pd.DataFrame
    task: np.ndarray
    first: np.ndarray
    tasks: int
    codes: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, status: pd.DataFrame) -> _Nodes:
        keys = [_sort_codes(status[c]) for c in ("district", "task_id", "milestone")]
        if _in_order(keys):  # as milestone_status returns it, mostly: no copy needed
            status = status.reset_index(drop=True)
            d, t = keys[0], keys[1]
        else:
            order = np.lexsort(keys[::-1])
            status = status.iloc[order].reset_index(drop=True)
            d, t = keys[0][order], keys[1][order]
        new = np.r_[True, (d[1:] != d[:-1]) | (t[1:] != t[:-1])] if len(d) else np.zeros(0, bool)
        task = np.cumsum(new) - 1
        codes, names = pd.factorize(status["milestone"])
        names = np.asarray(names).astype(str)
        return cls(status, task, np.flatnonzero(new), int(new.sum()), (codes, names))

    @property
    def milestone(self) -> np.ndarray:
        return self.codes[0]

    @property
    def milestone_names(self) -> np.ndarray:
        return self.codes[1]

    def flag(self, name: str) -> np.ndarray:
        return self.status[name].to_numpy(dtype=bool)

    def eq(self, name: str, value: str) -> np.ndarray:
        return self.status[name].eq(value).to_numpy(dtype=bool)


def _in_order(keys: list[np.ndarray]) -> bool:
    """Whether rows are already sorted by the keys, first key first."""
    if not len(keys[0]):
        return True
    tied = np.ones(len(keys[0]) - 1, dtype=bool)  # rows equal to the one before so far
    for key in keys:
        step = np.diff(key.astype(np.int64))
        if (tied & (step < 0)).any():
            return False
        tied &= step == 0
    return True


def _sort_codes(values: pd.Series) -> np.ndarray:
    """Integers that sort as ``sort_values`` sorts the column."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy()
    return pd.factorize(values, sort=True)[0]


def _texts(texts: list[str], rows: np.ndarray, fmt, *columns: np.ndarray) -> np.ndarray:
    """Reason codes for ``rows``: each distinct combination of ``columns`` formatted once."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame({i: c[rows] for i, c in enumerate(columns)})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame))
    start = len(texts)
    texts.extend(fmt(*u) for u in uniques)
    return codes + start


def _fire(rule: dict, nodes: _Nodes, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rows (of ``nodes.status``) where a rule fires, and a reason code for each."""
    when = rule["when"]
    day = nodes.milestone_names
    if when == "overdue":
        hit = nodes.flag("overdue")
        which = rule.get("nodes", "any")
        if which == "quarter_end":
            hit = hit & nodes.flag("quarter_end")
        elif which == "month_end":
            hit = hit & ~nodes.flag("quarter_end")
        rows = np.flatnonzero(hit)
        return rows, _texts(texts, rows, lambda m: f"节点{day[m]}逾期未完成", nodes.milestone)
    if when == "status":
        wanted = rule.get("status", "滞后")
        hit = (nodes.flag("due") | nodes.flag("reported")) & nodes.eq(
            "status", STATUSES.get(wanted, wanted)
        )
        rows = np.flatnonzero(hit)
        return rows, _texts(texts, rows, lambda m: f"节点{day[m]}报告{wanted}", nodes.milestone)
    if when == "due_within":
        days = int(rule.get("days", 15))
        left = nodes.status["days_left"].to_numpy().astype(np.int64)
        hit = ~nodes.flag("due") & (left <= days) & ~nodes.eq("status", "done")
        rows = np.flatnonzero(hit)
        return rows, _texts(
            texts,
            rows,
            lambda m, n: f"节点{day[m]}将于{n}天内到期，尚未完成",
            nodes.milestone,
            left,
        )
    if when == "consecutive":
        # The run of missed nodes that ends each task's due nodes.
        count = int(rule.get("count", 2))
        due = np.flatnonzero(nodes.flag("due"))
        task = nodes.task[due]
        missed = nodes.flag("overdue")[due]
        bounds = np.r_[0, np.flatnonzero(task[1:] != task[:-1]) + 1, len(task)]
        starts = bounds[:-1] if len(task) else bounds[:0]
        position = np.arange(len(task)) - np.repeat(starts, np.diff(bounds) if len(task) else 0)
        last_ok = np.full(nodes.tasks, -1, dtype=np.int64)
        np.maximum.at(last_ok, task[~missed], position[~missed])
        run = np.zeros(len(nodes.task), dtype=np.int64)
        run[due] = position - last_ok[task]
        last = np.zeros(len(nodes.task), dtype=bool)
        last[due[bounds[1:] - 1] if len(task) else due] = True
        rows = np.flatnonzero(last & (run >= count))
        return rows, _texts(texts, rows, lambda n: f"连续{n}个节点未完成", run)
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def red_list(tables: TaskTables, lights: pd.DataFrame) -> pd.DataFrame:
    """The red-light tasks (挂牌督办), with text, lead units, leaders and reasons."""
    red = lights[lights["light"] == "red"]
    tasks = tables.tasks[["district", "task_id", "seq", "text", "source"]]
    units = (
        tables.task_units[tables.task_units["role"] == "lead"]
        .groupby(["district", "task_id"])["unit"]
        .agg("、".join)
        .rename("lead_units")
    )
    leaders = (
        tables.task_leaders.groupby(["district", "task_id"])["leader"]
        .agg("、".join)
        .rename("leaders")
    )
    out = red.merge(tasks, on=["district", "task_id"], how="left")
    out = out.join(units, on=["district", "task_id"]).join(leaders, on=["district", "task_id"])
    out = out.fillna({"lead_units": "", "leaders": ""}).sort_values(["district", "seq"])
    return out[
        ["district", "task_id", "text", "lead_units", "leaders", "source", "reasons"]
    ].reset_index(drop=True)


# --- simulated ledgers -----------------------------------------------------------------------


def demo_ledger(
    tables: TaskTables,
    schedules: dict[str, Sequence[dt.date]],
    *,
    seed: int = 2020,
) -> pd.DataFrame:
    """A plausible, simulated progress history for each district, marked ``simulated``.

    Each task gets a steady pace drawn at random; at each milestone its unit reports a few
    days after the node (已完成 most often, 序时推进, 滞后 or 未启动 otherwise), and some nodes
    get an earlier report that a later one supersedes. Deterministic for a given seed.
    """
    rng = np.random.default_rng(seed)
    frames = []
    import_id = 0
    labels = np.array(list(STATUSES))
    for district in sorted(schedules):
        dates = sorted(schedules[district])
        tasks = tables.tasks.loc[tables.tasks["district"] == district, "task_id"].to_numpy()
        n, k = len(tasks), len(dates)
        if not n:
            continue
        pace = rng.beta(6, 2, size=n)
        # Done more often as the year goes on; otherwise on track, behind or not started.
        p_done = np.minimum(0.97, pace[:, None] * (0.75 + 0.25 * np.arange(1, k + 1) / k))
        draw = rng.random((n, k))
        rest = (draw - p_done) / (1 - p_done)
        status = np.where(draw < p_done, 0, np.where(rest < 0.5, 1, np.where(rest < 0.85, 2, 3)))
        early = rng.random((n, k)) < 0.15  # an early report, superseded by the one at the node
        late = (status != 0) & (rng.random((n, k)) < 0.35)  # finished after the node
        offsets = {
            "early": rng.integers(10, 20, (n, k)),
            "final": rng.integers(0, 5, (n, k)),
            "late": rng.integers(10, 25, (n, k)),
        }
        day = np.array([np.datetime64(d) for d in dates])[None, :].repeat(n, axis=0)
        task = tasks[:, None].repeat(k, axis=1)
        ids = import_id + 1 + np.arange(k)[None, :].repeat(n, axis=0)
        import_id += k
        parts = [
            (early, day - offsets["early"], np.full((n, k), "序时推进"), 1),
            (np.ones((n, k), bool), day - offsets["final"], labels[status], 2),
            (late, day + offsets["late"], np.full((n, k), "已完成"), 3),
        ]
        for mask, reported, what, row in parts:
            reported_on = reported[mask].astype("datetime64[D]").astype(str)
            frames.append(
                pd.DataFrame(
                    {
                        "import_id": ids[mask],
                        "imported_at": np.char.add(reported_on, "T09:00:00"),
                        "file": "simulated",
                        "file_sha256": np.char.add(
                            f"simulated-{district}-", day[mask].astype("datetime64[D]").astype(str)
                        ),
                        "sheet": "模拟数据",
                        "row": row,
                        "district": district,
                        "task_id": task[mask],
                        "milestone": day[mask].astype("datetime64[D]").astype(str),
                        "status": what[mask],
                        "standard": "",
                        "progress": "（模拟数据）",
                        "evidence": "",
                        "contact": "",
                        "reported_on": reported_on,
                        "simulated": True,
                    }
                )
            )
    if not frames:
        return _empty_ledger()
    ledger = pd.concat(frames, ignore_index=True)
    ledger = ledger.sort_values(["import_id", "task_id", "row"], kind="stable", ignore_index=True)
    return _typed_ledger(ledger[LEDGER_COLUMNS].astype(str))


def write_demo_ledger(ledger: pd.DataFrame, store_dir: str | Path | None = None) -> Path:
    """Write a simulated ledger beside the real one (``demo_ledger.csv``), atomically."""
    store = Path(store_dir or config.processed_data_dir() / "progress")
    with exclusive(store):
        target = store / DEMO_FILE
        _write_ledger(ledger, target)
    return target


def ledger_for(
    districts: Iterable[str], store_dir: str | Path | None = None
) -> tuple[pd.DataFrame, bool]:
    """The real ledger's reports for these districts, or the simulated one when none exist.

    Returns:
        The ledger and whether it is simulated.
    """
    districts = list(districts)
    real = read_ledger(store_dir, districts=districts)
    if len(real):
        return real, False
    return read_ledger(store_dir, DEMO_FILE, districts=districts), True


def _iso(day: dt.date | str) -> str:
    if isinstance(day, dt.date):
        return day.isoformat()
    try:
        return dt.date.fromisoformat(str(day)).isoformat()
    except ValueError as exc:
        raise InputError(f"{day!r} is not a date (use 2020-06-30)") from exc
