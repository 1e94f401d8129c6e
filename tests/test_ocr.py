"""Scanned tables read by OCR, on scans the tests make from the Dalian seed rows: three pages at
200 dpi, turned ±1.5°, JPEG-compressed, a red seal over cells of page 1, one cell blurred.

The scan is drawn once and read by OCR once per session (the OCR keeps what it read by the
file's content), so the module stays within about two minutes on two cores.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import DALIAN
from ocr_scans import (
    BLURRED,
    degrade,
    draw_table,
    image_pdf,
    jpeg,
    no_grid_page,
    seed_rows,
    text_version,
)

import taskstats
from taskstats.errors import InputError
from taskstats.readers.scan import snap_names

pytestmark = pytest.mark.slow

try:
    from taskstats.io.ocr import require_ocr

    require_ocr()
except InputError:
    if os.environ.get("CI"):
        raise
    pytest.skip(
        "the OCR extra is not installed (pip install taskstats[ocr])", allow_module_level=True
    )

TASKS = 18
MANIFEST = """slug = "ocr-test"
name = "扫描测试区"
year = 2020
raw_file = "scan.pdf"
"""


@pytest.fixture(scope="session")
def scan_files(tmp_path_factory) -> tuple[Path, Path]:
    """The text table and its scan (an image-only PDF), in a district folder with a manifest."""
    root = tmp_path_factory.mktemp("ocr")
    rows = seed_rows(DALIAN, TASKS)
    text = root / "text.txt"
    text.write_text(text_version(rows), encoding="utf-8")
    drawn = draw_table(rows, 9)
    degrade(drawn, [1.5, -1.5, 1.0])
    district = root / "raw" / "ocr-test"
    district.mkdir(parents=True)
    image_pdf([jpeg(p) for p in drawn.pages], district / "scan.pdf")
    (district / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    return text, district / "scan.pdf"


@pytest.fixture(scope="session")
def both(scan_files):
    text, scan = scan_files
    return taskstats.read_table(text, district="d"), taskstats.read_table(scan, district="d")


def test_the_scan_yields_the_text_versions_tasks(both):
    by_text, by_scan = both
    assert len(by_scan.tasks) == TASKS
    assert by_scan.tasks["seq"].tolist() == by_text.tasks["seq"].tolist()
    assert by_scan.tasks["section"].nunique() == 1


def test_lead_unit_counts_equal_the_text_versions(both):
    by_text, by_scan = both

    def leads(tables):
        u = tables.task_units
        return u[u["role"] == "lead"]["unit"].value_counts().sort_index().to_dict()

    assert leads(by_scan) == leads(by_text)
    assert leads(by_scan)["生态环境分局"] == 3
    assert leads(by_scan)["城管局"] == 4


def test_leaders_equal_the_text_versions_merged_cells_included(both):
    by_text, by_scan = both

    def leaders(tables):
        return tables.task_leaders["leader"].value_counts().sort_index().to_dict()

    assert leaders(by_scan) == leaders(by_text)
    assert leaders(by_scan)["赵百强"] == 6  # task 7, and tasks 11-15 in one merged cell


def test_the_red_seal_does_not_leak_into_the_cells_under_it(both):
    _, by_scan = both
    support = by_scan.task_units[by_scan.task_units["role"] == "support"]["unit"]
    assert not support.str.contains("管委会|高新区").any()


@pytest.fixture(scope="session")
def ingested(scan_files, tmp_path_factory):
    _, scan = scan_files
    raw, out = scan.parent.parent, tmp_path_factory.mktemp("processed")
    tables, _ = taskstats.write_processed(raw_dir=raw, out_dir=out)
    return tables, out


def test_the_blurred_cell_lands_on_the_review_sheet_with_its_image(ingested):
    tables, out = ingested
    sheet = out / "review" / "ocr-test-review.xlsx"
    wb = openpyxl.load_workbook(sheet)
    ws = wb.worksheets[0]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    blurred = [r for r in rows if r[4] == "来源" and r[1] == 1]
    assert len(blurred) == 1
    file, page, row, col = blurred[0][:4]
    assert (file, page, row, col) == ("scan.pdf", 1, 2 + BLURRED[0], 6)
    assert "未识别" in blurred[0][7] or "置信度低" in blurred[0][7]
    assert len(ws._images) == len(rows)
    quality = tables.quality
    assert (quality["kind"] == "ocr_read").sum() == 1
    assert (quality["kind"] == "ocr_review").sum() == len(rows)


def test_a_corrected_review_sheet_changes_the_tidy_table_on_the_next_ingest(
    ingested, scan_files, tmp_path_factory
):
    tables, out = ingested
    _, scan = scan_files
    task = tables.tasks[tables.tasks["seq"] == BLURRED[0]]
    assert task["source"].tolist() == ["unknown"]
    district = tmp_path_factory.mktemp("corrected") / "ocr-test"
    shutil.copytree(scan.parent, district)
    wb = openpyxl.load_workbook(out / "review" / "ocr-test-review.xlsx")
    ws = wb.worksheets[0]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 2).value == 1 and ws.cell(r, 5).value == "来源":
            ws.cell(r, 11).value = "市任务"
    wb.save(district / "corrections.xlsx")
    again, _ = taskstats.write_processed(
        raw_dir=district.parent, out_dir=tmp_path_factory.mktemp("again")
    )
    task = again.tasks[again.tasks["seq"] == BLURRED[0]]
    assert task["source"].tolist() == ["city"]
    assert (again.quality["kind"] == "ocr_reviewed").sum() == 1
    assert len(again.quality[again.quality["kind"] == "ocr_review"]) == (
        len(tables.quality[tables.quality["kind"] == "ocr_review"]) - 1
    )


def test_a_page_without_a_grid_is_refused_naming_the_page(tmp_path):
    page = no_grid_page(tmp_path / "notice.png")
    with pytest.raises(InputError, match=r"notice\.png: no table grid found on page 1"):
        taskstats.read_table(page)


def test_a_scan_below_a_readable_resolution_is_refused(tmp_path):
    from PIL import Image

    small = tmp_path / "small.jpg"
    Image.new("RGB", (600, 420), "white").save(small)
    with pytest.raises(InputError, match="page 1 is 600×420 pixels, too low a resolution"):
        taskstats.read_table(small)


def test_the_page_budget_is_kept(scan_files, monkeypatch):
    _, scan = scan_files
    monkeypatch.setenv("TASKSTATS_OCR_MAX_PAGES", "2")
    from taskstats.io.ocr import scan_sheets

    data = scan.read_bytes() + b"\n%budget\n"  # other bytes: not the scan already read
    with pytest.raises(InputError, match="the scan has 3 pages; taskstats reads up to 2"):
        scan_sheets(scan, data)


def test_names_snap_only_to_trusted_names_and_joined_names_are_split():
    trusted = frozenset({"省经信厅", "省科技厅", "生态环境分局"})
    assert snap_names("省经信厅省科技厅", trusted) == ("省经信厅、省科技厅", ["joined"])
    assert snap_names("生态环境分屆\n省科技厅", trusted) == ("生态环境分局\n省科技厅", ["snapped"])
    assert snap_names("凌水街道", trusted) == ("凌水街道", [])  # not trusted, kept as read
    assert snap_names("市发改委区财政局", frozenset()) == ("市发改委区财政局", ["two_names"])
    assert snap_names("区市场监管局", frozenset()) == ("区市场监管局", [])


def test_inspect_says_it_is_a_scan_with_pages_tasks_and_cells_to_review(scan_files, tmp_path):
    from click.testing import CliRunner

    from taskstats.cli import main

    _, scan = scan_files
    sheet = tmp_path / "review.xlsx"
    out = CliRunner().invoke(main, ["inspect", str(scan), "--review-sheet", str(sheet)])
    assert out.exit_code == 0, out.output
    assert "版式：扫描件（OCR识别）" in out.output
    assert "扫描件：经OCR识别 3 页（无表格跳过 0 页），用时" in out.output
    assert "识别任务：18 项" in out.output
    flagged = openpyxl.load_workbook(sheet).worksheets[0].max_row - 1
    assert f"待核对单元格：{flagged} 个（核对表：{sheet}）" in out.output
    assert flagged >= 1


def test_a_correction_naming_no_cell_of_the_scan_is_refused(scan_files, tmp_path):
    _, scan = scan_files
    shutil.copy(scan, tmp_path / "scan.pdf")
    wb = openpyxl.Workbook()
    wb.active.append(["文件", "页", "行", "列"])
    wb.active.append(["scan.pdf", 9, 1, 1, "", "", "", "", "", "", "省任务"])
    wb.save(tmp_path / "corrections.xlsx")
    with pytest.raises(InputError, match=r"scan\.pdf page 9, row 1, column 1 names no cell"):
        taskstats.read_table(tmp_path / "scan.pdf")


def test_trusted_names_come_from_the_manifest_a_list_file_and_the_districts_other_tables(
    tmp_path,
):
    from taskstats.tidy.manifest import read_manifest
    from taskstats.tidy.review import trusted_names

    folder = tmp_path / "d"
    folder.mkdir()
    table = "序号\t目标任务\t牵头单位\t责任领导\n1\t抓好项目建设\t{0}\t{1}\n2\t推进改革\t{2}\t{1}\n"
    (folder / "2020.txt").write_text(table.format("甲局", "王五", "乙局"), encoding="utf-8")
    (folder / "2019.txt").write_text(table.format("省经信厅", "张三", "省科技厅"), "utf-8")
    (folder / "notice.txt").write_text("关于印发分工方案的通知", encoding="utf-8")
    (folder / "trusted_names.txt").write_text("# 本区单位\n凌水街道\n\n", encoding="utf-8")
    (folder / "manifest.toml").write_text(
        'slug = "d"\nname = "测试区"\nraw_file = "2020.txt"\ndocuments = ["notice.txt"]\n'
        '[unit_aliases]\n"发改" = "发改局"\n',
        encoding="utf-8",
    )
    names = trusted_names(read_manifest(folder), taskstats.read_table)
    assert names == {"发改", "发改局", "凌水街道", "省经信厅", "省科技厅", "张三"}


def test_traditional_forms_are_simplified_and_the_dot_is_a_listing_comma():
    from taskstats.io.ocr import clean_text

    assert clean_text("分別辦理丶加強監管") == "分别办理、加强监管"


def test_the_red_channel_and_paper_take_the_seal_out_and_keep_the_print():
    import numpy as np
    from ocr_scans import PAGE, seal
    from PIL import ImageChops, ImageDraw

    from taskstats.io.ocr_grid import page_gray, paper

    page = seal(PAGE)
    ImageDraw.Draw(page).rectangle((100, 100, 400, 130), fill="black")
    gray = paper(page_gray(np.asarray(ImageChops.multiply(page, page))))
    assert int(gray[200:640, 1300:1700].min()) == 255  # the seal's ring, star and characters
    assert int(gray[110:120, 150:350].max()) == 0  # the print


def _grid_of(page):
    import numpy as np

    from taskstats.io.ocr_grid import find_grid, page_gray, paper, straighten

    level, angle = straighten(page_gray(np.asarray(page)))
    return find_grid(paper(level)), angle


def test_the_grid_finds_merged_cells_on_a_turned_page():
    from ocr_scans import draw_table, seed_rows

    drawn = draw_table(seed_rows(DALIAN, 18), 9)
    turned = drawn.pages[1].rotate(-1.5, fillcolor="white")
    grid, angle = _grid_of(turned)
    assert round(angle, 2) == 1.5
    assert grid.shape == (9, 6)
    spans = {(c.row + 1, c.col + 1): c.rows for c in grid.cells if c.rows > 1}
    assert spans == {(3, 5): 5}  # 赵百强 over tasks 11-15, rows 3-7 of page 2


def test_faded_rules_broken_into_pieces_are_bridged_not_taken_for_merges():
    from ocr_scans import PAGE
    from PIL import Image, ImageDraw

    page = Image.new("RGB", PAGE, "white")
    d = ImageDraw.Draw(page)
    xs, ys = [200, 600, 1200, 2000], [200, 400, 600, 800, 1000]
    for y in ys:
        for x in range(xs[0], xs[-1], 40):  # 34 pixels of line, 6 of gap
            d.line((x, y, min(x + 33, xs[-1]), y), fill=(90, 90, 90), width=2)
    for x in xs:
        for y in range(ys[0], ys[-1], 40):
            d.line((x, y, x, min(y + 33, ys[-1])), fill=(90, 90, 90), width=2)
    grid, _ = _grid_of(page)
    assert grid.shape == (4, 3)
    assert all(c.rows == 1 and c.cols == 1 for c in grid.cells)


def test_the_report_says_the_table_was_read_by_ocr_and_whether_it_was_reviewed():
    from taskstats.report.wording.scan import scan_summary

    assert (
        scan_summary(3, 2, 0)
        == "本表为扫描件，经OCR识别 3 页，2 个单元格待核对；OCR识别结果尚未核对"
    )
    assert scan_summary(3, 1, 1, "en") == (
        "the table is a scan, 3 page(s) read by OCR, 1 cell(s) to review; "
        "the OCR reading was reviewed: 1 correction(s) applied"
    )
