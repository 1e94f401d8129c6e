"""The taskstats error family.

Every error a user can cause derives from :class:`TaskstatsError`; its message says what was
wrong, where (file, sheet, line, column) and what to do about it, and the same places are its
attributes (``path``, ``sheet``, ``line``, ``column``; ``reason`` is the message without them).
Messages are terminal-safe: control characters taken from a cell or a file name are escaped
(:func:`escape_controls`), so that printing an error cannot set a window title or clear a screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# C0 controls but tab and newline, DEL, C1 controls (CSI 0x9b among them), and the
# bidirectional overrides and isolates that reorder what a terminal shows.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``).

    Tabs and newlines are kept; everything else that a terminal would act on (escape
    sequences, carriage returns, backspaces, bell, C1 controls, direction overrides) is shown
    as its escape instead. Escaping twice changes nothing more.

    Example:
        >>> escape_controls("A\\x1b]0;pwned\\x07B")
        'A\\\\x1b]0;pwned\\\\x07B'
    """
    return _CONTROLS.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@dataclass(frozen=True)
class Problem:
    """One located problem among several (a returned sheet's bad rows, a ledger's bad cells, a
    file refused as a whole): a code and the place and value it concerns.

    The code is the key of its wording: :data:`PROBLEM_TEXT` says it in English (the error
    messages), :mod:`taskstats.report.wording.returns` in Chinese or English for readers (the
    receipts, 回执).

    Attributes:
        code: What is wrong (``bad_status``, ``other_district``, ``not_whole_number`` …).
        path: The file, if any.
        sheet: The spreadsheet sheet (or Word table), if any.
        line: The 1-based line or spreadsheet row, if any.
        column: The column (a spreadsheet letter and its header as typed), if any.
        value: The value as typed, if any.
        params: What the wording names besides (the allowed values, the other district …).
    """

    code: str
    path: Path | None = None
    sheet: str | None = None
    line: int | None = None
    column: str | None = None
    value: str = ""
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_TEXT:
            raise KeyError(f"no wording for the problem code {self.code!r}")

    @property
    def fields(self) -> dict[str, object]:
        """The value and the params, as the wording's templates name them."""
        return {"value": self.value, **{k: "" if v is None else v for k, v in self.params.items()}}

    @property
    def reason(self) -> str:
        """What is wrong and what to do, in English, without the place."""
        reason, action = PROBLEM_TEXT[self.code]
        text = reason.format(**self.fields)
        return f"{text}; {action.format(**self.fields)}" if action else text

    def __str__(self) -> str:
        # A sheet's rows are rows; a text file's (the ledger's CSV) are lines.
        row = "row" if self.sheet is not None else "line"
        return escape_controls(
            _locate(self.reason, self.path, self.sheet, self.line, self.column, row=row)
        )


# Each problem code's reason and what to do, in English (the error messages).
PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    # A returned progress sheet, or a file refused as a whole.
    "unreadable": ("{reason}", ""),
    "no_table": (
        "no progress table with the columns 序号, 节点 and 状态 in any sheet ({sheets})",
        "return the fill-in sheet with its header row",
    ),
    "no_district": (
        "nothing in the file says which district it is for (no 区县 column, no district "
        "name in its title or sheet names, no task text of a district's table)",
        "pass --district",
    ),
    "unknown_district": ("unknown district {other!r} (known: {known})", "check its name"),
    "other_district": (
        "its task texts are {other}'s tasks, not {district}'s",
        "import it for {other}",
    ),
    "no_match": (
        "its task texts match no district's tasks",
        "check it is a returned progress sheet of a bundled district",
    ),
    "unsaved_formula": (
        "cell {cell}: a formula with no saved value (the program that wrote the file did not "
        "calculate it)",
        "open the file in Excel or WPS and save it, or type the value instead of the formula",
    ),
    "unknown_task": ("unknown task {task_id!r} in {district}", "copy the 序号 from the sheet"),
    "text_edited": ("task {task_id}'s text was edited", "copy it unchanged from the task table"),
    "bad_milestone": (
        "milestone {value!r} is not in the schedule ({dates})",
        "use a node of the sheet",
    ),
    "missing_status": ("status missing", "choose one of {choices}"),
    "bad_status": ("status {value!r} is not allowed", "choose one of {choices}"),
    "bad_date": ("{value!r} is not a date", "use 2020-06-30"),
    "date_out_of_range": (
        "date {date} is out of range ({earliest} to {latest})",
        "give the day it was reported",
    ),
    "duplicate": (
        "duplicate row for task {task_id} at {milestone}; first at {first}",
        "keep one row per task and node",
    ),
    # A ledger's cells.
    "not_whole_number": ("{value!r} is not a whole number", ""),
    "not_a_date": ("{detail}", ""),
    "missing_date": ("a date is required here", ""),
    "not_a_slug": ("district {value!r} is not a district's slug", ""),
}


class TaskstatsError(Exception):
    """Base class of every error taskstats raises on purpose.

    Args:
        message: What was wrong and what to do.
        path: The file concerned, if any.
        line: The 1-based line (or spreadsheet row) concerned, if any.
        sheet: The spreadsheet sheet concerned, if any.
        column: The column concerned (a spreadsheet letter or a name), if any.
        problems: The located problems this error stands for, when there are several.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        sheet: str | None = None,
        column: str | None = None,
        problems: Iterable[Problem] = (),
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.sheet = sheet
        self.column = column
        self.reason = message
        self.problems = tuple(problems)
        located = _locate(message, self.path, sheet, line, column)
        super().__init__(escape_controls(located))

    def __reduce__(self):
        # Keeps the attributes when the error crosses a process boundary (report workers).
        where = {"path": self.path, "line": self.line, "sheet": self.sheet, "column": self.column}
        return _rebuild, (type(self), self.reason, where, self.problems)


def _rebuild(cls: type[TaskstatsError], reason: str, where: dict, problems: tuple) -> Exception:
    return cls(reason, problems=problems, **where)


class InputError(TaskstatsError):
    """A raw table, manifest or argument cannot be read as given."""


class ManifestError(InputError):
    """A district manifest is missing, malformed or points at something that is not there."""


class ProgressError(TaskstatsError):
    """A progress sheet or ledger is malformed or disagrees with the task table."""


class ReportError(TaskstatsError):
    """A report or chart could not be produced."""


class WriteError(TaskstatsError):
    """An output could not be written (a full disk, no permission); the previous files are kept."""


def _locate(
    message: str,
    path: Path | None,
    sheet: str | None,
    line: int | None,
    column: str | None = None,
    *,
    row: str = "line",
) -> str:
    where = []
    if path is not None:
        where.append(str(path))
    if sheet is not None:
        where.append(f"sheet {sheet!r}")
    if line is not None:
        where.append(f"{row} {line}")
    if column is not None:
        where.append(f"column {column}")
    return f"{', '.join(where)}: {message}" if where else message
