"""Pages, slides and documents that read right: the printed page, the deck's measured red-list
slides, the bulletin's line breaks, the scope word, the words a Chinese reader sees."""

from __future__ import annotations

import datetime as dt
import io
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from taskstats.io.textfit import paginate_rows, row_height, text_ems, text_lines
from taskstats.report import charts
from taskstats.report.bulletin import glued
from taskstats.report.html import PAGE, header_html
from taskstats.report.shown import PAGE_BREAKS, red_list_shown
from taskstats.report.wording import footer_as_of
from taskstats.tidy.manifest import read_manifest

J = "\u2060"


# --- the printed report ------------------------------------------------------------------------


def test_provenance_is_open_and_in_chinese():
    page = header_html(
        "大连高新区目标任务分析报告",
        [("a.txt", "ab" * 32)],
        "2020-10-15",
        "区县：大连高新区",
        False,
        "zh",
        dt.datetime(2026, 12, 3, 10, 0),
    )
    assert "<details open><summary>原始文件</summary>" in page  # printed with its files
    assert "<th>文件校验值（哈希）</th>" in page and "<th>程序版本</th>" in page
    assert "SHA-256" not in page and "taskstats 版本" not in page
    assert "2026-12-03 10:00</td>" in page and "T10:00" not in page  # a time as people write it


def test_print_layout_is_dense():
    css = PAGE.split("@media print")[1]
    assert ".ts-table {{ width: 100%; font-size: 8.5pt;" in css
    assert ".ts-red .ts-table td:nth-child(2) {{ width: 42%; }}" in css
    # its headings and short columns (units, leaders, 省任务, reasons) break between words only
    assert (
        ".ts-red .ts-table th, .ts-red .ts-table td:nth-child(n+3) {{ word-break: keep-all; }}"
        in css
    )
    # A table of many columns (the completion tables) in smaller type, headers still readable
    assert ".ts-table:has(th:nth-child(13)) {{ font-size: 7pt; line-height: 1.25; }}" in css
    # Page 1 goes on with the leaders; only the red list starts a new page (the completion
    # follows the short measurability table, and the comparison's small multiples its
    # progress table, instead of pages left two thirds empty)
    assert sorted(PAGE_BREAKS) == ["red_list"]


def test_footer_names_one_date_or_points_to_the_table():
    one = {"a": dt.date(2020, 12, 31), "b": dt.date(2020, 12, 31)}
    two = {"a": dt.date(2012, 12, 31), "b": dt.date(2020, 12, 25), "c": dt.date(2020, 6, 30)}
    assert footer_as_of(one) == "截至日期 2020-12-31"
    assert footer_as_of(two) == "各区截至日期见表"
    assert footer_as_of({}) == "截至日期 —"


def test_red_list_without_an_empty_leaders_column():
    red = pd.DataFrame(
        {
            "task_id": [3, 8],
            "text": ["甲", "乙"],
            "leaders": ["", ""],
            "reasons": ["overdue:2020-06-30", "behind:2020-09-30:3"],
        }
    )
    shown = red_list_shown(red)
    assert list(shown.columns) == ["task_id", "text", "reasons"]
    assert shown["reasons"].tolist() == [
        "超过完成时限2020-06-30未完成",
        "连续3次报告滞后（最近节点2020-09-30）",
    ]
    named = red.assign(leaders=["张三", ""])
    assert list(red_list_shown(named).columns) == ["task_id", "text", "leaders", "reasons"]
    assert list(red.columns) == ["task_id", "text", "leaders", "reasons"]  # not mutated


# --- charts in the report: SVG with text as text; saved charts keep paths ---------------------


