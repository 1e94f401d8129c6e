"""The meeting deck, the 督查通报 draft and the 16:9 chart export, opened and checked against the
measures; both documents converted to PDF with LibreOffice and their fonts checked."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import RAW
from docx import Document
from PIL import Image
from pptx import Presentation
from pptx.util import Inches

import taskstats
from taskstats import measures as ms
from taskstats import progress as pg
from taskstats.cli import main
from taskstats.report.wording import CHART_TITLES

DISTRICT = "dalian-hightech"
AS_OF = "2020-12-31"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A copy of the district's raw folder and an empty progress store (simulated progress)."""
    root = tmp_path_factory.mktemp("meeting")
    shutil.copytree(RAW / DISTRICT, root / "raw" / DISTRICT)
    (root / "store").mkdir()
    return root


@pytest.fixture(scope="module")
def measures(data):
    """The measures, computed here from the library's measure functions."""
    read = taskstats.read_districts(DISTRICT, raw_dir=data / "raw")[0]
    schedule = {DISTRICT: pg.schedule_dates(read.manifest)}
    ledger = pg.demo_ledger(read.tables, schedule)
    status = ms.milestone_status(read.tables, ledger, schedule, AS_OF)
    lights = ms.traffic_lights(status, pg.rules_for(read.manifest))
    return {
        "tables": read.tables,
        "status": status,
        "lights": lights,
        "red": ms.red_list(read.tables, lights),
        "rates": {
            by: ms.completion_rates(read.tables, status, by=by)
            for by in ("district", "leader", "unit", "source")
        },
        "trend": ms.completion_trend(read.tables, ledger, schedule),
        "workload": taskstats.leader_workload(read.tables),
        "ranking": taskstats.unit_ranking(
            read.tables, status, lights, taskstats.load_ranking_rules("default")
        ),
    }


@pytest.fixture(scope="module")
def deck(data):
    result = CliRunner().invoke(
        main,
        [
            "deck",
            DISTRICT,
            "--as-of",
            AS_OF,
            "--raw-dir",
            str(data / "raw"),
            "--store",
            str(data / "store"),
            "--out",
            str(data / "deck.pptx"),
        ],
    )
    assert result.exit_code == 0, result.output
    return data / "deck.pptx"


@pytest.fixture(scope="module")
def bulletin(data):
    result = CliRunner().invoke(
        main,
        [
            "bulletin",
            DISTRICT,
            "--as-of",
            AS_OF,
            "--raw-dir",
            str(data / "raw"),
            "--store",
            str(data / "store"),
            "--out",
            str(data / "bulletin.docx"),
        ],
    )
    assert result.exit_code == 0, result.output
    return data / "bulletin.docx"


def _named(slide, name: str) -> str:
    return next((s.text_frame.text for s in slide.shapes if s.name == name), "")


def _takeaways(path) -> dict[str, str]:
    """Chart stem → the takeaway on its slide."""
    by_title = {v: k for k, v in CHART_TITLES.items()}
    return {
        by_title[_named(s, "title")]: _named(s, "takeaway")
        for s in Presentation(str(path)).slides
        if _named(s, "title") in by_title
    }


# --- the deck -----------------------------------------------------------------------------------


def test_deck_slides(deck):
    slides = list(Presentation(str(deck)).slides)
    # title, headline, change since 2020-09-30, 8 charts, 红黄榜, 3 red-list slides (as many
    # tasks a slide as their measured heights allow), data quality, provenance
    assert len(slides) == 17
    assert Presentation(str(deck)).slide_width * 9 == Presentation(str(deck)).slide_height * 16
    charts = [s for s in slides if any(sh.shape_type == 13 for sh in s.shapes)]
    assert len(charts) == 8
    for slide in charts:
        assert sum(sh.shape_type == 13 for sh in slide.shapes) == 1
        assert CJK.search(_named(slide, "title"))
        assert _named(slide, "takeaway").count("，") <= 3  # one sentence
    titles = [_named(s, "title") for s in slides]
    assert titles[0] == "大连高新区重点工作任务推进情况"
    assert titles[2].startswith("与上期相比")
    assert titles[-2:] == ["数据质量提示", "数据来源与说明"]


def test_deck_text_uses_an_east_asian_font(deck):
    xml = Presentation(str(deck)).slides[1].shapes[0]._element.xml
    assert 'typeface="微软雅黑"' in xml and 'lang="zh-CN"' in xml


