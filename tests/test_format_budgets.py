"""Hostile and broken files of every format end quickly in a clear error (issue 22's corpus).

Each bomb is generated small here (compressed, repeated) or kept in tests/corpus; each case ends
in an InputError naming the file and the limit (with the variable that raises it), never a
Python error, a hang or a crash of the process.
"""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest

import taskstats
from taskstats.io import convert
from taskstats.io.budget import Budget

CORPUS = Path(__file__).parent / "corpus"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ODT = "application/vnd.oasis.opendocument.text"


def refused(path: Path, *needles: str) -> str:
    with pytest.raises(taskstats.InputError) as err:
        taskstats.read_table(path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    for needle in needles:
        assert needle in message, message
    return message


# --- Word ------------------------------------------------------------------------------------


def write_docx(path: Path, body: str, *, with_body: bool = True, extra: int = 0) -> Path:
    """A .docx by hand: ``body`` inside w:body (or in place of it); ``extra`` MB of zeros as a
    media part (compressed to a few KB)."""
    inner = f"<w:body>{body}</w:body>" if with_body else body
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">{inner}</w:document>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
        if extra:
            with z.open("word/media/image1.bin", "w") as fh:
                for _ in range(extra):
                    fh.write(bytes(1 << 20))
    return path


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def table(rows: list[str]) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"


HEAD = cell("序号") + cell("工作任务") + cell("牵头单位")


def test_word_cell_spanning_a_billion_columns(tmp_path):
    body = table([HEAD, cell("1") + cell("推进", '<w:gridSpan w:val="1000000000"/>')])
    path = write_docx(tmp_path / "span.docx", body)
    refused(path, "1,000,000,000 columns spanned by a cell of table 1", "TASKSTATS_MAX_COLUMNS")


def test_word_row_starting_a_billion_columns_in(tmp_path):
    row = '<w:trPr><w:gridBefore w:val="1000000000"/></w:trPr>' + cell("1")
    path = write_docx(tmp_path / "before.docx", table([HEAD, row]))
    refused(path, "1,000,000,000 columns", "TASKSTATS_MAX_COLUMNS")


@pytest.mark.parametrize("value", ["1e9", "abc"])
def test_word_span_that_is_not_a_whole_number(tmp_path, value):
    body = table([HEAD, cell("1") + cell("推进", f'<w:gridSpan w:val="{value}"/>')])
    path = write_docx(tmp_path / "odd.docx", body)
    refused(path, f"table 1: a cell spans {value!r} columns, not a whole number")


def test_word_without_a_body(tmp_path):
    path = write_docx(tmp_path / "nobody.docx", "<w:p/>", with_body=False)
    refused(path, "a Word document with no body (w:body)")


def test_word_unpacking_beyond_the_budget(tmp_path):
    path = write_docx(tmp_path / "bomb.docx", table([HEAD]), extra=120)
    assert path.stat().st_size < 1_000_000
    refused(path, "bytes in the document unpacked", "100,000,000", "TASKSTATS_MAX_UNPACKED_BYTES")


def test_word_part_beyond_the_budget(tmp_path):
    path = write_docx(tmp_path / "part.docx", table([HEAD]) + "<w:p/>" * 6_000_000)  # 36 MB
    assert path.stat().st_size < 1_000_000
    refused(path, "bytes in one part (word/document.xml) unpacked", "TASKSTATS_MAX_PART_BYTES")


def test_word_with_a_large_picture_is_read(tmp_path):
    rows = [HEAD, cell("1") + cell("推进改革") + cell("区发改局")]
    path = write_docx(tmp_path / "picture.docx", table(rows), extra=40)  # 40 MB of media
    assert taskstats.read_table(path).tasks["text"].tolist() == ["推进改革"]


def test_word_table_of_too_many_rows(tmp_path):
    rows = [HEAD] + [cell(str(i)) + cell("推进") + cell("区发改局") for i in range(1, 100_001)]
    path = write_docx(tmp_path / "rows.docx", table(rows))
    start = time.perf_counter()
    refused(path, "100,001 rows in table 1", "TASKSTATS_MAX_ROWS")
    assert time.perf_counter() - start < 20


def test_word_of_too_many_tables(tmp_path):
    path = write_docx(tmp_path / "tables.docx", table([cell("x")]) * 50_000)
    start = time.perf_counter()
    refused(path, "50,000 tables in the document", "TASKSTATS_MAX_TABLES")
    assert time.perf_counter() - start < 20


# --- PDF -------------------------------------------------------------------------------------


def write_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF of ``objects`` (numbered from 1, the first the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def stream(data: bytes, extra: bytes = b"", *, deflate: bool = False) -> bytes:
    if deflate:
        data, extra = zlib.compress(data, 9), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def one_page(resources: bytes, content: bytes) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources "
        + resources
        + b" /Contents 4 0 R >>",
        content,
    ]


def test_pdf_nested_forms_drawing_a_billion_times(tmp_path):
    depth = 30  # each form draws the next twice: 2^30 draws from a few KB
    forms = [
        stream(
            b"/X Do /X Do" if k < depth - 1 else b"0 0 m 1 1 l S",
            b" /Type /XObject /Subtype /Form /BBox [0 0 1 1]"
            + (b" /Resources << /XObject << /X %d 0 R >> >>" % (6 + k) if k < depth - 1 else b""),
        )
        for k in range(depth)
    ]
    objects = one_page(b"<< /XObject << /X 5 0 R >> >>", stream(b"/X Do")) + forms
    path = write_pdf(tmp_path / "forms.pdf", objects)
    assert path.stat().st_size < 10_000
    start = time.perf_counter()
    refused(path, "more than 2,000 forms and images drawn on page 1", "TASKSTATS_MAX_PAGE_OBJECTS")
    assert time.perf_counter() - start < 10  # 4 s at 2,000 draws, a loaded machine's worst


def test_pdf_page_of_too_many_operators(tmp_path, monkeypatch):
    monkeypatch.setenv("TASKSTATS_MAX_PAGE_OPERATORS", "1000")  # the default: 100,000
    path = write_pdf(tmp_path / "ops.pdf", one_page(b"<< >>", stream(b"0 0 m " * 1_001)))
    refused(path, "more than 1,000 drawing operators on page 1", "TASKSTATS_MAX_PAGE_OPERATORS")


def test_pdf_page_of_half_a_million_characters(tmp_path):
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    content = stream(b"BT /F1 1 Tf (" + b"a" * 500_000 + b") Tj ET", deflate=True)
    path = write_pdf(tmp_path / "chars.pdf", one_page(font, content))
    assert path.stat().st_size < 5_000
    refused(path, "characters on page 1", "100,000", "TASKSTATS_MAX_PAGE_CHARS")


def test_pdf_of_too_many_pages(tmp_path):
    count = 5_000
    kids = b" ".join(b"%d 0 R" % (3 + k) for k in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] >>"] * count,
    ]
    path = write_pdf(tmp_path / "pages.pdf", objects)
    start = time.perf_counter()
    message = refused(path, "5,000 pages", "TASKSTATS_MAX_PAGES")
    assert time.perf_counter() - start < 20
    assert len(message) < 1_000


