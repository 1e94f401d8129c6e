"""Reports on paper: `taskstats report … --pdf` prints A4 pages with headless Chromium."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import unicodedata

import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import RAW
from PIL import Image

from taskstats import report
from taskstats.cli import main
from taskstats.errors import ReportError
from taskstats.report.printing import find_chromium, print_pdf


@pytest.fixture(scope="module")
def chromium():
    found = find_chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI (.ci/run installs it)")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    return found


def _flat(text: str) -> str:
    """Text without spaces, the Kangxi radicals some PDF fonts map to read as characters, and
    the supplementary radicals (no decomposition: 齐 may come out as ⻬) as "?"."""
    return re.sub(r"[\u2e80-\u2eff]", "?", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def _contains(text: str, wanted: str) -> bool:
    return re.search("".join(f"[{re.escape(c)}?]" for c in wanted), text) is not None


@pytest.mark.slow
def test_report_pdf_from_the_command_line(chromium, tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main,
        [
            *("report", "dalian-hightech", "--no-compare", "--pdf", "--jobs", "1"),
            *("--as-of", "2020-12-31", "--progress", "demo", "--out-dir", str(out)),
        ],
    )
    assert result.exit_code == 0, result.output
    pdf = out / "dalian-hightech.pdf"
    assert pdf.is_file() and (out / "dalian-hightech.html").is_file()
    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    first_red = unicodedata.normalize("NFKC", r.red["text"].iloc[0])[:10]
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font-descriptor chatter
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        assert 6 <= pages <= 40, pages
        width, height = doc.pages[0].width, doc.pages[0].height
        assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
        text = _flat("".join(p.extract_text() or "" for p in doc.pages))
        footer = _flat(doc.pages[-1].extract_text())
    assert "大连高新区目标任务分析报告" in text
    assert _contains(text, first_red), first_red
    assert "挂牌督办清单" in text
    # The footer: district, as-of date, page number of page count, on every page.
    assert "大连高新区·截至日期2020-12-31" in footer and f"{pages}/{pages}" in footer
    png = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(png)], check=True
    )
    (first,) = tmp_path.glob("page*.png")
    with Image.open(first) as image:
        assert image.size[0] < image.size[1]  # portrait
        assert len(set(image.convert("L").getdata())) > 10  # not a blank page


def test_no_chromium_is_a_clear_error(tmp_path, monkeypatch):
    page = tmp_path / "x.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    monkeypatch.setenv("TASKSTATS_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(ReportError, match="printing to PDF needs Chromium, which was not found"):
        print_pdf(page)
    result = CliRunner().invoke(main, ["report", "dalian-hightech", "--pdf"])
    assert result.exit_code == 2
    assert "printing to PDF needs Chromium" in result.output
    assert not list(tmp_path.glob("*.pdf"))
