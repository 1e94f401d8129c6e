"""A scan's cells checked before they are interpreted: the office's corrections applied, names
snapped only to the names the district trusts, and every cell that needs a person's eye listed.

A cell is listed for review when its lowest OCR confidence is under :data:`REVIEW_BELOW`, when
it has ink but no text was read, when a name in it was snapped to a trusted name or split from
two names written together ("省经信厅省科技厅"), when it is empty in a column every task fills
(序号, 目标任务, 牵头单位), or when its number breaks the sequence. A corrected cell is not listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taskstats.io.grid import Sheet
from taskstats.io.ocr import Scan, ScanCell, ScanSheet, page_rows
from taskstats.readers.header import match_header
from taskstats.tidy.schema import INFO, WARNING, Issue

REVIEW_BELOW = 0.9  # a cell whose lowest box confidence is under this goes to review
SNAPPED_FIELDS = ("lead", "support", "units", "leader")
NEEDED_FIELDS = ("number", "text", "lead")
_SEPARATORS = re.compile(r"([、，,；;\n])")
# A unit's ending followed by another unit's level inside one name: "省经信厅省科技厅".
_TWO_NAMES = re.compile(r"..(?:厅|局|委|办)(?=(?:省|市|区|县)..)")


@dataclass
class ReviewCell:
    """One cell for review: where it is, what was read, what is proposed and why."""

    file: str
    page: int
    row: int
    col: int
    field: str
    raw: str
    proposed: str
    reasons: list[str]
    confidence: float
    box: tuple[int, int, int, int]


@dataclass
class ScanRead:
    """What became of a scan: the OCR result, the cells for review, corrections applied."""

    scan: Scan
    review: list[ReviewCell] = field(default_factory=list)
    corrected: int = 0
    corrections_file: str | None = None
    unmatched: list[tuple[int, int, int]] = field(default_factory=list)  # corrections of no cell


def scan_of(sheets: list[Sheet]) -> Scan | None:
    """The scan the sheets were read from by OCR, or None when they are not a scan's."""
    return next((s.scan for s in sheets if isinstance(s, ScanSheet) and s.scan), None)


def check_scan(
    sheets: list[Sheet],
    scan: Scan,
    file: str,
    trusted: frozenset[str] = frozenset(),
    corrections: dict[tuple[int, int, int], str] | None = None,
) -> ScanRead:
    """Apply corrections and snapping to a scan's cells (in place) and list the cells to review.

    Args:
        sheets: The scan's sheets (:class:`~taskstats.io.ocr.ScanSheet`), rows rebuilt here.
        scan: The pages they were read from.
        file: The scan's file name, as the review sheet names it.
        trusted: The district's trusted unit and leader names (never names from the scan).
        corrections: Corrected text by (page, row, column), from the office's review.

    Returns:
        The scan with its review list and the number of corrections applied.
    """
    corrections = corrections or {}
    read = ScanRead(scan)
    fields = _fields(sheets)
    previous: int | None = None
    for page in scan.pages:
        width = max((c.col + c.cols - 1 for c in page.cells), default=0)
        header_row = _header_row(page.cells) if page is scan.pages[0] else None
        for cell in page.cells:
            name = fields.get(cell.col, "") or ""
            key = (page.number, cell.row, cell.col)
            if key in corrections:
                cell.text = corrections[key]
                cell.corrected = True
                read.corrected += 1
            if cell.row == header_row or (cell.cols > 1 and 2 * cell.cols >= width):
                continue  # the header, a section row merged across the table
            reasons = [] if cell.corrected else _reasons(cell, name, trusted)
            if name == "number":
                number = _number(cell.text)
                if number is not None:
                    if previous is not None and number != previous + 1 and not cell.corrected:
                        reasons.append("number_break")
                    previous = number
            if reasons:
                read.review.append(
                    ReviewCell(
                        file,
                        page.number,
                        cell.row,
                        cell.col,
                        name,
                        cell.raw,
                        cell.text,
                        reasons,
                        cell.confidence,
                        cell.box,
                    )
                )
    for sheet in sheets:
        if isinstance(sheet, ScanSheet) and sheet.page is not None:
            sheet.rows = page_rows(sheet.page)
    cells = {(p.number, c.row, c.col) for p in scan.pages for c in p.cells}
    read.unmatched = sorted(set(corrections) - cells)
    return read


