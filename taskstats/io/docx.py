"""Word documents (.docx): every table as a sheet of rows, and the running text, in document order.

A table is read from its XML rather than through python-docx's ``table.rows[i].cells``, which
repeats a merged cell in every grid column it spans: here a cell spanning columns (``w:gridSpan``)
keeps its text in its first column and leaves the others empty (as a merged range of a workbook
does), and a cell merged vertically (``w:vMerge``) gives its text to every row it spans (the
分管领导 of a group of tasks). The paragraphs of one cell are joined with a line break.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.budget import Budget, budget_or_default
from taskstats.io.grid import Row, Sheet
from taskstats.io.xlsxscan import check_package


def read_docx(
    path: str | Path, data: bytes, budget: Budget | None = None
) -> tuple[list[Sheet], str]:
    """The tables and the text of a .docx document.

    Args:
        path: The file, for messages.
        data: Its bytes.
        budget: The limits (unpacked size, tables, and each table's laid-out rows, columns and
            cells, spans included); default from the environment.

    Returns:
        The tables in document order, each a sheet named ``table N`` whose rows carry their
        1-based row in the table; and the text of the paragraphs outside tables, one per line.

    Raises:
        InputError: The document cannot be opened, has no body, or is over a limit.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    budget = budget_or_default(budget)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_package(zf, path, budget, "document")
        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            f"not a readable Word document ({type(exc).__name__}: {exc}); it may be damaged or "
            "password-protected: open it in Word or WPS and save it again as .docx",
            path=path,
        ) from exc
    except Exception as exc:  # lxml's XMLSyntaxError and kin from a damaged part
        raise InputError(
            f"a damaged Word document ({type(exc).__name__}); open it in Word or WPS and save "
            "it again as .docx",
            path=path,
        ) from exc
    body = document.element.body
    if body is None:
        raise InputError(
            "a Word document with no body (w:body) holds no text or tables; it is damaged: open "
            "it in Word or WPS and save it again as .docx",
            path=path,
        )
    count = sum(1 for child in body.iterchildren() if _local(child.tag) == "tbl")
    budget.check(path, "tables", count, "tables in the document")
    tables: list[Sheet] = []
    lines: list[str] = []
    for child in body.iterchildren():
        tag = _local(child.tag)
        if tag == "tbl":
            name = f"table {len(tables) + 1}"
            tables.append(Sheet(name, _table_rows(child, name, _Laid(path, budget, name))))
        elif tag == "p":
            lines.append(_paragraph_text(child))
    return tables, "\n".join(lines)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _child(element, name: str):
    for child in element.iterchildren():
        if _local(child.tag) == name:
            return child
    return None


def _paragraph_text(p) -> str:
    parts = []
    for node in p.iter():
        tag = _local(node.tag)
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag == "tab":
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    paragraphs = [_paragraph_text(p) for p in tc.iter() if _local(p.tag) == "p"]
    return "\n".join(p for p in paragraphs if p.strip())


class _Laid:
    """A table's laid-out size against the budget, checked before each row or span is built."""

    def __init__(self, path: str | Path, budget: Budget, name: str) -> None:
        self.path, self.budget, self.name, self.cells = path, budget, name, 0

    def rows(self, tbl) -> None:
        count = sum(1 for c in tbl.iterchildren() if _local(c.tag) == "tr")
        self.budget.check(self.path, "rows", count, f"rows in {self.name}")

    def span(self, element, default: int) -> int:
        """A ``w:val`` count (gridSpan, gridBefore), checked as a whole number of columns."""
        if element is None:
            return default
        given = _attr(element, "val")
        try:
            value = int(given) if given is not None else default
        except ValueError:
            raise InputError(
                f"{self.name}: a cell spans {given!r} columns, not a whole number; the document "
                "is damaged: open it in Word or WPS and save it again",
                path=self.path,
            ) from None
        self.budget.check(self.path, "columns", value, f"columns spanned by a cell of {self.name}")
        return max(value, 0)

    def add(self, width: int, added: int) -> None:
        """``added`` cells laid out, making a row ``width`` columns wide."""
        self.budget.check(self.path, "columns", width, f"columns in a row of {self.name}")
        self.cells += added
        self.budget.check(self.path, "cells", self.cells, f"cells laid out in {self.name}")


def _table_rows(tbl, name: str, laid: _Laid) -> list[Row]:
    """The non-empty rows of one table, merged cells resolved on the table's grid."""
    grid: list[list[str]] = []
    above: dict[int, str] = {}  # grid column -> text of the vertical merge open there
    laid.rows(tbl)
    for tr in (c for c in tbl.iterchildren() if _local(c.tag) == "tr"):
        cells: list[str] = []
        tr_pr = _child(tr, "trPr")
        before = _child(tr_pr, "gridBefore") if tr_pr is not None else None
        if before is not None:
            count = laid.span(before, 0)
            laid.add(count, count)
            cells.extend([""] * count)
        for tc in (c for c in tr.iterchildren() if _local(c.tag) == "tc"):
            tc_pr = _child(tc, "tcPr")
            span, merge = 1, None
            if tc_pr is not None:
                span = max(1, laid.span(_child(tc_pr, "gridSpan"), 1))
                merge_el = _child(tc_pr, "vMerge")
                if merge_el is not None:
                    merge = _attr(merge_el, "val") or "continue"
            column = len(cells)
            if merge == "continue":
                text = above.get(column, "")
            else:
                text = _cell_text(tc)
                if merge == "restart":
                    above[column] = text
                else:
                    above.pop(column, None)
            laid.add(len(cells) + span, span)
            cells.append(text)
            cells.extend([""] * (span - 1))
        grid.append(cells)
    return [Row(i, cells, name) for i, cells in enumerate(grid, 1) if any(c.strip() for c in cells)]
