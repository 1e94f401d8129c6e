"""One progress pipeline: ``progress status``, the district report, the comparison row, the deck
and the bulletin show the same completion, red and 未报送 figures, with and without a real
ledger."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from conftest import RAW
from docx import Document
from pptx import Presentation

import taskstats
from taskstats import progress as pg
from taskstats import report
from taskstats.cli import main
from taskstats.report import briefing

DISTRICT = "dalian-hightech"
AS_OF = "2020-10-15"


def _real_store(tmp_path, tables):
    """A store with one real ledger: three June reports (as in test_progress)."""
    manifests = {m.slug: m for m in taskstats.discover_manifests(RAW)}
    dalian = taskstats.subset(tables, district=DISTRICT)
    store = tmp_path / "real"
    path = tmp_path / "june.csv"
    path.write_text(
        "序号,节点,状态,填报日期\n1,2020-06-30,已完成,2020-06-28\n"
        "2,2020-06-30,滞后,2020-06-29\n3,2020-06-30,序时推进,2020-06-20\n",
        encoding="utf-8",
    )
    pg.import_progress([path], dalian, manifests, store_dir=store, district=DISTRICT)
    return store


def _cli_figures(store) -> tuple[int, int]:
    out = CliRunner().invoke(
        main, ["progress", "status", DISTRICT, "--as-of", AS_OF, "--store", str(store)]
    )
    assert out.exit_code == 0, out.output
    red = int(re.search(r"亮灯：红灯(\d+)项", out.output).group(1))
    missing = int(re.search(r"未报送：(\d+)个节点", out.output).group(1))
    return red, missing


@pytest.mark.parametrize("kind", ["real", "simulated"])
def test_every_output_shows_the_same_figures(tmp_path, tables, kind):
    store = _real_store(tmp_path, tables) if kind == "real" else tmp_path / "empty"
    r = report.prepare_district(DISTRICT, as_of=AS_OF, raw_dir=RAW, store_dir=store)
    assert r.simulated == (kind == "simulated")
    fig = r.snapshot.figures.iloc[0]
    red, missing, rate = int(fig["red"]), int(fig["not_reported"]), fig["completion_rate"]
    if kind == "real":
        # 336 due nodes (two per task), 3 reported: 333 未报送; red: task 2 (滞后) and the
        # 165 tasks unreported at both nodes; done: task 1's June node.
        assert (red, missing, int(fig["done"]), int(fig["due"])) == (166, 333, 1, 336)
    # The district report: both dates (as of 2020-10-15, node 2020-09-30; the previous period
    # is the node before it), its cards and rates.
    assert r.snapshot.previous == {DISTRICT: dt.date(2020, 6, 30)}
    assert "<th>上期</th><td>2020-06-30</td>" in r.header_html().replace("\n", "")
    assert r.headline_numbers()[4] == rate and r.headline_numbers()[5] == red
    assert int(r.rates["district"].iloc[0]["not_reported"]) == missing
    # The comparison's row for the district.
    c = report.prepare_comparison([DISTRICT], as_of=AS_OF, raw_dir=RAW, store_dir=store)
    row = c.rates.iloc[0]
    assert (row["completion_rate"], int(row["not_reported"])) == (rate, missing)
    assert int((c.lights["light"] == "red").sum()) == red
    # progress status.
    assert _cli_figures(store) == (red, missing)
    # The deck's headline slide.
    deck = report.write_deck(
        DISTRICT, as_of=AS_OF, out=tmp_path / "d.pptx", raw_dir=RAW, store_dir=store
    )
    texts = [
        shape.text_frame.text
        for slide in Presentation(deck).slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert briefing.pct(rate) in texts and str(red) in texts
    # The bulletin's overall paragraph and lights paragraph.
    doc = report.write_bulletin(
        DISTRICT, as_of=AS_OF, out=tmp_path / "b.docx", raw_dir=RAW, store_dir=store
    )
    text = "\n".join(p.text for p in Document(doc).paragraphs)
    assert f"未报送{missing}个" in text and f"节点完成率{briefing.pct(rate)}" in text
    assert f"红灯任务{red}项" in text
