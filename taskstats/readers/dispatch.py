"""One entry point: a raw file's layout found from its content, its rows read, and interpreted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.engines import ENGINES, LAYOUTS, TEXT_LAYOUTS, read_engine
from taskstats.io.grid import Row, Sheet, csv_rows
from taskstats.readers.document import SKIP_REASONS, choose_table
from taskstats.readers.header import match_header
from taskstats.readers.inline import INLINE_ITEM, InlineParser
from taskstats.readers.scan import ScanRead, check_scan, scan_issues, scan_of
from taskstats.readers.table import Parsed, TableParser
from taskstats.tidy.schema import INFO, WARNING, Issue, ReadResult
from taskstats.tidy.vocabulary import INLINE_UNITS


def read_raw(
    path: str | Path,
    layout: str = "auto",
    encoding: str = "auto",
    sheet: str | None = None,
    table: int | None = None,
    trusted: Callable[[], frozenset[str]] | None = None,
) -> ReadResult:
    """Read one raw table file into raw tasks.

    Args:
        path: A ``.txt``/``.md`` table (one cell per line, delimited or inline), ``.csv``,
            ``.xlsx``, ``.xls`` or ``.ods`` workbook, Word (``.docx``; ``.doc``, ``.wps``,
            ``.rtf``, ``.odt`` through LibreOffice), ``.pdf`` or ``.html`` page; the kind is found
            from the content (:func:`taskstats.io.engines.sniff`).
        layout: ``auto`` to detect, or one of :data:`taskstats.io.engines.LAYOUTS`.
        encoding: Text encoding or ``auto``.
        sheet: Spreadsheet sheet name; default the first with a recognised header.
        table: The 1-based table of a document to read; default the first with a task header.
        trusted: For a scan (an image-only PDF or an image, read by OCR): the district's
            trusted unit and leader names, asked for only when the file is a scan.

    Raises:
        InputError: The file is unreadable, of an unsupported kind, or holds no recognisable table.
    """
    path = Path(path)
    if layout != "auto" and layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}", path=path)
    name, sheets = read_engine(path, layout=layout, encoding=encoding)
    kind = ENGINES[name].kind
    if kind == "text":
        text, used = sheets[0].text or "", sheets[0].encoding
        found = layout if layout in TEXT_LAYOUTS else detect_text_layout(text, path)
        return _finish(TEXT_PARSERS[found](path, text), path, found, used)
    scan = _check_scan(path, sheets, trusted)
    result = _INTERPRETERS[kind](path, sheets, name, sheet, table)
    if scan is not None:
        result.layout, result.scan = "scan", scan
        result.issues[:0] = scan_issues(scan)
    return result


def _check_scan(
    path: Path, sheets: list[Sheet], trusted: Callable[[], frozenset[str]] | None
) -> ScanRead | None:
    """A scan's cells checked (None for any other file): the office's corrections applied,
    names snapped to the district's trusted names, the cells to review listed."""
    scan = scan_of(sheets)
    if scan is None:
        return None
    from taskstats.tidy.review import read_corrections

    corrections, where = read_corrections(path.parent, path.name)
    names = trusted() if trusted is not None else frozenset()
    read = check_scan(sheets, scan, path.name, names, corrections)
    read.corrections_file = str(where) if corrections else None
    if read.unmatched:
        page, row, col = read.unmatched[0]
        raise InputError(
            f"the correction for {path.name} page {page}, row {row}, column {col} names no cell "
            "of the scan as read; keep 页, 行, 列 as the review sheet wrote them (a new scan of "
            "the table needs a new review)",
            path=where,
        )
    return read


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


def _finish(
    parsed: Parsed,
    path: Path,
    layout: str,
    encoding: str | None,
    tables: tuple[list[str], list[tuple[str, str]]] = ([], []),
) -> ReadResult:
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
        tables_read=list(tables[0]),
        tables_skipped=list(tables[1]),
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


