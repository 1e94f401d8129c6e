"""Scans the OCR tests make: pages of a decomposition table drawn from seed rows with the bundled
Noto CJK font, then degraded as a real scan is (turned ±1.5°, JPEG-compressed, a red seal over
cells of page 1, one cell blurred), and the same rows as a text table to compare with.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

DPI = 200
PAGE = (2339, 1654)  # A4 landscape at 200 dpi
MARGIN = 110
FONT_PX = 30
WIDTHS = (0.06, 0.40, 0.15, 0.17, 0.11, 0.11)  # 序号 目标任务 牵头单位 责任单位 负责领导 备注
TASK_CHARS = 36  # task texts are cut to keep the OCR quick
BLURRED = (2, "备注")  # the task number and column whose cell is blurred


def font(size: int = FONT_PX) -> ImageFont.FreeTypeFont:
    import noto_cjk_sans_otc

    return ImageFont.truetype(str(noto_cjk_sans_otc.FONT_PATH), size)


def seed_rows(path: Path, tasks: int) -> list[list[str]]:
    """The header, the first section row and the first ``tasks`` numbered rows of a seed table
    in the one-cell-per-line layout, task texts cut to ``TASK_CHARS`` characters."""
    rows: list[list[str]] = []
    cells: list[str] = []
    for line in [*path.read_text(encoding="utf-8").split("\n"), ""]:
        if not line.strip():
            if cells:
                rows.append(cells)
            cells = []
        elif line.startswith("\t"):
            cells.append(line[1:])
        elif cells:
            cells[-1] += "\n" + line
    start = next(i for i, r in enumerate(rows) if r[:1] == ["序号"])
    header, out, seen = rows[start], [], 0
    out.append(header)
    for row in rows[start + 1 :]:
        if row[0].strip().isdigit():
            seen += 1
            if seen > tasks:
                break
            row = [*row, *[""] * (len(header) - len(row))][: len(header)]
            row[1] = row[1].replace("\n", "")[:TASK_CHARS]
            out.append(row)
        elif len(row) == 1 and not seen:
            out.append(row)
    return out


def text_version(rows: list[list[str]]) -> str:
    """The rows as a text table, one cell per line (the seed layout)."""
    return "\n".join("\n".join("\t" + c for c in row) + "\n" for row in rows)


@dataclass
class Drawn:
    """Pages drawn, and where each task's cells are (page index, column name -> box)."""

    pages: list[Image.Image] = field(default_factory=list)
    boxes: dict[tuple[int, str], tuple[int, tuple[int, int, int, int]]] = field(
        default_factory=dict
    )


def draw_table(rows: list[list[str]], rows_per_page: int) -> Drawn:
    """The rows drawn as ruled table pages: the section row merged across, equal leaders of
    consecutive tasks merged down, a long task text wrapped in its cell."""
    f = font()
    header = rows[0]
    width = PAGE[0] - 2 * MARGIN
    xs = [MARGIN]
    for share in WIDTHS[: len(header)]:
        xs.append(xs[-1] + int(share * width))
    drawn = Drawn()
    body = rows[1:]
    chunks = [body[i : i + rows_per_page] for i in range(0, len(body), rows_per_page)]
    for p, chunk in enumerate(chunks):
        page = Image.new("RGB", PAGE, "white")
        d = ImageDraw.Draw(page)
        y = MARGIN
        table = [header, *chunk] if p == 0 else chunk
        heights = [_height(r, xs, f) for r in table]
        k = 0
        while k < len(table):
            row = table[k]
            if len(row) == 1:  # a section row, merged across the table
                _cell(d, (xs[0], y, xs[-1], y + heights[k]), row[0], f)
                y += heights[k]
                k += 1
                continue
            h = heights[k]
            for c, text in enumerate(row):
                span = 1
                while c == 4 and k + span < len(table) and _same_leader(row, table[k + span]):
                    span += 1
                if c == 4 and k > 0 and _same_leader(table[k - 1], row):
                    continue  # drawn by the merged cell above
                bottom = y + sum(heights[k : k + span])
                box = (xs[c], y, xs[c + 1], bottom)
                _cell(d, box, text, f)
                if row[0].isdigit():
                    drawn.boxes[(int(row[0]), header[c])] = (p, box)
            y += h
            k += 1
        drawn.pages.append(page)
    return drawn


