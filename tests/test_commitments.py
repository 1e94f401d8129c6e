"""Reading a work report's plan into commitments, and deadline phrases into dates."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import RAW

from taskstats.errors import InputError
from taskstats.readers.commitments import commitment_targets, find_targets, read_commitments
from taskstats.tidy.deadlines import Deadline, deadline_from_text, parse_deadline

REPORT = "001_7904b49d57e0b06b.txt"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Dalian work report, copied out of data/raw first."""
    source = RAW / "dalian-hightech" / REPORT
    target = tmp_path_factory.mktemp("report") / REPORT
    shutil.copy(source, target)
    return target


# --- the Dalian report -----------------------------------------------------------------------


def test_dalian_commitments_found(report: Path) -> None:
    commitments = read_commitments(report)
    print(f"\ncommitments found in the Dalian report: {len(commitments)}")
    assert len(commitments) == 69
    assert list(commitments.columns) == [
        "commitment_id",
        "section",
        "kind",
        "text",
        "targets",
        "line",
    ]
    assert list(commitments["commitment_id"]) == list(range(1, 70))
    # Every commitment is in the plan (line 50 on), none from the 2019 review.
    assert commitments["line"].min() == 52
    assert commitments["line"].max() == 78
    assert commitments["kind"].value_counts().to_dict() == {
        "measure": 34,
        "project": 14,
        "indicator": 13,
        "general": 8,
    }


def test_dalian_indicator_list_split(report: Path) -> None:
    commitments = read_commitments(report)
    indicators = commitments[commitments["kind"] == "indicator"]
    assert list(zip(indicators["text"], indicators["targets"], strict=True)) == [
        ("地区生产总值增长7%", "7%"),
        ("固定资产投资增长7%", "7%"),
        ("一般公共预算收入增长5%", "5%"),
        ("社会消费品零售总额增长8%", "8%"),
        ("规上工业增加值增长12%", "12%"),
        ("实际利用外资增长12%", "12%"),
        ("进出口总额占全市份额有一定提高", ""),
        ("高企认定净增150家以上", "150家"),
        ("万人有效发明专利拥有量达到260件以上", "260件"),
        ("技术合同交易额突破110亿元", "110亿元"),
        ("科技成果转化240项以上", "240项"),
        ("区域金融机构达到130家以上", "130家"),
        ("引进高层次人才220人以上", "220人"),
    ]
    assert set(indicators["line"]) == {54}
    # The closing sentence of the paragraph is not an indicator.
    closing = commitments[commitments["text"] == "确保各项主要经济指标和科技创新指标全市领先"]
    assert list(closing["kind"]) == ["general"]


def test_dalian_sections_and_targets(report: Path) -> None:
    commitments = read_commitments(report)
    assert list(dict.fromkeys(commitments["section"])) == [
        "二、2020年主要工作安排",
        "(一)积极推进经济运行稳中有进、稳中提质",
        "(二)加快推进国家自主创新示范区建设",
        "(三)大力深化改革激活发展动力",
        "(四)精心打造生态宜居的高品质园区",
        "(五)加大保障和改善民生力度",
        "(六)坚定不移推进全面从严治党",
    ]
    row = commitments[commitments["text"].str.startswith("新增瞪羚企业")].iloc[0]
    assert (row["text"], row["targets"], row["line"]) == (
        "新增瞪羚企业26家,总数达到50家",
        "26家、50家",
        62,
    )
    long = commitment_targets(commitments)
    assert list(long.columns) == [
        "commitment_id",
        "target",
        "value",
        "unit",
        "indicator",
        "pending",
    ]
    assert len(long) == 34
    assert list(long.loc[long["commitment_id"] == row["commitment_id"], "target"]) == [
        "26家",
        "50家",
    ]


def test_plan_found_by_name_gives_the_same(report: Path) -> None:
    auto = read_commitments(report)
    named = read_commitments(report, plan_heading="2020年 主要工作安排")
    assert named.equals(auto)


def test_plan_heading_not_found_names_the_heading(report: Path) -> None:
    with pytest.raises(InputError, match="no line contains the plan heading '2021年工作重点'") as e:
        read_commitments(report, plan_heading="2021年工作重点")
    assert e.value.path == report


# --- made-up reports -------------------------------------------------------------------------

MESSY = """\
某某区2020年工作总结和2021年工作安排

一、2020年工作回顾
　　全年新建学校3所。
二、2021年工作安排
　　主要预期目标：地区生产总值增长6%左右，新增市场主体5000户，城镇新增就业XX人；确保社会大局稳定。
（一）抓项目，稳投资。全年实施重点项目120个（其中新开工45个。）；推进“智慧园区（二期）”建设；
建成投用白鹭湖公园。
1.教育：新建幼儿园2所！
（二）惠民生
落实“就业优先；创业带动”政策？\u3000
三、保障措施
加强组织领导。
"""


