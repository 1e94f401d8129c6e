"""Budgets for an .xlsx workbook, checked on its XML before openpyxl builds anything.

openpyxl creates an object for every cell of a sheet up to its highest row and for every cell
of a merged range when it loads a workbook: a 1.7 KB file whose merged range covers the sheet
(``A3:XFD1048576``) asks for 17 billion cells, and one row numbered 99,999,999 for a hundred
million. So the package is opened with :mod:`zipfile` and each sheet's XML streamed through
:mod:`defusedxml` first, and a sheet beyond a limit is refused with the limit named. The scan
also finds formula cells with no saved value (the file was written by a program that does not
calculate), which read as blank otherwise.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse
from openpyxl.utils.cell import column_index_from_string as column_index
from openpyxl.utils.cell import coordinate_from_string, range_boundaries

from taskstats.errors import InputError
from taskstats.io.budget import Budget, budget_or_default

# Parts whose size has a budget of its own (the rest: part_bytes).
_PART_LIMITS = {
    "xl/sharedStrings.xml": ("shared_strings_bytes", "bytes of shared strings"),
    "xl/styles.xml": ("styles_bytes", "bytes of styles"),
}
_PARSED = (".xml", ".rels", ".vml")  # the parts a reader parses (the rest: media)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class SheetScan:
    """What the pre-scan found in one sheet."""

    name: str
    max_row: int = 0
    max_column: int = 0
    cells: int = 0
    merged_cells: int = 0
    unsaved_formulas: list[str] = field(default_factory=list)


def scan_workbook(
    path: str | Path, data: bytes, budget: Budget | None = None
) -> dict[str, SheetScan]:
    """Check an .xlsx package against the limits, before it is loaded.

    Args:
        path: The file, for messages.
        data: Its bytes.
        budget: The limits; default :meth:`Budget.from_env`.

    Returns:
        Each sheet's scan, by sheet name.

    Raises:
        InputError: The package is damaged, or a sheet is beyond a limit (named in the message).
    """
    budget = budget_or_default(budget)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_package(zf, path, budget, "workbook")
            return {
                name: _scan_sheet(zf, member, name, path, budget)
                for name, member in _sheet_members(zf).items()
            }
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise InputError(
            f"a damaged zip package ({exc}); open it in Excel or WPS and save it again as .xlsx",
            path=path,
        ) from exc
    except (ParseError, DefusedXmlException, ValueError, KeyError) as exc:
        raise InputError(
            f"not a readable .xlsx workbook: its XML is malformed ({type(exc).__name__}: {exc});"
            " open it in Excel or WPS and save it again",
            path=path,
        ) from exc


def check_package(zf: zipfile.ZipFile, path: str | Path, budget: Budget, what: str) -> None:
    """Refuse a zip package (.xlsx, .docx, .ods) whose parts unpack beyond the budget.

    Every part counts toward ``unpacked_bytes``; the parts that are parsed (XML, relationships,
    VML) are each held to ``part_bytes`` too, while pictures and other media, never parsed, are
    not (a Word document with a large scanned page embedded is read). A part's declared size
    bounds what :mod:`zipfile` gives back, so the check holds against a part that lies about it.

    Raises:
        InputError: The package, or one part, unpacks to more than its limit.
    """
    infos = zf.infolist()
    budget.check(
        path, "unpacked_bytes", sum(i.file_size for i in infos), f"bytes in the {what} unpacked"
    )
    for info in infos:
        if info.filename not in _PART_LIMITS and not info.filename.lower().endswith(_PARSED):
            continue  # media: never parsed
        limit, what_part = _PART_LIMITS.get(info.filename, ("part_bytes", "bytes in one part"))
        budget.check(path, limit, info.file_size, f"{what_part} ({info.filename}) unpacked")


def _sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet names and their XML parts, from the workbook and its relationships."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        return {}
    book = fromstring(zf.read("xl/workbook.xml"))
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter(
            f"{_PKG_REL}Relationship"
        ):
            target = rel.get("Target", "")
            target = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id")] = posixpath.normpath(target)
    members = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        member = targets.get(sheet.get(f"{_REL}id"))
        if member in names:
            members[sheet.get("name", member)] = member
    return members


def _scan_sheet(
    zf: zipfile.ZipFile, member: str, name: str, path: str | Path, budget: Budget
) -> SheetScan:
    scan = SheetScan(name)
    row_number, column = 0, 0
    with zf.open(member) as fh:
        for event, elem in iterparse(fh, events=("start", "end")):
            tag = elem.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    row_number = int(elem.get("r") or row_number + 1)
                    column = 0
                    _check_extent(scan, path, budget, row=row_number)
                elif tag == "c":
                    ref = elem.get("r")
                    column = column_index(coordinate_from_string(ref)[0]) if ref else column + 1
                    scan.cells += 1
                    _check_extent(scan, path, budget, column=column)
                elif tag == "dimension" and ":" in (elem.get("ref") or ""):
                    _, _, max_col, max_row = range_boundaries(elem.get("ref"))
                    _check_extent(scan, path, budget, row=max_row or 0, column=max_col or 0)
                elif tag == "mergeCell" and elem.get("ref"):
                    _count_merge(scan, path, budget, elem.get("ref"))
                continue
            if tag == "c":
                formula, value = elem.find(f"{_MAIN}f"), elem.find(f"{_MAIN}v")
                saved = value is not None and (value.text or elem.get("t") in ("str", "e"))
                if formula is not None and not saved:
                    scan.unsaved_formulas.append(elem.get("r") or f"row {row_number}")
            elif tag == "row":
                elem.clear()
    return scan


def _check_extent(
    scan: SheetScan, path: str | Path, budget: Budget, *, row: int = 0, column: int = 0
) -> None:
    scan.max_row, scan.max_column = max(scan.max_row, row), max(scan.max_column, column)
    where = f"sheet {scan.name!r}"
    if scan.max_row > budget.rows:
        raise InputError(
            f"{where} reaches row {scan.max_row:,}; taskstats reads sheets up to "
            f"{budget.rows:,} rows. Delete the rows below the table and save it again, or raise "
            "TASKSTATS_MAX_ROWS",
            path=path,
        )
    if scan.max_column > budget.columns:
        raise InputError(
            f"{where} reaches column {scan.max_column:,}; taskstats reads sheets up to "
            f"{budget.columns:,} columns. Delete the columns beside the table and save it "
            "again, or raise TASKSTATS_MAX_COLUMNS",
            path=path,
        )
    if scan.cells > budget.cells:
        raise InputError(
            f"{where} holds more than {budget.cells:,} cells, the most taskstats reads in a "
            "sheet; check it is the task table, or raise TASKSTATS_MAX_CELLS",
            path=path,
        )


def _count_merge(scan: SheetScan, path: str | Path, budget: Budget, ref: str) -> None:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    area = ((max_col or min_col) - min_col + 1) * ((max_row or min_row) - min_row + 1)
    scan.merged_cells += area
    if scan.merged_cells > budget.merged_cells:
        raise InputError(
            f"sheet {scan.name!r}: merged ranges cover {scan.merged_cells:,} cells (the last "
            f"{ref}); taskstats reads sheets whose merged ranges cover up to "
            f"{budget.merged_cells:,} cells. Unmerge the cells outside the table and save it "
            "again, or raise TASKSTATS_MAX_MERGED_CELLS",
            path=path,
        )
