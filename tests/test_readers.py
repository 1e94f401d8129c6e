"""Readers on other layouts and encodings: the same table in another form gives the same data."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DALIAN, QUANZHOU, write
from openpyxl import Workbook
from openpyxl.styles import Alignment

import taskstats
from taskstats.readers import detect_text_layout, read_raw


def _comparable(tables: taskstats.TaskTables) -> list[pd.DataFrame]:
    tasks = tables.tasks.drop(columns=["district", "raw_file", "raw_line"])
    units = tables.task_units.drop(columns="district")
    leaders = tables.task_leaders.drop(columns="district")
    return [tasks, units, leaders]


def _assert_same(a: taskstats.TaskTables, b: taskstats.TaskTables) -> None:
    for left, right in zip(_comparable(a), _comparable(b), strict=True):
        pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_same_table_in_other_encodings(tmp_path, encoding):
    text = DALIAN.read_text(encoding="utf-8")
    other = write(tmp_path / "dalian.txt", text, encoding)
    a = taskstats.read_table(DALIAN)
    b = taskstats.read_table(other)
    _assert_same(a, b)
    assert a.tasks["raw_line"].tolist() == b.tasks["raw_line"].tolist()
    assert len(b.tasks) == 168


def test_quanzhou_in_gb18030_with_windows_newlines(tmp_path):
    text = QUANZHOU.read_text(encoding="utf-8").replace("\n", "\r\n")
    other = write(tmp_path / "licheng.txt", text, "gb18030")
    _assert_same(taskstats.read_table(QUANZHOU), taskstats.read_table(other))


def _xlsx_from_text(path, target, header_every: int = 40):
    """The table as a spreadsheet: merged section rows, multi-line cells, repeated headers."""
    result = read_raw(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "分工表"
    ws.append(["2020年目标任务分工表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    header = ["序号", "目标任务", "牵头单位", "责任单位", "负责领导", "备注"]
    ws.append(header)
    section = subsection = None
    for i, task in enumerate(result.tasks):
        if i and i % header_every == 0:
            ws.append(header)  # a header repeated at a page break
        for title, attr in ((task.section, "section"), (task.subsection, "subsection")):
            current = section if attr == "section" else subsection
            if title and title != current:
                ws.append([title])
                ws.merge_cells(
                    start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6
                )
            if attr == "section":
                section = title
            else:
                subsection = title
        cells = task.cells
        ws.append(
            [
                task.number if not task.lost else None,
                "".join(task.text_parts) or None,
                "\n".join(cells.get("lead", [])),
                "\n".join(cells.get("units", [])),
                "\n".join(cells.get("leader", [])),
                "\n".join(cells.get("source", [])),
            ]
        )
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True)
    wb.save(target)
    return target


def test_same_table_as_xlsx_with_merged_sections(tmp_path):
    xlsx = _xlsx_from_text(DALIAN, tmp_path / "dalian.xlsx")
    a = taskstats.read_table(DALIAN)
    b = taskstats.read_table(xlsx)
    _assert_same(a, b)
    kinds = b.quality["kind"].value_counts().to_dict()
    assert kinds["number_inferred"] == 4
    assert kinds["missing_text"] == 4
    assert set(b.quality["raw_file"]) == {"dalian.xlsx"}


def test_xlsx_vertical_merge_and_sheet_choice(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["填表说明：本表由督查室汇总。"])
    ws = wb.create_sheet("任务")
    ws.append(["序号", "工作任务", "牵头单位", "配合单位", "分管领导", "完成时限"])
    ws.append([1, "新建5G基站300个。", "区工信局", "各街道", "张 三", "2020年12月底"])
    ws.append([2, "完成老旧小区改造。", "区住建局", "区财政局\n区城管局", "李四", "2020年10月"])
    ws.append([3, "加快建设口袋公园。", "区城管局", "区住建局", None, "2020年11月"])
    ws.merge_cells("E3:E4")  # one leader for tasks 2 and 3
    path = tmp_path / "tasks.xlsx"
    wb.save(path)
    t = taskstats.read_table(path)
    assert t.tasks["task_id"].tolist() == ["1", "2", "3"]
    assert t.tasks["deadline_raw"].tolist() == ["2020年12月底", "2020年10月", "2020年11月"]
    assert t.task_leaders[["task_id", "leader"]].values.tolist() == [
        ["1", "张三"],
        ["2", "李四"],
        ["3", "李四"],
    ]
    assert t.task_units[["task_id", "unit", "role"]].values.tolist() == [
        ["1", "区工信局", "lead"],
        ["1", "各街道", "support"],
        ["2", "区住建局", "lead"],
        ["2", "区财政局", "support"],
        ["2", "区城管局", "support"],
        ["3", "区城管局", "lead"],
        ["3", "区住建局", "support"],
    ]
    assert t.tasks["quantified"].tolist() == [True, False, False]


def test_csv_with_messy_headers(tmp_path):
    text = (
        "\ufeff序 号,具体目标任务,牵头责任单位,协办单位,区分管领导,任务来源\n"
        '1,"地区生产总值增长7%。",区发改局,"区统计局、各街道",王 五,省任务\n'
        "2,推进乡村振兴。,区农业农村局,,赵六,自增\n"
        "3,抓好XX个重点项目。,区发改局,,王五,市任务\n"
    )
    path = write(tmp_path / "plan.csv", text)
    t = taskstats.read_table(path)
    assert t.tasks["source"].tolist() == ["province", "self", "city"]
    assert t.tasks["target_pending"].tolist() == [False, False, True]
    assert t.task_leaders["leader"].tolist() == ["王五", "赵六", "王五"]
    assert t.task_units.loc[t.task_units["task_id"] == "1", "unit"].tolist() == [
        "区发改局",
        "区统计局",
        "各街道",
    ]


def test_inline_variants(tmp_path):
    text = (
        "一、经济发展\n"
        "1.地区生产总值增长6%。（牵头单位：区发改委，配合单位：区统计局、区财政局）\n"
        "2.推进招商引资，新引进项目20个，\n全年到位资金50亿元。（区投促局牵头，各部门按职责分工负责）\n"
        "（一）民生\n"
        "3、新增就业1000人。(区人社局主办,各街道协办,责任领导：张 三)\n"
    )
    t = taskstats.read_table(write(tmp_path / "inline.txt", text))
    u = t.task_units
    assert u[["task_id", "unit", "role", "collective"]].values.tolist() == [
        ["1", "区发改委", "lead", False],
        ["1", "区统计局", "support", False],
        ["1", "区财政局", "support", False],
        ["2", "区投促局", "lead", False],
        ["2", "各部门", "support", True],
        ["3", "区人社局", "lead", False],
        ["3", "各街道", "support", True],
    ]
    assert t.tasks["text"].tolist()[1] == "推进招商引资，新引进项目20个，全年到位资金50亿元。"
    assert t.tasks["subsection"].tolist() == ["", "", "（一）民生"]
    assert t.task_leaders["leader"].tolist() == ["张三"]


def test_delimited_numbering_restarts_per_section(tmp_path):
    text = (
        "序号\t工作任务\t牵头单位\t分管领导\n"
        "一、经济\t\t\t\n1\t任务甲\t区发改局\t王五\n2\t任务乙\t区财政局\t王五\n"
        "二、民生\t\t\t\n1\t任务丙\t区民政局\t赵六\n"
    )
    t = taskstats.read_table(write(tmp_path / "restart.txt", text))
    assert t.tasks["task_id"].tolist() == ["1", "2", "2.1"]
    assert "duplicate_id" not in set(t.quality["kind"])


def test_duplicates_and_gaps_are_reported(tmp_path):
    text = (
        "序号\t工作任务\t牵头单位\t分管领导\n"
        "1\t任务甲\t区发改局\t王五\n3\t任务乙\t区财政局\t王五\n3\t任务丙\t区民政局\t\n"
    )
    t = taskstats.read_table(write(tmp_path / "dup.txt", text))
    assert t.tasks["task_id"].tolist() == ["1", "3", "3#2"]
    q = t.quality.set_index("kind")
    assert q.loc["number_gap", "line"] == 3
    assert q.loc["duplicate_id", "line"] == 4
    assert q.loc["missing_leader", "task_id"] == "3#2"


def test_layout_detection():
    assert detect_text_layout(DALIAN.read_text(encoding="utf-8")) == "cells"
    assert detect_text_layout(QUANZHOU.read_text(encoding="utf-8")) == "delimited"
    with pytest.raises(taskstats.InputError, match="no table layout recognised"):
        detect_text_layout("只是一段话。\n没有表格。\n")