def test_messy_report(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(MESSY.encode("gb18030"))
    commitments = read_commitments(path)
    assert list(commitments["text"]) == [
        "地区生产总值增长6%左右",
        "新增市场主体5000户",
        "城镇新增就业XX人",
        "确保社会大局稳定",
        "全年实施重点项目120个（其中新开工45个。）",
        "推进“智慧园区（二期）”建设",
        "建成投用白鹭湖公园",
        "新建幼儿园2所",
        "落实“就业优先；创业带动”政策",
    ]
    assert list(commitments["kind"]) == [
        *["indicator"] * 3,
        "general",
        "measure",
        "measure",
        "project",
        "project",
        "measure",
    ]
    assert list(commitments["section"]) == [
        *["二、2021年工作安排"] * 4,
        *["（一）抓项目，稳投资"] * 3,
        "（一）抓项目，稳投资 / 1.教育",
        "（二）惠民生",
    ]
    assert list(commitments["line"]) == [6, 6, 6, 6, 7, 7, 8, 9, 11]
    assert list(commitments["targets"][:3]) == ["6%", "5000户", "XX人"]


def test_text_is_accepted_as_well_as_a_path() -> None:
    commitments = read_commitments("明年重点工作\n（一）稳增长\n新建公厕8座。完成11座桥梁维修。\n")
    assert list(commitments["text"]) == ["新建公厕8座", "完成11座桥梁维修"]
    assert list(commitments["section"]) == ["（一）稳增长"] * 2
    assert list(commitments["line"]) == [3, 3]


def test_no_plan_section_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "review.txt"
    path.write_text(
        "一、2020年工作回顾\n全年新建学校3所。\n二、存在问题\n基础设施滞后。\n", "utf-8"
    )
    with pytest.raises(InputError, match=r"no plan section found.*pass plan_heading=") as e:
        read_commitments(path)
    assert e.value.path == path
    assert str(e.value).startswith(str(path))


def test_find_targets_reads_placeholders_and_nouns_after_numbers() -> None:
    targets = find_targets("城镇新增就业XX人，新建8座公厕，A02项目，2020年")
    assert [(t.raw, t.value, t.unit, t.pending) for t in targets] == [
        ("XX人", None, "人", True),
        ("8座", 8.0, "座", False),
    ]
    assert targets[1].after == "公厕"


# --- deadlines -------------------------------------------------------------------------------

DEADLINES = [
    ("2026年12月", dt.date(2026, 12, 31)),
    ("6月底前", dt.date(2020, 6, 30)),
    ("12月25日前", dt.date(2020, 12, 25)),
    ("年底前", dt.date(2020, 12, 31)),
    ("年内", dt.date(2020, 12, 31)),
    ("全年", dt.date(2020, 12, 31)),
    ("上半年", dt.date(2020, 6, 30)),
    ("下半年", dt.date(2020, 12, 31)),
    ("三季度末", dt.date(2020, 9, 30)),
    ("第三季度", dt.date(2020, 9, 30)),
    ("二季度", dt.date(2020, 6, 30)),
    ("2020年", dt.date(2020, 12, 31)),
    ("2021年6月底前", dt.date(2021, 6, 30)),
    ("十二月底", dt.date(2020, 12, 31)),
    ("2020/6/30", dt.date(2020, 6, 30)),
    ("２０２０年９月", dt.date(2020, 9, 30)),
    ("11月中旬", dt.date(2020, 11, 20)),
    ("6月底前完成方案，12月底前建成", dt.date(2020, 12, 31)),
    ("2月29日前", dt.date(2020, 2, 29)),
]
ONGOING = ["持续推进", "长期坚持", "常态化", "长期", "长效机制，每月调度"]
UNREADABLE = ["", "按上级要求", "2月30日前", "视情况而定"]


@pytest.mark.parametrize(("text", "due"), DEADLINES)
def test_parse_deadline(text: str, due: dt.date) -> None:
    assert parse_deadline(text, 2020) == Deadline(due, False, True)


@pytest.mark.parametrize("text", ONGOING)
def test_parse_deadline_ongoing(text: str) -> None:
    deadline = parse_deadline(text, 2020)
    assert (deadline.due_date, deadline.ongoing, deadline.parsed) == (None, True, True)


@pytest.mark.parametrize("text", UNREADABLE)
def test_parse_deadline_unreadable(text: str) -> None:
    deadline = parse_deadline(text, 2020)
    assert (deadline.due_date, deadline.ongoing, deadline.parsed) == (None, False, False)


def test_parse_deadline_needs_a_year_when_the_phrase_names_none() -> None:
    assert not parse_deadline("6月底前", None).parsed
    assert parse_deadline("2021年6月底前", None).due_date == dt.date(2021, 6, 30)


IN_TEXT = [
    ("年底前完成老旧小区改造", dt.date(2020, 12, 31)),
    ("6月底前建成垃圾压缩站", dt.date(2020, 6, 30)),
    ("龙湖云峰公立幼儿园年内投入使用", dt.date(2020, 12, 31)),
    ("12月25日前办结全部信访件", dt.date(2020, 12, 25)),
    ("到2021年底，建成5G基站100个", dt.date(2021, 12, 31)),
    ("上半年完成验收", dt.date(2020, 6, 30)),
    ("三季度末前开工", dt.date(2020, 9, 30)),
    ("2020年前完成改制", dt.date(2020, 12, 31)),
    # Dates that are only mentioned are not deadlines.
    ("巩固2019年完成的整改成果", None),
    ("实际到位资金较2019年增长10%", None),
    ("截至2019年底累计建成43家", None),
    ("三年内完成全部改造", None),
    ("办好2020年海创周", None),
    ("全年计划投资项目112个", None),
    ("可确保明年9月开学", None),
    ("新增瞪羚企业26家", None),
]


@pytest.mark.parametrize(("text", "due"), IN_TEXT)
def test_deadline_from_text(text: str, due: dt.date | None) -> None:
    deadline = deadline_from_text(text, 2020)
    assert (deadline.due_date, deadline.ongoing, deadline.parsed) == (due, False, due is not None)
