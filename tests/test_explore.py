"""The exploration notebook's logic: filters that narrow each other, collectives apart, Chinese."""

from __future__ import annotations

from conftest import RAW

from taskstats.report.explore import (
    ALL,
    district_names,
    filter_options,
    filter_tables,
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
