"""One entry point: a raw file's layout found from its content, its rows read, and interpreted."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.convert import convert_with_libreoffice
from taskstats.io.docx import read_docx
from taskstats.io.files import read_input
from taskstats.io.grid import Row, Sheet, csv_rows, read_workbook
from taskstats.io.html import looks_like_html, read_html
from taskstats.io.ocr import IMAGE_SUFFIXES, looks_like_image, scan_sheets
from taskstats.io.pdf import NoTextLayer, read_pdf
from taskstats.io.text import decode_bytes
from taskstats.io.xls import read_xls
from taskstats.readers.document import choose_table
from taskstats.readers.header import match_header
from taskstats.readers.inline import INLINE_ITEM, INLINE_UNITS, InlineParser
from taskstats.readers.scan import check_scan, scan_issues
from taskstats.readers.table import Parsed, TableParser
from taskstats.tidy.schema import INFO, Issue, ReadResult


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
            ``.xlsx`` or ``.xls`` workbook, Word (``.docx``; ``.doc``, ``.wps``, ``.rtf`` through
            LibreOffice), ``.pdf`` or ``.html`` page; the kind is found from the content.
        layout: ``auto`` to detect, or one of cells, delimited, inline, csv, xlsx, xls, docx,
            pdf, html.
        encoding: Text encoding or ``auto``.
        sheet: Spreadsheet sheet name; default the first with a recognised header.
        table: The 1-based table of a document to read; default the first with a task header.
        trusted: For a scan (an image-only PDF or an image, read by OCR): the district's
            trusted unit and leader names, asked for only when the file is a scan.

    Raises:
        InputError: The file is unreadable, of an unsupported kind, or holds no recognisable table.
    """
    path = Path(path)
    data = read_input(path)
    if not data.strip():
        raise InputError("the file is empty", path=path)
    suffix = path.suffix.lower()
    if layout == "auto":
        layout = _layout_from_file(path, suffix, data)
    if layout == "xlsx":
        return _read_sheets(path, read_workbook(path, data)[0], sheet, "xlsx")
    if layout in DOCUMENT_LAYOUTS:
        return _read_document(path, data, layout, encoding, sheet, table, trusted)
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
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "content.xml" in names:
            return "odf"
        raise InputError("this is a zip archive, not a table; unpack it first", path=path)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _ole_kind(path, suffix, data)
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:5] == b"{\\rtf":
        return "rtf"
    if looks_like_image(data):
        return "scan"
    if looks_like_html(data):
        return "html"
    if suffix in (".xlsx", ".xlsm"):
        raise InputError("not a valid .xlsx file (it is not a zip package)", path=path)
    if suffix in (".xls", ".doc", ".docx", ".pdf", ".wps", ".et", *IMAGE_SUFFIXES):
        raise InputError(
            f"not a valid {suffix} file: its content is not of that kind (it may be damaged or "
            "renamed); open it in WPS or Office and save it again",
            path=path,
        )
    if suffix == ".csv":
        return "csv"
    return "auto"


