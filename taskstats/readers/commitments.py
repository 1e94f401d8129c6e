"""Reading the plan part of a work report (工作报告) into commitments, one row each.

A work report (e.g. 大连高新区2019年度工作情况及2020年重点工作安排) reviews the past year and then
lays out the plan (……年主要工作安排). :func:`read_commitments` cuts out the plan, splits it into
sentences and splits the indicator list (主要计划指标) into one commitment per indicator.
:func:`find_targets` finds the numeric targets a text states; the linkage reuses it on task texts.
Deadline phrases are read by :mod:`taskstats.tidy.deadlines`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from taskstats.errors import InputError
from taskstats.io.text import read_text

# The number-and-unit and XX rules are normalize's, shared so that both agree on what a target is.
from taskstats.tidy.normalize import (
    QUANTIFIED,
    TARGET_UNITS,
    fold,
    is_quantified,
    is_target_pending,
)
from taskstats.tidy.vocabulary import HEADING_LEVELS

__all__ = [
    "COMMITMENT_COLUMNS",
    "TARGET_COLUMNS",
    "Target",
    "commitment_targets",
    "find_targets",
    "quoted_names",
    "read_commitments",
]

COMMITMENT_COLUMNS = ["commitment_id", "section", "kind", "text", "targets", "line"]
TARGET_COLUMNS = ["commitment_id", "target", "value", "unit", "indicator", "pending"]

_PLAN_WORDS = re.compile(
    r"主要工作安排|重点工作安排|工作安排|工作重点|重点工作|主要任务|重点任务|工作计划|工作打算|工作思路"
)
_PLAN_YEAR = re.compile(r"\d{4}年|[今明]年|下一?年|新的一年")
_REVIEW_WORDS = re.compile(r"情况|总结|回顾|完成|成效")
_TRAILER = re.compile(r"^(上一篇|下一篇|附件|附表|相关链接|打印本页|关闭窗口|【打印】)")
_LABEL = re.compile(r"^([^\s，,。：:；;“”]{2,10})[:：]")
_INDICATOR_LABEL = re.compile(r"指标|主要目标|预期目标")
_GENERAL_LABEL = re.compile(r"总体要求|指导思想|总体思路|基本原则|总体目标|基本思路")
_OPEN, _CLOSE = "（(【[《〈“‘「『", "）)】]》〉”’」』"
_SENTENCE_END = "。；;！!？?"
_CLAUSE_END = "，,；;"
_FACILITY = re.compile(
    r"污水处理厂|学校|幼儿园|医院|公园|公厕|桥梁|停车场|压缩站|管网|道路|路街|加速器|产业园|科学城|"
    r"科技城|研究院|文体中心|创新中心|(?<![为的和大点建批升资量])(?:项目|工程)(?!联席)"
)
_ACTION = re.compile(
    r"出台|编制|建立|建成|新建|建设|实施|开展|完成|启动|设立|制定|申报|上报|引进|改造|维修|普查|"
    r"创建|落地|上市|置换|清欠|考核|评议|评估|整治|监督|管控|化解|聚焦|落实"
)
_PENDING_TARGET = re.compile(rf"[xX]{{2,}}\s*({TARGET_UNITS})")
_QUOTED = re.compile(r"“([^“”]{2,30})”|《([^《》]{2,40})》|\"([^\"]{2,30})\"|「([^「」]{2,30})」")


@dataclass(frozen=True)
class Target:
    """A numeric target stated in a text.

    Attributes:
        raw: As written, e.g. ``110亿元`` or ``XX人``.
        value: The number (None for an ``XX`` placeholder).
        unit: The unit, e.g. ``亿元``, ``%``, ``家``.
        before: The clause text before the number (the indicator name, usually).
        after: The text after the unit up to the next punctuation (``8座公厕`` names it here).
        pending: Whether the number is the ``XX`` placeholder (see ``is_target_pending``).
    """

    raw: str
    value: float | None
    unit: str
    before: str
    after: str
    pending: bool


def find_targets(text: str) -> list[Target]:
    """The numeric targets a text states, with the words around each.

    Uses the same number-and-unit rule as :func:`taskstats.tidy.normalize.is_quantified` (years and
    codes such as ``A02`` do not count) and the ``XX`` placeholder rule of
    :func:`taskstats.tidy.normalize.is_target_pending`.

    Example:
        >>> [t.raw for t in find_targets("新增瞪羚企业26家，总数达到50家")]
        ['26家', '50家']
    """
    norm = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, int, str, float | None, str, bool]] = []
    for m in QUANTIFIED.finditer(norm):
        raw = m.group(0).replace(" ", "")
        number = re.match(r"[0-9]+(?:\.[0-9]+)?", raw).group(0)
        found.append((m.start(), m.end(), raw, float(number), raw[len(number) :], False))
    for m in _PENDING_TARGET.finditer(norm):
        if is_target_pending(m.group(0)):
            found.append((m.start(), m.end(), m.group(0), None, m.group(1), True))
    out = []
    for start, end, raw, value, unit, pending in sorted(found):
        clause_start = max(norm.rfind(ch, 0, start) for ch in "，,。；;：:、") + 1
        stops = [i for i in (norm.find(ch, end) for ch in "，,。；;、（(") if i >= 0]
        after = norm[end : min(stops) if stops else len(norm)]
        out.append(Target(raw, value, unit, norm[clause_start:start], after, pending))
    return out


class NoPlanSection(InputError):
    """The text has no plan part (……年主要工作安排): it is not a work report, or its heading
    is not one taskstats recognises (name it with ``plan_heading=``)."""


def read_commitments(
    path_or_text: str | Path,
    *,
    plan_heading: str | None = None,
    encoding: str = "auto",
) -> pd.DataFrame:
    """Split the plan part of a work report into commitments, one row each.

    The plan is found automatically as the first short heading line that names a year
    (``2020年``, ``今年``, ``明年``) and a plan word (主要工作安排, 重点工作安排, 工作重点,
    重点工作, 主要任务, 工作计划, 工作打算) and does not read as a review (情况, 总结, 回顾,
    完成); numbered
    headings (``二、``, ``第二部分``) are preferred to unnumbered ones, so a title such as
    "2019年工作情况及2020年重点工作" is not taken. Pass ``plan_heading`` to name it instead (the
    first line containing it, spaces and full-width forms ignored). The plan runs to the next
    heading of the same level, a page trailer (上一篇, 附件) or the end.

    Each sentence (split on 。；！？ and line breaks, never inside brackets or quotes) is one
    commitment. A paragraph labelled as an indicator list (主要计划指标：…) is split further at
    commas when at least two of its clauses state a number: each indicator is one commitment.
    Sub-headings (（一）…, 1. …) become the ``section`` and are not commitments themselves.

    Args:
        path_or_text: A report file (``.txt``; UTF-8 or GB18030, see
            :func:`taskstats.io.text.read_text`) or the report's text itself.
        plan_heading: Text of the plan heading, when the automatic search picks the wrong one.
        encoding: ``auto`` or a codec name, for a file.

    Returns:
        One row per commitment: ``commitment_id`` (1..n), ``section`` (the headings it stands
        under inside the plan, joined with `` / ``; the plan heading itself for text before the
        first sub-heading), ``kind`` (``indicator``, ``project``, ``measure`` or ``general``; a
        heuristic), ``text``, ``targets`` (the numeric targets stated, joined with ``、``, e.g.
        ``26家、50家``; :func:`commitment_targets` gives them as a long table) and ``line``
        (1-based line in the file).

    Raises:
        InputError: No plan heading is found (or ``plan_heading`` matches no line).

    Example:
        >>> commitments = read_commitments("data/raw/dalian-hightech/001_7904b49d57e0b06b.txt")
    """
    text, path = _text_of(path_or_text, encoding)
    lines = text.split("\n")
    start, level = _find_plan(lines, plan_heading, path)
    plan_title = re.sub(r"\s+", "", lines[start])
    rows: list[dict] = []
    stack: list[tuple[int, str]] = []
    for number in range(start + 1, len(lines)):
        line = lines[number].strip().replace("\u3000", "")
        if not line:
            continue
        if _TRAILER.match(line):
            break
        line_level, heading, body = _heading(line)
        heading = re.sub(r"\s+", "", heading)
        if line_level is not None and level is not None and line_level <= level:
            break
        if line_level is not None:
            stack = [(lv, h) for lv, h in stack if lv < line_level] + [(line_level, heading)]
            if not body:
                continue
            line = body
        section = " / ".join(h for _, h in stack) or plan_title
        rows.extend(_paragraph_commitments(line, section, number + 1))
    frame = pd.DataFrame(rows, columns=COMMITMENT_COLUMNS[1:])
    frame.insert(0, "commitment_id", range(1, len(frame) + 1))
    return frame.astype({"commitment_id": "int64", "line": "int64"})


def commitment_targets(commitments: pd.DataFrame) -> pd.DataFrame:
    """The targets of each commitment as a long table (does not mutate the input).

    Returns:
        One row per target: ``commitment_id``, ``target`` (as written), ``value`` (float; NA
        for ``XX``), ``unit``, ``indicator`` (the words before the number) and ``pending``.
    """
    rows = [
        {
            "commitment_id": cid,
            "target": t.raw,
            "value": t.value,
            "unit": t.unit,
            "indicator": t.before,
            "pending": t.pending,
        }
        for cid, text in zip(commitments["commitment_id"], commitments["text"], strict=True)
        for t in find_targets(text)
    ]
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    return frame.astype({"commitment_id": "int64", "value": "Float64", "pending": "bool"})


def quoted_names(text: str) -> list[str]:
    """Names in “…”, 《…》 or 「…」 quotes, folded (e.g. ``1+5``, ``优化营商环境条例``)."""
    return [fold(next(g for g in m.groups() if g)) for m in _QUOTED.finditer(text)]


# --- helpers ---------------------------------------------------------------------------------


def _text_of(path_or_text: str | Path, encoding: str) -> tuple[str, Path | None]:
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and len(path_or_text) < 400 and Path(path_or_text).is_file()
    ):
        path = Path(path_or_text)
        return read_text(path, encoding)[0], path
    return str(path_or_text), None


def _find_plan(
    lines: list[str], plan_heading: str | None, path: Path | None
) -> tuple[int, int | None]:
    """The plan heading's line index and heading level (None when unnumbered)."""
    if plan_heading is not None:
        wanted = fold(plan_heading)
        for i, raw in enumerate(lines):
            if wanted and wanted in fold(raw):
                return i, _heading(fold(raw))[0]
        raise InputError(
            f"no line contains the plan heading {plan_heading!r}; check the text of the heading "
            "(e.g. '2020年主要工作安排') or leave plan_heading out to find it automatically",
            path=path,
        )
    unnumbered = None
    for i, raw in enumerate(lines):
        line = fold(raw)
        if not (4 <= len(line) <= 40) or line[-1] in "。；;，,":
            continue
        if not (_PLAN_WORDS.search(line) and _PLAN_YEAR.search(line)):
            continue
        if _REVIEW_WORDS.search(line):
            continue
        level = _heading(line)[0]
        if level is not None:
            return i, level
        if unnumbered is None:
            unnumbered = i
    if unnumbered is not None:
        return unnumbered, None
    raise NoPlanSection(
        "no plan section found: no heading such as '二、2020年主要工作安排', '2021年工作重点' or "
        "'明年重点工作'; pass plan_heading= with the heading's text",
        path=path,
        line=None,
    )


