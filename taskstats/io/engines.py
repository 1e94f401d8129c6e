"""The engine table: every format read into sheets through one contract, picked by content.

Modelled on pandas' ``io/excel`` engines. Each format is one reader implementing::

    read(path: Path, data: bytes, budget: Budget) -> list[Sheet]

(the text formats also take the encoding asked for), registered in :data:`ENGINES` under its
content type, which :func:`sniff` finds from the bytes (the file's suffix only a hint).
:func:`read_sheets` is the one entry point; the readers (:mod:`taskstats.readers`), the
manifests, ``inspect`` and the CLI take the layout names from :data:`LAYOUTS`. A new format is
one module and one line here (``ods`` is the example).

A sheet is a :class:`~taskstats.io.grid.Sheet`: rows of cell strings with merged cells resolved,
its name and its ``source`` (the engine). A document (Word, PDF, web page) gives its tables in
order and then its running text as a last sheet with ``text`` set and no rows.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from taskstats.errors import InputError, TaskstatsError
from taskstats.io.budget import Budget, budget_or_default
from taskstats.io.convert import convert_with_libreoffice
from taskstats.io.docx import read_docx
from taskstats.io.files import read_input
from taskstats.io.grid import Sheet, csv_rows, read_workbook
from taskstats.io.html import looks_like_html, read_html
from taskstats.io.msdoc import read_msdoc
from taskstats.io.ocr import IMAGE_SUFFIXES, looks_like_image, read_scan
from taskstats.io.ods import read_ods
from taskstats.io.pdf import NoTextLayer, read_pdf
from taskstats.io.text import decode_bytes
from taskstats.io.xls import read_xls

Reader = Callable[..., list[Sheet]]


@dataclass(frozen=True)
class Engine:
    """One format's reader and how its sheets are interpreted.

    Attributes:
        read: The reader, ``read(path, data, budget)`` (``…, encoding`` when ``decodes``).
        kind: ``workbook`` (the sheet with a task header is read), ``document`` (the run of
            tables with a task header, else the running text), ``csv`` (one table) or ``text``
            (a text layout: cells, delimited, inline).
        what: How a file of this kind is named in messages.
        decodes: Whether the reader decodes text and so takes the encoding.
        mimetype: The ``mimetype`` an OpenDocument package of this kind declares, which
            :func:`sniff` looks for.
    """

    read: Reader
    kind: str
    what: str
    decodes: bool = False
    mimetype: str | None = None


def _document(
    tables: list[Sheet],
    text: str,
    source: str,
    encoding: str | None = None,
    notes: list[tuple[str, str]] | None = None,
):
    for sheet in tables:
        sheet.source = source
    last = Sheet("text", [], source=source, text=text, encoding=encoding, notes=notes or [])
    return [*tables, last]


def _said(sentences: list[str]) -> list[tuple[str, str]]:
    """A reader's sentences about what it left out or read otherwise, as anomaly kinds."""
    return [("charset_fallback" if "declares" in n else "hidden_text", n) for n in sentences]


def _read_docx(path: Path, data: bytes, budget: Budget) -> list[Sheet]:
    said: list[str] = []
    tables, text = read_docx(path, data, budget, said)
    return _document(tables, text, "docx", notes=_said(said))


def _read_pdf(path: Path, data: bytes, budget: Budget) -> list[Sheet]:
    try:
        return _document(*read_pdf(path, data, budget), "pdf")
    except NoTextLayer:  # an image-only PDF, a scan: read by OCR
        return ENGINES["scan"].read(path, data, budget)


def _read_html(path: Path, data: bytes, budget: Budget, encoding: str = "auto") -> list[Sheet]:
    said: list[str] = []
    tables, text, used = read_html(path, data, encoding, budget, said)
    return _document(tables, text, "html", used, _said(said))


def _read_xlsx(path: Path, data: bytes, budget: Budget) -> list[Sheet]:
    sheets = read_workbook(path, data, budget=budget)[0]
    for sheet in sheets:
        sheet.source = "xlsx"
    return sheets


def _read_csv(path: Path, data: bytes, budget: Budget, encoding: str = "auto") -> list[Sheet]:
    text, used = decode_bytes(data, path, encoding)
    # The text is kept so that the readers can choose the delimiter by the header they know.
    rows = csv_rows(text, path)
    return [Sheet(Path(path).name, rows, source="csv", text=text, encoding=used)]


