"""Returned progress sheets in: every row checked, then appended to the ledger, with a receipt
(回执) per file saying what became of each row."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats import config
from taskstats.errors import InputError, Problem, ProgressError
from taskstats.io.files import read_with_sha256, remove_stale_temps
from taskstats.io.locking import exclusive
from taskstats.measures.nodes import lead_units
from taskstats.measures.status import current_reports
from taskstats.progress.ledger import LEDGER_FILE, read_ledger, write_ledger
from taskstats.progress.receipts import FileReceipt
from taskstats.progress.returned import (
    FILLED_IN,
    Returned,
    Table,
    place_district,
    read_returned,
    reporting_unit,
)
from taskstats.progress.schedule import schedule_dates
from taskstats.progress.template import template_rows
from taskstats.progress.vocabulary import StatusVocabulary, load_vocabulary
from taskstats.tidy.dates import parse_date
from taskstats.tidy.manifest import Manifest
from taskstats.tidy.normalize import fold
from taskstats.tidy.schema import LEDGER_COLUMNS, STATUSES, TaskTables


@dataclass
class ImportResult:
    """What an import did: rows appended, files skipped as already imported, a receipt a file."""

    appended: int = 0
    imported_files: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    ledger_path: Path | None = None
    receipts: list[FileReceipt] = field(default_factory=list)
    imported_at: dt.datetime | None = None

    @property
    def refused(self) -> list[Problem]:
        """Every problem of every file (rows and files refused)."""
        return [p for r in self.receipts for p in r.refused]

    @property
    def superseded(self) -> int:
        """Rows appended that are not the report that counts (an earlier 填报日期)."""
        return sum(len(r.superseded) for r in self.receipts)

    @property
    def older(self) -> int:
        """Rows older (by 填报日期) than reports already held: kept, not used."""
        return self.superseded


class ImportRefused(ProgressError):
    """Returned sheets refused (without ``accept_valid``): nothing was imported.

    Attributes:
        problems: Every problem, each with its file, sheet, row, column and value.
        result: What the import found, each file's receipt among it (None once pickled).
    """

    def __init__(self, message: str, *, result: ImportResult | None = None, **where) -> None:
        super().__init__(message, **where)
        self.result = result


def import_progress(
    paths: Iterable[str | Path],
    tables: TaskTables,
    manifests: dict[str, Manifest],
    *,
    store_dir: str | Path | None = None,
    district: str | None = None,
    now: dt.datetime | None = None,
    vocabulary: StatusVocabulary | str | Path = "statuses",
    accept_valid: bool = False,
) -> ImportResult:
    """Check returned progress sheets and append them to the ledger.

    A file may be the fill-in workbook as made or re-saved (.xlsx, .xls, .et, .ods), its table
    pasted into Word (.docx, .doc, .wps), a web page or a CSV. Its district comes from the
    sheet (metadata, the district's name in a title or sheet name, else ``district``, else its
    task texts); its task texts must be that district's. Every row is checked (unknown task,
    edited task text, a status outside the vocabulary, milestone not in the schedule, duplicate
    rows, dates out of range). By default any problem imports nothing and the ledger is left
    byte-for-byte as it was; with ``accept_valid`` the rows that pass are imported and the
    others refused. A file refused as a whole (unreadable, no table, no or another district)
    never changes the ledger. A file whose content was imported before (same SHA-256) is
    skipped.

    Args:
        paths: The returned files.
        tables: The tidy tables (the tasks the sheets must match).
        manifests: Manifests by slug (for schedules).
        store_dir: The progress store; default ``data/processed/progress``.
        district: District of files that say nothing of theirs (a csv with bare ids).
        now: Import time (for tests); default now.
        vocabulary: The status vocabulary, or its name or TOML file (default ``statuses``).
        accept_valid: Import the rows that pass even when others are refused.

    Returns:
        What the import did, with each file's receipt (回执) as data; write them for the units
        with :func:`taskstats.report.receipts.write_receipts`.

    Raises:
        ImportRefused: Without ``accept_valid``, when anything is refused: its ``problems``
            are every problem (file, sheet, row, column, value), also in its message; its
            ``result`` holds the receipts.
    """
    store = Path(store_dir or config.processed_data_dir() / "progress")
    now = now or dt.datetime.now()
    if not isinstance(vocabulary, StatusVocabulary):
        vocabulary = load_vocabulary(vocabulary)
    # Every file is read and checked before the lock is taken: nothing waits on input while
    # holding it, and a file that cannot be read (a FIFO, a device, too large) stops nothing.
    known = set(
        read_ledger(store, columns=["import_id", "row", "simulated", "file_sha256"])[
            "file_sha256"
        ].astype(str)
    )
    result = ImportResult(ledger_path=store / LEDGER_FILE, imported_at=now)
    check = _Checker(tables, manifests, vocabulary, now)
    candidates: dict[str, tuple[FileReceipt, list[dict]]] = {}  # by SHA-256
    for path in (Path(p) for p in paths):
        data, digest = _read_bytes(path)
        receipt = FileReceipt(path)
        result.receipts.append(receipt)
        if digest in known or digest in candidates:
            receipt.skipped = True
            result.skipped_files.append(path.name)
            continue
        rows = check.file(path, data, district, receipt)
        for row in rows:
            row.update(file=path.name, file_sha256=digest)
        candidates[digest] = (receipt, rows)
    refused = result.refused
    if refused and not accept_valid:
        for receipt, rows in candidates.values():
            receipt.passed = [] if receipt.refused_whole else rows
        _finish(result, check, read_ledger(store))
        raise ImportRefused(
            f"{len(refused)} problem(s); nothing was imported:\n"
            + "\n".join(f"  {p}" for p in refused),
            problems=refused,
            result=result,
        )
    with exclusive(store):
        remove_stale_temps(store)  # left by a killed import
        ledger = read_ledger(store)
        again = set(ledger["file_sha256"].astype(str)) & set(candidates)  # imported meanwhile
        for digest in again:
            candidates[digest][0].skipped = True
            result.skipped_files.append(candidates[digest][0].path.name)
        batch = [
            row
            for digest, (receipt, rows) in candidates.items()
            if digest not in again and not receipt.refused_whole
            for row in rows
        ]
        result.imported_files = list(dict.fromkeys(r["file"] for r in batch))
        if batch:
            next_id = int(ledger["import_id"].max()) + 1 if len(ledger) else 1
            by_file = {
                d: next_id + i for i, d in enumerate(dict.fromkeys(r["file_sha256"] for r in batch))
            }
            for row in batch:
                row["import_id"] = by_file[row["file_sha256"]]
                row["imported_at"] = now.isoformat(timespec="seconds")
                row["simulated"] = False
            new = pd.DataFrame(batch, columns=LEDGER_COLUMNS).fillna({"unit": ""})
            ledger = pd.concat([ledger, new], ignore_index=True) if len(ledger) else new
            write_ledger(ledger, store / LEDGER_FILE)
            result.appended = len(new)
    _sort_appended(ledger, candidates, again)
    _finish(result, check, ledger)
    return result


def _sort_appended(ledger: pd.DataFrame, candidates: dict, again: set[str]) -> None:
    """Each file's appended rows into accepted (the report that counts) and superseded (a
    report with a later 填报日期 is held for the same task, node and unit)."""
    if ledger.empty:
        return
    current = current_reports(ledger)
    counted = set(
        zip(
            current["file_sha256"].astype(str),
            current["sheet"].astype(str),
            current["row"].astype(int),
            strict=True,
        )
    )
    for digest, (receipt, rows) in candidates.items():
        if digest in again or receipt.refused_whole:
            continue
        for row in rows:
            key = (digest, str(row["sheet"]), int(row["row"]))
            (receipt.accepted if key in counted else receipt.superseded).append(row)


def _finish(result: ImportResult, check: _Checker, ledger: pd.DataFrame) -> None:
    """Fill each receipt's unreported nodes."""
    for receipt in result.receipts:
        if receipt.district in check.manifests and not receipt.skipped:
            receipt.unreported = check.unreported(receipt, ledger)


