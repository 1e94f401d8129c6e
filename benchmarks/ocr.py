"""Scanned tables read by OCR: seconds and peak memory per page, and the share of cells flagged
for review, on the scans the tests make (tests/ocr_scans.py: the Dalian seed rows drawn as
three pages at 200 dpi).

Two image-only PDFs: clean (straight, lossless pages) and degraded as the tests degrade them
(turned ±1.5°, JPEG quality 60, a red seal over cells of page 1, one cell blurred). Each is
read in a child process of its own, so that the peak memory (VmHWM) is the OCR's, the models'
loading included; the cells flagged are those the review rule lists (no trusted names given).
Lead units are compared with the text version's, cell by cell, line breaks, spaces and
full-width forms aside (the differences are printed).

Run alone: ``python benchmarks/ocr.py`` (about two minutes on two cores), which prints the
table and puts it in benchmarks/results.md under "Scanned tables (OCR)"; ``benchmarks/run.py``
runs it too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

SEED = ROOT / "data" / "raw" / "dalian-hightech" / "000_9d7f559dd9317c00.txt"
TASKS = 18
SECTION = "## Scanned tables (OCR)"

_CHILD = r"""
import json, sys, time
from pathlib import Path
from taskstats.io.ocr import scan_sheets
from taskstats.readers.scan import check_scan

path = Path(sys.argv[1])
start = time.perf_counter()
sheets, scan = scan_sheets(path, path.read_bytes())
seconds = time.perf_counter() - start
flagged = len(check_scan(sheets, scan, path.name).review)
peak = 0.0
with open("/proc/self/status") as status:
    for line in status:
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
cells = [c for p in scan.pages for c in p.cells]
rows = [r.cells for s in sheets for r in s.rows]
print(json.dumps({"seconds": seconds, "peak_mb": peak, "cells": len(cells), "flagged": flagged,
                  "rows": rows, "pages": len(scan.pages)}))
"""


def _scan(degraded: bool, folder: Path) -> tuple[Path, list[list[str]]]:
    """The scan as an image-only PDF, and the rows it was drawn from."""
    from ocr_scans import degrade, draw_table, image_pdf, jpeg, seed_rows

    rows = seed_rows(SEED, TASKS)
    drawn = draw_table(rows, 9)
    if degraded:
        degrade(drawn, [1.5, -1.5, 1.0])
    pages = [jpeg(p) if degraded else p for p in drawn.pages]
    return image_pdf(pages, folder / f"{'degraded' if degraded else 'clean'}.pdf"), rows


def _read(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ocr_bench() -> list[dict]:
    """One row per scan: pages, seconds a page, peak MB, cells flagged, lead cells exact."""

    from taskstats.tidy.normalize import fold

    def plain(text: str) -> str:  # line breaks, spaces and full widths are layout, not names
        return fold("".join(text.split()))

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for degraded in (False, True):
            path, rows = _scan(degraded, Path(tmp))
            read = _read(path)
            expected = {r[0]: plain(r[2]) for r in rows if r[0].isdigit()}
            got = {r[0]: plain(r[2]) for r in read["rows"] if r and r[0].isdigit()}
            exact = sum(1 for k, v in expected.items() if got.get(k) == v)
            for k, v in expected.items():
                if got.get(k) != v:
                    print(f"task {k}: lead unit {v!r}, read {got.get(k)!r}", file=sys.stderr)
            results.append(
                {
                    "scan": "200 dpi, turned ±1.5°, JPEG 60, red seal, one cell blurred"
                    if degraded
                    else "200 dpi, clean",
                    "pages": read["pages"],
                    "seconds": read["seconds"],
                    "peak_mb": read["peak_mb"],
                    "cells": read["cells"],
                    "flagged": read["flagged"],
                    "lead_exact": exact,
                    "tasks": len(expected),
                }
            )
    return results


def ocr_markdown(rows: list[dict]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| scan | pages | seconds a page | peak memory | cells flagged for review "
        "| lead-unit cells exact |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scan']} | {r['pages']} | {r['seconds'] / max(1, r['pages']):.1f} s | "
            f"{r['peak_mb']:.0f} MB | {r['flagged']} of {r['cells']} "
            f"({100 * r['flagged'] / max(1, r['cells']):.1f}%) | {r['lead_exact']}/{r['tasks']} |"
        )
    return "\n".join(lines)


def write_section(markdown: str, path: Path = HERE / "results.md") -> None:
    """Put the table in results.md under its heading, replacing an earlier one."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if SECTION in text:
        head, _, rest = text.partition(SECTION)
        following = rest.find("\n## ")
        text = head.rstrip("\n") + ("\n\n" + rest[following + 1 :] if following >= 0 else "")
    note = (
        "Each scan read in a child process of its own (the models' loading included), on the "
        "scans the tests make from the Dalian seed rows (`python benchmarks/ocr.py`); the "
        "machine's two cores were shared with other work while this ran."
    )
    path.write_text(f"{text.rstrip()}\n\n{SECTION}\n\n{note}\n\n{markdown}\n", encoding="utf-8")


if __name__ == "__main__":
    table = ocr_markdown(ocr_bench())
    print(table)
    write_section(table)