def test_takeaways_equal_the_measures(deck, measures):
    said = _takeaways(deck)
    assert set(said) == {
        "leader_load",
        "lead_units",
        "source_mix",
        "completion_by_leader",
        "completion_by_unit",
        "completion_by_source",
        "lights",
        "trend",
    }
    top = measures["workload"][~measures["workload"]["collective"]].iloc[0]
    assert (
        said["leader_load"]
        == f"{top['leader']}分管{top['tasks']}项，占全区{top['share']:.1%}，居首位"
    )
    assert said["leader_load"] == "赵百强分管46项，占全区27.4%，居首位"
    counts = measures["lights"]["light"].value_counts()
    red, yellow, green = (int(counts.get(c, 0)) for c in ("red", "yellow", "green"))
    assert said["lights"] == (
        f"红灯{red}项、黄灯{yellow}项、绿灯{green}项，红灯占{red / len(measures['lights']):.1%}"
    )
    unit = measures["rates"]["unit"]
    unit = unit[unit["due"] > 0]
    low = unit[unit["completion_rate"] == unit["completion_rate"].min()]
    low = low.sort_values("due", ascending=False, kind="stable").iloc[0]
    assert said["completion_by_unit"].endswith(
        f"{low['unit']}，为{low['completion_rate']:.1%}（{low['done']}/{low['due']}）"
    )
    trend = measures["trend"]
    first, last = trend.iloc[0], trend.iloc[-1]
    assert f"{first['completion_rate']:.1%}" in said["trend"]
    assert f"{last['completion_rate']:.1%}" in said["trend"]
    assert said["trend"].startswith(f"节点完成率由{first['as_of']}")


def test_red_list_slides_hold_every_red_task_once(deck, measures):
    listed = []
    for slide in Presentation(str(deck)).slides:
        if not _named(slide, "title").startswith("挂牌督办清单"):
            continue
        shapes = [sh for sh in slide.shapes if sh.has_table]
        assert len(shapes) == 1
        table = shapes[0].table
        # Paginated by the rows' measured heights: the table ends above the footer (7.05 in)
        bottom = shapes[0].top + sum(row.height for row in table.rows)
        assert bottom <= Inches(7.05)
        assert [c.text for c in table.rows[0].cells] == [
            "序号",
            "目标任务",
            "牵头单位",
            "负责领导",
            "亮灯原因",
        ]
        listed += [row.cells[0].text for row in list(table.rows)[1:]]
    assert sorted(listed) == sorted(measures["red"]["task_id"].astype(str))
    assert len(listed) == len(set(listed)) == 34


def test_comparison_deck(tmp_path):
    """Its own raw folder: the module's shared copy keeps one district for every other test."""
    for slug in (DISTRICT, "nanjing-gulou"):
        shutil.copytree(RAW / slug, tmp_path / "raw" / slug)
    (tmp_path / "store").mkdir()
    out = taskstats.write_deck(
        [DISTRICT, "nanjing-gulou"],
        compare=True,
        as_of=AS_OF,
        out=tmp_path / "compare.pptx",
        raw_dir=tmp_path / "raw",
        store_dir=tmp_path / "store",
    )
    slides = list(Presentation(str(out)).slides)
    pictures = [s for s in slides if any(sh.shape_type == 13 for sh in s.shapes)]
    assert len(pictures) == 5
    assert all(_named(s, "takeaway") for s in pictures)
    # The headline slide names its cards as the district decks do, the progress ones marked
    texts = [sh.text_frame.text for sh in slides[1].shapes if sh.has_text_frame]
    for label in ("分管领导", "量化目标", "节点完成率（模拟）", "红灯任务（模拟）"):
        assert label in texts, texts


# --- the bulletin -------------------------------------------------------------------------------


def test_bulletin_overall_figures_equal_completion_rates(bulletin, measures):
    doc = Document(str(bulletin))
    texts = [p.text.replace("\u2060", "") for p in doc.paragraphs]  # less the word joiners
    assert texts[0] == "关于大连高新区重点工作任务推进情况的通报"
    overall = texts[texts.index("一、总体情况") + 1]
    r = measures["rates"]["district"].iloc[0]
    for figure in (
        f"目标任务{len(measures['tables'].tasks)}项",
        f"到期节点{r['due']}个",
        f"已完成{r['done']}个",
        f"序时推进{r['on_track']}个",
        f"滞后{r['behind']}个",
        f"未启动{r['not_started']}个",
        f"节点完成率{r['completion_rate']:.1%}",
        f"按时完成率{r['on_time_rate']:.1%}",
    ):
        assert figure in overall
    change = texts[texts.index("一、总体情况") + 2]
    assert change.startswith("与上期（2020年9月30日）相比")
    for heading in ("二、亮灯情况", "三、位次排名", "四、存在问题", "五、下一步工作要求"):
        assert heading in texts


