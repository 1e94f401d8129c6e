"""OpenDocument spreadsheets (.ods, LibreOffice Calc and WPS), read by python-calamine.

calamine gives the cells but not the merged ranges of an .ods, so those are read here from the
package's ``content.xml`` (a cell's ``number-rows-spanned`` and ``number-columns-spanned``),
streamed, and filled as every workbook's are. The proof that a new format is one module and one
line in :data:`taskstats.io.engines.ENGINES`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from taskstats.errors import InputError
from taskstats.io.budget import Budget
from taskstats.io.calamine import read_calamine
from taskstats.io.grid import Sheet
from taskstats.io.xlsxscan import check_package

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def read_ods(path: str | Path, data: bytes, budget: Budget) -> list[Sheet]:
    """The sheets of an .ods workbook, in order, merged ranges filled.

    Raises:
        InputError: The workbook cannot be read (damaged, encrypted or over a limit).
    """
    merges = _merged_ranges(path, data, budget)
    return read_calamine(
        path, data, budget, "an OpenDocument spreadsheet (.ods)", "ods", merges=merges
    )


def _merged_ranges(path: str | Path, data: bytes, budget: Budget) -> dict[str, list[tuple]]:
    """Each sheet's merged ranges, 0-based ``(row0, col0, row1, col1)``, by sheet name."""
    merges: dict[str, list[tuple]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_package(zf, path, budget, "workbook")
            if "content.xml" not in zf.namelist():
                return merges
            with zf.open("content.xml") as fh:
                name, row, column = "", -1, 0
                for event, elem in iterparse(fh, events=("start", "end")):
                    if event == "end":
                        if elem.tag == f"{_TABLE}table-row":
                            row += int(elem.get(f"{_TABLE}number-rows-repeated") or 1) - 1
                            elem.clear()
                        continue
                    if elem.tag == f"{_TABLE}table":
                        name, row = elem.get(f"{_TABLE}name") or "", -1
                        merges[name] = []
                    elif elem.tag == f"{_TABLE}table-row":
                        row, column = row + 1, 0
                    elif elem.tag in _CELLS:
                        rows = int(elem.get(f"{_TABLE}number-rows-spanned") or 1)
                        columns = int(elem.get(f"{_TABLE}number-columns-spanned") or 1)
                        if rows > 1 or columns > 1:
                            merges[name].append((row, column, row + rows - 1, column + columns - 1))
                        column += int(elem.get(f"{_TABLE}number-columns-repeated") or 1)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"a damaged .ods package ({exc})", path=path) from exc
    except (ParseError, DefusedXmlException, ValueError, KeyError) as exc:
        raise InputError(
            f"not a readable .ods workbook: its XML is malformed ({type(exc).__name__}: {exc}); "
            "open it in LibreOffice or WPS and save it again",
            path=path,
        ) from exc
    return merges
