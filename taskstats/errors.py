"""The taskstats error family.

Every error a user can cause derives from :class:`TaskstatsError`; its message says what was
wrong, where (file, sheet, line, task) and what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class TaskstatsError(Exception):
    """Base class of every error taskstats raises on purpose."""


class InputError(TaskstatsError):
    """A raw table, manifest or argument cannot be read as given.

    Args:
        message: What was wrong and what to do.
        path: The file concerned, if any.
        line: The 1-based line (or spreadsheet row) concerned, if any.
        sheet: The spreadsheet sheet concerned, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.sheet = sheet
        self.reason = message
        super().__init__(_locate(message, self.path, sheet, line))


class ManifestError(InputError):
    """A district manifest is missing, malformed or points at something that is not there."""


class ProgressError(TaskstatsError):
    """A progress sheet or ledger is malformed or disagrees with the task table."""


class ReportError(TaskstatsError):
    """A report or chart could not be produced."""


class WriteError(TaskstatsError):
    """An output could not be written (a full disk, no permission); the previous files are kept."""


def _locate(message: str, path: Path | None, sheet: str | None, line: int | None) -> str:
    where = []
    if path is not None:
        where.append(str(path))
    if sheet is not None:
        where.append(f"sheet {sheet!r}")
    if line is not None:
        where.append(f"line {line}")
    return f"{', '.join(where)}: {message}" if where else message
