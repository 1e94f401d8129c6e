"""The vocabulary (taskstats/rules/vocabulary.toml): every placeholder and collective with an
example, shared-lead wording, and the folding of names (invisible characters, traditional forms).
"""

from __future__ import annotations

import pytest

from taskstats.readers.header import section_level
from taskstats.tidy.normalize import (
    LEAD,
    SUPPORT,
    fold,
    is_collective_leader,
    is_collective_unit,
    name_folds,
    parse_units,
    split_leaders,
)
from taskstats.tidy.vocabulary import VOCABULARY, is_placeholder

# One example per collective entry of the data file; adding an entry without one fails below.
UNIT_PREFIX_EXAMPLES = {
    "各": "各镇街",
    "相关": "相关部门",
    "有关": "有关单位",
    "其他": "其他成员单位",
    "其它": "其它部门",
    "区相关": "区相关部门",
    "区有关": "区有关单位",
    "区直": "区直各单位",
    "区政府各": "区政府各部门",
    "区属各": "区属各国企",
    "全区各": "全区各学校",
    "市直各": "市直各单位",
    "县直各": "县直各部门",
}
UNIT_WORD_EXAMPLES = {w: w for w in VOCABULARY["collectives"]["unit_words"]}
UNIT_PATTERN_EXAMPLES = {
    "各(有关|相关)?(成员|责任)?(单位|部门|街道|镇街|镇|委办局|区|集团)": "区政府办各有关单位",
    "成员单位$": "领导小组成员单位",
}
LEADER_PREFIX_EXAMPLES = {
    "各": "各副区长",
    "相关": "相关区领导",
    "有关": "有关副区长",
    "其他": "其他副区长",
    "全体": "全体副区长",
}
LEADER_PATTERN_EXAMPLES = {
    "领导$": "区分管领导",
    "领导班子": "区政府领导班子成员",
    "班子成员": "党组班子成员",
}


def test_every_collective_entry_has_an_example():
    collectives = VOCABULARY["collectives"]
    assert set(collectives["unit_prefixes"]) == set(UNIT_PREFIX_EXAMPLES)
    assert set(collectives["unit_patterns"]) == set(UNIT_PATTERN_EXAMPLES)
    assert set(collectives["leader_prefixes"]) == set(LEADER_PREFIX_EXAMPLES)
    assert set(collectives["leader_patterns"]) == set(LEADER_PATTERN_EXAMPLES)


@pytest.mark.parametrize(
    "example",
    [*UNIT_PREFIX_EXAMPLES.values(), *UNIT_WORD_EXAMPLES.values(), *UNIT_PATTERN_EXAMPLES.values()],
)
def test_collective_unit(example):
    assert is_collective_unit(example)
    mentions, _ = parse_units(f"区发改局、{example}", SUPPORT)
    assert [(m.unit, m.collective) for m in mentions] == [("区发改局", False), (example, True)]


@pytest.mark.parametrize(
    "example", [*LEADER_PREFIX_EXAMPLES.values(), *LEADER_PATTERN_EXAMPLES.values()]
)
def test_collective_leader(example):
    assert is_collective_leader(example)


@pytest.mark.parametrize(
    "name", ["区发改局", "县级市场监管局", "单位办公室", "区县域经济办", "张三"]
)
def test_not_collective(name):
    assert not is_collective_unit(name)


def test_geographic_collectives_split_from_one_cell():
    mentions, _ = parse_units("各区、县级市", SUPPORT)
    assert [(m.unit, m.collective) for m in mentions] == [("各区", True), ("县级市", True)]


@pytest.mark.parametrize("word", VOCABULARY["placeholders"]["none"])
def test_placeholder_names_nobody(word):
    assert is_placeholder(fold(word))
    assert parse_units(word, SUPPORT)[0] == []
    assert parse_units(f"{word}。", LEAD)[0] == []
    assert split_leaders(word).items == ()


@pytest.mark.parametrize("name", ["无锡市", "空港办", "暂无业务局", "区发改局"])
def test_not_placeholder(name):
    assert not is_placeholder(fold(name))
    assert [m.unit for m in parse_units(name, SUPPORT)[0]] == [name]


@pytest.mark.parametrize(
    ("cell", "column_role", "expected"),
    [
        ("省经信厅、省科技厅按职责分工负责", LEAD, [("省经信厅", LEAD), ("省科技厅", LEAD)]),
        (
            "省经信厅、省科技厅按职责分工负责",
            SUPPORT,
            [("省经信厅", SUPPORT), ("省科技厅", SUPPORT)],
        ),
        ("区教育局、区卫健局按职责分工落实", LEAD, [("区教育局", LEAD), ("区卫健局", LEAD)]),
        ("区教育局、区卫健局分别负责", LEAD, [("区教育局", LEAD), ("区卫健局", LEAD)]),
        ("区教育局、区卫健局共同牵头", LEAD, [("区教育局", LEAD), ("区卫健局", LEAD)]),
        ("区教育局、区卫健局共同牵头", SUPPORT, [("区教育局", SUPPORT), ("区卫健局", SUPPORT)]),
        ("区教育局牵头，区卫健局按职责分工负责", LEAD, [("区教育局", LEAD), ("区卫健局", SUPPORT)]),
        ("区教育局牵头，各镇街分别负责", LEAD, [("区教育局", LEAD), ("各镇街", SUPPORT)]),
    ],
)
def test_shared_lead_wording(cell, column_role, expected):
    mentions, _ = parse_units(cell, column_role)
    assert [(m.unit, m.role) for m in mentions] == expected


# One unit written eleven ways: padding, zero-width space, word joiner, direction mark, soft
# hyphen, variation selector, ideographic space, BOM, control character, full width, traditional.
ELEVEN_WAYS = [
    "区发改局",
    " 区发改局 ",
    "区\u200b发改局",
    "区发\u2060改局",
    "\u200e区发改局",
    "区发\u00ad改局",
    "区发改\ufe0f局",
    "区发改局\u3000",
    "\ufeff区发改局",
    "区发\x0c改局",
    "區發改局",
]


def test_one_unit_written_eleven_ways_is_one_unit():
    assert {fold(name) for name in ELEVEN_WAYS} == {"区发改局"}
    assert [name_folds(n) for n in ELEVEN_WAYS] == [
        (),
        (),
        ("invisible",),
        ("invisible",),
        ("invisible",),
        ("invisible",),
        ("invisible",),
        (),
        ("invisible",),
        ("invisible",),
        ("traditional",),
    ]


def test_direction_override_is_named():
    assert name_folds("区\u202e局改发") == ("invisible", "direction")
    assert split_leaders("张\u200b三").items == ("张\u200b三",)
    assert fold("张\u200b三") == "张三"


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("一、总体目标", 1),
        ("十二 、保障措施", 1),
        ("第一部分 总体要求", 1),
        ("第三章 重点任务", 1),
        ("（一）实施顶尖人才集聚行动，围绕全市主导产业发展需求", 2),
        ("(二) 青年人才", 2),
        ("1.设立专项资金", None),
        ("一是加强领导", None),
    ],
)
def test_section_headings(title, level):
    assert section_level(title) == level