def test_bulletin_tables(bulletin, measures):
    doc = Document(str(bulletin))
    ranking_table, annex = doc.tables[0], doc.tables[-1]
    annex_rows = [[c.text for c in row.cells] for row in annex.rows][1:]
    assert len(annex_rows) == len(measures["red"])
    assert [r[0] for r in annex_rows] == measures["red"]["task_id"].astype(str).tolist()
    # Names one to a line in their cells (a name is never split across two lines)
    header = [c.text for c in annex.rows[0].cells]
    leaders = [r[header.index("负责领导")] for r in annex_rows]
    assert "孙龙业\n原驰" in leaders and not any("、" in cell for cell in leaders)
    assert [round(c.width.mm) for c in annex.rows[0].cells] == [12, 46, 28, 20, 50]
    ranked = measures["ranking"][measures["ranking"]["ranked"]]
    rows = [[c.text for c in row.cells] for row in ranking_table.rows][1:]
    assert [r[1] for r in rows] == ranked["unit"].tolist()
    # a tie reads "2（并列）"; the number is the measure's rank
    assert [int(r[0].removesuffix("（并列）")) for r in rows] == ranked["rank"].tolist()
    tied = ranked["rank"].duplicated(keep=False).tolist()
    assert [r[0].endswith("（并列）") for r in rows] == tied
    after = ranking_table._tbl.getnext()  # the paragraph under the table says the rule
    assert "".join(after.itertext()).startswith("排名规则：按得分从高到低排列")
    assert [float(r[-1]) for r in rows] == ranked["score"].tolist()
    assert [f"{v:.1%}" for v in ranked["completion_rate"]] == [r[3] for r in rows]


def test_bulletin_page_and_fonts(bulletin):
    doc = Document(str(bulletin))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16
    fonts = normal.element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == (
        "仿宋_GB2312"
    )
    title = doc.paragraphs[0].runs[0]
    assert title.font.size.pt == 22 and "方正小标宋简体" in title._r.xml


# --- PDF, through LibreOffice ----------------------------------------------------------------


@pytest.mark.slow
def test_both_convert_to_pdf_with_every_glyph(deck, bulletin, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdffonts"):
        if os.environ.get("CI"):
            pytest.fail("soffice and poppler-utils are needed under CI (see .ci/run)")
        pytest.skip("LibreOffice or poppler-utils is not installed")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck),
            str(bulletin),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for stem, size in (("deck", (1333, 750)), ("bulletin", (827, 1169))):
        pdf = tmp_path / f"{stem}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {stem}"
        subprocess.run(
            ["pdftoppm", "-f", "1", "-l", "1", "-r", "100", "-png", str(pdf), str(tmp_path / stem)],
            check=True,
            timeout=120,
        )
        page = next(tmp_path.glob(f"{stem}-*1.png"))
        with Image.open(page) as png:
            assert abs(png.size[0] - size[0]) <= 2 and abs(png.size[1] - size[1]) <= 2
        listing = subprocess.run(
            ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        fonts = [line.split() for line in listing.splitlines()[2:] if line.strip()]
        assert fonts
        for font in fonts:
            # name, type…, encoding, emb, sub, uni, object, id: every font embedded.
            assert font[-5] == "yes", f"{stem}: font {font[0]} is not embedded"
        assert any("CJK" in font[0] for font in fonts), f"{stem}: no CJK font in the PDF"


# --- 16:9 chart export --------------------------------------------------------------------------


def test_charts_command_writes_16_9_titled_charts(data, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "charts",
            DISTRICT,
            "--out",
            str(tmp_path),
            "--as-of",
            AS_OF,
            "--dpi",
            "100",
            "--raw-dir",
            str(data / "raw"),
            "--store",
            str(data / "store"),
        ],
    )
    assert result.exit_code == 0, result.output
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == 8
    for png in pngs:
        with Image.open(png) as image:
            assert image.size == (1333, 750), png.name  # 13.333 × 7.5 in at 100 dpi
        svg = png.with_suffix(".svg").read_text(encoding="utf-8")
        assert f"大连高新区 · 截至日期 {AS_OF}" in svg  # the title, kept as a comment


def test_deck_of_a_district_with_no_trend_yet(tmp_path):
    """Gulou's plan has no node by 2020-12-31: the trend is empty and the deck says so."""
    from taskstats.report.briefing import trend_sentence
    from taskstats.report.wording import TAKEAWAYS

    assert trend_sentence(pd.DataFrame(), dt.date(2020, 12, 31)) == TAKEAWAYS["completion_none"]
    shutil.copytree(RAW / "nanjing-gulou", tmp_path / "raw" / "nanjing-gulou")
    (tmp_path / "store").mkdir()
    out = taskstats.write_deck(
        ["nanjing-gulou"],
        as_of="2020-12-31",
        out=tmp_path / "gulou.pptx",
        raw_dir=tmp_path / "raw",
        store_dir=tmp_path / "store",
    )
    assert len(list(Presentation(str(out)).slides)) >= 5


def test_bulletin_tables_repeat_their_header(bulletin):
    from docx.oxml.ns import qn

    doc = Document(str(bulletin))
    for table in doc.tables:
        rows = table.rows
        assert all(
            r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in rows[1:]
        )
