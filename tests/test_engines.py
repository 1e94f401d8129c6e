"""The engine table: one contract for every format, picked by content, layouts listed once."""

from __future__ import annotations

import io
import os
import socket
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from click.testing import CliRunner
from formats_build import write_docx

import taskstats
from taskstats.cli import main
from taskstats.io import engines
from taskstats.io.budget import Budget
from taskstats.io.engines import ENGINES, LAYOUTS, Engine, read_sheets, sniff
from taskstats.io.grid import Row, Sheet
from taskstats.io.ods import read_ods
from taskstats.io.run import network_namespace, run_program
from taskstats.io.text import read_text
from taskstats.tidy import manifest

CORPUS = Path(__file__).parent / "corpus"
HEADER = ["序号", "工作任务", "牵头单位", "分管领导"]
TASKS = [HEADER, ["1", "推进改革", "区发改局", "王五"], ["2", "建设园区", "区科技局", None]]
_ODF = "application/vnd.oasis.opendocument"


def write_ods(path: Path, rows: list[list[str | None]], *, mimetype: str = f"{_ODF}.spreadsheet"):
    """An OpenDocument spreadsheet by hand; a None cell is covered by the cell above it, which
    spans down over it (a leader merged over two tasks)."""
    spans = {}
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if value is None:
                top = next(k for k in range(r, -1, -1) if rows[k][c] is not None)
                spans[(top, c)] = spans.get((top, c), 1) + 1

    def cell(r: int, c: int, value: str | None) -> str:
        if value is None:
            return "<table:covered-table-cell/>"
        span = spans.get((r, c))
        more = f' table:number-rows-spanned="{span}"' if span else ""
        return (
            f'<table:table-cell office:value-type="string"{more}>'
            f"<text:p>{escape(value)}</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>"
        + "".join(cell(r, c, v) for c, v in enumerate(cells))
        + "</table:table-row>"
        for r, cells in enumerate(rows)
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="任务">'
        + body
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
            f' manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{mimetype}"/></manifest:manifest>',
        )
    path.write_bytes(buf.getvalue())
    return path


def test_ods_is_one_module_and_one_line(tmp_path):
    path = write_ods(tmp_path / "任务.bin", TASKS)  # found from its mimetype, not its name
    assert sniff(path, path.read_bytes()) == "ods"
    assert ENGINES["ods"].read is read_ods
    t = taskstats.read_table(path)
    assert t.tasks["task_id"].tolist() == ["1", "2"]
    assert t.tasks["text"].tolist() == ["推进改革", "建设园区"]
    assert t.task_leaders["leader"].tolist() == ["王五", "王五"]  # the merged cell, filled
    assert t.task_units["unit"].tolist() == ["区发改局", "区科技局"]


def test_a_new_format_is_one_line_in_the_table(tmp_path, monkeypatch):
    """Registering an engine under a new mimetype is all read_table needs to read the format."""
    seen = []

    def read_tsv_package(path: Path, data: bytes, budget: Budget) -> list[Sheet]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            lines = z.read("content.xml").decode("utf-8").splitlines()
        seen.append(budget.rows)
        return [Sheet("表", [Row(i, ln.split("\t")) for i, ln in enumerate(lines, 1)], source="t")]

    monkeypatch.setitem(
        ENGINES, "tsvz", Engine(read_tsv_package, "workbook", "a test", mimetype="x-test/tsvz")
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "x-test/tsvz")
        z.writestr("content.xml", "序号\t工作任务\t牵头单位\n1\t推进改革\t区发改局\n")
    path = tmp_path / "new.tsvz"
    path.write_bytes(buf.getvalue())
    monkeypatch.setenv("TASKSTATS_MAX_ROWS", "77")
    t = taskstats.read_table(path)
    assert t.tasks["text"].tolist() == ["推进改革"]
    assert seen == [77]


