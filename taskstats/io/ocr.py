"""Scanned tables read by OCR: image-only PDF pages and images (.png, .jpg, .tif).

Each page is turned grey on its red channel (against red seals), straightened on its ruling
lines, cut into cells with merges (:mod:`taskstats.io.ocr_grid`), read once by RapidOCR with the
Chinese PP-OCR models shipped inside its wheel (nothing is downloaded), and each text box put in
the cell its centre falls in. Traditional forms are turned simplified (OpenCC ``t2s``) and "丶"
into "、". The result is the same rows of cells every other format yields, one sheet per page
(``page 3``); a cell merged down several rows gives its text to each of them. Every cell keeps its
page, place, box and lowest confidence (:class:`ScanCell`) for the review sheet.

The pages come from :mod:`taskstats.io.ocr_pages`. Needs the optional extra: ``pip install
taskstats[ocr]``.
"""

from __future__ import annotations

import bisect
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from taskstats.errors import InputError
from taskstats.io.budget import Budget
from taskstats.io.grid import Row, Sheet
from taskstats.io.ocr_grid import Grid, erase_lines, find_grid, page_gray, paper, straighten
from taskstats.io.ocr_pages import OcrBudget, page_images

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
MIN_TEXT_HEIGHT = 14  # pixels: below this the recogniser misreads (about 100 dpi for 五号 text)
UNREADABLE = 0.5  # a page whose text boxes average below this confidence is refused
_MODELS = (
    "PP-OCRv6_det_small.onnx",
    "PP-OCRv6_rec_small.onnx",
    "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
)


@dataclass
class ScanCell:
    """One cell as read: its page, grid row and column (1-based), text, raw text, confidence."""

    page: int
    row: int
    col: int
    text: str
    raw: str
    confidence: float
    box: tuple[int, int, int, int]
    rows: int = 1
    cols: int = 1
    corrected: bool = False


@dataclass
class ScanPage:
    """A page read: its number, the straightened grey image, and its cells."""

    number: int
    image: np.ndarray
    cells: list[ScanCell]
    angle: float


@dataclass
class ScanSheet(Sheet):
    """A page's rows (a :class:`~taskstats.io.grid.Sheet`) with the page as read, and the whole
    scan it belongs to."""

    page: ScanPage | None = None
    scan: Scan | None = None


@dataclass
class Scan:
    """What the OCR read from one file: the pages with a table, those without, the time."""

    pages: list[ScanPage] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    seconds: float = 0.0


def looks_like_image(data: bytes) -> bool:
    """Whether the bytes are a PNG, JPEG or TIFF image."""
    return (
        data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:3] == b"\xff\xd8\xff"
        or data[:4]
        in (
            b"II*\x00",
            b"MM\x00*",
        )
    )


def require_ocr() -> None:
    """Check the optional OCR extra is installed.

    Raises:
        InputError: It is not, with the command that installs it.
    """
    try:
        import cv2  # noqa: F401
        import opencc  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError as exc:
        raise InputError(
            f"reading a scanned table needs the optional OCR extra ({exc.name} is missing): "
            "install it with `pip install taskstats[ocr]` (or `make setup`, which installs it)"
        ) from exc


def read_scan(path: str | Path, data: bytes, budget: Budget | None = None) -> list[Sheet]:
    """The OCR engine (:data:`taskstats.io.engines.ENGINES` ``scan``): a scan's table rows, one
    sheet per page with a table grid, then an empty text sheet (a scan's text is not read).

    Args:
        path: The file (an image-only PDF or an image), for messages.
        data: Its bytes.
        budget: The format budget: its ``pages`` bound the pages read, with the OCR's own
            pages, pixels and seconds (:meth:`OcrBudget.from_env`).

    Returns:
        :class:`ScanSheet` objects named ``page N`` (pages without a grid left out), and the
        text sheet.

    Raises:
        InputError: The OCR extra is missing, a budget is exceeded, no page holds a table grid,
            or a page is unreadable or of too low a resolution (each naming the page).
    """
    ocr = OcrBudget.from_env()
    if budget is not None:
        ocr = replace(ocr, pages=min(ocr.pages, budget.pages))
    sheets, _ = scan_sheets(path, data, ocr)
    return [*sheets, Sheet("text", [], source="scan", text="")]


