"""The OCR review sheet's place, and the office's corrections read back from it.

The review sheet (written by :func:`taskstats.report.review.write_review_sheet`) lists every
scanned cell that needs a person's eye (see :mod:`taskstats.readers.scan`), one row each with
its page, row, column, the text read, the value proposed, the reason and the cell's cropped
image. The office writes the right text under 更正为 and saves the sheet as ``corrections.xlsx``
in the district's folder; the next ``taskstats ingest`` applies it to the cells before the
table is interpreted. The raw scan is never edited.
"""

from __future__ import annotations

from pathlib import Path

from taskstats.errors import InputError

CORRECTIONS_FILE = "corrections.xlsx"
CORRECTED_COLUMN = 11  # 1-based column of 更正为 on the review sheet


def review_sheet_path(out_dir: str | Path, slug: str) -> Path:
    """Where a district's review sheet is written: ``<out_dir>/review/<slug>-review.xlsx``."""
    return Path(out_dir) / "review" / f"{slug}-review.xlsx"


def read_corrections(folder: str | Path, file: str) -> tuple[dict[tuple[int, int, int], str], Path]:
    """The corrections for one scanned file from ``corrections.xlsx`` in ``folder``.

    Only rows naming ``file`` and holding a value under 更正为 count.

    Returns:
        The corrected text by (page, row, column), and the corrections file (which may not
        exist: then no corrections).

    Raises:
        InputError: The file is unreadable, or a row's page, row or column is not a number.
    """
    import openpyxl

    path = Path(folder) / CORRECTIONS_FILE
    if not path.is_file():
        return {}, path
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors
        raise InputError(
            f"not a readable review sheet ({type(exc).__name__}); save the corrected review "
            "sheet from Excel or WPS as .xlsx",
            path=path,
        ) from exc
    ws = wb.worksheets[0]
    found: dict[tuple[int, int, int], str] = {}
    for line, row in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
        cells = list(row) + [None] * CORRECTED_COLUMN
        value = cells[CORRECTED_COLUMN - 1]
        if str(cells[0] or "").strip() != file or value is None or not str(value).strip():
            continue
        try:
            key = (int(cells[1]), int(cells[2]), int(cells[3]))
        except (TypeError, ValueError) as exc:
            raise InputError(
                "page, row and column (页, 行, 列) must stay as written on the review sheet",
                path=path,
                line=line,
            ) from exc
        found[key] = str(value).strip()
    wb.close()
    return found, path


NAMES_FILE = "trusted_names.txt"
_NOT_TABLES = {"manifest.toml", NAMES_FILE, CORRECTIONS_FILE}


def trusted_names(manifest, read_table) -> frozenset[str]:
    """The unit and leader names a district trusts, for snapping what the OCR read.

    From the manifest's ``unit_aliases`` (both sides), an optional ``trusted_names.txt`` in the
    district's folder (one name a line, ``#`` starts a comment), and the named units and
    leaders of the district's other tables in its folder (not its documents). Never names
    harvested from the scan itself: a rare but correct name would be "corrected" into a wrong
    one.

    Args:
        manifest: The district's :class:`~taskstats.tidy.manifest.Manifest`.
        read_table: Reads one other table into tidy tables (``taskstats.datasets.read_table``).
    """
    names = set(manifest.unit_aliases) | set(manifest.unit_aliases.values())
    folder = manifest.raw_file.parent
    listed = folder / NAMES_FILE
    if manifest.path is not None and listed.is_file():
        for line in listed.read_text(encoding="utf-8-sig").splitlines():
            name = line.split("#", 1)[0].strip()
            if name:
                names.add(name)
    if manifest.path is not None:
        skip = {manifest.raw_file.resolve(), *(Path(d).resolve() for d in manifest.documents)}
        for other in sorted(folder.iterdir()):
            if other.name in _NOT_TABLES or other.name.startswith(".") or not other.is_file():
                continue
            if other.resolve() in skip or _is_scan(other):
                continue  # the table itself, a document, or another scan (not trusted)
            try:
                tables = read_table(other)
            except InputError:
                continue  # not a table: a note, a picture, an unrelated file
            units, leaders = tables.task_units, tables.task_leaders
            names |= set(units.loc[~units["collective"], "unit"])
            names |= set(leaders.loc[~leaders["collective"], "leader"])
    return frozenset(n for n in names if n)


def _is_scan(path: Path) -> bool:
    """Whether a file is an image or an image-only PDF (its names would come from OCR)."""
    from taskstats.io.files import read_input
    from taskstats.io.ocr import looks_like_image
    from taskstats.io.pdf import NoTextLayer, read_pdf

    try:
        data = read_input(path)
    except InputError:
        return True
    if looks_like_image(data):
        return True
    if data[:5] == b"%PDF-":
        try:
            read_pdf(path, data)
        except NoTextLayer:
            return True
        except InputError:
            return False
    return False