def _same_leader(a: list[str], b: list[str]) -> bool:
    """Whether two task rows name the same leader (their leader cells are merged)."""
    return len(a) > 4 and len(b) > 4 and a[0].isdigit() and b[0].isdigit() and a[4] == b[4] != ""


def _lines(text: str, width: int, f: ImageFont.FreeTypeFont) -> list[str]:
    out = []
    for part in text.split("\n"):
        line = ""
        for ch in part:
            if f.getlength(line + ch) > width - 24:
                out.append(line)
                line = ""
            line += ch
        out.append(line)
    return out


def _height(row: list[str], xs: list[int], f) -> int:
    widths = [xs[-1] - xs[0]] if len(row) == 1 else [xs[c + 1] - xs[c] for c in range(len(row))]
    lines = max(len(_lines(t, w, f)) for t, w in zip(row, widths, strict=False))
    return 24 + lines * int(FONT_PX * 1.45)


def _cell(d: ImageDraw.ImageDraw, box, text: str, f) -> None:
    x0, y0, x1, y1 = box
    d.rectangle(box, outline="black", width=3)
    lines = _lines(text, x1 - x0, f)
    top = y0 + (y1 - y0 - len(lines) * int(FONT_PX * 1.45)) // 2
    for i, line in enumerate(lines):
        d.text((x0 + 12, top + i * int(FONT_PX * 1.45)), line, font=f, fill="black")


def degrade(drawn: Drawn, angles: list[float], blur: tuple[int, str] | None = BLURRED) -> None:
    """Scan damage, in place: one cell blurred, a red seal over page 1, each page turned."""
    if blur is not None and blur in drawn.boxes:
        p, box = drawn.boxes[blur]
        inner = (box[0] + 5, box[1] + 5, box[2] - 5, box[3] - 5)
        region = drawn.pages[p].crop(inner).filter(ImageFilter.GaussianBlur(7))
        drawn.pages[p].paste(region, inner[:2])
    drawn.pages[0] = ImageChops.multiply(drawn.pages[0], seal(drawn.pages[0].size))
    for i, angle in enumerate(angles[: len(drawn.pages)]):
        drawn.pages[i] = drawn.pages[i].rotate(angle, resample=Image.BICUBIC, fillcolor="white")


def seal(size: tuple[int, int]) -> Image.Image:
    """A red round seal (white elsewhere) over the table's lead-unit and leader cells."""
    layer = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(layer)
    cx, cy, r = 1500, 420, 190
    red = (215, 25, 30)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=10)
    f = font(44)
    for i, ch in enumerate("大连高新区管委会"):
        d.text((cx - 150 + i * 38, cy - 120 + abs(i - 3.5) * 14), ch, font=f, fill=red)
    d.regular_polygon((cx, cy + 10, 60), 5, fill=red)
    return layer


def jpeg(page: Image.Image, quality: int = 60) -> Image.Image:
    """The page after a round trip through JPEG."""
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def image_pdf(pages: list[Image.Image], path: Path) -> Path:
    """An image-only PDF of the pages (no text layer), as a scanner writes it."""
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    return path


def no_grid_page(path: Path) -> Path:
    """A page of text without ruling lines (a notice's page), saved as PNG."""
    page = Image.new("RGB", PAGE, "white")
    d = ImageDraw.Draw(page)
    f = font()
    for i in range(12):
        d.text(
            (MARGIN, MARGIN + i * 60),
            "各街道、各部门：现将目标任务分工表印发给你们，请认真贯彻落实。",
            font=f,
            fill="black",
        )
    page.save(path)
    return path