def scan_sheets(
    path: str | Path, data: bytes, budget: OcrBudget | None = None
) -> tuple[list[Sheet], Scan]:
    """:func:`read_scan`'s sheets with the :class:`Scan` they were read from.

    A file read again in the same process (the same bytes) is not read by OCR again.
    """
    require_ocr()
    path = Path(path)
    key = hashlib.sha256(data).hexdigest()
    if key not in _READ:
        _READ[key] = _scan(path, data, budget or OcrBudget.from_env())
        while len(_READ) > _KEEP:
            _READ.popitem(last=False)
    _READ.move_to_end(key)
    done = _READ[key]
    # Each caller gets its own cells (corrections and snapping change them); images are shared.
    scan = Scan(
        [replace(p, cells=[replace(c) for c in p.cells]) for p in done.pages],
        list(done.skipped),
        done.seconds,
    )
    sheets: list[Sheet] = [
        ScanSheet(f"page {p.number}", page_rows(p), source="scan", page=p, scan=scan)
        for p in scan.pages
    ]
    return sheets, scan


_READ: OrderedDict[str, Scan] = OrderedDict()  # scans read in this process, by content hash
_KEEP = 4


def _scan(path: Path, data: bytes, budget: OcrBudget) -> Scan:
    """Every page of a scan read, pages without a grid skipped."""
    from tqdm import tqdm

    started = time.monotonic()
    count, images = page_images(path, data, budget)
    scan = Scan()
    engine = _engine()
    for number, rgb in tqdm(
        images, desc=f"OCR {path.name}", unit="page", total=count, disable=None
    ):
        if time.monotonic() - started > budget.seconds:
            raise InputError(
                f"page {number}: the OCR time budget of {budget.seconds:.0f} s is spent (raise "
                "TASKSTATS_OCR_MAX_SECONDS, or split the scan)",
                path=path,
            )
        page = read_page(engine, rgb, number, path)
        if page is None:
            scan.skipped.append(number)
            continue
        scan.pages.append(page)
    scan.seconds = time.monotonic() - started
    if not scan.pages:
        which = ", ".join(str(n) for n in scan.skipped)
        raise InputError(
            f"no table grid found on page {which}: taskstats reads scanned tables by their "
            "ruling lines; scan the table itself (附件), upright and whole, or ask for the .docx",
            path=path,
        )
    return scan


def read_page(engine, rgb: np.ndarray, number: int, path: Path) -> ScanPage | None:
    """One page read: None when it has no table grid.

    Raises:
        InputError: The page is unreadable or of too low a resolution.
    """
    level, angle = straighten(page_gray(rgb))
    gray = paper(level)
    grid = find_grid(gray)
    if grid is None:
        return None
    clean = erase_lines(gray)
    try:
        out = engine(np.dstack([clean, clean, clean]), return_word_box=True)
    except Exception as exc:  # onnxruntime and the pipeline raise many kinds
        raise InputError(
            f"page {number}: the OCR cannot read this page ({type(exc).__name__}: {exc})",
            path=path,
        ) from exc
    boxes = _split_at_rules(out, grid.xs) if out.boxes is not None else []
    if not boxes or float(np.mean([s for _, _, s in boxes])) < UNREADABLE:
        raise InputError(
            f"page {number}: the OCR cannot read this page (no text recognised with confidence); "
            "scan it again, upright, at 200–300 dpi",
            path=path,
        )
    heights = [float(np.ptp(np.asarray(b)[:, 1])) for b, _, _ in boxes]
    if float(np.median(heights)) < MIN_TEXT_HEIGHT:
        raise InputError(
            f"page {number}: the text is {np.median(heights):.0f} pixels high, too low a "
            "resolution to read reliably; scan the table at 200–300 dpi",
            path=path,
        )
    return ScanPage(number, level, _cells(grid, boxes, number, erase_lines(level)), angle)


def _split_at_rules(out, xs: list[int]) -> list[tuple[np.ndarray, str, float]]:
    """The text lines read, a line running across a column rule split into one piece a cell.

    Where a cell's text ends close to the rule and the next cell's begins just after it, the
    detector may take both for one line; its characters' own boxes say which cell each is in.
    """
    words = out.word_results or ()
    if len(words) != len(out.txts):
        words = [()] * len(out.txts)
    lines = []
    for points, text, score, chars in zip(out.boxes, out.txts, out.scores, words, strict=True):
        pts = np.asarray(points, dtype=float)
        left, right = pts[:, 0].min(), pts[:, 0].max()
        if not chars or not any(left + 5 < x < right - 5 for x in xs[1:-1]):
            lines.append((pts, text, float(score)))
            continue
        pieces: dict[int, list] = {}
        for char, char_score, box in chars:
            corners = np.asarray(box, dtype=float)
            pieces.setdefault(bisect.bisect(xs, corners[:, 0].mean()), []).append(
                (char, float(char_score), corners)
            )
        for piece in pieces.values():
            every = np.vstack([c for _, _, c in piece])
            (x0, y0), (x1, y1) = every.min(axis=0), every.max(axis=0)
            box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
            lines.append((box, "".join(c for c, _, _ in piece), min(s for _, s, _ in piece)))
    return lines


