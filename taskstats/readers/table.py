"""The table interpreter: rows of cells into numbered raw tasks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.grid import Row
from taskstats.readers.header import match_header, section_level
from taskstats.tidy.normalize import clean_cell, fold, join_text
from taskstats.tidy.schema import INFO, LONG_CELL, WARNING, Issue, RawTask
from taskstats.tidy.vocabulary import TEMPLATE_HEADER

_END_MARKER = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：]?$")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_NUMBER = re.compile(r"^\s*([0-9]{1,4})\s*[.．、]?\s*$")
# A number cell holding the item's text too: "3.5G基站建设……" is item 3 when 3 comes next.
_NUMBER_AND_TEXT = re.compile(r"^\s*([0-9]{1,4})\s*[.．、]\s*(\S.*)$", re.S)
_DECLARED = re.compile(r"[(（]\s*([0-9]+)\s*项\s*[)）]\s*$")


@dataclass
class Parsed:
    columns: tuple[str, ...] = ()
    rows_seen: int = 0
    tasks: list[RawTask] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheet: str | None = None
    declared: list[tuple[str, int, int]] = field(default_factory=list)


class TableParser:
    """Turns rows of cells into raw tasks.

    ``numberless`` says what a row without a number is: ``continuation`` (a sub-target or
    wrapped line of the task above, cells in their columns) or ``fragment`` (part of a task
    whose number and first cells were lost, cells aligned to the right).
    """

    def __init__(self, path: Path, numberless: str) -> None:
        self.path = path
        self.numberless = numberless
        self.out = Parsed()
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

    def run(self, rows: Iterable[Row]) -> Parsed:
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
        header = match_header(cells)
        if header is not None:
            if self.out.tasks and TEMPLATE_HEADER.search("".join(cells)):
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
        cells[index] = cells[index].translate(_FULL_WIDTH_DIGITS)  # １２ as typed in WPS
        match = _NUMBER.match(cells[index])
        if match:
            return int(match.group(1))
        joined = _NUMBER_AND_TEXT.match(cells[index])
        text = self.fields.index("text") if "text" in self.fields else None
        if joined and int(joined.group(1)) == self.last_number + 1 and text is not None:
            # Item number and text in one cell: the text keeps its own leading digits.
            cells[index] = joined.group(1)
            if text < len(cells):
                cells[text] = join_text([joined.group(2), cells[text]])
            return int(joined.group(1))
        return None

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
        task.task_id = unique_id(task_id, self.ids, task, self.out.issues)
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


def unique_id(task_id: str, ids: set[str], task: RawTask, issues: list[Issue]) -> str:
    """``task_id``, or ``N#2`` (with a duplicate_id issue) when it was used before.

    The suffixes given so far run 2, 3, … m, so the next is found by doubling and halving
    (a few look-ups), not by trying each in turn: 20,000 rows all numbered 1 take
    n log n steps, not n².
    """
    if task_id in ids:
        k = 2
        if f"{task_id}#2" in ids:
            present, absent = 2, 4  # #present is taken, #absent may not be
            while f"{task_id}#{absent}" in ids:
                present, absent = absent, absent * 2
            while absent - present > 1:
                middle = (present + absent) // 2
                if f"{task_id}#{middle}" in ids:
                    present = middle
                else:
                    absent = middle
            k = absent
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
