"""Real and simulated progress apart: every card, row and chart label from simulated data says so,
and a comparison mixing the two says which district is which."""

from __future__ import annotations

import dataclasses
import re

from conftest import RAW

from taskstats import report


def test_a_simulated_district_report_marks_cards_and_rows(tmp_path):
    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    cards = r.headline_html()
    # The completion rate and the red tasks are marked, not the counts of the table itself.
    assert cards.count('<span class="ts-sim">（模拟）</span>') == 2
    red = r.red_list_html()
    # Said once above the compact table, not on each of its rows.
    assert red.count("进度数据：模拟数据") == 1 and "<td>模拟数据</td>" not in red
    assert red.count("<tr") == len(r.red) + 1
    # A completion table too: said once above it, and only the columns a page can hold
    table = r.table(r.rates["unit"], progress=True)
    assert table.count("进度数据：模拟数据") == 1 and "<th>进度数据</th>" not in table
    headers = re.findall(r"<th>(.*?)</th>", table)
    assert headers == [
        "单位",
        "到期节点",
        "已完成",
        "序时推进",
        "滞后",
        "未启动",
        "未报送",
        "逾期未完成",
        "任务数",
        "任务完成率",
        "报送率",
        "完成率",
        "按时完成率",
        "灯色",
    ]
    # Tasks 21, 63 and 76 lost their text in the source; of them only task 21 is red (滞后 at
    # its deadline 2020-12-31; 63 and 76 reported 已完成 there): the red list says so.
    assert red.count("<td>（原文缺失，见数据质量）</td>") == 1
    d = '<span class="ts-d">2020-12-31</span>'  # a date kept on one line
    assert f"<td>超过完成时限{d}未完成；节点{d}报告滞后</td>" in red


def test_a_mixed_comparison_says_which_district_is_simulated(tmp_path):
    c = report.prepare_comparison(progress="demo", raw_dir=RAW, store_dir=tmp_path)
    assert not c.mixed and set(c.simulated_by_district.values()) == {True}
    # As if Dalian had imported real reports: the others stay simulated.
    mixed = dataclasses.replace(
        c, source_by_district={**c.source_by_district, "dalian-hightech": "real"}
    )
    assert mixed.mixed
    header = mixed.header_html()
    assert (
        "以下区县的进度数据为模拟数据（没有真实进度台账），仅用于演示："
        "南京市鼓楼区、青岛西海岸新区、泉州市鲤城区；其余区县为真实台账。" in header
    )
    assert "模拟数据：南京市鼓楼区、青岛西海岸新区、泉州市鲤城区；真实台账：大连高新区" in header
    table = mixed.indicator_table().set_index("name")["progress_data"].to_dict()
    assert table == {
        "大连高新区": "真实台账",
        "南京市鼓楼区": "模拟数据",
        "青岛西海岸新区": "模拟数据",
        "泉州市鲤城区": "模拟数据",
    }
    labels = set(mixed.shown_rows(mixed.lights)["district"])
    assert labels == {
        "大连高新区",
        "南京市鼓楼区（模拟）",
        "青岛西海岸新区（模拟）",
        "泉州市鲤城区（模拟）",
    }
    assert "其余区县为真实台账" not in c.header_html()  # all simulated: the plain banner


def test_unknown_sources_are_unknown_in_the_comparison(tmp_path):
    c = report.prepare_comparison(progress="demo", raw_dir=RAW, store_dir=tmp_path)
    row = c.indicator_table().set_index("name").loc["南京市鼓楼区"]
    assert row["share_unknown"] == 1.0
    assert row[["share_province", "share_city", "share_self"]].isna().all()
    assert "<td>—</td>" in c.indicator_tables_html()


def test_the_indicators_come_in_narrow_themed_tables(tmp_path):
    """21 columns in one table wrapped each header one character a line; themed tables of a
    few columns each fit 1400 px and A4, every indicator still shown once."""
    c = report.prepare_comparison(progress="demo", raw_dir=RAW, store_dir=tmp_path)
    page = c.indicator_tables_html()
    tables = page.split("<table")[1:]
    assert len(tables) == 5
    widths = [len(re.findall(r"<th[ >]", t.split("</thead>")[0])) for t in tables]
    assert max(widths) <= 6, widths
    assert sum(w - 1 for w in widths) == len(c.indicator_table().columns) - 1  # all, once
    for heading in ("规模与分工", "任务来源", "进度（各区县按本区截至日期）"):
        assert f"<h3>{heading}</h3>" in page