def _cells(grid: Grid, boxes: list, page: int, level: np.ndarray) -> list[ScanCell]:
    """Each grid cell's text from the boxes whose centre falls in it; a cell with ink but no
    text read (a smudge, a blurred or faint entry, a seal over an empty cell) has confidence 0;
    ``level`` is the straightened page before light tones were whitened."""
    placed: dict[int, list[tuple[np.ndarray, str, float]]] = {i: [] for i in range(len(grid.cells))}
    for points, text, score in boxes:
        pts = np.asarray(points, dtype=float)
        x, y = pts[:, 0].mean(), pts[:, 1].mean()
        for i, cell in enumerate(grid.cells):
            x0, y0, x1, y1 = cell.box
            if x0 <= x < x1 and y0 <= y < y1:
                placed[i].append((pts, text, float(score)))
                break
    cells = []
    for i, cell in enumerate(grid.cells):
        found = placed[i]
        raw = _join_lines(found, cell.box)
        confidence = min((s for _, _, s in found), default=0.0 if _inked(level, cell.box) else 1.0)
        cells.append(
            ScanCell(
                page,
                cell.row + 1,
                cell.col + 1,
                clean_text(raw),
                raw,
                confidence,
                cell.box,
                cell.rows,
                cell.cols,
            )
        )
    return cells


def _inked(clean: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether a cell's inside (its rules left out) is darker than blank paper."""
    x0, y0, x1, y1 = box
    inside = clean[y0 + 8 : y1 - 8, x0 + 8 : x1 - 8]
    return bool(inside.size) and 255 - float(inside.mean()) > 4


def _join_lines(found: list, box: tuple[int, int, int, int]) -> str:
    """The boxes' texts as the lines of one cell: a line reaching the cell's right edge wraps
    on (joined without a break), a shorter one ends with a line break."""
    if not found:
        return ""
    found = sorted(found, key=lambda f: f[0][:, 1].mean())
    lines: list[list] = []
    for item in found:
        top, bottom = item[0][:, 1].min(), item[0][:, 1].max()
        if lines:
            last = lines[-1]
            ltop = min(p[:, 1].min() for p, _, _ in last)
            lbottom = max(p[:, 1].max() for p, _, _ in last)
            overlap = min(bottom, lbottom) - max(top, ltop)
            if overlap > 0.5 * min(bottom - top, lbottom - ltop):
                last.append(item)
                continue
        lines.append([item])
    text = ""
    for k, line in enumerate(lines):
        line.sort(key=lambda f: f[0][:, 0].min())
        text += "".join(t.strip() for _, t, _ in line)
        if k + 1 < len(lines):
            right = max(p[:, 0].max() for p, _, _ in line)
            height = np.median([np.ptp(p[:, 1]) for p, _, _ in line])
            text += "" if right >= box[2] - 1.8 * height else "\n"
    return text


_CONVERTER = None


def clean_text(text: str) -> str:
    """OCR text made plain: traditional forms simplified (OpenCC ``t2s``), "丶" as "、"."""
    global _CONVERTER
    if not text:
        return text
    if _CONVERTER is None:
        import opencc

        _CONVERTER = opencc.OpenCC("t2s")
    return _CONVERTER.convert(text).replace("丶", "、")


def page_rows(page: ScanPage) -> list[Row]:
    """A page's rows of cells: a cell merged down several rows gives its text to each; a cell
    merged across columns keeps it in its first column."""
    if not page.cells:
        return []
    height = max(c.row + c.rows - 1 for c in page.cells)
    width = max(c.col for c in page.cells)
    grid = [[""] * width for _ in range(height)]
    for cell in page.cells:
        for r in range(cell.row, cell.row + cell.rows):
            grid[r - 1][cell.col - 1] = cell.text
    name = f"page {page.number}"
    return [Row(i, cells, name) for i, cells in enumerate(grid, 1) if any(c for c in cells)]


_ENGINE = None


def _engine():
    """The RapidOCR pipeline on the models shipped in its wheel (made once per process).

    Raises:
        InputError: A bundled model is missing (another model would be downloaded: refused).
    """
    global _ENGINE
    if _ENGINE is None:
        import rapidocr
        from rapidocr import RapidOCR

        models = Path(rapidocr.__file__).parent / "models"
        paths = [models / name for name in _MODELS]
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            raise InputError(
                f"the OCR models shipped with rapidocr are missing ({', '.join(missing)}); "
                "reinstall the extra with `pip install --force-reinstall taskstats[ocr]`"
            )
        _ENGINE = RapidOCR(
            params={
                "Global.log_level": "warning",
                "Det.model_path": str(paths[0]),
                "Rec.model_path": str(paths[1]),
                "Cls.model_path": str(paths[2]),
            }
        )
    return _ENGINE
