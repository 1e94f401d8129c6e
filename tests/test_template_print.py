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
from taskstats import progress
from taskstats.datasets import discover_manifests


@pytest.fixture(scope="module")
def sheet(tmp_path_factory, tables):
    manifest = {m.slug: m for m in discover_manifests(RAW)}["dalian-hightech"]
    target = tmp_path_factory.mktemp("template") / "sheet.xlsx"
    dalian = taskstats.subset(tables, district="dalian-hightech")
    return progress.write_template(dalian, manifest, target)


def test_template_page_setup(sheet):
    ws = load_workbook(sheet)["推进表"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == "$1:$1"


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