def _heading(line: str) -> tuple[int | None, str, str]:
    """A heading's level, its text and any body text after it on the same line."""
    for level, pattern in HEADING_LEVELS:
        if pattern.match(line):
            parts = _split(line, _SENTENCE_END)
            label = re.match(r"^(.{2,16}?)[:：](.+)$", parts[0]) if parts else None
            if label and not re.search(r"[，,、]", label.group(1)):  # 1.教育：新建幼儿园2所
                return level, label.group(1), line[label.end(1) + 1 :]
            if len(parts) == 1 and len(line) <= 60:
                return level, line.rstrip("。；;"), ""
            if len(parts[0]) <= 40:
                return level, parts[0], line[len(parts[0]) :].lstrip("。；;！!？?")
            return None, "", line
    return None, "", line


def _split(text: str, ends: str) -> list[str]:
    """Split at the given characters outside brackets and quotes; pieces keep no terminator."""
    parts, current, depth, in_ascii_quote = [], "", 0, False
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == '"':
            in_ascii_quote = not in_ascii_quote
        if ch in ends and depth == 0 and not in_ascii_quote:
            if current.strip():
                parts.append(current)
            current = ""
            continue
        current += ch
    if current.strip(" 　"):
        parts.append(current)
    return [p.strip() for p in parts if p.strip(" 　，,、")]


