"""The OCR review sheet written beside the tidy tables: every scanned cell that needs a
person's eye, with its cropped image, in the words of :mod:`taskstats.report.wording.scan`. The
office's corrections are read back by :mod:`taskstats.tidy.review`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from taskstats.io.files import atomic_path
from taskstats.report.wording import scan as words

if TYPE_CHECKING:
    from taskstats.readers.scan import ScanRead

_IMAGE_HEIGHT = 60  # pixels of each embedded cell image
_IMAGE_COLUMN = 10  # 1-based column of the cell images


def write_review_sheet(read: ScanRead, target: str | Path, lang: str = "zh") -> Path:
    """Write the cells to review, each with its cropped image, as an .xlsx (atomically).

    Returns:
        The file written.
    """
    import openpyxl
    from openpyxl.drawing.image import Image as SheetImage
    from openpyxl.styles import Alignment, Font

    target = Path(target)
    pages = {p.number: p for p in read.scan.pages}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = words.REVIEW_SHEET[lang]
    ws.append(list(words.REVIEW_COLUMNS[lang]))
    for c in ws[1]:
        c.font = Font(bold=True)
    reasons, fields = words.REVIEW_REASONS[lang], words.FIELD_NAMES[lang]
    for i, cell in enumerate(read.review, 2):
        ws.append(
            [
                cell.file,
                cell.page,
                cell.row,
                cell.col,
                fields.get(cell.field, cell.field),
                cell.raw,
                cell.proposed,
                "；".join(reasons.get(r, r) for r in cell.reasons),
                round(cell.confidence, 3),
                "",
                "",
            ]
        )
        picture = _crop_png(pages[cell.page].image, cell.box)
        image = SheetImage(io.BytesIO(picture[0]))
        image.width, image.height = picture[1], _IMAGE_HEIGHT
        ws.add_image(image, f"{ws.cell(i, _IMAGE_COLUMN).column_letter}{i}")
        ws.row_dimensions[i].height = _IMAGE_HEIGHT * 0.8
        for c in ws[i]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJK", (22, 5, 5, 5, 10, 28, 28, 22, 8, 48, 28), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    note = wb.create_sheet("说明" if lang == "zh" else "how to")
    note["A1"] = words.REVIEW_NOTE[lang]
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _crop_png(image, box: tuple[int, int, int, int]) -> tuple[bytes, int]:
    """A cell's image as PNG bytes scaled to the sheet's row height, and its width."""
    from PIL import Image

    x0, y0, x1, y1 = (int(v) for v in box)
    crop = Image.fromarray(image[y0:y1, x0:x1])
    width = max(1, round(crop.width * _IMAGE_HEIGHT / max(1, crop.height)))
    width = min(width, 400)
    crop = crop.resize((width, _IMAGE_HEIGHT))
    buf = io.BytesIO()
    crop.save(buf, "PNG")
    return buf.getvalue(), width