def _read_sheets(path: Path, sheets: list[Sheet], sheet: str | None, layout: str) -> ReadResult:
    names = [s.name for s in sheets]
    if sheet is not None and sheet not in names:
        raise InputError(f"no sheet {sheet!r}; the workbook has {', '.join(names)}", path=path)
    for candidate in sheets:
        if sheet is not None and candidate.name != sheet:
            continue
        if sheet is None and not any(match_header(r.cells) for r in candidate.rows[:40]):
            continue
        parsed = TableParser(path, "continuation").run(candidate.rows)
        return _finish(parsed, path, layout, None)
    raise InputError(
        "no sheet with a recognised header row (序号, 目标任务, 牵头单位, 责任单位, 分管领导 …) "
        f"among {', '.join(names)}; name the sheet in the manifest",
        path=path,
    )


def _read_csv(
    path: Path, sheets: list[Sheet], layout: str, sheet: str | None, table: int | None
) -> ReadResult:
    rows = csv_rows(sheets[0].text, path, header=match_header) if sheets[0].text else sheets[0].rows
    parsed = TableParser(path, "continuation").run(rows)
    return _finish(parsed, path, layout, sheets[0].encoding)


def _read_workbook(
    path: Path, sheets: list[Sheet], layout: str, sheet: str | None, table: int | None
) -> ReadResult:
    return _read_sheets(path, sheets, sheet, layout)


# --- documents: Word, PDF, web pages, legacy and WPS files -----------------------------------

_SKIPPED_NAMED = 20  # the skipped tables named in an error, at most


def _read_document(
    path: Path, sheets: list[Sheet], layout: str, sheet: str | None, table: int | None
) -> ReadResult:
    """Read a document: its task table through the table interpreter, or its text."""
    text_sheet = next((s for s in sheets if s.text is not None and not s.alternative), None)
    text = text_sheet.text or "" if text_sheet is not None else ""
    used = text_sheet.encoding if text_sheet is not None else None
    notes = [note for s in sheets if not s.alternative for note in s.notes]
    alternative = [s for s in sheets if s.alternative]
    sheets = [s for s in sheets if s.text is None and not s.alternative]
    if alternative and not choose_table(sheets, path, table).rows:
        # The converter gave no task table (a legacy Word table LibreOffice reads as paragraphs):
        # the reader's alternative reading (the Word binary's own cell and row marks) may.
        tables_there = [s for s in alternative if s.text is None]
        if choose_table(tables_there, path, table).rows:
            sheets = tables_there
            text = next((s.text or "" for s in alternative if s.text is not None), "")
            notes = [note for s in alternative for note in s.notes]
    extra = [Issue(kind, message, None, None, WARNING) for kind, message in notes]
    choice = choose_table(sheets, path, table)
    tables = (choice.read, choice.skipped)
    if choice.rows:
        parsed = TableParser(path, "continuation").run(choice.rows)
        parsed.issues[:0] = extra
        for name, reason in choice.skipped:
            parsed.issues.append(
                Issue(
                    "table_skipped",
                    f"{name} not read as tasks: {SKIP_REASONS[reason]}",
                    None,
                    None,
                    INFO,
                    name,
                )
            )
        return _finish(parsed, path, layout, used, tables)
    if text.strip():
        try:
            found = detect_text_layout(text, path)
        except InputError:
            found = None
        if found is not None:
            parsed = TEXT_PARSERS[found](path, text)
            parsed.issues[:0] = extra
            return _finish(parsed, path, f"{layout}-{found}", used, tables)
    named = choice.skipped[:_SKIPPED_NAMED]
    why = "; ".join(f"{name}: {SKIP_REASONS[reason]}" for name, reason in named)
    if len(choice.skipped) > len(named):
        why += f"; and {len(choice.skipped) - len(named):,} more"
    raise InputError(
        f"no task table in this {layout} document: "
        + (f"{len(sheets)} table(s) ({why}), " if sheets else "no tables, ")
        + "and no numbered items like '1.任务内容（A牵头，B配合）' in its text. Check it is the "
        "decomposition table (附件1)"
        + (", or pass table=N to read a table by its number" if sheets else ""),
        path=path,
    )


# How each kind of engine's sheets are interpreted, and each text layout.
_INTERPRETERS = {"workbook": _read_workbook, "document": _read_document, "csv": _read_csv}
TEXT_PARSERS = {
    "cells": lambda path, text: TableParser(path, "fragment").run(_cell_rows(text)),
    "delimited": lambda path, text: TableParser(path, "continuation").run(_delimited_rows(text)),
    "inline": lambda path, text: InlineParser(path).run(text),
}