def _reasons(cell: ScanCell, name: str, trusted: frozenset[str]) -> list[str]:
    reasons = []
    if cell.confidence < REVIEW_BELOW:
        reasons.append("unread" if not cell.text else "low_confidence")
    if name in SNAPPED_FIELDS and cell.text:
        cell.text, how = snap_names(cell.text, trusted)
        reasons.extend(how)
    if name in NEEDED_FIELDS and not cell.text and "unread" not in reasons:
        reasons.append("empty")
    return reasons


def snap_names(text: str, trusted: frozenset[str]) -> tuple[str, list[str]]:
    """A cell's names matched to trusted names: a name one character off a single trusted name
    takes it ("snapped"); a name made of two trusted names is split with "、" ("joined"); a
    name that looks like two (a unit's ending, then 省/市/区/县) is flagged ("two_names").

    Returns:
        The new text and what was done (empty when nothing).
    """
    parts = _SEPARATORS.split(text)
    how: list[str] = []
    for i in range(0, len(parts), 2):
        name = parts[i].strip()
        if not name or name in trusted:
            continue
        split = next(
            (k for k in range(2, len(name) - 1) if name[:k] in trusted and name[k:] in trusted),
            None,
        )
        if split is not None:
            parts[i] = f"{name[:split]}、{name[split:]}"
            how.append("joined")
            continue
        close = [t for t in trusted if len(name) >= 3 and _one_off(name, t)]
        if len(close) == 1:
            parts[i] = close[0]
            how.append("snapped")
        elif _TWO_NAMES.search(name):
            how.append("two_names")  # flagged, not split: no trusted names say where
    return "".join(parts), sorted(set(how))


def _one_off(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character changed, added or dropped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


def _fields(sheets: list[Sheet]) -> dict[int, str | None]:
    """Each 1-based column's field, from the first header row of the scan."""
    for sheet in sheets:
        for row in sheet.rows[:40]:
            found = match_header(row.cells)
            if found:
                return {i: f for i, f in enumerate(found, 1)}
    return {}


def _header_row(cells: list[ScanCell]) -> int | None:
    rows: dict[int, list[str]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c.text)
    for r in sorted(rows)[:40]:
        if match_header(rows[r]):
            return r
    return None


def _number(text: str) -> int | None:
    digits = text.strip().rstrip(".、")
    return int(digits) if digits.isdigit() else None


def scan_issues(read: ScanRead) -> list[Issue]:
    """The quality table's lines on a scan: read by OCR, reviewed or not, each cell to review."""
    pages = len(read.scan.pages)
    issues = [
        Issue(
            "ocr_read",
            f"read by OCR: {pages} page(s) with a table, {len(read.scan.skipped)} without "
            f"skipped, {len(read.review)} cell(s) to review, in {read.scan.seconds:.0f} s",
            severity=INFO,
        )
    ]
    if read.corrected:
        issues.append(
            Issue(
                "ocr_reviewed",
                f"reviewed: {read.corrected} correction(s) applied from {read.corrections_file}",
                severity=INFO,
            )
        )
    for cell in read.review:
        change = f" → {cell.proposed!r}" if cell.proposed != cell.raw else ""
        issues.append(
            Issue(
                "ocr_review",
                f"page {cell.page}, row {cell.row}, column {cell.col} ({cell.field or '?'}): "
                f"read {cell.raw!r}{change}; "
                f"{', '.join(cell.reasons)} (confidence {cell.confidence:.2f}); check it on the "
                "review sheet",
                line=cell.row,
                severity=WARNING,
                sheet=f"page {cell.page}",
            )
        )
    return issues