def _read_text(path: Path, data: bytes, budget: Budget, encoding: str = "auto") -> list[Sheet]:
    text, used = decode_bytes(data, path, encoding)
    return [Sheet("text", [], source="text", text=text, encoding=used)]


def _converted(source: str, target: str, what: str, suffix: str | None) -> Reader:
    """A reader for a file LibreOffice converts to ``target`` (docx or xlsx) first.

    ``suffix`` names the content's kind to LibreOffice (WPS saves .wps and .et as Word and
    Excel binaries); None keeps the file's own.
    """

    def read(path: Path, data: bytes, budget: Budget) -> list[Sheet]:
        try:
            converted = convert_with_libreoffice(path, data, target, what, suffix, budget.seconds)
        except InputError:
            if source not in _WORD_BINARIES:
                raise
            stream = _word_stream(path, data)
            if stream is None:
                raise
            for sheet in stream:
                sheet.alternative = False
            return stream
        sheets = ENGINES[target].read(path, converted, budget)
        for sheet in sheets:
            sheet.source = source
        if source in _WORD_BINARIES:
            sheets += _word_stream(path, data) or []
        return sheets

    return read


_WORD_BINARIES = ("doc", "wps")
_STREAM_NOTE = (
    "LibreOffice gave no task table for this legacy Word document; its table was read from "
    "the document's own text stream (cell and row marks): check the rows against the document"
)


def _word_stream(path: Path, data: bytes) -> list[Sheet] | None:
    """A Word binary read from its own text stream ([MS-DOC] cell and row marks), as an
    alternative reading the readers use when LibreOffice's gives no task table; None when the
    stream cannot be read."""
    try:
        said: list[str] = []
        tables, text = read_msdoc(path, data, said)
    except Exception:  # a second opinion only: LibreOffice's reading (or its error) stands
        return None
    notes = [("legacy_word_stream", _STREAM_NOTE), *_said(said)]
    sheets = _document(tables, text, "doc-stream", notes=notes)
    for sheet in sheets:
        sheet.alternative = True
    return sheets


_ODF = "application/vnd.oasis.opendocument"
# The engines by content type. A new format: one module, one line.
ENGINES: dict[str, Engine] = {
    "xlsx": Engine(_read_xlsx, "workbook", "an .xlsx workbook"),
    "xls": Engine(read_xls, "workbook", "an .xls workbook"),
    "ods": Engine(read_ods, "workbook", "an .ods workbook", mimetype=f"{_ODF}.spreadsheet"),
    "et": Engine(
        _converted("et", "xlsx", "a WPS spreadsheet (.et)", ".xls"), "workbook", "a WPS spreadsheet"
    ),
    "docx": Engine(_read_docx, "document", "a Word document"),
    "pdf": Engine(_read_pdf, "document", "a PDF"),
    "html": Engine(_read_html, "document", "a web page", decodes=True),
    "doc": Engine(
        _converted("doc", "docx", "a .doc Word document", ".doc"),
        "document",
        "a .doc Word document",
    ),
    "wps": Engine(
        _converted("wps", "docx", "a WPS document (.wps)", ".doc"), "document", "a WPS document"
    ),
    "rtf": Engine(
        _converted("rtf", "docx", "an RTF document", ".rtf"), "document", "an RTF document"
    ),
    "odt": Engine(
        _converted("odt", "docx", "an OpenDocument file", None),
        "document",
        "an OpenDocument text",
        mimetype=f"{_ODF}.text",
    ),
    "scan": Engine(read_scan, "document", "a scanned table (an image, read by OCR)"),
    "csv": Engine(_read_csv, "csv", "a CSV table", decodes=True),
    "text": Engine(_read_text, "text", "a text table", decodes=True),
}
# How a text table is laid out (read by :mod:`taskstats.readers`): one cell per line,
# tab-separated rows, numbered items with their units in brackets.
TEXT_LAYOUTS = ("cells", "delimited", "inline")
# Every layout a manifest, ``inspect`` or a caller may name; ``auto`` finds it from the content.
LAYOUTS = ("auto", *TEXT_LAYOUTS, *(name for name in ENGINES if name != "text"))


