"""One entry point: a raw file's layout found from its content, its rows read, and interpreted."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.grid import Row, csv_rows, read_workbook
from taskstats.io.text import decode_bytes
from taskstats.readers.header import match_header
from taskstats.readers.inline import INLINE_ITEM, INLINE_UNITS, InlineParser
from taskstats.readers.table import Parsed, TableParser
from taskstats.tidy.schema import ReadResult


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
        rows = csv_rows(text, path)
        return _finish(TableParser(path, "continuation").run(rows), path, "csv", used)
    if layout == "auto":
        layout = detect_text_layout(text, path)
    if layout == "cells":
        parsed = TableParser(path, "fragment").run(_cell_rows(text))
    elif layout == "delimited":
        parsed = TableParser(path, "continuation").run(_delimited_rows(text))
    elif layout == "inline":
        parsed = InlineParser(path).run(text)
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
    inline = sum(1 for ln in lines if INLINE_ITEM.match(ln) and INLINE_UNITS.search(ln))
    headed = any(match_header(ln.split("\t")) for ln in lines[:200] if "\t" in ln.strip("\t"))
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


def _finish(parsed: Parsed, path: Path, layout: str, encoding: str | None) -> ReadResult:
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


def _read_xlsx(path: Path, data: bytes, sheet: str | None) -> ReadResult:
    sheets, _ = read_workbook(path, data)
    names = [s.name for s in sheets]
    if sheet is not None and sheet not in names:
        raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(names)}", path=path)
    for candidate in sheets:
        if sheet is not None and candidate.name != sheet:
            continue
        if sheet is None and not any(match_header(r.cells) for r in candidate.rows[:40]):
            continue
        parsed = TableParser(path, "continuation").run(candidate.rows)
        return _finish(parsed, path, "xlsx", None)
    raise InputError(
        "no sheet with a recognised header row (序号, 目标任务, 牵头单位, 责任单位, 分管领导 …) "
        f"among {', '.join(names)}; name the sheet in the manifest",
        path=path,
    )
