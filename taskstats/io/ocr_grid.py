"""A scanned page's table grid: the page turned grey against red seals, straightened on its
ruling lines, and cut into cells, merged cells found from the missing pieces of line.

Pure image work on numpy arrays (OpenCV, from the optional ``ocr`` extra); the text inside each
cell is read by :mod:`taskstats.io.ocr`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_ROWS = 1  # a grid needs at least one row of two columns of cells
MIN_COLUMNS = 2
MAX_SKEW = 5.0  # degrees searched either way when straightening a page


@dataclass(frozen=True)
class Cell:
    """A cell of the grid, merged or not: its first row and column, how many it spans, its box."""

    row: int
    col: int
    rows: int
    cols: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the straightened page's pixels


@dataclass
class Grid:
    """A page's table: the row and column boundaries (pixels) and its cells, merges resolved."""

    ys: list[int]
    xs: list[int]
    cells: list[Cell]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys) - 1, len(self.xs) - 1


def page_gray(rgb: np.ndarray) -> np.ndarray:
    """A page as one grey channel: the red channel, where a red seal's ink is light.

    Black print is dark in every channel, red ink only in green and blue; taking the red channel
    keeps the print and fades the seal (:func:`paper` then takes the seal out).
    """
    return rgb.copy() if rgb.ndim == 2 else np.ascontiguousarray(rgb[:, :, 0])


def paper(gray: np.ndarray) -> np.ndarray:
    """A copy of a grey page whose light tones (paper, a seal's faint red-channel trace, above
    Otsu's threshold) are white paper, so the seal's characters do not leak into the cells."""
    import cv2

    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out = gray.copy()
    out[gray > threshold] = 255
    return out