def _ole_kind(path: Path, suffix: str, data: bytes) -> str:
    """An OLE2 compound file's kind from its stream names (stored as UTF-16 in its directory)."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(
            "this is a password-protected workbook; remove the password and save it as .xlsx",
            path=path,
        )
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "et" if suffix == ".et" else "xls"
    raise InputError(
        "this is an old binary Office file (.xls/.doc) or a password-protected workbook, with "
        "no document or sheet taskstats can find; remove the password, or open it in WPS or "
        "Office and save it as .xlsx or .docx",
        path=path,
    )


def _finish(
    parsed: Parsed,
    path: Path,
    layout: str,
    encoding: str | None,
    tables: tuple[list[str], list[tuple[str, str]]] = ([], []),
    scan: object = None,
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
        scan=scan,
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


# --- documents: Word, PDF, web pages, legacy and WPS files -----------------------------------

DOCUMENT_LAYOUTS = ("docx", "pdf", "html", "xls", "doc", "wps", "rtf", "et", "odf", "scan")
# Files LibreOffice converts first: (target, how the file is named in messages, the extension
# that tells LibreOffice what the content is: WPS saves .wps and .et as Word and Excel binaries).
_CONVERSIONS = {
    "doc": ("docx", "a .doc Word document", ".doc"),
    "wps": ("docx", "a WPS document (.wps)", ".doc"),
    "rtf": ("docx", "an RTF document", ".rtf"),
    "et": ("xlsx", "a WPS spreadsheet (.et)", ".xls"),
    "odf": ("docx", "an OpenDocument file", None),
}


def _read_document(
    path: Path,
    data: bytes,
    layout: str,
    encoding: str,
    sheet: str | None,
    table: int | None,
    trusted: Callable[[], frozenset[str]] | None = None,
) -> ReadResult:
    """Read a document: its task table through the table interpreter, or its text."""
    scan = None
    if layout == "doc" and path.suffix.lower() == ".wps":
        layout = "wps"
    if layout in _CONVERSIONS:
        target, what, suffix = _CONVERSIONS[layout]
        if layout == "odf" and path.suffix.lower() in (".ods", ".et"):
            target, what = "xlsx", "an OpenDocument spreadsheet"
        converted = convert_with_libreoffice(path, data, target, what, suffix)
        if target == "xlsx":
            return _read_sheets(path, read_workbook(path, converted)[0], sheet, layout)
        sheets, text = read_docx(path, converted)
        used = None
    elif layout == "xls":
        return _read_sheets(path, read_xls(path, data), sheet, "xls")
    elif layout == "docx":
        sheets, text = read_docx(path, data)
        used = None
    elif layout == "scan":
        sheets, scan = _read_scan(path, data, trusted)
        text, used = "", None
    elif layout == "pdf":
        try:
            sheets, text = read_pdf(path, data)
        except NoTextLayer:  # an image-only PDF: read by OCR
            layout, text = "scan", ""
            sheets, scan = _read_scan(path, data, trusted)
        used = None
    else:
        sheets, text, used = read_html(path, data, encoding)
    choice = choose_table(sheets, path, table)
    tables = (choice.read, choice.skipped)
    if choice.rows:
        parsed = TableParser(path, "continuation").run(choice.rows)
        if scan is not None:
            parsed.issues[:0] = scan_issues(scan)
        for name, reason in choice.skipped:
            parsed.issues.append(
                Issue(
                    "table_skipped", f"{name} not read as tasks: {reason}", None, None, INFO, name
                )
            )
        return _finish(parsed, path, layout, used, tables, scan)
    if text.strip():
        try:
            found = detect_text_layout(text, path)
        except InputError:
            found = None
        if found is not None:
            rows = _cell_rows(text) if found == "cells" else _delimited_rows(text)
            parsed = (
                InlineParser(path).run(text)
                if found == "inline"
                else TableParser(path, "fragment" if found == "cells" else "continuation").run(rows)
            )
            return _finish(parsed, path, f"{layout}-{found}", used, tables)
    why = "; ".join(f"{name}: {reason}" for name, reason in choice.skipped)
    raise InputError(
        f"no task table in this {layout} document: "
        + (f"{len(sheets)} table(s) ({why}), " if sheets else "no tables, ")
        + "and no numbered items like '1.任务内容（A牵头，B配合）' in its text. Check it is the "
        "decomposition table (附件1)"
        + (", or pass table=N to read a table by its number" if sheets else ""),
        path=path,
    )


def _read_scan(path: Path, data: bytes, trusted: Callable[[], frozenset[str]] | None):
    """A scan's sheets by OCR, the office's corrections applied, names snapped to trusted ones."""
    from taskstats.tidy.review import read_corrections

    sheets, scan = scan_sheets(path, data)
    corrections, where = read_corrections(path.parent, path.name)
    names = trusted() if trusted is not None else frozenset()
    read = check_scan(sheets, scan, path.name, names, corrections)
    read.corrections_file = str(where) if corrections else None
    return sheets, read
