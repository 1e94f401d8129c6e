"""The bundled seed tables, read end to end: exact figures from the raw files."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DALIAN, QINGDAO, RAW, units_of

import taskstats
from taskstats.readers import read_raw


def test_task_counts_per_district(tables):
    counts = tables.tasks["district"].value_counts().to_dict()
    assert counts == {
        "qingdao-westcoast": 206,
        "dalian-hightech": 168,
        "quanzhou-licheng": 117,
        "nanjing-gulou": 72,
    }


def test_task_ids_are_unique_and_sequential(tables):
    for district, tasks in tables.tasks.groupby("district"):
        assert tasks["task_id"].is_unique, district
        assert tasks["task_id"].tolist() == [str(i) for i in range(1, len(tasks) + 1)], district


def test_dalian_lost_rows_are_tasks_with_what_survived(tables):
    t = tables.tasks.set_index(["district", "task_id"]).loc["dalian-hightech"]
    lost = {
        "21": ("省任务", "孙龙业"),
        "63": ("市任务", "任春培"),
        "76": ("自增\n任务", "朱显成"),
        "88": ("自增\n任务", "赵百强"),
    }
    leaders = tables.task_leaders[tables.task_leaders["district"] == "dalian-hightech"]
    for task_id, (source_raw, leader) in lost.items():
        assert t.loc[task_id, "text"] == ""
        assert t.loc[task_id, "source_raw"] == source_raw
        assert leaders.loc[leaders["task_id"] == task_id, "leader"].tolist() == [leader]
    assert units_of(tables, "dalian-hightech", "63")[["unit", "role"]].values.tolist() == [
        ["金融办", "lead"],
        ["区上市工作领导小组", "support"],
    ]
    assert units_of(tables, "dalian-hightech", "76")[["unit", "role"]].values.tolist() == [
        ["规建局", "lead"],
        ["财政局", "support"],
    ]
    assert units_of(tables, "dalian-hightech", "88")[
        ["unit", "role", "collective"]
    ].values.tolist() == [["发改局", "lead", False], ["各相关单位", "support", True]]
    q = tables.quality[tables.quality["district"] == "dalian-hightech"]
    for kind in ("missing_text", "number_inferred"):
        assert sorted(q.loc[q["kind"] == kind, "task_id"]) == ["21", "63", "76", "88"]
    assert q.loc[(q["kind"] == "number_inferred") & (q["task_id"] == "63"), "line"].item() == 512


def test_dalian_sections_and_annex(tables):
    t = tables.tasks[tables.tasks["district"] == "dalian-hightech"]
    assert t["section"].value_counts().to_dict() == {
        "一、重点工作任务（92项）": 92,
        "二、重大项目（76项）": 76,
    }
    assert t["subsection"].value_counts().to_dict() == {
        "": 92,
        "（一）推进重大项目加快建设（58项）": 58,
        "（二）推进重大招商项目签约落地（18项）": 18,
    }
    # The 附件2 template repeats task 84; it must not become a task or a duplicate.
    assert (t["task_id"] == "84").sum() == 1
    assert t.loc[t["task_id"] == "84", "raw_line"].item() == 702
    q = tables.quality[tables.quality["district"] == "dalian-hightech"]
    assert "duplicate_id" not in set(q["kind"])
    assert "section_count_mismatch" not in set(q["kind"])
    assert q.loc[q["kind"] == "trailing_content", "line"].tolist() == [1384]


def test_dalian_sources_by_count(tables):
    t = tables.tasks[tables.tasks["district"] == "dalian-hightech"]
    assert t["source"].value_counts().to_dict() == {"self": 86, "province": 59, "city": 23}
    others = tables.tasks[tables.tasks["district"] != "dalian-hightech"]
    assert set(others["source"]) == {"unknown"}


def test_no_leader_name_contains_whitespace(tables):
    assert not tables.task_leaders["leader"].str.contains(r"\s").any()
    qd = tables.task_leaders[tables.task_leaders["district"] == "qingdao-westcoast"]
    assert (qd["leader"] == "隋斌").sum() == 42
    assert set(qd.loc[qd["leader"] == "隋斌", "leader_raw"]) == {"隋 斌", "隋斌"}
    dl = tables.task_leaders[tables.task_leaders["district"] == "dalian-hightech"]
    assert set(dl.loc[dl["leader"] == "原驰", "leader_raw"]) == {"原  驰"}


def test_qingdao_separately_handled_and_prefix(tables):
    six = units_of(tables, "qingdao-westcoast", "6")
    assert six[["unit", "role"]].values.tolist() == [
        ["区发改局", "lead"],
        ["区生态环境分局", "lead"],
    ]
    assert units_of(tables, "qingdao-westcoast", "116")["unit"].tolist() == ["区生态环境分局"]
    three = units_of(tables, "qingdao-westcoast", "3")
    assert three[["unit", "role"]].values.tolist() == [
        ["区商务局", "lead"],
        ["区文旅局", "support"],
    ]


def test_qingdao_lead_then_each_member(tables):
    # "区食安委牵头，各成员单位分别办理": the members work alongside the lead.
    rows = units_of(tables, "qingdao-westcoast", "157")
    assert rows[["unit", "role", "collective"]].values.tolist() == [
        ["区食安委", "lead", False],
        ["各成员单位", "support", True],
    ]
    # "区发改局牵头，财政局、自然资源局等单位配合": the prefix carries, "等单位" goes.
    rows = units_of(tables, "qingdao-westcoast", "35")
    assert rows["unit"].tolist() == ["区发改局", "区财政局", "区自然资源局"]


def test_gulou_inline_roles_and_collectives(tables):
    two = units_of(tables, "nanjing-gulou", "2")
    assert two[["unit", "role", "collective"]].values.tolist() == [
        ["区科技局", "lead", False],
        ["高新区管委会", "lead", False],
        ["区相关部门", "support", True],
        ["街道", "support", True],
        ["板块", "support", True],
    ]
    t = tables.tasks[tables.tasks["district"] == "nanjing-gulou"]
    assert t.loc[t["task_id"] == "25", "text"].item().endswith("融合型活力空间”。")
    assert t["section"].nunique() == 7
    q = tables.quality[tables.quality["district"] == "nanjing-gulou"]
    assert q["kind"].value_counts().to_dict() == {"no_leader_column": 1, "unparsed_row": 1}


def test_quanzhou_subtargets_stay_in_their_task(tables):
    t = tables.tasks[tables.tasks["district"] == "quanzhou-licheng"]
    one = t[t["task_id"] == "1"].iloc[0]
    assert one["text"] == "地区生产总值增长 2.5%。工业增加值增长 1%。第三产业增加值增长 3.5%。"
    lead = units_of(tables, "quanzhou-licheng", "1")
    assert lead.loc[lead["role"] == "lead", "unit"].tolist() == ["区工信局", "区发改局"]
    assert t["section"].value_counts().to_dict() == {
        "二、主要工作任务": 101,
        "三、建设人民满意的服务型政府": 10,
        "一、主要预期目标": 6,
    }
    leaders = tables.task_leaders[tables.task_leaders["district"] == "quanzhou-licheng"]
    seven = leaders[leaders["task_id"] == "7"]
    assert seven["leader"].tolist() == ["陈斌", "陈清拥", "王垦福"]
    assert leaders.loc[leaders["leader"] == "各副区长", "collective"].all()
    # Item 1 names no leader: reported, not guessed.
    q = tables.quality[tables.quality["district"] == "quanzhou-licheng"]
    assert q.loc[q["kind"] == "missing_leader", "task_id"].tolist() == ["1"]


def test_quanzhou_space_separated_units(tables):
    twelve = units_of(tables, "quanzhou-licheng", "64")
    assert "站前大道西侧K2地块项目指挥部" in twelve["unit"].tolist()
    eleven = units_of(tables, "quanzhou-licheng", "11")
    assert eleven[["unit", "unit_raw", "role"]].values.tolist()[0] == [
        "区发改局",
        "区发改局 (重点办)",
        "lead",
    ]
    assert units_of(tables, "quanzhou-licheng", "114")["unit"].tolist() == [
        "区政府办",
        "区为民办实事项目各责任单位",
    ]


def test_host_kept_beside_the_unit(tables):
    sixteen = units_of(tables, "dalian-hightech", "16")
    assert sixteen[["unit", "host", "role"]].values.tolist() == [
        ["营商办", "发改局", "lead"],
        ["审改办", "人社局", "lead"],
        ["行政服务中心", "", "lead"],
        ["各相关单位", "", "support"],
    ]


def test_quantified_and_pending(tables):
    t = tables.tasks.set_index(["district", "task_id"])
    assert t.loc[("dalian-hightech", "81"), "quantified"]  # 新建8座公厕
    assert not t.loc[("dalian-hightech", "69"), "quantified"]  # 办好2020年海创周
    pending = t.loc["dalian-hightech"].query("target_pending").index.tolist()
    assert pending == ["2", "4", "27", "28", "50", "53"]
    assert t.loc[("qingdao-westcoast", "1"), "quantified"]  # 地区生产总值增长7%


def test_every_numbered_row_is_a_task_or_an_anomaly():
    # The raw files' numbered rows, counted independently of the readers.
    numbered = sum(
        1
        for line in QINGDAO.read_text(encoding="utf-8").split("\n")
        if line.split("\t")[0].isdigit() and len(line.split("\t")) == 4
    )
    assert numbered == 206
    result = read_raw(DALIAN)
    assert result.rows_seen == 173  # 164 numbered rows and 9 fragments of the 4 lost rows
    assert len(result.tasks) == 168


def test_ingest_writes_every_output(tmp_path):
    tables, summary = taskstats.write_processed(raw_dir=RAW, out_dir=tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert names == [
        "quality.csv",
        "task_leaders.csv",
        "task_units.csv",
        "tasks.csv",
        "taskstats.xlsx",
    ]
    assert (tmp_path / "tasks.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(tmp_path / "tasks.csv", encoding="utf-8-sig", dtype={"task_id": str})
    assert len(back) == 563
    sheets = pd.read_excel(tmp_path / "taskstats.xlsx", sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["tasks", "task_units", "task_leaders", "quality"]
    assert len(sheets["task_units"]) == len(tables.task_units)
    assert summary.set_index("district").loc["dalian-hightech", "rows_seen"] == 173


def test_load_some_districts():
    some = taskstats.load(["nanjing-gulou"], raw_dir=RAW)
    assert set(some.tasks["district"]) == {"nanjing-gulou"}
    with pytest.raises(taskstats.InputError, match="unknown district"):
        taskstats.load("atlantis", raw_dir=RAW)