def test_saved_svg_draws_text_as_paths_whatever_the_setting(tmp_path):
    charts.set_style()
    fig, ax = plt.subplots()
    ax.set_title("牵头单位任务量")
    with plt.rc_context({"svg.fonttype": "none"}):  # as in the report's kernel
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        assert re.search(r"<text [^>]*>牵头单位任务量</text>", buf.getvalue())
        target = charts.save_figure(fig, tmp_path / "c.svg")
    plt.close(fig)
    assert not re.search(r"<text[ >]", target.read_text(encoding="utf-8"))


# --- the deck's red list, paginated by measured height ----------------------------------------


def test_text_is_measured_in_ems():
    assert text_ems("牵头单位") == 4.0
    assert text_ems("第12项") == 3.0
    # 1.2 in less 0.2 in of margins at 10 pt: 7.2 ems a line
    assert text_lines("一二三四五六七", 1.2, 10) == 1
    assert text_lines("一二三四五六七八", 1.2, 10) == 2
    assert text_lines("一\n二", 1.2, 10) == 2
    assert row_height(["一二三四五六七八", "x"], [1.2, 1.2], 10) == 2 * 12 / 72 + 0.1


def test_rows_are_split_by_the_room_they_take():
    header = ["序号", "任务"]
    short, tall = ["1", "短"], ["2", "长" * 70]  # 1 line; 70 ems at 7.2 a line: 10 lines
    widths = [1.2, 1.2]
    assert row_height(tall, widths, 10) == 10 * 12 / 72 + 0.1
    pages = paginate_rows([short, tall, short, short], header, widths, 10, 2.0)
    assert [len(p) for p in pages] == [1, 1, 2]
    assert paginate_rows([], header, widths, 10, 2.0) == [[]]
    # a slide's font sets lines 1.45 ems apart: the tall row takes 10 × 14.5 pt, and the rows
    # after it no longer fit beside it
    assert row_height(tall, widths, 10, 1.45) == 10 * 14.5 / 72 + 0.1
    pages = paginate_rows([short, tall, short, short], header, widths, 10, 2.3, 1.45)
    assert [len(p) for p in pages] == [1, 1, 2]