def _read_bytes(path: Path) -> tuple[bytes, str]:
    try:
        return read_with_sha256(path)
    except InputError as exc:
        raise ProgressError(exc.reason, path=exc.path or path) from exc


def read_date(text: str) -> dt.date | None:
    """A date as Excel and WPS write it (:func:`taskstats.tidy.dates.parse_date`: 2020-06-30,
    2020/6/30, 2020.6.30, 2020年6月30日, an Excel serial …), or None (an impossible date too)."""
    try:
        return parse_date(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        return None


class _Checker:
    """The checks of one import: each district's tasks and nodes looked up once."""

    def __init__(
        self,
        tables: TaskTables,
        manifests: dict[str, Manifest],
        vocabulary: StatusVocabulary,
        now: dt.datetime,
    ) -> None:
        self.tables, self.manifests, self.vocabulary, self.now = tables, manifests, vocabulary, now
        self.seen: dict[tuple[str, str, str, str], str] = {}
        self._texts: dict[str, dict[str, str]] = {}
        self._nodes: dict[str, pd.DataFrame] = {}

    def texts(self, district: str) -> dict[str, str]:
        if district not in self._texts:
            tasks = self.tables.tasks[self.tables.tasks["district"] == district]
            self._texts[district] = dict(zip(tasks["task_id"], tasks["text"], strict=True))
        return self._texts[district]

    def nodes(self, district: str) -> pd.DataFrame:
        """Every task and node of the district's sheet (its own deadlines included)."""
        if district not in self._nodes:
            dates = schedule_dates(self.manifests[district])
            self._nodes[district] = template_rows(self.tables, district, dates)
        return self._nodes[district]

    def file(self, path: Path, data: bytes, option: str | None, receipt: FileReceipt) -> list:
        """The ledger rows of one file; its problems go to its receipt."""
        try:
            returned = read_returned(path, data)
        except InputError as exc:
            receipt.refused.append(Problem("unreadable", path, params={"reason": exc.reason}))
            return []
        if not returned.tables:
            receipt.refused.append(_no_table(returned))
            return []
        placement = place_district(returned, self.tables, self.manifests, option)
        receipt.district, receipt.placed_by = placement.district, placement.how
        if placement.refusal:
            names = {s: m.name for s, m in self.manifests.items()}
            receipt.refused.append(
                Problem(
                    placement.refusal,
                    path,
                    params={
                        "district": names.get(placement.district or "", placement.district),
                        "other": names.get(placement.other or "", placement.other),
                        "known": "、".join(names.values()),
                    },
                )
            )
            return []
        leads = lead_units(self.tables)
        leads = leads[leads["district"] == placement.district]
        rows = []
        for table in returned.tables:
            unit = reporting_unit(returned, table, leads)
            for cell in table.sheet.unsaved_formulas:
                receipt.refused.append(
                    Problem("unsaved_formula", path, sheet=table.sheet.name, params={"cell": cell})
                )
            for row, record in table.records():
                record["unit"] = record.get("unit", "") or unit
                district = record.pop("district", "") or placement.district
                if not any(record.get(k) for k in FILLED_IN):
                    continue  # not filled in yet
                receipt.unit = receipt.unit or record["unit"]
                parsed = self.row(record, district, table, row.line, receipt)
                if parsed is not None:
                    parsed.update(sheet=table.sheet.name, row=row.line)
                    rows.append(parsed)
        return rows

    def row(
        self, record: dict, district: str, table: Table, line: int, receipt: FileReceipt
    ) -> dict | None:
        """One row as a ledger row, or None with its problems on the receipt."""
        from openpyxl.utils import get_column_letter

        before = len(receipt.refused)

        def problem(code: str, name: str | None, value: str = "", **params) -> None:
            column = (
                f"{get_column_letter(table.columns[name] + 1)} ({table.headers[name]})"
                if name in table.columns
                else None
            )
            receipt.refused.append(
                Problem(code, receipt.path, table.sheet.name, line, column, value, params)
            )

        if district not in self.manifests:
            problem("unknown_district", "district", district, district=district)
            return None
        texts = self.texts(district)
        task_id = record.get("task_id", "")
        if task_id not in texts:
            problem("unknown_task", "task_id", task_id, task_id=task_id, district=district)
        else:
            given, expected = record.get("text", ""), texts[task_id]
            if given.startswith("'") and not expected.startswith("'"):
                given = given[1:]  # the quote that kept a formula-like text from running
            if given and expected and fold(given) != fold(expected):
                problem("text_edited", "text", given, task_id=task_id)
        nodes = self.nodes(district)
        own = sorted(set(nodes.loc[nodes["task_id"] == task_id, "milestone"]))
        milestones = own or [d.isoformat() for d in schedule_dates(self.manifests[district])]
        typed = record.get("milestone", "")
        milestone = read_date(typed)
        if milestone is None or milestone.isoformat() not in milestones:
            problem("bad_milestone", "milestone", typed, dates=", ".join(milestones))
        typed_status = record.get("status", "")
        status = self.vocabulary.status(typed_status)
        if status is None:
            code = "missing_status" if not typed_status.strip() else "bad_status"
            problem(code, "status", typed_status, choices=", ".join(STATUSES))
        reported = record.get("reported_on", "")
        reported_on = read_date(reported) if reported else None
        if reported and reported_on is None:
            problem("bad_date", "reported_on", reported)
        elif reported_on is not None:
            earliest = dt.date(int(milestones[0][:4]), 1, 1)
            if not earliest <= reported_on <= self.now.date():
                problem(
                    "date_out_of_range",
                    "reported_on",
                    reported,
                    date=reported_on.isoformat(),
                    earliest=earliest.isoformat(),
                    latest=self.now.date().isoformat(),
                )
        where = f"{receipt.path}, sheet {table.sheet.name!r}, row {line}"
        if milestone is not None and task_id:
            # Co-lead units report on the same task and node, each once.
            key = (district, task_id, milestone.isoformat(), record.get("unit", ""))
            if key in self.seen:
                problem("duplicate", None, task_id=task_id, milestone=key[2], first=self.seen[key])
            else:
                self.seen[key] = where
        if len(receipt.refused) > before:
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

    def unreported(self, receipt: FileReceipt, ledger: pd.DataFrame) -> list[dict]:
        """The due nodes of the unit's tasks (its lead tasks, else the file's) with no report."""
        district = receipt.district
        leads = lead_units(self.tables, named_only=False)
        mine = leads[(leads["district"] == district) & (leads["unit"] == receipt.unit)]["task_id"]
        rows = [*receipt.accepted, *receipt.superseded, *receipt.passed]
        ids = set(mine) if receipt.unit else {r["task_id"] for r in rows}
        nodes = self.nodes(district)
        today = self.now.date().isoformat()
        due = nodes[nodes["task_id"].isin(ids) & (nodes["milestone"] <= today)]
        held = ledger[ledger["district"] == district] if len(ledger) else ledger
        done = set(zip(held["task_id"], held["milestone"], strict=True)) if len(held) else set()
        done |= {(r["task_id"], r["milestone"]) for r in receipt.passed}
        return [
            {"task_id": t, "text": x, "milestone": m}
            for t, x, m in zip(due["task_id"], due["text"], due["milestone"], strict=True)
            if (t, m) not in done
        ]


def _no_table(returned: Returned) -> Problem:
    sheets = [
        f"sheet {s.name!r}: " + ("the sheet is empty" if not s.rows else "no such header")
        for s in returned.other_sheets
    ]
    return Problem(
        "no_table", returned.path, params={"sheets": "; ".join(sheets) or "the file holds no sheet"}
    )
