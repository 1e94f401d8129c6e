"""Building test documents (Word, PDF, legacy Excel, web pages) from the bundled seed tables.

Every document is written into a test's temporary folder from a seed text file's rows, so the
tidy tables read from it can be compared with those read from the text file itself.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import RAW

SEEDS = {
    "dalian": "dalian-hightech/000_9d7f559dd9317c00.txt",
    "qingdao": "qingdao-westcoast/002_18c7331bcd84886b.txt",
    "quanzhou": "quanzhou-licheng/003_9bdb81d92d0788fa.txt",
    "gulou": "nanjing-gulou/004_54845685a56bb74c.txt",
}


def seed(tmp_path: Path, name: str) -> Path:
    """A copy of a bundled seed table in ``tmp_path``."""
    source = RAW / SEEDS[name]  # the bundled districts' temporary copy, never data/raw
    target = tmp_path / f"{name}.txt"
    shutil.copyfile(source, target)
    return target


def soffice() -> str:
    """The LibreOffice program; skips the test outside CI when it is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required under CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def convert(path: Path, target: str) -> Path:
    """``path`` converted by LibreOffice to ``target`` in the same folder."""
    profile = (path.parent / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(path.parent),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = path.with_suffix("." + target.split(":")[0])
    assert out.is_file(), f"LibreOffice did not write {out}"
    return out


# --- rows of the seed tables -----------------------------------------------------------------


def cell_layout_rows(text: str) -> list[list[str]]:
    """Rows of a one-cell-per-line text table (a tab opens a cell, a blank line ends a row)."""
    rows: list[list[str]] = []
    row: list[str] | None = None
    for raw in text.split("\n"):
        if not raw.strip():
            if row is not None:
                rows.append(row)
            row = None
        elif raw.startswith("\t"):
            row = row if row is not None else []
            row.extend(raw.split("\t")[1:])
        elif row is None:
            row = [raw]
        else:
            row[-1] += "\n" + raw
    if row is not None:
        rows.append(row)
    return rows


def dalian_grid(path: Path) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Dalian's title paragraphs, task table (header first) and 附件2 template table.

    Rows whose number and first cells were lost in the copy are laid out as a Word table has
    them: right-aligned, with an empty number and text.
    """
    rows = cell_layout_rows(path.read_text(encoding="utf-8"))
    title, table, template, fragment = [], [], [], []
    width = 6

    def flush() -> None:
        if fragment:
            cells = [c for part in fragment for c in part]
            table.append([""] * (width - len(cells)) + cells)
            fragment.clear()

    for cells in rows:
        if template or cells[0].startswith("附件2"):
            template.append(cells[1:] if not template else cells)
            continue
        if not table and len(cells) == width + 1:
            title.extend(cells[0].split("\n"))
            table.append(cells[1:])
        elif not table:
            title.extend(cells)
        elif len(cells) == 1 and cells[0][:1] in "一二三四五六七八九十（":
            flush()
            table.append(cells + [""] * (width - 1))
        elif len(cells) >= width:
            flush()
            table.append(cells)
        else:
            fragment.append(cells)
    flush()
    template = [r for r in template if len(r) == width]
    return title, table, template


def delimited_grid(path: Path) -> tuple[list[str], list[list[str]], list[str], list[list[str]]]:
    """A tab-separated table: preamble lines, the task table from its header on (padded), and
    the lines and rows of a second table (the 附件2 template) when the file holds one."""
    lines = path.read_text(encoding="utf-8").split("\n")
    starts = [i for i, ln in enumerate(lines) if ln.startswith("序号\t")]
    heads = starts[:1] + [i for i in starts if re.search("推进计划|完成标准|完成情况", lines[i])]
    end = heads[1] if len(heads) > 1 else len(lines)
    rows = [ln.split("\t") for ln in lines[heads[0] : end] if ln.strip()]
    between: list[str] = []
    while len(heads) > 1 and len(rows[-1]) == 1:
        between.insert(0, rows.pop()[0])
    template = [ln.split("\t") for ln in lines[end:] if "\t" in ln]
    preamble = [ln for ln in lines[: heads[0]] if ln.strip()]
    return preamble, _pad(rows), between, _pad(template)


def _pad(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


# --- writers ---------------------------------------------------------------------------------


def write_docx(
    path: Path,
    before: list[str],
    table: list[list[str]],
    *,
    after: list[tuple[list[str], list[list[str]]]] = (),
    merge_sections: bool = True,
    merge_column: int | None = None,
    widths_cm: list[float] | None = None,
) -> Path:
    """A Word document: paragraphs, the table, then further (paragraphs, table) pairs.

    Section rows (one non-empty cell) are merged across the table; with ``merge_column``, runs
    of equal cells in that column are merged vertically; a cell's lines become paragraphs.
    """
    import docx
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(1.5)
    document.styles["Normal"].font.size = Pt(9)
    for text in before:
        document.add_paragraph(text)
    _add_table(document, table, merge_sections, merge_column, widths_cm)
    for paragraphs, rows in after:
        for text in paragraphs:
            document.add_paragraph(text)
        _add_table(document, rows, False, None, None)
    document.save(path)
    return path


def _add_table(document, rows, merge_sections, merge_column, widths_cm) -> None:
    from docx.shared import Cm

    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.autofit = False
    for r, cells in enumerate(rows):
        row = table.rows[r]
        for c in range(width):
            value = cells[c] if c < len(cells) else ""
            cell = row.cells[c]
            if widths_cm:
                cell.width = Cm(widths_cm[c])
            lines = value.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    if merge_sections:
        for r, cells in enumerate(rows):
            if sum(1 for c in cells if c) == 1 and cells[0] and r > 0:
                table.cell(r, 0).merge(table.cell(r, width - 1))
    if merge_column is not None:
        start = 1
        for r in range(2, len(rows) + 1):
            same = (
                r < len(rows)
                and rows[r][merge_column]
                and rows[r][merge_column] == rows[start][merge_column]
            )
            if not same:
                if r - 1 > start:
                    top = table.cell(start, merge_column)
                    top.merge(table.cell(r - 1, merge_column))
                    top.text = rows[start][merge_column]
                start = r


def write_html(
    path: Path,
    before: list[str],
    rows: list[list[str]],
    *,
    charset: str,
    span: int,
    after: tuple[list[str], list[list[str]]] = ([], []),
) -> Path:
    """A web page holding the table, runs of equal cells in column ``span`` merged by rowspan."""
    out = [
        "<!DOCTYPE html><html><head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        "<title>任务分解</title><style>td{border:1px solid}</style>",
        "<script>var x = '<table><tr><td>1</td></tr></table>';</script></head><body>",
    ]
    out += [f"<p>{html.escape(t)}</p>" for t in before]
    out.append('<table border="1">')
    skip = 0
    for r, cells in enumerate(rows):
        tds = []
        for c, value in enumerate(cells):
            if c == span and skip:
                continue
            attrs = ""
            if c == span and r > 0 and value:
                n = 1
                while r + n < len(rows) and rows[r + n][span] == value:
                    n += 1
                if n > 1:
                    attrs, skip = f' rowspan="{n}"', n
            tds.append(f"<td{attrs}>{html.escape(value).replace(chr(10), '<br>')}</td>")
        skip = max(0, skip - 1)
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    out += [f"<p>{html.escape(t)}</p>" for t in after[0]]
    if after[1]:
        out.append("<table>")
        out += [
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in after[1]
        ]
        out.append("</table>")
    out.append("</body></html>")
    path.write_bytes("\n".join(out).encode(charset))
    return path


def write_text_pdf(path: Path, paragraphs: list[list[str]], *, tabs: list[float] = ()) -> Path:
    """A PDF of plain text lines with no ruling (reportlab, a CID font).

    Each paragraph is a list of cells: one cell is wrapped to the text block (never inside a
    Latin word or number, never before closing punctuation); several cells are drawn as a row
    at the ``tabs`` positions, with no lines between them.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, left, right = "STSong-Light", 11, 60.0, 535.0
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    page = canvas.Canvas(str(path), pagesize=A4)
    y = 800.0

    def line(x: float, text: str) -> None:
        nonlocal y
        if y < 60:
            page.showPage()
            y = 800.0
        page.setFont(font, size)
        page.drawString(x, y, text)

    for cells in paragraphs:
        if len(cells) > 1:
            for x, cell in zip(tabs, cells, strict=True):
                line(x, cell)
            y -= size * 1.5
            continue
        current = ""
        for piece in re.findall(r"[A-Za-z0-9.%]+[，。、；）)]?|.[，。、；）)]?", cells[0]):
            if pdfmetrics.stringWidth(current + piece, font, size) > right - left:
                line(left, current)
                y -= size * 1.5
                current = ""
            current += piece
        line(left, current)
        y -= size * 1.5
    page.save()
    return path
