"""Readers: raw decomposition tables (text, CSV, spreadsheet) into numbered raw tasks.

Each layout turns its file into rows of cells; one shared interpreter recognises header rows,
section rows, numbered task rows, sub-target rows and rows whose number was lost. The result is a
:class:`ReadResult`; :mod:`taskstats.tidy` turns it into the tidy tables.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from taskstats.errors import InputError
from taskstats.normalize import clean_cell, fold, join_text
from taskstats.textio import decode_bytes

LONG_CELL = 5_000  # characters; a task text is rarely over a few hundred
INFO, WARNING = "info", "warning"

# Header words, most specific first within each field.
HEADER_FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序"),
    "text": (
        "具体目标任务",
        "目标任务",
        "工作任务",
        "任务内容",
        "重点任务",
        "工作内容",
        "主要任务",
        "重点工作",
        "确定事项",
        "任务名称",
        "内容",
        "任务",
        "事项",
    ),
    "lead": (
        "牵头责任单位",
        "主要责任单位",
        "牵头单位",
        "牵头部门",
        "主办单位",
        "主责单位",
        "牵头",
    ),
    "support": (
        "协同配合单位",
        "配合单位",
        "协办单位",
        "参与单位",
        "配合部门",
        "协办部门",
        "协办",
        "配合",
    ),
    "units": ("责任单位", "责任部门", "承办单位", "责任主体"),
    "leader": (
        "区分管领导",
        "分管区领导",
        "负责领导",
        "分管领导",
        "牵头领导",
        "责任领导",
        "联系领导",
        "区领导",
        "责任人",
    ),
    "source": ("任务来源", "任务类型", "来源", "备注"),
    "deadline": ("完成时限", "完成时间", "完成期限", "时间节点", "时限"),
}
_TEMPLATE_HEADER = re.compile(r"完成标准|推进计划|完成情况|证明材料|进展情况|工作进度")
_END_MARKER = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：]?$")
_NUMBER = re.compile(r"^\s*([0-9]{1,4})\s*[.．、]?\s*$")
_SECTION_1 = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.．]|第[一二三四五六七八九十百]+[部分章篇])"
)
_SECTION_2 = re.compile(r"^[(（]\s*[一二三四五六七八九十]+\s*[)）]")
_DECLARED = re.compile(r"[(（]\s*([0-9]+)\s*项\s*[)）]\s*$")
_INLINE_ITEM = re.compile(r"^\s*([0-9]{1,4})\s*[.．、](?![0-9])\s*(.*)$")
_INLINE_UNITS = re.compile(r"主办|协办|牵头|配合|责任单位|分别办理|负责")


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


@dataclass
class Row:
    line: int
    cells: list[str]
    sheet: str | None = None


# --- entry point -----------------------------------------------------------------------------


def read_raw(
    path: str | Path,
    layout: str = "auto",
    encoding: str = "auto",
    sheet: str | None = None,
) -> ReadResult:
    """Read one raw table file into raw tasks.

    Args:
        path: A ``.txt``/``.md`` table (one cell per line, delimited or inline), ``.csv`` or
            ``.xlsx`` file.
        layout: ``auto`` to detect, or one of cells, delimited, inline, csv, xlsx.
        encoding: Text encoding or ``auto``.
        sheet: Spreadsheet sheet name; default the first with a recognised header.

    Raises:
        InputError: The file is unreadable, of an unsupported kind, or holds no recognisable table.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes():
            raise InputError(
                f"the file is {size / 1e6:.1f} MB; taskstats reads tables up to "
                f"{max_bytes() / 1e6:.0f} MB (a decomposition table is rarely over 1 MB). Check "
                "it is the right file, or raise TASKSTATS_MAX_BYTES",
                path=path,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    if not data.strip():
        raise InputError("the file is empty", path=path)
    suffix = path.suffix.lower()
    if layout == "auto":
        layout = _layout_from_file(path, suffix, data)
    if layout == "xlsx":
        return _read_xlsx(path, data, sheet)
    text, used = decode_bytes(data, path, encoding)
    if layout == "csv":
        rows = _csv_rows(text)
        return _finish(_TableParser(path, "continuation").run(rows), path, "csv", used)
    if layout == "auto":
        layout = detect_text_layout(text, path)
    if layout == "cells":
        parsed = _TableParser(path, "fragment").run(_cell_rows(text))
    elif layout == "delimited":
        parsed = _TableParser(path, "continuation").run(_delimited_rows(text))
    elif layout == "inline":
        parsed = _InlineParser(path).run(text)
    else:
        raise InputError(f"unknown layout {layout!r}", path=path)
    return _finish(parsed, path, layout, used)


def max_bytes() -> int:
    """The largest raw file read (``TASKSTATS_MAX_BYTES``, default 20 MB)."""
    try:
        return int(os.environ.get("TASKSTATS_MAX_BYTES", 20_000_000))
    except ValueError:
        return 20_000_000


def detect_text_layout(text: str, path: str | Path = "<text>") -> str:
    """Guess which text layout a table uses: ``cells``, ``delimited`` or ``inline``.

    Raises:
        InputError: No layout fits; the message says what was looked for.
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    tab_start = sum(1 for ln in lines if ln.startswith("\t"))
    tab_inner = sum(1 for ln in lines if "\t" in ln.strip("\t") and len(ln.split("\t")) >= 3)
    inline = sum(1 for ln in lines if _INLINE_ITEM.match(ln) and _INLINE_UNITS.search(ln))
    headed = any(_match_header(ln.split("\t")) for ln in lines[:200] if "\t" in ln.strip("\t"))
    scores = {
        "cells": tab_start if tab_start >= 2 * tab_inner else 0,
        "delimited": tab_inner * 2 + (3 if headed else 0),
        "inline": inline * 2,
    }
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < 3:
        raise InputError(
            "no table layout recognised: expected one cell per line (lines starting with a tab), "
            "tab-separated rows, or numbered items like '1.任务内容（A牵头，B配合）'; "
            f"found {tab_start} tab-led lines, {tab_inner} tab-separated rows and {inline} "
            "numbered items. Set 'layout' in the manifest if the file is one of these",
            path=path,
        )
    return best


def _layout_from_file(path: Path, suffix: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(
                f"a damaged zip package ({exc}); if it is a workbook, open it in Excel or "
                "WPS and save it again as .xlsx",
                path=path,
            ) from exc
        if any(n.startswith("word/") for n in names):
            raise InputError(
                "this is a Word document, whatever its name; copy the table into a .txt file "
                "or save it as .xlsx",
                path=path,
            )
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise InputError("this is a zip archive, not a table; unpack it first", path=path)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(
            "this is an old binary Office file (.xls/.doc) or a password-protected workbook; "
            "remove the password and save it as .xlsx",
            path=path,
        )
    if suffix in (".xlsx", ".xlsm"):
        raise InputError("not a valid .xlsx file (it is not a zip package)", path=path)
    if suffix in (".xls", ".doc", ".docx", ".pdf"):
        raise InputError(
            f"{suffix} files are not read; save the table as .xlsx, .csv or .txt", path=path
        )
    if suffix == ".csv":
        return "csv"
    return "auto"


def _finish(parsed: _Parsed, path: Path, layout: str, encoding: str | None) -> ReadResult:
    return ReadResult(
        path=path,
        layout=layout,
        encoding=encoding,
        columns=parsed.columns,
        rows_seen=parsed.rows_seen,
        tasks=parsed.tasks,
        issues=parsed.issues,
        sheet=parsed.sheet,
        declared_counts=parsed.declared,
    )


# --- row sources -----------------------------------------------------------------------------


def _cell_rows(text: str) -> Iterator[Row]:
    """One cell per line: a line starting with a tab opens a cell, other lines continue it,
    a blank line ends the row. A row may start with a cell whose tab was lost."""
    row: Row | None = None
    for lineno, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            if row is not None:
                yield row
            row = None
            continue
        if raw.startswith("\t"):
            parts = raw.split("\t")[1:]
            if row is None:
                row = Row(lineno, [])
            row.cells.extend(parts)
        elif row is None:
            row = Row(lineno, [raw])
        else:
            row.cells[-1] += "\n" + raw
    if row is not None:
        yield row


def _delimited_rows(text: str) -> Iterator[Row]:
    for lineno, raw in enumerate(text.split("\n"), 1):
        if raw.strip():
            yield Row(lineno, raw.split("\t"))


def _csv_rows(text: str) -> Iterator[Row]:
    sample = text[:20000]
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    delimiter = max(counts, key=lambda d: counts[d])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                yield Row(reader.line_num, cells)
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", line=reader.line_num) from exc


def _read_xlsx(path: Path, data: bytes, sheet: str | None) -> ReadResult:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputError(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); it may be damaged, "
            "password-protected, or another file renamed",
            path=path,
        ) from exc
    names = wb.sheetnames
    if sheet is not None and sheet not in names:
        raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(names)}", path=path)
    candidates = [sheet] if sheet is not None else names
    for name in candidates:
        rows = list(_sheet_rows(wb[name], name))
        if sheet is None and not any(_match_header(r.cells) for r in rows[:40]):
            continue
        parsed = _TableParser(path, "continuation").run(rows)
        return _finish(parsed, path, "xlsx", None)
    raise InputError(
        "no sheet with a recognised header row (序号, 目标任务, 牵头单位, 责任单位, 分管领导 …) "
        f"among {', '.join(names)}; name the sheet in the manifest",
        path=path,
    )


def _sheet_rows(ws, name: str) -> Iterator[Row]:
    grid = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        value = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else None
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    # Fill down the first column of a merge; leave the rest of a wide merge empty.
                    grid[r - 1][c - 1] = value if c == rng.min_col else None
    for i, cells in enumerate(grid, 1):
        values = ["" if v is None else str(v) for v in cells]
        if any(v.strip() for v in values):
            yield Row(i, values, name)


# --- the table interpreter ---------------------------------------------------------------------


@dataclass
class _Parsed:
    columns: tuple[str, ...] = ()
    rows_seen: int = 0
    tasks: list[RawTask] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheet: str | None = None
    declared: list[tuple[str, int, int]] = field(default_factory=list)


def _header_field(cell: str) -> str | None:
    word = fold(cell)
    if not word:
        return None
    for name, synonyms in HEADER_FIELDS.items():
        if word in synonyms:
            return name
    best: tuple[int, str] | None = None
    for name, synonyms in HEADER_FIELDS.items():
        for syn in synonyms:
            fits = len(syn) >= 2 and syn in word and len(word) <= len(syn) + 6
            if fits and (best is None or len(syn) > best[0]):
                best = (len(syn), name)
    return best[1] if best else None


def _match_header(cells: list[str]) -> list[str | None] | None:
    """The fields of a header row, one per cell, or None if the row is not a header."""
    fields = [_header_field(c) for c in cells]
    found = [f for f in fields if f]
    if len(set(found)) < 2 or len(found) != len(set(found)):
        return None
    if "number" not in found and len(set(found)) < 3:
        return None
    if not {"text", "lead", "units", "leader"} & set(found):
        return None
    return fields


def section_level(title: str) -> int | None:
    """1 for ``一、…``, 2 for ``（一）…``, None when the text is not a section heading."""
    if _SECTION_1.match(title):
        return 1
    if _SECTION_2.match(title):
        return 2
    return None


class _TableParser:
    """Turns rows of cells into raw tasks.

    ``numberless`` says what a row without a number is: ``continuation`` (a sub-target or
    wrapped line of the task above, cells in their columns) or ``fragment`` (part of a task
    whose number and first cells were lost, cells aligned to the right).
    """

    def __init__(self, path: Path, numberless: str) -> None:
        self.path = path
        self.numberless = numberless
        self.out = _Parsed()
        self.fields: list[str] = []
        self.raw_width = 0
        self.section = ""
        self.subsection = ""
        self.section_seen_since_task = False
        self.current: RawTask | None = None
        self.last_number = 0
        self.restarts = 0
        self.pending: list[Row] = []
        self.unnumbered: list[RawTask] = []
        self.ended_at: int | None = None
        self.trailing_last: int | None = None
        self.ids: set[str] = set()
        self.previous_row_line: int | None = None

    def issue(
        self,
        kind: str,
        message: str,
        line: int | None,
        task: str | None = None,
        severity: str = WARNING,
        sheet: str | None = None,
    ) -> None:
        self.out.issues.append(Issue(kind, message, line, task, severity, sheet))

    def run(self, rows: Iterable[Row]) -> _Parsed:
        for row in rows:
            self.row(row)
        self.flush_fragments()
        self.settle_unnumbered(None)
        if self.ended_at is not None:
            self.issue(
                "trailing_content",
                "content after the table (an annex or template) was "
                f"not read as tasks: lines {self.ended_at}–{self.trailing_last}",
                self.ended_at,
                severity=INFO,
            )
        if not self.fields:
            raise InputError(
                "no header row recognised: expected a row naming columns such as 序号, "
                "目标任务/内容, 牵头单位, 责任单位, 分管领导/负责领导, 备注",
                path=self.path,
            )
        if not self.out.tasks:
            raise InputError(
                "a header row but no task rows after it: is the table empty, or are its rows "
                "numbered in a way not recognised (1, 2, 3 …)?",
                path=self.path,
            )
        return self.out

    def row(self, row: Row) -> None:
        cells = [clean_cell(c) for c in row.cells]
        if not any(cells):
            return
        longest = max(len(c) for c in cells)
        if longest > LONG_CELL:
            self.issue(
                "long_cell",
                f"a cell of {longest:,} characters; check the row was not "
                "merged with others in extraction",
                row.line,
                sheet=row.sheet,
            )
        self.out.sheet = self.out.sheet or row.sheet
        if self.ended_at is not None:
            self.trailing_last = row.line
            return
        nonempty = [c for c in cells if c]
        if self.out.tasks and len(nonempty) == 1 and _END_MARKER.match(fold(nonempty[0])):
            self.end(row)
            return
        header = _match_header(cells)
        if header is not None:
            if self.out.tasks and _TEMPLATE_HEADER.search("".join(cells)):
                self.end(row)
                return
            self.flush_fragments()
            self.raw_width = len(header)
            self.fields = [f for f in header if f]
            self.out.columns = tuple(dict.fromkeys(self.out.columns + tuple(self.fields)))
            return
        if not self.fields:
            return  # preamble before the table
        distinct = set(nonempty)
        if len(distinct) == 1:
            title = nonempty[0]
            level = section_level(title)
            if level is not None and not _NUMBER.match(title):
                self.start_section(title.replace("\n", ""), level, row.line)
                return
        self.out.rows_seen += 1
        number = self.number_of(cells)
        if number is not None:
            self.numbered(number, cells, row)
        elif self.numberless == "fragment":
            self.pending.append(Row(row.line, cells, row.sheet))
        else:
            self.continuation(cells, row)
        self.previous_row_line = row.line

    def end(self, row: Row) -> None:
        self.flush_fragments()
        self.ended_at = row.line
        self.trailing_last = row.line

    def start_section(self, title: str, level: int, line: int) -> None:
        self.flush_fragments()
        if level == 1:
            self.section, self.subsection = title, ""
        else:
            self.subsection = title
        self.section_seen_since_task = True
        declared = _DECLARED.search(title)
        if declared:
            self.out.declared.append((title, level, int(declared.group(1)), line))

    def number_of(self, cells: list[str]) -> int | None:
        index = self.fields.index("number") if "number" in self.fields else None
        if index is None or index >= len(cells):
            return None
        if self.numberless == "fragment" and index != 0:
            return None
        match = _NUMBER.match(cells[index])
        return int(match.group(1)) if match else None

    def align(self, cells: list[str], row: Row, fields: list[str] | None = None) -> dict[str, str]:
        """Map cells to fields; extra cells beyond the header belong to the task text."""
        fields = fields or self.fields
        cells = list(cells)
        while len(cells) > max(len(fields), self.raw_width) and not cells[-1]:
            cells.pop()
        if len(cells) <= len(fields):
            return dict(zip(fields, cells, strict=False))
        extra = len(cells) - len(fields)
        if len(cells) > self.raw_width and self.numberless != "fragment":
            self.issue(
                "too_many_cells",
                f"row has {len(cells)} cells but the header names "
                f"{len(fields)} columns; the extra cells were joined to the task text",
                row.line,
                sheet=row.sheet,
            )
        t = fields.index("text") if "text" in fields else 0
        values: dict[str, str] = {}
        for i, name in enumerate(fields):
            if i < t:
                values[name] = cells[i]
            elif i == t:
                values[name] = join_text(cells[t : t + extra + 1])
            else:
                values[name] = cells[i + extra]
        return values

    def numbered(self, number: int, cells: list[str], row: Row) -> None:
        self.flush_fragments()
        current = self.current
        if (
            current is not None
            and number == current.number
            and current.sheet is not None
            and self.previous_row_line == row.line - 1
        ):
            # A number cell merged over several spreadsheet rows: still the same task.
            self.merge(current, self.align(cells, row), row, "row with the same number")
            return
        if (
            self.out.tasks
            and number == 1
            and self.last_number >= 1
            and self.section_seen_since_task
        ):
            self.restarts += 1
        self.settle_unnumbered(number)
        if number > self.last_number + 1 and self.out.tasks:
            missing = (
                f"{self.last_number + 1}"
                if number == self.last_number + 2
                else f"{self.last_number + 1}–{number - 1}"
            )
            self.issue(
                "number_gap",
                f"task number(s) {missing} do not appear in the table",
                row.line,
                sheet=row.sheet,
            )
        task = RawTask(number, row.line, self.section, self.subsection, sheet=row.sheet)
        for name, value in self.align(cells, row).items():
            task.add(name, value)
        self.add_task(task, self.make_id(number))
        self.last_number = number
        self.section_seen_since_task = False

    def make_id(self, number: int) -> str:
        return f"{self.restarts + 1}.{number}" if self.restarts else str(number)

    def add_task(self, task: RawTask, task_id: str) -> None:
        task.task_id = _unique_id(task_id, self.ids, task, self.out.issues)
        self.out.tasks.append(task)
        self.current = task

    def merge(self, task: RawTask, values: dict[str, str], row: Row, what: str) -> None:
        for name, value in values.items():
            existing = task.text_parts if name == "text" else task.cells.get(name, [])
            if value and value not in existing:
                task.add(name, value)
        self.issue(
            "subtarget_merged",
            f"{what} at line {row.line} merged into task {task.task_id}",
            row.line,
            task.task_id,
            INFO,
            row.sheet,
        )

    def continuation(self, cells: list[str], row: Row) -> None:
        if self.current is None:
            self.issue(
                "unparsed_row",
                "row without a task number before the first task: "
                f"{' | '.join(c for c in cells if c)[:120]}",
                row.line,
                sheet=row.sheet,
            )
            return
        values = self.align(cells, row)
        filled = [f for f in ("lead", "units", "support", "leader", "source") if values.get(f)]
        if not values.get("text") and len(filled) >= 2:
            # No text but its own units and leader: a task whose number and text were lost.
            task = RawTask(
                None, row.line, self.section, self.subsection, sheet=row.sheet, lost=True
            )
            for name, value in values.items():
                task.add(name, value)
            self.unnumbered.append(task)
            self.out.tasks.append(task)
            self.current = task
            return
        self.merge(self.current, values, row, "row without a number")

    def flush_fragments(self) -> None:
        """Turn rows collected without a number into one task whose number was lost."""
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        cells = [c for r in rows for c in r.cells]
        fields = [f for f in self.fields if f != "number"]
        values = (
            dict(zip(fields[-len(cells) :], cells, strict=False))
            if len(cells) <= len(fields)
            else self.align(cells, rows[0], fields)
        )
        task = RawTask(
            None, rows[0].line, self.section, self.subsection, sheet=rows[0].sheet, lost=True
        )
        for name, value in values.items():
            task.add(name, value)
        self.unnumbered.append(task)
        self.out.tasks.append(task)
        self.current = task

    def settle_unnumbered(self, next_number: int | None) -> None:
        """Give tasks whose number was lost the numbers missing between their neighbours."""
        if not self.unnumbered:
            return
        lost, self.unnumbered = self.unnumbered, []
        gap = (next_number - self.last_number - 1) if next_number is not None else len(lost)
        if gap == 0:
            for task in lost:
                self.out.tasks.remove(task)
                content = " | ".join(
                    task.text_parts + [v for vs in task.cells.values() for v in vs]
                )
                self.issue(
                    "unparsed_row",
                    "cells without a task number between consecutive "
                    f"tasks {self.last_number} and {next_number}, not read: {content[:160]}",
                    task.line,
                    sheet=task.sheet,
                )
            return
        for offset, task in enumerate(lost, 1):
            if gap == len(lost):
                number = self.last_number + offset
                task.number = number
                self.out.tasks.remove(task)
                self.add_task(task, self.make_id(number))
                where = (
                    "at the end of the table"
                    if next_number is None
                    else f"between tasks {self.last_number} and {next_number}"
                )
                self.issue(
                    "number_inferred",
                    f"row without a number {where} taken as task {task.task_id}",
                    task.line,
                    task.task_id,
                    sheet=task.sheet,
                )
            else:
                self.out.tasks.remove(task)
                self.add_task(task, f"{self.last_number}+{offset}")
                self.issue(
                    "number_unknown",
                    f"{len(lost)} row(s) without a number but {gap} "
                    f"number(s) missing after task {self.last_number}; kept as "
                    f"{task.task_id}",
                    task.line,
                    task.task_id,
                    sheet=task.sheet,
                )
        if gap == len(lost):
            self.last_number += gap


def _unique_id(task_id: str, ids: set[str], task: RawTask, issues: list[Issue]) -> str:
    """``task_id``, or ``N#2`` (with a duplicate_id issue) when it was used before."""
    if task_id in ids:
        k = 2
        while f"{task_id}#{k}" in ids:
            k += 1
        issues.append(
            Issue(
                "duplicate_id",
                f"task number {task_id} appears again; kept as {task_id}#{k}",
                task.line,
                f"{task_id}#{k}",
                sheet=task.sheet,
            )
        )
        task_id = f"{task_id}#{k}"
    ids.add(task_id)
    return task_id


# --- the inline layout -----------------------------------------------------------------------


class _InlineParser:
    """``N.任务内容(A、B主办,C协办)`` items, possibly wrapped over several lines."""

    _OPEN = "(（"
    _CLOSE = ")）"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.out = _Parsed(columns=("number", "text", "units"))
        self.section = ""
        self.subsection = ""
        self.current: RawTask | None = None
        self.current_lines: list[str] = []
        self.ids: set[str] = set()
        self.last_number = 0

    def run(self, text: str) -> _Parsed:
        for lineno, raw in enumerate(text.split("\n"), 1):
            line = clean_cell(raw)
            if not line:
                continue
            item = _INLINE_ITEM.match(line)
            if item:
                self.close()
                self.out.rows_seen += 1
                number = int(item.group(1))
                task = RawTask(number, lineno, self.section, self.subsection)
                self.current, self.current_lines = task, [item.group(2)]
                if number > self.last_number + 1 and self.out.tasks:
                    self.out.issues.append(
                        Issue(
                            "number_gap",
                            f"task number(s) {self.last_number + 1}–{number - 1} "
                            "do not appear in the table",
                            lineno,
                        )
                    )
                self.last_number = max(self.last_number, number)
                continue
            level = section_level(line)
            if level is not None and (self.current is None or self.complete()):
                self.close()
                if level == 1:
                    self.section, self.subsection = line, ""
                else:
                    self.subsection = line
                continue
            if self.current is not None and not self.complete():
                self.current_lines.append(line)
            elif self.current is not None:
                self.out.issues.append(
                    Issue(
                        "unparsed_row",
                        f"line after task {self.current.task_id or self.current.number}"
                        f" that is not part of any task, not read: {line[:120]}",
                        lineno,
                        severity=INFO,
                    )
                )
        self.close()
        if not self.out.tasks:
            raise InputError(
                "no numbered items like '1.任务内容（A牵头，B配合）' found", path=self.path
            )
        return self.out

    def complete(self) -> bool:
        return self.units_split(self.joined())[1] is not None

    def joined(self) -> str:
        return "\n".join(self.current_lines)

    def units_split(self, text: str) -> tuple[str, str | None]:
        """Split the trailing unit bracket off an item's text, if it has one."""
        stripped = text.rstrip(" 。.;；")
        if not stripped or stripped[-1] not in self._CLOSE:
            return text, None
        depth = 0
        for i in range(len(stripped) - 1, -1, -1):
            ch = stripped[i]
            if ch in self._CLOSE:
                depth += 1
            elif ch in self._OPEN:
                depth -= 1
                if depth == 0:
                    inner = stripped[i + 1 : -1]
                    if _INLINE_UNITS.search(inner):
                        return stripped[:i].rstrip(), inner
                    return text, None
        return text, None

    def close(self) -> None:
        task, self.current = self.current, None
        if task is None:
            return
        body, units = self.units_split(self.joined())
        task.text_parts.append(body.replace("\n", ""))
        if units is None:
            self.out.issues.append(
                Issue(
                    "missing_units",
                    "no bracket naming the units (主办/协办/牵头/配合) at the end of the item",
                    task.line,
                    str(task.number),
                )
            )
        else:
            task.add("units", units)
            for label, name in (
                (r"(?:负责|分管|责任|牵头)领导|区领导|责任人", "leader"),
                (r"完成时限|完成时间|时间节点|完成期限", "deadline"),
            ):
                found = re.search(rf"(?:{label})\s*[:：]\s*([^，,；;]+)", units)
                if found:
                    task.add(name, found.group(1))
                    if name == "leader" and "leader" not in self.out.columns:
                        self.out.columns += ("leader",)
        task.task_id = _unique_id(str(task.number), self.ids, task, self.out.issues)
        self.out.tasks.append(task)
