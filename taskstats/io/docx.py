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
from taskstats.io.grid import Row, Sheet


def read_docx(path: str | Path, data: bytes) -> tuple[list[Sheet], str]:
    """The tables and the text of a .docx document.

    Args:
        path: The file, for messages.
        data: Its bytes.

    Returns:
        The tables in document order, each a sheet named ``table N`` whose rows carry their
        1-based row in the table; and the text of the paragraphs outside tables, one per line.

    Raises:
        InputError: The document cannot be opened.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
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
    tables: list[Sheet] = []
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = _local(child.tag)
        if tag == "tbl":
            name = f"table {len(tables) + 1}"
            tables.append(Sheet(name, _table_rows(child, name)))
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


def _table_rows(tbl, name: str) -> list[Row]:
    """The non-empty rows of one table, merged cells resolved on the table's grid."""
    grid: list[list[str]] = []
    above: dict[int, str] = {}  # grid column -> text of the vertical merge open there
    for tr in (c for c in tbl.iterchildren() if _local(c.tag) == "tr"):
        cells: list[str] = []
        tr_pr = _child(tr, "trPr")
        before = _child(tr_pr, "gridBefore") if tr_pr is not None else None
        if before is not None:
            cells.extend([""] * int(_attr(before, "val") or 0))
        for tc in (c for c in tr.iterchildren() if _local(c.tag) == "tc"):
            tc_pr = _child(tc, "tcPr")
            span, merge = 1, None
            if tc_pr is not None:
                span_el = _child(tc_pr, "gridSpan")
                span = max(1, int(_attr(span_el, "val") or 1)) if span_el is not None else 1
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
            cells.append(text)
            cells.extend([""] * (span - 1))
        grid.append(cells)
    return [Row(i, cells, name) for i, cells in enumerate(grid, 1) if any(c.strip() for c in cells)]