def ink(gray: np.ndarray) -> np.ndarray:
    """The page's ink (255) on paper (0), thresholded against the local background."""
    import cv2

    block = max(15, (min(gray.shape) // 60) | 1)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def skew_angle(gray: np.ndarray) -> float:
    """The page's skew in degrees: the angle whose rotation makes its rows of ink sharpest.

    The horizontal projection of the ink is sharpest (largest variance) when the ruling lines
    and the lines of text lie level; the angle is searched coarsely, then to 0.05°.
    """
    import cv2

    scale = 1000 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    binary = ink(small)

    def sharpness(angle: float) -> float:
        turned = rotate(binary, angle, fill=0)
        return float(np.var(turned.sum(axis=1, dtype=np.float64)))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    fine = np.arange(best - 0.5, best + 0.51, 0.05)
    return float(max(fine, key=sharpness))


def rotate(image: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    """``image`` turned by ``angle`` degrees (counter-clockwise) about its centre, same size."""
    import cv2

    if abs(angle) < 0.01:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        image,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )


def straighten(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned level, and the angle it was turned by."""
    angle = skew_angle(paper(gray))
    return rotate(gray, angle), angle


def ruling_lines(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal and the vertical ruling lines of a level page, gaps bridged.

    A line is a run of ink longer than any stroke of a character; a faded line broken into
    pieces is joined again (a short gap along the line is closed), so a faded rule is not taken
    for a merged cell.
    """
    import cv2

    h, w = binary.shape
    reach = max(30, min(h, w) // 35)
    # A faded rule is pieces with short breaks: runs half a line's reach long are kept, their
    # breaks closed, and only then is a run as long as the reach taken for a line (a stroke
    # of a character is shorter, and rarely continued by another at the same height).
    short, gap = max(15, reach // 2), max(5, reach // 5)

    def runs(kernel_of) -> np.ndarray:
        pieces = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel_of(short))
        pieces = cv2.morphologyEx(pieces, cv2.MORPH_CLOSE, kernel_of(gap))
        return cv2.morphologyEx(pieces, cv2.MORPH_OPEN, kernel_of(reach))

    horizontal = runs(lambda n: np.ones((1, n), np.uint8))
    vertical = runs(lambda n: np.ones((n, 1), np.uint8))
    bridge = max(15, reach)
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, np.ones((3, bridge), np.uint8))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, np.ones((bridge, 3), np.uint8))
    return horizontal, vertical


def _positions(mask: np.ndarray, axis: int, least: int) -> list[int]:
    """The centres of the lines in ``mask`` (rows for axis 1, columns for axis 0) whose ink
    along the line is at least ``least`` pixels, neighbouring positions counted as one."""
    profile = (mask > 0).sum(axis=axis)
    hits = np.flatnonzero(profile >= least)
    found: list[int] = []
    start = prev = None
    for p in hits:
        if prev is not None and p - prev > 4:
            found.append((start + prev) // 2)
            start = p
        if start is None:
            start = p
        prev = p
    if start is not None:
        found.append((start + prev) // 2)
    return found


def find_grid(gray: np.ndarray) -> Grid | None:
    """The table grid of a level page, or None when the page has no ruled table.

    Rows and columns are bounded by the ruling lines; two neighbouring cells belong to one
    merged cell when the piece of line between them is missing.
    """
    binary = ink(gray)
    horizontal, vertical = ruling_lines(binary)
    h, w = binary.shape
    ys = _positions(horizontal, 1, max(60, w // 12))
    xs = _positions(vertical, 0, max(60, h // 20))
    if len(ys) < MIN_ROWS + 1 or len(xs) < MIN_COLUMNS + 1:
        return None
    ys, xs = _inside(ys, xs, horizontal, vertical)
    if len(ys) < MIN_ROWS + 1 or len(xs) < MIN_COLUMNS + 1:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for r in range(rows):
        for c in range(cols - 1):  # the wall between (r, c) and (r, c + 1)
            if not _drawn(vertical, xs[c + 1], ys[r], ys[r + 1], along=0):
                join(r * cols + c, r * cols + c + 1)
    for r in range(rows - 1):
        for c in range(cols):  # the wall between (r, c) and (r + 1, c)
            if not _drawn(horizontal, ys[r + 1], xs[c], xs[c + 1], along=1):
                join(r * cols + c, (r + 1) * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members)
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members)
        box = (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])
        cells.append(Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(ys, xs, cells)


def _inside(
    ys: list[int], xs: list[int], horizontal: np.ndarray, vertical: np.ndarray
) -> tuple[list[int], list[int]]:
    """The lines of the table itself: rules crossing the table's span, not page furniture."""
    left, right = xs[0], xs[-1]
    top, bottom = ys[0], ys[-1]
    keep_y = [y for y in ys if _drawn(horizontal, y, left, right, along=1, share=0.15)]
    keep_x = [x for x in xs if _drawn(vertical, x, top, bottom, along=0, share=0.15)]
    return keep_y, keep_x


def _drawn(
    mask: np.ndarray, at: int, start: int, end: int, *, along: int, share: float = 0.6
) -> bool:
    """Whether a line lies at ``at`` between ``start`` and ``end`` (pixels): at least ``share``
    of the stretch, its ends (where the crossing lines are) left out, holds the line's ink."""
    margin = max(3, (end - start) // 10)
    lo, hi = start + margin, end - margin
    if hi <= lo:
        return True
    band = 4
    if along == 1:  # a horizontal line at y = at
        strip = mask[max(0, at - band) : at + band + 1, lo:hi]
        covered = strip.max(axis=0) > 0
    else:
        strip = mask[lo:hi, max(0, at - band) : at + band + 1]
        covered = strip.max(axis=1) > 0
    return bool(covered.mean() >= share) if covered.size else True


def erase_lines(gray: np.ndarray) -> np.ndarray:
    """A copy of a level page with its ruling lines painted white, for the text recogniser."""
    import cv2

    horizontal, vertical = ruling_lines(ink(gray))
    lines = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    out = gray.copy()
    out[lines > 0] = 255
    return out
