"""The pages of a scan as images, within the OCR's budget: an image-only PDF's pages rendered
one at a time (pypdfium2, at 200 dpi), an image's frames (PNG, JPEG, TIFF) decoded one at a time.
A page too large for the budget or too small to read is refused, naming the page.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from taskstats.errors import InputError

PDF_DPI = 200  # image-only PDF pages are rendered at this resolution
MIN_SIDE = 800  # pixels: a smaller page image is refused before it is read


@dataclass(frozen=True)
class OcrBudget:
    """What one scan may cost: pages, pixels per page, seconds in all.

    Defaults from ``TASKSTATS_OCR_MAX_PAGES`` (60), ``TASKSTATS_OCR_MAX_PIXELS`` (40 million)
    and ``TASKSTATS_OCR_MAX_SECONDS`` (1800).
    """

    pages: int = 60
    pixels: int = 40_000_000
    seconds: float = 1800.0

    @classmethod
    def from_env(cls) -> OcrBudget:
        def number(name: str, default: float) -> float:
            try:
                return float(os.environ.get(name, default))
            except ValueError:
                return default

        return cls(
            int(number("TASKSTATS_OCR_MAX_PAGES", cls.pages)),
            int(number("TASKSTATS_OCR_MAX_PIXELS", cls.pixels)),
            number("TASKSTATS_OCR_MAX_SECONDS", cls.seconds),
        )


def page_images(
    path: Path, data: bytes, budget: OcrBudget
) -> tuple[int, Iterator[tuple[int, np.ndarray]]]:
    """The number of pages of a scan, and its pages as RGB arrays numbered from 1, each made
    only when it is read (one page in memory at a time), within the budget."""
    if data[:5] == b"%PDF-":
        return _pdf_pages(path, data, budget)
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # the budget below says no instead, naming the page
    errors = (UnidentifiedImageError, OSError, ValueError, EOFError)

    def refused(exc: Exception) -> InputError:
        return InputError(
            f"not a readable image ({type(exc).__name__}: {exc}); save the scan again as PNG, "
            "JPEG or TIFF",
            path=path,
        )

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except errors as exc:
        raise refused(exc) from exc
    _check_count(path, frames, budget)

    def pages() -> Iterator[tuple[int, np.ndarray]]:
        for i in range(frames):
            try:
                image.seek(i)
                _check_size(path, i + 1, image.size, budget)
                rgb = np.asarray(image.convert("RGB"))
            except errors as exc:
                raise refused(exc) from exc
            yield i + 1, rgb

    return frames, pages()


def _pdf_pages(
    path: Path, data: bytes, budget: OcrBudget
) -> tuple[int, Iterator[tuple[int, np.ndarray]]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"not a readable PDF ({exc})", path=path) from exc
    count = len(pdf)
    try:
        _check_count(path, count, budget)
    except InputError:
        pdf.close()
        raise

    def pages() -> Iterator[tuple[int, np.ndarray]]:
        scale = PDF_DPI / 72
        try:
            for i in range(count):
                page = pdf[i]
                width, height = page.get_size()  # points
                _check_size(path, i + 1, (int(width * scale), int(height * scale)), budget)
                bitmap = page.render(scale=scale, grayscale=False)
                yield i + 1, np.asarray(bitmap.to_pil().convert("RGB"))
        finally:
            pdf.close()

    return count, pages()


def _check_count(path: Path, pages: int, budget: OcrBudget) -> None:
    if pages > budget.pages:
        raise InputError(
            f"the scan has {pages} pages; taskstats reads up to {budget.pages} scanned pages "
            "(raise TASKSTATS_OCR_MAX_PAGES, or give only the table's pages)",
            path=path,
        )


def _check_size(path: Path, number: int, size: tuple[int, int], budget: OcrBudget) -> None:
    width, height = size
    if width * height > budget.pixels:
        raise InputError(
            f"page {number} is {width}×{height} pixels, over the {budget.pixels:,}-pixel budget "
            "(raise TASKSTATS_OCR_MAX_PIXELS, or scan at 200–300 dpi)",
            path=path,
        )
    if min(width, height) < MIN_SIDE:
        raise InputError(
            f"page {number} is {width}×{height} pixels, too low a resolution to read; scan the "
            "table at 200–300 dpi",
            path=path,
        )
