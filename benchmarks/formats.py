"""Document formats: time to tidy tables against the library's own bare extraction of the file.

Builds the documents from the seed tables (as tests/test_formats.py does) in a temporary
folder, then times ``taskstats.read_table`` against python-docx walking every cell, pdfplumber's
``extract_tables`` on every page, python-calamine reading every sheet, and the standard
library's ``html.parser`` walking the page. Run alone: ``python benchmarks/formats.py``.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import taskstats  # noqa: E402


def _median(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _bare_docx(path: Path) -> None:
    import docx

    for table in docx.Document(path).tables:
        for row in table.rows:
            [c.text for c in row.cells]


def _bare_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def _bare_xls(path: Path) -> None:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def _bare_html(path: Path) -> None:
    HTMLParser().feed(path.read_bytes().decode("utf-8"))


def _documents(tmp: Path) -> dict[str, Path]:
    import openpyxl
    from formats_build import convert, dalian_grid, delimited_grid, seed, write_docx, write_html

    text = seed(tmp, "dalian")
    title, table, template = dalian_grid(text)
    docx_path = write_docx(tmp / "dalian.docx", title, table, after=[(["附件2"], template)])
    text = seed(tmp, "qingdao")
    preamble, rows, between, template = delimited_grid(text)
    html_path = write_html(
        tmp / "qingdao.html", preamble, rows, charset="utf-8", span=2, after=(between, template)
    )
    text = seed(tmp, "quanzhou")
    preamble, rows, _, _ = delimited_grid(text)
    wb = openpyxl.Workbook()
    for cells in [[p] for p in preamble] + rows:
        wb.active.append(cells)
    wb.save(tmp / "quanzhou.xlsx")
    return {
        "docx (Dalian)": docx_path,
        "pdf (Dalian)": convert(docx_path, "pdf"),
        "xls (Quanzhou)": convert(tmp / "quanzhou.xlsx", "xls"),
        "html (Qingdao)": html_path,
    }


def formats(repeats: int = 5) -> list[dict]:
    """Per format: median seconds to tidy tables, to bare extraction, and their ratio."""
    bare = {"docx": _bare_docx, "pdf": _bare_pdf, "xls": _bare_xls, "html": _bare_html}
    out = []
    with tempfile.TemporaryDirectory(prefix="taskstats-bench-") as tmp:
        for name, path in _documents(Path(tmp)).items():
            kind = name.split()[0]
            full = _median(lambda p=path: taskstats.read_table(p, district="x"), repeats)
            floor = _median(lambda p=path, k=kind: bare[k](p), repeats)
            out.append({"format": name, "tidy_s": full, "bare_s": floor, "ratio": full / floor})
    return out


def markdown(rows: list[dict]) -> str:
    """The results as a markdown table."""
    lines = [
        "| format | to tidy tables (s) | bare extraction (s) | ratio |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['format']} | {r['tidy_s']:.3f} | {r['bare_s']:.3f} | {r['ratio']:.2f}× |"
        for r in rows
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(formats(int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