def test_the_deck_red_list_stays_on_its_slides(tmp_path):
    """Dalian's 19 red tasks at 2020-10-15: every red-list table, as tall as its rows are
    measured in the slide font, ends above the footer (7.05 in)."""
    from click.testing import CliRunner
    from conftest import RAW
    from pptx import Presentation

    from taskstats.cli import main

    out = tmp_path / "d.pptx"
    args = ["deck", "dalian-hightech", "--as-of", "2020-10-15", "--raw-dir", str(RAW)]
    result = CliRunner().invoke(main, [*args, "--store", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    bottoms, rows = [], 0
    for slide in Presentation(str(out)).slides:
        for shape in slide.shapes:
            if shape.has_table and shape.table.cell(0, 0).text == "序号":
                bottoms.append((shape.top + sum(r.height for r in shape.table.rows)) / 914400)
                rows += len(shape.table.rows) - 1
    assert rows == 19 and len(bottoms) == 2
    assert max(bottoms) <= 1.75 + 4.9 < 7.05  # with room to spare for a renderer's taller rows


# --- the bulletin ----------------------------------------------------------------------------


def test_no_line_break_inside_a_bracket():
    assert glued("红灯2项（第3、8项）。") == f"红灯2项（{J}第{J}3{J}、{J}8{J}项{J}）。"
    long = "（第" + "、".join(str(n) for n in range(10, 30)) + "项）"
    assert glued(long).startswith(f"（{J}第{J}1{J}0{J}、11")
    assert glued("没有括号") == "没有括号"


def test_scope_word_from_the_manifest(tmp_path):
    (tmp_path / "t.txt").write_text("x", encoding="utf-8")
    base = 'slug = "x-y"\nname = "某省"\nraw_file = "t.txt"\n'
    (tmp_path / "manifest.toml").write_text(base, encoding="utf-8")
    assert read_manifest(tmp_path / "manifest.toml").scope_word == "全区"
    (tmp_path / "manifest.toml").write_text(base + 'unit_prefix = "市"\n', encoding="utf-8")
    assert read_manifest(tmp_path / "manifest.toml").scope_word == "全市"
    (tmp_path / "manifest.toml").write_text(base + 'scope = "全省"\n', encoding="utf-8")
    assert read_manifest(tmp_path / "manifest.toml").scope_word == "全省"


# --- empty and one-value sections said in one line --------------------------------------------


def test_deck_says_empty_and_one_value_charts_in_a_line(tmp_path):
    from click.testing import CliRunner
    from conftest import RAW
    from pptx import Presentation

    from taskstats.cli import main

    out = tmp_path / "d.pptx"
    args = ["deck", "nanjing-gulou", "--raw-dir", str(RAW)]  # its 2021 schedule's last node
    result = CliRunner().invoke(main, [*args, "--store", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    slides = [
        [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
        for s in Presentation(str(out)).slides
    ]
    titles = [texts[0] for texts in slides]
    # Nanjing's table names no leader and no source: those four charts are not drawn
    undrawn = ["分管领导任务量", "节点完成率：按分管领导", "任务来源构成", "节点完成率：按任务来源"]
    assert [t for t in undrawn if t in titles] == []
    said = " ".join(slides[titles.index("其他情况")])
    assert "本表未列分管领导，不按分管领导统计任务量和完成率。" in said
    assert "本表未注明任务来源（共72项），不分来源作图和统计完成率。" in said
    assert "牵头单位任务量" in titles and "节点完成率：按牵头单位" in titles


def provincial_district(raw_dir, tasks: int = 12) -> str:
    """A new district made from Dalian's first ``tasks`` tasks, written as a CSV without the
    leaders and the source columns, read as a province's list (全省, every task 省任务); its
    slug."""
    from conftest import RAW

    from taskstats.datasets import read_districts

    t = read_districts("dalian-hightech", raw_dir=RAW)[0].tables
    units = t.task_units
    rows = ["序号,目标任务,牵头单位,责任单位"]
    for task in t.tasks.head(tasks).itertuples():
        mine = units[units["task_id"] == task.task_id]
        lead, support = (
            "、".join(mine.loc[mine["role"] == r, "unit_raw"]) for r in ("lead", "support")
        )
        rows.append(f'{task.seq},"{task.text}","{lead}","{support}"')
    folder = raw_dir / "shengji"
    folder.mkdir(parents=True)
    (folder / "table.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "manifest.toml").write_text(
        'slug = "shengji"\nname = "某省"\nraw_file = "table.csv"\ndefault_source = "province"\n'
        'scope = "全省"\n[schedule]\nkind = "dates"\n'
        'dates = ["2020-06-30", "2020-09-30", "2020-12-31"]\n',
        encoding="utf-8",
    )
    return "shengji"


def test_a_district_without_leaders_and_one_source_says_them_in_a_line(tmp_path):
    from taskstats import report

    slug = provincial_district(tmp_path / "raw")
    r = report.prepare_district(
        slug, as_of="2020-12-31", progress="demo", raw_dir=tmp_path / "raw", store_dir=tmp_path
    )
    no_leaders = "本表未列分管领导，不按分管领导统计任务量和完成率。"
    one_source = "全部为省任务，共12项，不再分来源作图和统计完成率。"
    assert r.said_in_a_line() == {
        "leader_load": no_leaders,
        "completion_by_leader": no_leaders,
        "source_mix": one_source,
        "completion_by_source": one_source,
    }
    assert r.completion_keys == ("unit",)
    # the 分管领导 card says 未列, not 0
    assert '<div class="ts-num">未列</div><div class="ts-lab">分管领导' in r.headline_html()
    assert r.empty("leaders") == f'<p class="ts-note">{no_leaders}</p>'
    assert r.empty("sources") == f'<p class="ts-note">{one_source}</p>'
    assert r.empty("completion") == (
        f'<p class="ts-note">{no_leaders}</p><p class="ts-note">{one_source}</p>'
    )
    # no source column at all (every task 未注明): said so, not "全部为未注明"
    r.tables.tasks["source"] = "unknown"
    assert r.said_in_a_line()["source_mix"] == (
        "本表未注明任务来源（共12项），不分来源作图和统计完成率。"
    )


@pytest.mark.slow
def test_the_page_of_a_district_without_leaders_and_one_source(tmp_path):
    """Rendered: the lines are on the page, and only the charts with something to compare are
    drawn (lead units, lights, completion by unit, trend)."""
    from taskstats import report

    slug = provincial_district(tmp_path / "raw")
    written = report.render_reports(
        [slug],
        as_of="2020-12-31",
        progress="demo",
        compare=False,
        jobs=1,
        out_dir=tmp_path / "out",
        raw_dir=tmp_path / "raw",
        store_dir=tmp_path,
    )
    page = written[0].read_text(encoding="utf-8")
    assert page.count("本表未列分管领导，不按分管领导统计任务量和完成率。") == 2
    assert page.count("全部为省任务，共12项，不再分来源作图和统计完成率。") == 2
    assert len(re.findall(r"<img ", page)) == 4
    assert "<h3>完成率：按牵头单位</h3>" in page or "按牵头单位</h3>" in page
    assert "按任务来源</h3>" not in page and "按分管领导</h3>" not in page
    assert "自增任务" not in page and "市任务" not in page  # no source mix table
    assert '<div class="ts-num">未列</div>' in page


@pytest.mark.slow
def test_the_printed_page_of_a_new_provincial_district_reads_in_chinese(tmp_path):
    """Its PDF's text (pdftotext): Chinese words only, no raw figure, the one-line sections."""
    import shutil
    import subprocess

    from test_wording import HASH, RAW_FLOAT, ascii_words

    from taskstats import report
    from taskstats.datasets import read_districts
    from taskstats.report.printing import find_chromium, print_pdf

    if not (find_chromium() and shutil.which("pdftotext")):
        pytest.skip("needs Chromium and pdftotext")
    slug = provincial_district(tmp_path / "raw", tasks=40)
    page = report.render_reports(
        [slug],
        as_of="2020-12-31",
        progress="demo",
        compare=False,
        jobs=1,
        out_dir=tmp_path / "out",
        raw_dir=tmp_path / "raw",
        store_dir=tmp_path,
    )[0]
    pdf = print_pdf(page, tmp_path / "r.pdf")
    said = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    text = " ".join(said.stdout.decode("utf-8").split())  # lines joined as a reader reads
    words = ascii_words(HASH.sub(" ", text).replace(f"{slug}/table.csv", " "))
    t = read_districts(slug, raw_dir=tmp_path / "raw")[0].tables
    data = ascii_words(" ".join([*t.tasks["text"].dropna(), *t.task_units["unit"]]))
    assert words - data == set()  # only the tasks' own words (PM2.5, XX), as written
    assert not RAW_FLOAT.search(text)
    assert "全部为省任务，共40项" in text.replace(" ", "") and "未列" in text


def test_the_cards_print_shares_as_the_tables_and_the_deck_do(tmp_path):
    """Dalian's cards say 4.8% (the measurability table's figure) and 79.0%, not 5% and 79%;
    the deck's headline slide shows the same six cards, the progress ones marked simulated."""
    from conftest import RAW

    from taskstats import report
    from taskstats.report.briefing import headline_figures

    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    cards = r.headline_html()
    assert '<div class="ts-num">4.8%</div>' in cards
    assert '<div class="ts-num">79.0%</div>' in cards
    assert headline_figures(r) == [
        ("目标任务", "168"),
        ("分管领导", "9"),
        ("牵头单位", "42"),
        ("量化目标", "4.8%"),
        ("节点完成率（模拟）", "79.0%"),
        ("红灯任务（模拟）", "34"),
    ]
