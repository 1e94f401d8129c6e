"""The exploration notebook's logic: filters that narrow each other, collectives apart, Chinese."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import RAW

import taskstats
from taskstats.progress import schedules_for
from taskstats.report.explore import (
    ALL,
    chinese_table,
    district_names,
    due_periods,
    filter_options,
    filter_tables,
    light_choices,
    overview,
    progress_explorer,
    progress_table,
    task_table,
)


def test_a_district_narrows_the_leaders_units_and_sections(tables):
    every = filter_options(tables)
    dalian = filter_options(tables, "dalian-hightech")
    leaders = {v for _, v in dalian["leader"]} - {ALL}
    assert leaders and leaders < {v for _, v in every["leader"]}
    # Every leader offered for Dalian has Dalian tasks: none gives 0 tasks.
    for leader in leaders:
        assert len(filter_tables(tables, district="dalian-hightech", leader=leader).tasks) > 0
    units = {v for _, v in dalian["unit"]} - {ALL}
    for unit in list(units)[:10]:
        assert len(filter_tables(tables, district="dalian-hightech", unit=unit).tasks) > 0


def test_collectives_are_apart_and_marked(tables):
    options = filter_options(tables, "qingdao-westcoast")
    labels = [label for label, value in options["unit"] if value != ALL]
    marked = [i for i, label in enumerate(labels) if label.startswith("（泛指）")]
    assert marked and marked == list(range(len(labels) - len(marked), len(labels)))  # last
    counts = [label for label in labels if not label.startswith("（泛指）")]
    assert counts[0].endswith("项）")


def test_choices_and_tables_read_in_chinese(tables):
    names = district_names(RAW)
    options = filter_options(tables, names=names)
    assert ("大连高新区", "dalian-hightech") in options["district"]
    assert ("省任务", "province") in options["source"]
    table = task_table(filter_tables(tables, district="dalian-hightech"), names)
    assert list(table.columns) == [
        "区县",
        "序号",
        "板块",
        "目标任务",
        "来源",
        "牵头单位",
        "负责领导",
    ]
    assert set(table["区县"]) == {"大连高新区"}
    assert set(table["来源"]) <= {"省任务", "市任务", "自增任务", "未注明"}
    assert (table["目标任务"] == "（原文缺失，见数据质量）").sum() >= 1


def test_overview_figures_read_as_figures(tables):
    shown = overview(tables, district_names(RAW))
    assert list(shown.columns) == ["大连高新区", "南京市鼓楼区", "青岛西海岸新区", "泉州市鲤城区"]
    dalian, gulou = shown["大连高新区"], shown["南京市鼓楼区"]
    assert (dalian["任务数"], dalian["最多任务"], dalian["人均任务"]) == ("168", "46", "20.33")
    assert (dalian["最忙领导占比"], dalian["省任务占比"], gulou["来源未注明"]) == (
        "27.4%",
        "35.1%",
        "100.0%",
    )
    # 鼓楼 names no leader: no per-leader figure, a dash (never NaN)
    assert (gulou["分管领导数"], gulou["人均任务"], gulou["最忙领导占比"]) == ("0", "—", "—")
    assert not shown.isin(["nan", "NaN", "<NA>"]).any().any()


@pytest.fixture(scope="module")
def progress(tables):
    """Every bundled district as of 15 October 2020, simulated reports."""
    schedules = schedules_for(taskstats.discover_manifests(RAW))
    snap = taskstats.progress_snapshot(tables, "demo", schedules, "2020-10-15", trend=False)
    return schedules, snap, district_names(RAW)


def test_filters_by_light_and_due_period_on_the_seed_districts(tables, progress):
    schedules, snap, names = progress
    periods = dict(due_periods(schedules))
    assert list(periods)[:3] == ["（全部）", "2020-06-30及以前", "2020-06-30后至2020-07-31"]
    assert periods["2020-11-30后至2020-12-25"] == ("2020-11-30", "2020-12-25")
    assert light_choices() == [
        ("（全部）", ""),
        ("红灯", "red"),
        ("黄灯", "yellow"),
        ("绿灯", "green"),
    ]

    def count(light=None, period="（全部）"):
        after, by = periods[period]
        return len(progress_table(tables, snap, names, light=light, due_by=by, due_after=after))

    # 168 + 72 + 206 + 117 tasks; red: 19 in 大连, 29 in 青岛; each district's tasks fall due
    # at its last node (鲤城 25 December, 大连 and 青岛 31 December, 鼓楼 the year after).
    assert (count(), count("red"), count("yellow"), count("green")) == (563, 48, 0, 515)
    assert count(period="2020-11-30后至2020-12-25") == 117
    assert count(period="2020-12-25后至2020-12-31") == 168 + 206
    assert count("red", "2020-12-25后至2020-12-31") == 48
    assert count(period="2021-09-30后至2021-12-31") == 72
    assert count(period="2020-09-30后至2020-10-25") == 0
    red = progress_table(tables, snap, names, light="red")
    assert red.groupby("区县").size().to_dict() == {"大连高新区": 19, "青岛西海岸新区": 29}
    assert set(red["最新状态"]) <= {"滞后", "未报送", "未启动", "序时推进", "已完成"}


def test_the_widget_filters_and_exports(tables, progress, tmp_path):
    from openpyxl import load_workbook

    schedules, snap, names = progress
    target = tmp_path / "导出" / "红灯.xlsx"
    box = progress_explorer(tables, snap, schedules, names, light="red", export=target)
    (lights, period), (_path, button), said, count = (
        box.children[0].children,
        box.children[1].children,
        box.children[2],
        box.children[3],
    )
    assert count.value == "<p>共48项任务</p>"
    period.value = ("2020-11-30", "2020-12-25")
    assert count.value == "<p>共0项任务</p>"
    period.label = "2020-12-25后至2020-12-31"
    lights.value = ""
    assert count.value == "<p>共374项任务</p>"
    lights.value = "red"
    button.click()
    assert said.value == f"已导出48项任务：{target}"
    rows = list(load_workbook(target)["任务"].iter_rows(values_only=True))
    assert rows[0] == ("区县", "序号", "目标任务", "完成时限", "最新状态", "亮灯", "报送单位")
    assert len(rows) == 49 and {r[5] for r in rows[1:]} == {"红灯"}


def test_any_table_shown_in_chinese_with_figures_formatted():
    frame = pd.DataFrame(
        {
            "district": ["dalian-hightech", "nanjing-gulou"],
            "leader": ["原驰", "各副区长"],
            "source": ["city", "unknown"],
            "n": [14.0, 3.0],
            "share": [0.0833, float("nan")],
            "collective": [False, True],
        }
    )
    shown = chinese_table(frame, district_names(RAW))
    assert list(shown.columns) == ["区县", "分管领导", "来源", "数量", "占本区任务", "泛指"]
    assert shown.values.tolist() == [
        ["大连高新区", "原驰", "市任务", "14", "8.3%", "否"],
        ["南京市鼓楼区", "各副区长", "未注明", "3", "—", "是"],
    ]


@pytest.mark.slow
def test_the_notebook_headless_exports_what_its_parameters_filter(tmp_path):
    import papermill
    from openpyxl import load_workbook

    from taskstats import config

    target = tmp_path / "红灯.xlsx"
    papermill.execute_notebook(
        str(config.notebooks_dir() / "explore.ipynb"),
        str(tmp_path / "explore.ipynb"),
        parameters={
            "raw_dir": str(RAW),
            "districts": "dalian-hightech",
            "store_dir": str(tmp_path / "store"),
            "light": "red",
            "due_after": "2020-09-30",
            "due_by": "2020-12-31",
            "export": str(target),
        },
        cwd=str(tmp_path),
        progress_bar=False,
        kernel_name="python3",
        execution_timeout=600,
    )
    rows = list(load_workbook(target)["任务"].iter_rows(values_only=True))
    # no real ledger: the one simulated now; as of today (after 2020) its last node, 31 December
    assert rows[0] == ("区县", "序号", "目标任务", "完成时限", "最新状态", "亮灯", "报送单位")
    assert len(rows) - 1 == 34 and {r[5] for r in rows[1:]} == {"红灯"}
    assert {r[3] for r in rows[1:]} == {"2020-12-31"}