def test_every_engine_gives_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "分工"
    for row in TASKS:
        wb.active.append(row)
    wb.active.merge_cells("D2:D3")
    wb.save(tmp_path / "t.xlsx")
    (tmp_path / "t.csv").write_text("序号,工作任务\n1,推进改革\n", encoding="gb18030")
    write_docx(tmp_path / "t.docx", ["附件1"], [HEADER, ["1", "推进改革", "区发改局", "王五"]])
    xlsx = read_sheets(tmp_path / "t.xlsx")
    assert [(s.name, s.source) for s in xlsx] == [("分工", "xlsx")]
    assert [r.cells for r in xlsx[0].rows][2] == ["2", "建设园区", "区科技局", "王五"]
    csv = read_sheets(tmp_path / "t.csv")
    assert [r.cells for r in csv[0].rows] == [["序号", "工作任务"], ["1", "推进改革"]]
    assert (csv[0].source, csv[0].encoding) == ("csv", "gb18030")
    docx = read_sheets(tmp_path / "t.docx")
    assert [(s.name, s.source, s.text) for s in docx] == [
        ("table 1", "docx", None),
        ("text", "docx", "附件1"),
    ]
    xls = read_sheets(CORPUS / "xls_merged.xls")
    assert [r.cells for r in xls[0].rows] == [
        HEADER,
        ["1", "推进改革", "区发改局", "王五"],
        ["2", "建设园区", "区科技局", "王五"],
    ]
    assert xls[0].source == "xls"


def test_layouts_listed_once():
    assert manifest.LAYOUTS is LAYOUTS
    inspect = main.commands["inspect"]
    choice = next(p for p in inspect.params if p.name == "layout").type
    assert tuple(choice.choices) == LAYOUTS
    assert set(LAYOUTS) == {"auto", "cells", "delimited", "inline", *ENGINES} - {"text"}


def test_inspect_names_the_ods_engine(tmp_path):
    path = write_ods(tmp_path / "t.ods", TASKS)
    done = CliRunner().invoke(main, ["inspect", str(path), "--layout", "ods"])
    assert done.exit_code == 0, done.output
    assert "ODS" in done.output.splitlines()[1]


def test_unknown_layout_is_refused(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("序号\t工作任务\n1\t推进\n", encoding="utf-8")
    with pytest.raises(taskstats.InputError, match="unknown layout 'pptx'; use one of auto, cells"):
        engines.read_sheets(path, layout="pptx")


def test_read_text_is_size_checked(tmp_path, monkeypatch):
    path = tmp_path / "report.txt"
    path.write_text("一、工作总结\n" * 10, encoding="utf-8")
    monkeypatch.setenv("TASKSTATS_MAX_BYTES", "50")
    with pytest.raises(taskstats.InputError, match="raise TASKSTATS_MAX_BYTES"):
        read_text(path)
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    with pytest.raises(taskstats.InputError, match=r"a pipe \(FIFO\), not a regular file"):
        read_text(fifo)


def test_runner_kills_the_whole_group_on_timeout(tmp_path):
    marker = f"{time.time_ns()}"
    sleeper = f"{sys.executable} -c 'import time; time.sleep(60)' sleeper-{marker}"
    command = ["sh", "-c", f"{sleeper} & wait"]  # the grandchild outlives sh unless killed
    start = time.perf_counter()
    done = run_program(command, folder=tmp_path, timeout=1)
    assert done.timed_out
    assert time.perf_counter() - start < 10
    time.sleep(0.2)
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if f"sleeper-{marker}".encode() in line:
            left.append(pid)
    assert left == []


@pytest.mark.skipif(not network_namespace(), reason="no user namespaces here")
def test_runner_has_no_network(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = f"import socket; print(socket.socket().connect_ex(('127.0.0.1', {port})))"
        done = run_program([sys.executable, "-c", code], folder=tmp_path, timeout=30)
    assert done.returncode == 0
    assert done.stdout.strip() != b"0"  # refused: the child's loopback is its own
    env = run_program(["sh", "-c", "echo $TMPDIR $HOME"], folder=tmp_path, timeout=30)
    assert env.stdout.decode().split() == [str(tmp_path / "tmp"), str(tmp_path / "home")]
