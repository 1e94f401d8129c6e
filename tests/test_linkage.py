"""Linking a work report's commitments to the decomposition table's tasks."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import RAW

import taskstats
from taskstats.errors import InputError
from taskstats.measures.linkage import commitment_coverage, compare_targets, link_commitments
from taskstats.readers.commitments import read_commitments
from taskstats.tidy import LEADER_COLUMNS, QUALITY_COLUMNS, TASK_COLUMNS, UNIT_COLUMNS, TaskTables

DALIAN_DIR = RAW / "dalian-hightech"
REPORT = "001_7904b49d57e0b06b.txt"


@pytest.fixture(scope="module")
def dalian(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, TaskTables]:
    """The Dalian report's commitments and the table's tasks, from a copy of data/raw."""
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(DALIAN_DIR, raw / "dalian-hightech")
    tables = taskstats.load("dalian-hightech", raw_dir=raw)
    return read_commitments(raw / "dalian-hightech" / REPORT), tables


@pytest.fixture(scope="module")
def links(dalian: tuple[pd.DataFrame, TaskTables]) -> pd.DataFrame:
    return link_commitments(*dalian)


def _cid(commitments: pd.DataFrame, start: str) -> int:
    hits = commitments.loc[commitments["text"].str.startswith(start), "commitment_id"]
    assert len(hits) == 1, start
    return int(hits.iloc[0])


# Built by reading the report's plan and all 168 tasks side by side. Each commitment maps to the
# exact set of tasks that carry it (empty: the table has no task for it).
HAND_CHECKED = [
    ("新增瞪羚企业26家", {"27"}),  # 新增瞪羚企业26家，总数达到50家
    ("高企认定净增150家", {"27"}),  # 新增高新技术企业150家以上
    ("万人有效发明专利拥有量", {"60"}),
    ("技术合同交易额突破110亿元", {"60"}),  # 完成技术合同成交额110亿元
    ("新增城镇就业人数2800人", {"2"}),  # 城镇新增就业XX人，确保零就业家庭动态为零
    ("新建公园3座、公厕8座", {"81"}),  # 新建8座公厕
    ("对区内11座桥梁进行维修改造", {"82"}),  # 完成11座桥梁维修加固
    ("持续推进大气污染防治攻坚战", {"13"}),  # 空气质量达标率83.6%以上
    ("启动运营联创国际加速器", {"70", "165"}),  # 联创国际加速器; 七牛云智能视频加速器项目
    ("用好用活招商政策和引导基金", {"164"}),  # 中福半导体产业园 / 半导体产业园项目
    ("积极推进科创板", {"71"}),  # not 97/98 (东软教育…实训基地, another object)
    ("加紧编制人才管理改革试验区", {"74", "75"}),
    ("大力发展“飞地经济”", {"36"}),
    ("推进河口污水处理厂等6项", {"79"}),
    ("引进社会资本建设国际医院", {"148"}),  # 高新区国际医院项目
    ("完成创建国家食品安全示范城市", {"59"}),
    ("以零容忍的力度做好农民工工资清欠", {"46"}),
    ("严格落实安全生产责任制", {"86"}),
    ("继续强化审计监督", {"20"}),
    ("积极推进“1+5”产业发展", {"65"}),  # not 67 (人工智能研究院: a topic word only)
    ("地区生产总值增长7%", set()),
    ("引进高层次人才220人以上", set()),
    ("完成4处公交设施配套工程", set()),
    ("有序推进天然气置换工作", set()),
    ("完成区内300公里雨污水管网普查", set()),
    ("树立城市设计思维", set()),  # 南部滨海区概念性规划
    ("实际利用外资增长12%", set()),  # not 10 (实际到位资金增长10%: another indicator)
    ("继续打造东北一流的营商环境", set()),  # 营商环境 is a topic, not an object
]


@pytest.mark.parametrize(("start", "tasks"), HAND_CHECKED)
def test_hand_checked_pairs(
    dalian: tuple[pd.DataFrame, TaskTables], links: pd.DataFrame, start: str, tasks: set[str]
) -> None:
    cid = _cid(dalian[0], start)
    rows = links[links["commitment_id"] == cid]
    assert set(rows.loc[rows["matched"], "task_id"]) == tasks
    if not tasks:
        assert len(rows) == 1
        assert rows["task_id"].isna().all()
        assert rows["evidence"].iloc[0] == ""


def test_evidence_names_the_shared_objects(
    dalian: tuple[pd.DataFrame, TaskTables], links: pd.DataFrame
) -> None:
    commitments = dalian[0]

    def evidence(start: str, task: str) -> str:
        cid = _cid(commitments, start)
        row = links[(links["commitment_id"] == cid) & (links["task_id"] == task)]
        return row["evidence"].iloc[0]

    assert evidence("启动运营联创国际加速器", "70") == "联创国际加速器"
    assert evidence("启动运营联创国际加速器", "165") == "七牛云"
    assert evidence("新建公园3座、公厕8座", "81") == "公厕 8座/8座"
    assert evidence("引进社会资本建设国际医院", "148") == "国际医院"
    assert evidence("新增城镇就业人数2800人", "2") == "零就业家庭动态为零；城镇就业 2800人/XX人"


def test_number_comparisons(dalian: tuple[pd.DataFrame, TaskTables], links: pd.DataFrame) -> None:
    commitments, tables = dalian
    checks = compare_targets(links, commitments, tables)
    got = {
        (
            commitments.loc[commitments["commitment_id"] == r.commitment_id, "text"].iloc[0][:8],
            r.task_id,
            r.commitment_target,
            r.task_target,
            r.number_check,
        )
        for r in checks.itertuples()
    }
    assert got == {
        ("新增瞪羚企业26", "27", "26家", "26家", "agree"),  # the report's 26 gazelles: task 27 too
        ("高企认定净增15", "27", "150家", "150家", "agree"),
        ("培育壮大骨干企业", "27", "1家", "1家", "agree"),  # 独角兽企业1家
        ("万人有效发明专利", "60", "260件", "260件", "agree"),
        ("技术合同交易额突", "60", "110亿元", "110亿元", "agree"),
        ("对区内11座桥梁", "82", "11座", "11座", "agree"),
        ("新建公园3座、公", "81", "8座", "8座", "agree"),
        ("持续推进大气污染", "13", "83.6%", "83.6%", "agree"),
        ("新增城镇就业人数", "2", "2800人", "XX人", "pending"),  # XX is pending, never disagree
    }
    pending = checks[checks["number_check"] == "pending"].iloc[0]
    assert pending["commitment_value"] == 2800
    assert pd.isna(pending["task_value"])


def test_dalian_overall_figures(
    dalian: tuple[pd.DataFrame, TaskTables], links: pd.DataFrame
) -> None:
    commitments, tables = dalian
    coverage = commitment_coverage(commitments, links, tables)
    checks = compare_targets(links, commitments, tables)
    summary = coverage["summary"].iloc[0].astype(float).astype(int)
    counts = checks["number_check"].value_counts().to_dict()
    print(
        f"\nDalian: {summary['commitments']} commitments, {summary['matched']} matched to a task, "
        f"{summary['tasks_covered']} of {summary['tasks']} tasks covered, "
        f"{len(links[links['matched']])} links, number checks {counts}"
    )
    assert (summary["commitments"], summary["matched"]) == (69, 28)
    assert (summary["tasks"], summary["tasks_covered"]) == (168, 28)
    assert len(links[links["matched"]]) == 32
    assert counts == {"agree": 8, "pending": 1}
    assert coverage["by_section"][["section", "commitments", "with_task"]].values.tolist() == [
        ["二、2020年主要工作安排", 15, 4],
        ["(一)积极推进经济运行稳中有进、稳中提质", 6, 0],
        ["(二)加快推进国家自主创新示范区建设", 15, 11],
        ["(三)大力深化改革激活发展动力", 6, 0],
        ["(四)精心打造生态宜居的高品质园区", 10, 5],
        ["(五)加大保障和改善民生力度", 12, 7],
        ["(六)坚定不移推进全面从严治党", 5, 1],
    ]
    assert len(coverage["gaps"]) == 41
    assert coverage["tasks_by_source"][["source", "tasks", "with_commitment"]].values.tolist() == [
        ["province", 59, 11],
        ["city", 23, 3],
        ["self", 86, 14],
    ]
    assert len(coverage["uncovered_tasks"]) == 140


def test_link_table_shape(dalian: tuple[pd.DataFrame, TaskTables], links: pd.DataFrame) -> None:
    commitments, tables = dalian
    assert list(links.columns) == [
        "commitment_id",
        "district",
        "task_id",
        "matched",
        "score",
        "evidence",
        "commitment_text",
        "task_text",
    ]
    assert set(links["commitment_id"]) == set(commitments["commitment_id"])
    assert set(links["district"]) == {"dalian-hightech"}
    # Inputs are not mutated.
    before = commitments.copy(), tables.tasks.copy()
    link_commitments(commitments, tables)
    assert commitments.equals(before[0]) and tables.tasks.equals(before[1])


# --- tiny made-up tables ---------------------------------------------------------------------


def _tables(texts: list[str], district: str = "某区") -> TaskTables:
    rows = [
        {c: "" for c in TASK_COLUMNS}
        | {
            "district": district,
            "task_id": str(i),
            "seq": i,
            "text": text,
            "source": "self",
            "quantified": False,
            "target_pending": False,
            "raw_line": i,
        }
        for i, text in enumerate(texts, 1)
    ]
    return TaskTables(
        pd.DataFrame(rows, columns=TASK_COLUMNS),
        pd.DataFrame(columns=UNIT_COLUMNS),
        pd.DataFrame(columns=LEADER_COLUMNS),
        pd.DataFrame(columns=QUALITY_COLUMNS),
    )


def _commitments(text: str) -> pd.DataFrame:
    return read_commitments("2021年重点工作\n" + text)


def test_topic_words_alone_never_match() -> None:
    commitments = _commitments(
        "大力推进招商引资，加快科技创新发展。持续优化营商环境。推动人工智能、大数据产业发展。"
    )
    tables = _tables(
        [
            "持续推进招商工作，促进创新发展",
            "全面开展营商环境评价",
            "推进大连理工大学人工智能研究院项目",
        ]
    )
    links = link_commitments(commitments, tables)
    assert not links["matched"].any()
    assert len(links) == 3


def test_disagree_and_pending_on_messy_text() -> None:
    commitments = _commitments("新增瞪羚企业３０家 ，总数达到５０家。城镇新增就业2800人以上。")
    tables = _tables(["新增 瞪羚企业26家。", "多管齐下稳定和扩大就业，城镇新增就业ＸＸ人。"])
    links = link_commitments(commitments, tables)
    checks = compare_targets(links, commitments, tables)
    assert checks[
        ["commitment_id", "task_id", "commitment_target", "task_target"]
    ].values.tolist() == [
        [1, "1", "30家", "26家"],
        [2, "2", "2800人", "XX人"],
    ]
    assert list(checks["number_check"]) == ["disagree", "pending"]
    assert list(checks["commitment_value"]) == [30, 2800]


def test_several_districts_need_a_name() -> None:
    commitments = _commitments("推进联创国际加速器建设。")
    tables = _tables(["推进联创国际加速器建设"], "甲区")
    both = TaskTables(
        *(
            pd.concat([a, b], ignore_index=True)
            for a, b in zip(tables, _tables([""], "乙区"), strict=True)
        )
    )
    with pytest.raises(InputError, match="pass district="):
        link_commitments(commitments, both)
    links = link_commitments(commitments, both, district="甲区")
    assert links[["task_id", "matched", "evidence"]].values.tolist() == [
        ["1", True, "联创国际加速器"]
    ]
    with pytest.raises(InputError, match="district '丙区' has no tasks"):
        link_commitments(commitments, both, district="丙区")


def test_report_section_and_link_command(tmp_path):
    """The district report's 政府工作报告落实覆盖 section, and `taskstats link` printing and
    exporting the same tables with Chinese headers."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from taskstats import report
    from taskstats.cli import main

    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    section = r.coverage_html()
    assert (
        "<p>对照政府工作报告（文件001_7904b49d57e0b06b.txt）：共梳理承诺事项69项，已分解到任务28项"
        "（41%），未分解41项；目标数值不一致0处。</p>"
    ) in section
    # Target values as numbers read: 150 and 83.6, not 150.0
    numbers = section[section.index("<h3>目标数值比对</h3>") :].split("</table>")[0]
    assert "<td>150家</td>\n      <td>150家</td>\n      <td>150</td>\n      <td>150</td>" in numbers
    assert ".0</td>" not in numbers
    assert "<h3>未分解的承诺</h3>" in section and "<th>比对结果</th>" in section
    quiet = report.prepare_district(
        "nanjing-gulou", as_of="2021-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    assert quiet.coverage is None and "未附政府工作报告" in quiet.coverage_html()

    out = tmp_path / "links.xlsx"
    result = CliRunner().invoke(
        main, ["link", "dalian-hightech", "--raw-dir", str(RAW), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "未分解的承诺：41项" in result.output and "待定（XX）" in result.output
    book = load_workbook(out)
    assert book.sheetnames == [
        "总体覆盖",
        "按报告部分",
        "未分解的承诺",
        "目标数值比对",
        "无对应承诺的任务（按来源）",
        "承诺与任务对应",
        "无对应承诺的任务",
    ]
    summary = [[c.value for c in row] for row in book["总体覆盖"].iter_rows()]
    assert summary[0] == ["承诺事项", "已分解", "分解率", "任务数", "有对应承诺的任务", "占比"]
    assert summary[1][:2] == [69, 28] and summary[1][3:5] == [168, 28]
    assert book["未分解的承诺"].max_row == 42  # a header and the 41 gaps
    refused = CliRunner().invoke(main, ["link", "nanjing-gulou", "--raw-dir", str(RAW)])
    assert refused.exit_code == 2 and "is a work report" in refused.output