def test_pdf_stream_inflating_beyond_the_budget(tmp_path):
    deflater = zlib.compressobj(9)
    packed = b"".join(deflater.compress(bytes(1 << 20)) for _ in range(150)) + deflater.flush()
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (
        len(packed),
        packed,
    )
    path = write_pdf(tmp_path / "inflate.pdf", one_page(b"<< >>", content))
    assert path.stat().st_size < 1_000_000
    refused(path, "bytes in one stream inflated", "TASKSTATS_MAX_STREAM_BYTES")


def test_pdf_warnings_are_not_logged(tmp_path):
    """pdfminer warns (a form drawing itself) on the root logger; nothing reaches stderr."""
    form = stream(
        b"/X Do BT /F1 9 Tf (x) Tj ET",
        b" /Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /X 5 0 R >>"
        b" /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
    )
    objects = [*one_page(b"<< /XObject << /X 5 0 R >> >>", stream(b"/X Do")), form]
    path = write_pdf(tmp_path / "loop.pdf", objects)
    code = (
        "import sys, taskstats\n"
        "try:\n    taskstats.read_table(sys.argv[1])\n"
        "except taskstats.InputError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.stderr == ""
    assert "no task table in this pdf document" in done.stdout


# --- web pages -------------------------------------------------------------------------------


def test_html_rowspan_times_colspan(tmp_path):
    # Each span within its own limit; laid out, 24 cells of 1 KB would cover 2.88 million.
    row = "<tr>" + '<td rowspan="1000" colspan="120">x</td>' * 8 + "</tr>"
    path = tmp_path / "spans.html"
    path.write_text(f"<html><table>{row * 3}</table></html>", encoding="utf-8")
    refused(path, "2,880,000 cells laid out in table 1 (rowspan × colspan)", "TASKSTATS_MAX_CELLS")


def test_html_of_30000_tables_refused_and_read_in_linear_time(tmp_path, monkeypatch):
    path = tmp_path / "tables.html"
    path.write_text("<html>" + "<table><tr><td>x</td></tr></table>" * 30_000, encoding="utf-8")
    refused(path, "30,000 tables in the page", "TASKSTATS_MAX_TABLES")
    monkeypatch.setenv("TASKSTATS_MAX_TABLES", "100000")
    start = time.perf_counter()
    message = refused(path, "no task table in this html document: 30000 table(s)", "29,980 more")
    assert time.perf_counter() - start < 20
    assert len(message) < 2_000


# --- workbooks -------------------------------------------------------------------------------


def test_xls_whose_dimensions_abort_the_reader():
    # Its DIMENSIONS record says 0xFFFFFFFF rows: calamine aborts the process reading it.
    path = CORPUS / "xls_dimension_abort.xls"
    refused(path, "an old binary Office file (.xls/.doc) that cannot be read as a workbook")


def test_xls_that_panics_the_reader():
    # A mutated workbook on which calamine raises pyo3's PanicException, a BaseException.
    refused(CORPUS / "xls_panic.xls", "(PanicException: slice index starts at 3840")


def test_xlsx_shared_strings_beyond_the_budget(tmp_path):
    path = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/sharedStrings.xml", "w") as fh:
            for _ in range(60):
                fh.write(b"<si><t>a</t></si>" * 61_681)
    assert path.stat().st_size < 1_000_000
    refused(path, "bytes of shared strings (xl/sharedStrings.xml) unpacked", "50,000,000")


_ODS = "application/vnd.oasis.opendocument.spreadsheet"


def write_ods(path: Path, rows: str) -> Path:
    """An .ods whose one sheet holds ``rows`` (table:table-row elements), a few hundred bytes."""
    ns = " ".join(
        f'xmlns:{p}="urn:oasis:names:tc:opendocument:xmlns:{p}:1.0"'
        for p in ("office", "table", "text")
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="表">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), _ODS)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:'
            '1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{_ODS}"/></manifest:manifest>',
        )
    return path