def read_sheets(
    path: str | Path,
    data: bytes | None = None,
    *,
    budget: Budget | None = None,
    layout: str = "auto",
    encoding: str = "auto",
) -> list[Sheet]:
    """Every sheet of a file, read by the engine its content calls for.

    Args:
        path: The file (read, size-checked, when ``data`` is not given; named in messages).
        data: Its bytes, if already read.
        budget: The limits; default :meth:`Budget.from_env`.
        layout: ``auto`` to sniff the content, or an engine's name (a text layout reads as
            ``text``).
        encoding: For text, CSV and web pages: a codec, or ``auto``.

    Returns:
        The sheets (a document's running text last, with ``text`` set).

    Raises:
        InputError: The file is empty, unreadable, of no known kind, or over a budget.
    """
    return read_engine(path, data, budget=budget, layout=layout, encoding=encoding)[1]


def read_engine(
    path: str | Path,
    data: bytes | None = None,
    *,
    budget: Budget | None = None,
    layout: str = "auto",
    encoding: str = "auto",
) -> tuple[str, list[Sheet]]:
    """:func:`read_sheets`, with the name of the engine that read the file."""
    path = Path(path)
    if data is None:
        data = read_input(path)
    if not data.strip():
        raise InputError("the file is empty", path=path)
    budget = budget_or_default(budget)
    name = sniff(path, data) if layout == "auto" else layout
    if name in TEXT_LAYOUTS:
        name = "text"
    engine = ENGINES.get(name)
    if engine is None:
        raise InputError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}", path=path)
    try:
        if engine.decodes:
            sheets = engine.read(path, data, budget, encoding)
        else:
            sheets = engine.read(path, data, budget)
    except (TaskstatsError, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # a library's own error (a panic, a recursion, memory) is ours
        raise InputError(
            f"{engine.what} that cannot be read ({type(exc).__name__}: {str(exc)[:200]}); it "
            "may be damaged: open it in the program that made it and save it again",
            path=path,
        ) from exc
    budget.check(path, "tables", sum(1 for s in sheets if s.text is None), "tables")
    return name, sheets


def sniff(path: str | Path, data: bytes) -> str:
    """The content type of a file's bytes: an engine's name (``text`` for a text table).

    The suffix is a hint only: a Word document saved as ``.xlsx`` is read as Word.

    Raises:
        InputError: The content is a zip or Office file of no kind taskstats reads, or not
            what its suffix says while being of no other kind.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return _zip_kind(path, data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _ole_kind(path, suffix, data)
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:5] == b"{\\rtf":
        return "rtf"
    if looks_like_html(data):
        return "html"
    if looks_like_image(data):
        return "scan"
    if suffix in (".xlsx", ".xlsm"):
        raise InputError("not a valid .xlsx file (it is not a zip package)", path=path)
    if suffix in (".xls", ".doc", ".docx", ".pdf", ".wps", ".et", ".ods", ".odt", *IMAGE_SUFFIXES):
        raise InputError(
            f"not a valid {suffix} file: its content is not of that kind (it may be damaged or "
            "renamed); open it in WPS or Office and save it again",
            path=path,
        )
    if suffix == ".csv":
        return "csv"
    return "text"


def _zip_kind(path: Path, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            mimetype = zf.read("mimetype")[:200] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            f"a damaged zip package ({exc}); if it is a workbook, open it in Excel or "
            "WPS and save it again as .xlsx",
            path=path,
        ) from exc
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    declared = mimetype.decode("ascii", "replace").strip()
    for name, engine in ENGINES.items():
        if engine.mimetype is not None and engine.mimetype == declared:
            return name
    if "content.xml" in names:  # OpenDocument without a known mimetype: the suffix decides
        return "ods" if path.suffix.lower() == ".ods" else "odt"
    raise InputError("this is a zip archive, not a table; unpack it first", path=path)


def _ole_kind(path: Path, suffix: str, data: bytes) -> str:
    """An OLE2 compound file's kind from its stream names (stored as UTF-16 in its directory)."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(
            "this is a password-protected workbook; remove the password and save it as .xlsx",
            path=path,
        )
    if "WordDocument".encode("utf-16-le") in data:
        return "wps" if suffix == ".wps" else "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "et" if suffix == ".et" else "xls"
    raise InputError(
        "this is an old binary Office file (.xls/.doc) or a password-protected workbook, with "
        "no document or sheet taskstats can find; remove the password, or open it in WPS or "
        "Office and save it as .xlsx or .docx",
        path=path,
    )
