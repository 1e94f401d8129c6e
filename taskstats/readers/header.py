"""Header rows: which field each cell of a header names."""

from __future__ import annotations

import re

from taskstats.io.grid import Row
from taskstats.tidy.normalize import fold

SECTION_1 = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.．]|第[一二三四五六七八九十百]+[部分章篇])"
)

SECTION_2 = re.compile(r"^[(（]\s*[一二三四五六七八九十]+\s*[)）]")

# Header words, most specific first within each field.
HEADER_FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序"),
    "text": (
        "具体目标任务",
        "目标任务",
        "工作任务",
        "任务内容",
        "重点任务",
        "工作内容",
        "主要任务",
        "重点工作",
        "确定事项",
        "任务名称",
        "内容",
        "任务",
        "事项",
    ),
    "lead": (
        "牵头责任单位",
        "主要责任单位",
        "牵头单位",
        "牵头部门",
        "主办单位",
        "主责单位",
        "牵头",
    ),
    "support": (
        "协同配合单位",
        "配合单位",
        "协办单位",
        "参与单位",
        "配合部门",
        "协办部门",
        "协办",
        "配合",
    ),
    "units": ("责任单位", "责任部门", "承办单位", "责任主体"),
    "leader": (
        "区分管领导",
        "分管区领导",
        "负责领导",
        "分管领导",
        "牵头领导",
        "责任领导",
        "联系领导",
        "区领导",
        "责任人",
    ),
    "source": ("任务来源", "任务类型", "来源", "备注"),
    "deadline": ("完成时限", "完成时间", "完成期限", "时间节点", "时限"),
}


def header_field(cell: str, fields: dict[str, tuple[str, ...]] = HEADER_FIELDS) -> str | None:
    """The field a header cell names: an exact synonym, else the longest synonym it contains
    (with at most six characters around it); None when it names none.

    Args:
        cell: The header cell's text.
        fields: Field name to its synonyms, most specific first (task tables by default;
            progress sheets pass their own).
    """
    word = fold(cell).lower()
    if not word:
        return None
    for name, synonyms in fields.items():
        if word in synonyms:
            return name
    best: tuple[int, str] | None = None
    for name, synonyms in fields.items():
        for syn in synonyms:
            fits = len(syn) >= 2 and syn in word and len(word) <= len(syn) + 6
            if fits and (best is None or len(syn) > best[0]):
                best = (len(syn), name)
    return best[1] if best else None


def match_header(cells: list[str]) -> list[str | None] | None:
    """The fields of a header row, one per cell, or None if the row is not a header."""
    fields = [header_field(c) for c in cells]
    found = [f for f in fields if f]
    if len(set(found)) < 2 or len(found) != len(set(found)):
        return None
    if "number" not in found and len(set(found)) < 3:
        return None
    if not {"text", "lead", "units", "leader"} & set(found):
        return None
    return fields


def find_header(
    rows: list[Row], fields: dict[str, tuple[str, ...]], required: set[str], *, within: int = 20
) -> tuple[int, dict[str, int] | None]:
    """The first of the first ``within`` rows naming every ``required`` field.

    Returns:
        The row's position in ``rows`` and each field's column (its first cell), or
        ``(0, None)`` when no row qualifies.
    """
    for i, row in enumerate(rows[:within]):
        columns: dict[str, int] = {}
        for j, cell in enumerate(row.cells):
            name = header_field(cell, fields)
            if name and name not in columns:
                columns[name] = j
        if required <= set(columns):
            return i, columns
    return 0, None


def section_level(title: str) -> int | None:
    """1 for ``一、…``, 2 for ``（一）…``, None when the text is not a section heading."""
    if SECTION_1.match(title):
        return 1
    if SECTION_2.match(title):
        return 2
    return None