X = '<table:table-cell office:value-type="string"{}><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize(
    ("row", "needles"),
    [
        (  # a cell repeated a billion columns: calamine stops at the format's 16,384
            "<table:table-row>" + X.format(' table:number-columns-repeated="1000000000"'),
            ("16,384 columns in sheet '表'", "TASKSTATS_MAX_COLUMNS"),
        ),
        (  # a row repeated a billion times: calamine stops at 1,048,576
            '<table:table-row table:number-rows-repeated="1000000000">' + X.format(""),
            ("1,048,576 rows in sheet '表'", "TASKSTATS_MAX_ROWS"),
        ),
        (  # a span that is not a whole number
            "<table:table-row>" + X.format(' table:number-rows-spanned="1e9"'),
            ("not a readable .ods workbook", "'1e9'"),
        ),
    ],
)
def test_ods_repeated_and_spanned_beyond_the_budget(tmp_path, row, needles):
    path = write_ods(tmp_path / "bomb.ods", row + "</table:table-row>")
    assert path.stat().st_size < 1_000
    start = time.perf_counter()
    refused(path, *needles)
    assert time.perf_counter() - start < 20


def test_a_budget_is_raised_by_its_variable(tmp_path, monkeypatch):
    cells = '<td colspan="600">x</td>' * 2
    path = tmp_path / "wide.html"
    path.write_text(f"<html><table><tr>{cells}</tr></table></html>", encoding="utf-8")
    refused(path, "1,200 columns in a row of table 1", "TASKSTATS_MAX_COLUMNS")
    monkeypatch.setenv("TASKSTATS_MAX_COLUMNS", "2000")
    assert Budget.from_env().columns == 2_000
    refused(path, "no task table in this html document")  # laid out, then read
    monkeypatch.setenv("TASKSTATS_MAX_COLUMNS", "many")
    with pytest.raises(taskstats.InputError, match="TASKSTATS_MAX_COLUMNS='many' is not a pos"):
        taskstats.read_table(path)


