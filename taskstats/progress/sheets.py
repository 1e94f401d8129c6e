"""Filled-in progress sheets in: every row checked, then appended to the ledger or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats import config
from taskstats.errors import InputError, ProgressError
from taskstats.io.files import read_with_sha256, remove_stale_temps
from taskstats.io.grid import Sheet, csv_rows, read_workbook
from taskstats.io.locking import exclusive
from taskstats.io.text import decode_bytes
from taskstats.progress.ledger import LEDGER_FILE, read_ledger, write_ledger
from taskstats.progress.schedule import schedule_dates
from taskstats.progress.template import INSTRUCTION_SHEET, META_SHEET, SHEET_COLUMNS
from taskstats.readers.header import find_header
from taskstats.tidy.manifest import Manifest
from taskstats.tidy.normalize import fold
from taskstats.tidy.schema import LEDGER_COLUMNS, STATUSES, TaskTables

HEADER_ALIASES = {  # progress-sheet header words, per ledger field
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
    "unit": ("报送单位", "填报单位", "unit"),
}


@dataclass
class ImportResult:
    """What an import did: rows appended, files skipped as already imported."""

    appended: int = 0
    older: int = 0  # rows older (by 填报日期) than reports already held: kept, not used
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
    # Every file is read and checked before the lock is taken: nothing waits on input while
    # holding it, and a file that cannot be read (a FIFO, a device, too large) stops nothing.
    known = set(
        read_ledger(store, columns=["import_id", "row", "simulated", "file_sha256"])[
            "file_sha256"
        ].astype(str)
    )
    batch, problems, result = [], [], ImportResult(ledger_path=store / LEDGER_FILE)
    seen: dict[tuple[str, str, str], str] = {}
    names: dict[str, str] = {}
    for path in (Path(p) for p in paths):
        data, digest = _read_bytes(path)
        if digest in known or digest in names:
            result.skipped_files.append(path.name)
            continue
        rows, file_problems = _parse_file(path, data, tables, manifests, district, now, seen)
        problems.extend(file_problems)
        for row in rows:
            row.update(file=path.name, file_sha256=digest)
        batch.extend(rows)
        names[digest] = path.name
    if problems:
        raise ProgressError(
            f"{len(problems)} problem(s); nothing was imported:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    with exclusive(store):
        remove_stale_temps(store)  # left by a killed import
        ledger = read_ledger(store)
        again = set(ledger["file_sha256"].astype(str)) & set(names)  # imported meanwhile
        result.skipped_files.extend(names[d] for d in again)
        result.imported_files = [n for d, n in names.items() if d not in again]
        batch = [row for row in batch if row["file_sha256"] not in again]
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
        new = pd.DataFrame(batch, columns=LEDGER_COLUMNS).fillna({"unit": ""})
        result.older = older_than_held(new, ledger)
        combined = pd.concat([ledger, new], ignore_index=True) if len(ledger) else new
        write_ledger(combined, store / LEDGER_FILE)
        result.appended = len(new)
        return result


def _read_bytes(path: Path) -> tuple[bytes, str]:
    try:
        return read_with_sha256(path)
    except InputError as exc:
        raise ProgressError(str(exc)) from exc


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
    try:
        if suffix in (".xlsx", ".xlsm") and data[:4] == b"PK\x03\x04":
            sheets, skipped = read_workbook(path, data, skip=(META_SHEET, INSTRUCTION_SHEET))
            meta = {r[0]: r[1] for r in skipped.get(META_SHEET, []) if len(r) > 1 and r[0]}
        elif suffix == ".csv":
            sheets, meta = [Sheet("csv", csv_rows(decode_bytes(data, path)[0], path, "csv"))], {}
        else:
            return [], [
                f"{path}: not a progress sheet: expected an .xlsx workbook made by "
                "`taskstats template` or a .csv with its columns"
            ]
    except InputError as exc:
        raise ProgressError(str(exc)) from exc
    district = meta.get("district") or district
    rows, problems = [], []
    for sheet in sheets:
        header_at, columns = find_header(
            sheet.rows, HEADER_ALIASES, {"task_id", "milestone", "status"}
        )
        unit = sheet_unit(sheet.name, tables, district)
        if columns is None:
            what = "is empty" if not sheet.rows else "has no progress header (序号, 节点, 状态)"
            problems.append(f"{path}, sheet {sheet.name!r}: the sheet {what}")
            continue
        for cell in sheet.unsaved_formulas:
            problems.append(
                f"{path}, sheet {sheet.name!r}, cell {cell}: a formula with no saved value "
                "(the program that wrote the file did not calculate it); open the file in "
                "Excel or WPS and save it, or type the value instead of the formula"
            )
        for row in sheet.rows[header_at + 1 :]:
            record = {
                name: row.cells[i].strip() if i < len(row.cells) else ""
                for name, i in columns.items()
            }
            row_district = record.pop("district", "") or district
            record["unit"] = record.get("unit", "") or unit
            if not any(
                record.get(k)
                for k in ("standard", "progress", "status", "evidence", "contact", "reported_on")
            ):
                continue  # not filled in yet
            where = f"{path}, sheet {sheet.name!r}, row {row.line}"
            parsed = _check_row(
                record, row_district, tables, manifests, where, columns, now, seen, problems
            )
            if parsed is not None:
                parsed.update(sheet=sheet.name, row=row.line)
                rows.append(parsed)
    if not sheets:
        problems.append(f"{path}: the file holds no sheet")
    return rows, problems


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
    if "due_date" in tasks.columns and task_id in texts:
        own = tasks.loc[tasks["task_id"] == task_id, "due_date"].iloc[0]
        if own and dt.date.fromisoformat(own) not in milestones:
            milestones = sorted([*milestones, dt.date.fromisoformat(own)])
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
        # Co-lead units report on the same task and node, each once.
        key = (district, task_id, milestone.isoformat(), record.get("unit", ""))
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
        "unit": record.get("unit", ""),
    }


def sheet_unit(name: str, tables: TaskTables, district: str | None) -> str:
    """The reporting unit a sheet stands for: the lead unit it is named after (as ``taskstats
    template --by-unit`` names sheets, at most 28 characters), else none ("")."""
    units = tables.task_units
    lead = units[(units["role"] == "lead") & (units["district"] == district)]["unit"]
    for unit in pd.unique(lead.astype(str)):
        cleaned = "".join(ch for ch in unit if ch not in "[]:*?/\\").strip()
        if name in (unit, cleaned[:28]):
            return unit
    return ""


def older_than_held(new: pd.DataFrame, ledger: pd.DataFrame) -> int:
    """How many new rows are dated (填报日期) before a report already held for the same task,
    node and unit: they stay in the history and change no figure."""
    if ledger.empty or new.empty:
        return 0
    keys = ["district", "task_id", "milestone", "unit"]
    held = ledger[[*keys, "reported_on"]].astype(str)
    held = held[held["reported_on"] != ""].groupby(keys)["reported_on"].max().rename("held")
    rows = new[[*keys, "reported_on"]].astype(str).join(held, on=keys)
    dated = (rows["reported_on"] != "") & rows["held"].notna()
    return int((dated & (rows["reported_on"] < rows["held"].fillna(""))).sum())


# --- the ledger as of a date -------------------------------------------------------------------
