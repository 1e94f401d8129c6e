"""Budgets: how much of a file taskstats reads before it refuses, one place for every format.

A unit's file can ask for far more than it holds: a 1 KB Word table whose cell spans a billion
columns, a 7 KB PDF whose nested drawings repeat a billion times, a workbook part that unpacks
to 450 MB. Each format's reader checks the budget that applies *before* the expensive step and
refuses with an :class:`~taskstats.errors.InputError` naming the file, the limit and the
environment variable that raises it. The limits suit task tables and progress sheets (a
decomposition table is a few hundred rows on a few pages); raise one for a file that needs it.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from taskstats.errors import InputError


@dataclass(frozen=True)
class Budget:
    """The limits a reader checks; each can be raised by ``TASKSTATS_MAX_<FIELD>``.

    Attributes:
        unpacked_bytes: A package's parts (.xlsx, .docx, .ods), uncompressed, in all.
        part_bytes: One parsed part of a package (a sheet's or a document's XML, not a
            picture), uncompressed.
        shared_strings_bytes: An .xlsx workbook's shared-strings part, uncompressed.
        styles_bytes: An .xlsx workbook's styles part, uncompressed.
        rows: The rows of one laid-out table or sheet (the highest row number of a sheet).
        columns: The columns of one laid-out table or sheet (spans included).
        cells: The cells of one laid-out table or sheet (every column of every row).
        merged_cells: The cells covered by a sheet's merged ranges, in all.
        tables: The tables of one document.
        pages: The pages of a PDF.
        page_chars: The characters drawn on one PDF page.
        page_operators: The operators run to draw one PDF page (those of nested forms too).
        page_objects: The XObjects (forms, images) drawn on one PDF page, nested ones included:
            each draw of a form costs pdfminer a new interpreter and a parse of its stream, so
            2^30 draws from 7 KB are refused here within a second, long before the operators.
        stream_bytes: One compressed PDF stream, decompressed.
        seconds: How long a child process (a converter, a native reader) may run.
    """

    unpacked_bytes: int = 100_000_000
    part_bytes: int = 30_000_000  # a 52 MB document.xml parses into 660 MB
    shared_strings_bytes: int = 50_000_000
    styles_bytes: int = 20_000_000
    rows: int = 100_000
    columns: int = 1_000
    cells: int = 2_000_000
    merged_cells: int = 1_000_000
    tables: int = 2_000
    pages: int = 500
    page_chars: int = 100_000
    page_operators: int = 100_000
    page_objects: int = 2_000
    stream_bytes: int = 100_000_000
    seconds: int = 60

    @classmethod
    def from_env(cls) -> Budget:
        """The default budget, each limit overridden by its ``TASKSTATS_MAX_<FIELD>`` if set.

        Raises:
            InputError: A variable is set to something other than a positive whole number.
        """
        values = {}
        for f in dataclasses.fields(cls):
            name = env_name(f.name)
            given = os.environ.get(name)
            if given is None or not given.strip():
                continue
            try:
                values[f.name] = int(given.strip().replace("_", ""))
            except ValueError:
                values[f.name] = 0
            if values[f.name] <= 0:
                raise InputError(f"{name}={given!r} is not a positive whole number")
        return cls(**values)

    def check(self, path: str | Path, limit: str, found: int, what: str) -> None:
        """Refuse ``path`` when ``found`` is over the ``limit`` named (a field of this budget).

        Args:
            path: The file, for the message.
            limit: The field holding the limit (``rows``, ``pages`` …).
            found: The amount found (or reached so far).
            what: What was counted, said in the message (``rows in table 2``).

        Raises:
            InputError: ``found`` exceeds the limit.
        """
        allowed = getattr(self, limit)
        if found > allowed:
            raise self.refusal(path, limit, what, found)

    def refusal(
        self, path: str | Path, limit: str, what: str, found: int | None = None
    ) -> InputError:
        """The error refusing ``path`` over ``limit``: what was found, the limit, the variable."""
        allowed = getattr(self, limit)
        amount = f"{found:,}" if found is not None else f"more than {allowed:,}"
        return InputError(
            f"{amount} {what}; taskstats reads up to {allowed:,} (a task table or progress sheet "
            f"rarely comes near). Check it is the right file, or raise {env_name(limit)}",
            path=path,
        )


def env_name(limit: str) -> str:
    """The environment variable that raises a budget's ``limit``."""
    return f"TASKSTATS_MAX_{limit.upper()}"


def budget_or_default(budget: Budget | None) -> Budget:
    """``budget``, or the default one read from the environment."""
    return budget if budget is not None else Budget.from_env()