# --- LibreOffice -----------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(convert.find_soffice() is None, reason="no LibreOffice")


def write_odt(path: Path, url: str) -> Path:
    """An OpenDocument text whose image is linked from ``url`` (fetched on load, unless kept
    offline)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2">'
        "<office:body><office:text><text:p>1.推进改革（区发改局牵头）</text:p>"
        "<text:p>2.建设园区（区科技局牵头）</text:p><text:p>"
        '<draw:frame draw:name="i" svg:width="2cm" svg:height="2cm" text:anchor-type="paragraph">'
        f'<draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed" '
        'xlink:actuate="onLoad"/></draw:frame></text:p></office:text></office:body>'
        "</office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        f'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        f'"{_ODT}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
        '"text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", _ODT)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


@needs_soffice
def test_libreoffice_fetches_nothing_named_in_a_document(tmp_path):
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _record(self):
            requests.append((self.command, self.path))
            self.send_response(404)
            self.end_headers()

        do_GET = do_HEAD = do_OPTIONS = _record

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/logo.png"
        path = write_odt(tmp_path / "linked.odt", url)
        t = taskstats.read_table(path)
    finally:
        server.shutdown()
    assert t.tasks["text"].tolist() == ["推进改革", "建设园区"]
    assert requests == []


def _converters(folder: Path) -> list[str]:
    """The command lines of running processes started for a conversion under ``folder``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"{folder}/taskstats-convert-" in line:
            found.append(line)
    return found


@needs_soffice
def test_libreoffice_killed_whole_on_timeout(tmp_path, monkeypatch):
    monkeypatch.setenv("TASKSTATS_MAX_SECONDS", "1")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # this test's conversions only
    path = write_odt(tmp_path / "slow.odt", "file:///nonexistent.png")
    refused(path, "LibreOffice did not convert an OpenDocument file within 1 s")
    time.sleep(0.5)
    assert _converters(tmp_path) == []


def test_no_writable_temporary_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "missing"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))
    refused(CORPUS / "xls_merged.xls", "no writable temporary folder", "set TMPDIR")


@needs_soffice
def test_full_temporary_folder_is_said(tmp_path, monkeypatch):
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=0))
    path = tmp_path / "damaged.odt"  # an OpenDocument package LibreOffice cannot load
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/x-damaged")
        z.writestr("content.xml", "not xml")
    refused(path, "is full; free some space there or set TMPDIR")
