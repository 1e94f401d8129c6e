"""The inline interpreter: numbered items with their units in brackets."""

from __future__ import annotations

import re
from pathlib import Path

from taskstats.errors import InputError
from taskstats.readers.header import section_level
from taskstats.readers.table import Parsed, unique_id
from taskstats.tidy.normalize import clean_cell
from taskstats.tidy.schema import INFO, Issue, RawTask
from taskstats.tidy.vocabulary import DEADLINE_LABEL, INLINE_UNITS, LEADER_LABEL

__all__ = ["INLINE_ITEM", "InlineParser"]

INLINE_ITEM = re.compile(r"^\s*([0-9]{1,4})\s*[.．、](?![0-9])\s*(.*)$")
# An item whose text starts with digits ("3.5G基站建设……"): taken only as the next number.
_DIGIT_ITEM = re.compile(r"^\s*([0-9]{1,4})\s*[.．、]\s*([0-9].*)$")


class InlineParser:
    """``N.任务内容(A、B主办,C协办)`` items, possibly wrapped over several lines."""

    _OPEN = "(（"
    _CLOSE = ")）"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.out = Parsed(columns=("number", "text", "units"))
        self.section = ""
        self.subsection = ""
        self.current: RawTask | None = None
        self.current_lines: list[str] = []
        self.ids: set[str] = set()
        self.last_number = 0

    def run(self, text: str) -> Parsed:
        for lineno, raw in enumerate(text.split("\n"), 1):
            line = clean_cell(raw)
            if not line:
                continue
            item = INLINE_ITEM.match(line)
            if item is None and self.current is not None:
                digits = _DIGIT_ITEM.match(line)
                if digits and int(digits.group(1)) == self.last_number + 1:
                    item = digits
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
            if level is not None and (self.current is None or self.complete() or level == 1):
                # A 一、 heading ends the item before it even if that item named no units;
                # a long （一） subheading sentence is kept whole as the subsection's name.
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
                    if INLINE_UNITS.search(inner):
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
            for label, name in ((LEADER_LABEL, "leader"), (DEADLINE_LABEL, "deadline")):
                found = label.search(units)
                value = re.match(r"\s*([^，,；;]+)", units[found.end() :]) if found else None
                if value:
                    task.add(name, value.group(1))
                    if name == "leader" and "leader" not in self.out.columns:
                        self.out.columns += ("leader",)
        task.task_id = unique_id(str(task.number), self.ids, task, self.out.issues)
        self.out.tasks.append(task)