def _paragraph_commitments(line: str, section: str, number: int) -> list[dict]:
    label_match = _LABEL.match(line)
    label = label_match.group(1) if label_match else ""
    if label and (_INDICATOR_LABEL.search(label) or _GENERAL_LABEL.search(label)):
        line = line[label_match.end() :]
    else:
        label = ""
    rows = []
    for sentence in _split(line, _SENTENCE_END):
        clauses = _split(sentence, _CLAUSE_END)
        numbered = sum(is_quantified(c) for c in clauses)
        if label and _INDICATOR_LABEL.search(label) and len(clauses) >= 2 and numbered >= 2:
            rows.extend(_row(c, section, "indicator", number) for c in clauses)
        else:
            general = bool(label) and bool(_GENERAL_LABEL.search(label))
            rows.append(_row(sentence, section, _kind(sentence, general), number))
    return rows


def _row(text: str, section: str, kind: str, number: int) -> dict:
    targets = "、".join(t.raw for t in find_targets(text))
    return {"section": section, "kind": kind, "text": text, "targets": targets, "line": number}


def _kind(sentence: str, general: bool) -> str:
    if general:
        return "general"
    unquoted = _QUOTED.sub("", sentence)
    if _FACILITY.search(unquoted):
        return "project"
    if is_quantified(sentence) or _QUOTED.search(sentence) or _ACTION.search(sentence):
        return "measure"
    return "general"
