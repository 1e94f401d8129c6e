"""Workbooks read by python-calamine (.xls, .ods) in a child process that cannot take ours down.

calamine is native code: a BIFF dimension record of 0xFFFFFFFF rows makes it abort the whole
process (SIGABRT: no handler runs), and damaged files raise ``pyo3_runtime.PanicException``, a
``BaseException``. So the workbook is read in a child Python with a memory limit, through
:func:`taskstats.io.run.run_program`; the child (:mod:`taskstats.io.calamine_child`, run as a
script) sends the cells back as JSON, or one line naming the error, and an abort, a panic, a
memory blow-up or a timeout becomes an :class:`~taskstats.errors.InputError` here.

Merged ranges are filled as :func:`taskstats.io.grid.fill_merges` does for .xlsx, so every kind of
workbook gives the table interpreter the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.budget import Budget, budget_or_default
from taskstats.io.grid import Row, Sheet, cell_text, fill_merges
from taskstats.io.run import no_temp_space_message, private_folder, run_program

_REFUSED = "refused:"


def read_calamine(
    path: str | Path,
    data: bytes,
    budget: Budget | None,
    what: str,
    source: str,
    *,
    merges: dict[str, list[tuple]] | None = None,
) -> list[Sheet]:
    """The sheets of a workbook calamine reads, in order, merged ranges filled.

    Args:
        path: The file, for messages.
        data: Its bytes.
        budget: The limits (rows, columns, cells of a sheet; the time); default from the
            environment.
        what: How the file is named in messages (``an .xls workbook``).
        source: The engine's name, recorded on each sheet.
        merges: Merged ranges calamine does not report (.ods), by sheet name.

    Raises:
        InputError: The workbook cannot be read (damaged, encrypted, over a limit), or the
            reader crashed or ran out of time or memory on it.
    """
    budget = budget_or_default(budget)
    limits = json.dumps([budget.rows, budget.columns, budget.cells])
    command = [sys.executable, "-I", str(Path(__file__).with_name("calamine_child.py")), limits]
    with private_folder("taskstats-calamine-", path=path) as folder:
        try:
            done = run_program(command, folder=folder, timeout=budget.seconds, stdin=data)
        except OSError as exc:
            raise InputError(no_temp_space_message(exc), path=path) from exc
    if done.timed_out:
        raise InputError(
            f"reading {what} took over {budget.seconds} s; it may be damaged: open it in WPS or "
            "Office and save it as .xlsx, or raise TASKSTATS_MAX_SECONDS",
            path=path,
        )
    said = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == 0:
        merges = merges or {}
        return [
            _sheet(name, grid, [*ranges, *merges.get(name, [])], source)
            for name, grid, ranges in json.loads(done.stdout)
        ]
    if said.startswith(_REFUSED):
        field, found, counted = said[len(_REFUSED) :].split(":", 2)
        raise budget.refusal(path, field, counted, int(found))
    if "MemoryError" in said or "memory allocation of" in said:
        cause = "it asks for more memory than any table needs: its records are damaged"
    elif done.returncode < 0:
        cause = f"the reader crashed on it ({_signal_name(-done.returncode)})"
    else:
        cause = said.splitlines()[-1][-300:] if said else f"exit {done.returncode}"
    raise InputError(
        f"{what} that cannot be read as a workbook ({cause}); it may be damaged or "
        "password-protected: remove the password, or open it in WPS or Office and save it as "
        ".xlsx",
        path=path,
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _decoded(value: object) -> object:
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        return dt.date.fromisoformat(value["date"])
    return value


def _sheet(name: str, grid: list[list], merges: list, source: str) -> Sheet:
    """One sheet from the child's cells: merged ranges filled, empty rows dropped."""
    grid = [[_decoded(v) for v in row] for row in grid]
    fill_merges(grid, merges)
    rows = []
    for i, cells in enumerate(grid, 1):
        values = [cell_text(v) for v in cells]
        if any(v.strip() for v in values):
            rows.append(Row(i, values, name))
    return Sheet(name, rows, source=source)
