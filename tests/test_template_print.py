"""The fill-in progress sheet on paper: A4 landscape, fitted to the width, header on every page."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess

import pdfplumber
import pytest
from conftest import RAW
from openpyxl import load_workbook

import taskstats
from taskstats.datasets import discover_manifests


@pytest.fixture(scope="module")
def sheet(tmp_path_factory, tables):
    manifest = {m.slug: m for m in discover_manifests(RAW)}["dalian-hightech"]
    target = tmp_path_factory.mktemp("template") / "sheet.xlsx"
    dalian = taskstats.subset(tables, district="dalian-hightech")
    return taskstats.write_template(dalian, manifest, target)


def test_template_page_setup(sheet):
    ws = load_workbook(sheet)["推进表"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    # Ruled cells to write in, the header shown whole, the footer inside the bottom margin
    last = ws.cell(ws.max_row, ws.max_column)
    assert ws["A1"].border.bottom.style == last.border.right.style == "thin"
    assert ws.row_dimensions[1].height == 33
    assert ws.page_margins.bottom - ws.page_margins.footer >= 0.4
    # The columns add up to what A4 landscape prints at a readable size
    assert sum(ws.column_dimensions[c].width for c in "ABCDEFGHIJKL") == 194


@pytest.mark.slow
def test_template_prints_landscape_with_the_header_on_every_page(sheet, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required under CI (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(sheet)],
        check=True,
        capture_output=True,
        timeout=240,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(tmp_path / "sheet.pdf") as pdf:
        assert all(p.width > p.height for p in pdf.pages)  # landscape
        # The instructions come first (one page); the progress sheet's pages follow.
        assert "填表说明" not in (pdf.pages[1].extract_text() or "")
        for page in pdf.pages[1:]:
            text = page.extract_text() or ""
            # Every column on the page, the header on every page.
            assert "序号" in text and "完成标准" in text and "填报日期" in text, page.page_number
        printed = "".join((p.extract_text() or "").replace("\n", "") for p in pdf.pages[1:])
    # Rows are as tall as their text: the longest task is printed to its last characters
    ws = load_workbook(sheet)["推进表"]
    longest = max((c.value or "" for c in ws["B"][1:]), key=len)
    assert longest[-8:] in printed


def test_template_instructions_list_its_own_nodes_and_year(sheet):
    wb = load_workbook(sheet)
    nodes = sorted({c.value for c in wb["推进表"]["F"][1:]})
    lines = [row[0] for row in wb["填表说明"].iter_rows(values_only=True) if row[0]]
    assert lines[1] == f"节点（共{len(nodes)}个）：{'、'.join(nodes)}"
    assert len(nodes) == 3 and nodes[0] == "2020-06-30"
    assert "10. 填报日期，格式为 2020-06-30。" in lines


def test_sheet_rows_are_as_tall_as_their_text():
    from taskstats.report.template import sheet_row_height

    short = [1, "短", "甲", "", "", "2026-06-30", "", "", "", "", "", ""]
    # 40-wide task column: 19 ems a line; 100 Chinese characters take 6 lines
    long = [1, "长" * 100, "甲", "", "", "2026-06-30", "", "", "", "", "", ""]
    assert sheet_row_height(short) == 2 * 15 + 3
    assert sheet_row_height(long) == 6 * 15 + 3


def test_the_sheets_words_come_from_the_wording_package_in_either_language(tables, tmp_path):
    """The instructions, sheet names and drop-down message are worded (zh default, en as an
    option); the column headers stay the vocabulary's, by which returned sheets are read."""
    manifest = {m.slug: m for m in discover_manifests(RAW)}["dalian-hightech"]
    dalian = taskstats.subset(tables, district="dalian-hightech")
    zh = load_workbook(taskstats.write_template(dalian, manifest, tmp_path / "zh.xlsx"))
    en = load_workbook(
        taskstats.write_template(dalian, manifest, tmp_path / "en.xlsx", language="en")
    )
    assert zh.sheetnames == ["填表说明", "推进表", "_taskstats"]
    assert en.sheetnames == ["填表说明", "Progress", "_taskstats"]
    assert zh["填表说明"]["A4"].value == "填表说明："
    assert en["填表说明"]["A4"].value == "How to fill in this sheet:"
    status_line = "7. 状态，从下拉列表中选择：已完成 / 序时推进 / 滞后 / 未启动。"
    assert zh["填表说明"]["A11"].value == status_line
    headers = [c.value for c in zh["推进表"][1]]
    assert headers == [c.value for c in en["Progress"][1]]
    assert headers[:3] == ["序号", "目标任务", "牵头单位"]
    assert en["Progress"].data_validations.dataValidation[0].errorTitle == "Status"
    with pytest.raises(taskstats.errors.InputError, match="language 'fr'"):
        taskstats.write_template(dalian, manifest, tmp_path / "fr.xlsx", language="fr")
    assert not (tmp_path / "fr.xlsx").exists()
