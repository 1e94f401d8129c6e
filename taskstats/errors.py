"""The taskstats error family.

Every error a user can cause derives from :class:`TaskstatsError`; its message says what was
wrong, where (file, sheet, line, column) and what to do about it, and the same places are its
attributes (``path``, ``sheet``, ``line``, ``column``; ``reason`` is the message without them).
Messages are terminal-safe: control characters taken from a cell or a file name are escaped
(:func:`escape_controls`), so that printing an error cannot set a window title or clear a screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
    """One located problem among several (a progress sheet's bad rows, a ledger's).

    Attributes:
        reason: What is wrong and what to do.
        path: The file, if any.
        sheet: The spreadsheet sheet, if any.
        line: The 1-based line or spreadsheet row, if any.
        column: The column (a spreadsheet letter, or a name), if any.
    """

    reason: str
    path: Path | None = None
    sheet: str | None = None
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return escape_controls(_locate(self.reason, self.path, self.sheet, self.line, self.column))


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
) -> str:
    where = []
    if path is not None:
        where.append(str(path))
    if sheet is not None:
        where.append(f"sheet {sheet!r}")
    if line is not None:
        where.append(f"line {line}")
    if column is not None:
        where.append(f"column {column}")
    return f"{', '.join(where)}: {message}" if where else message
