"""Linking a work report's commitments to the tasks of the decomposition table.

Three pure measures, DataFrames in and new DataFrames out (no file is read here):

- :func:`link_commitments`: which tasks carry each commitment, with the evidence;
- :func:`compare_targets`: where both state a number for the same indicator, do they agree;
- :func:`commitment_coverage`: per report section, how many commitments reached the table,
  the gaps, and the tasks no commitment asked for (by task source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from taskstats.errors import InputError
from taskstats.readers.commitments import Target, find_targets, quoted_names
from taskstats.tidy.normalize import fold
from taskstats.tidy.schema import TaskTables

LINK_COLUMNS = [
    "commitment_id",
    "district",
    "task_id",
    "matched",
    "score",
    "evidence",
    "commitment_text",
    "task_text",
]
CHECK_COLUMNS = [
    "commitment_id",
    "task_id",
    "indicator",
    "commitment_target",
    "task_target",
    "commitment_value",
    "task_value",
    "unit",
    "number_check",
]

#: Abbreviations written out before matching (高企 is 高新技术企业).
_ALIASES = {"高企": "高新技术企业", "规上": "规模以上"}
#: Verbs, adverbs and political boilerplate: never a match alone, trimmed from shared names.
_VERB_WORDS = """
推进 推动 加快 加强 加大 加紧 加速 积极 大力 深入 全面 持续 继续 进一步 实施
开展 完成 建设 发展 创新 招商 做好 抓好 落实 贯彻 提升 提高 完善 健全 深化
强化 促进 建立 打造 培育 引进 支持 实现 确保 力争 达到 增长 突破 新增 新建
有序 扎实 严格 切实 认真 稳妥 着力 不断 启动 运营 有效 化解 改造 建成 进行
落地 上市 运行 保障 推广 关于 按照 围绕 聚焦 坚持 坚决 习近平总书记 总书记
重要指示 重要讲话 批示 精神 党中央 国务院 省委 市委 市政府 省政府 决策部署
"""
_VERBS = frozenset(_VERB_WORDS.split())
#: Topic words and bare kinds of object (项目, 加速器, 医院): never a match alone, but kept
#: inside a shared name (半导体产业园, 国际医院).
_NOUN_WORDS = """
工作 改革 高质量 高新区 我区 全区 区内 园区 区域 项目 工程 重点 重大 一批
各类 各项 相关 体系 机制 服务 管理 政策 力度 水平 能力 以上 以下 总数 全年
年度 计划 目标 任务 产业 企业 国家 专项 行动 设施 基础 一流 东北 大连 全市
全省 问题 责任 主体 监督 安全 科技 经济 社会 民生 环境 生态 城市 智能 数字
平台 中心 基地 公司 集团 学校 学院 医院 研究院 加速器 产业园 幼儿园 污水处理厂
规划 方案 配套 实际 营商环境 科技创新 科技成果 成果转化 人工智能 大数据 区块链
工业 互联网 工业互联网 数字经济 金融机构 政务服务 服务质量 体制 示范 试点 领域
布局 融合 合作 开放 民营 资金 投资 攻坚战 攻坚 招商引资 治理 建设单位 有限公司
创业 创新创业 事项 一期 二期 三期 四期 五期
"""
_NOUNS = frozenset(_NOUN_WORDS.split())
_GENERIC = tuple(sorted(_VERBS | _NOUNS, key=len, reverse=True))
#: The stop-list by first character, longest first: what :func:`_mask` tries at a position.
_GENERIC_BY_FIRST = {c: tuple(w for w in _GENERIC if w[0] == c) for c in {w[0] for w in _GENERIC}}
_TRIMMED = tuple(sorted(_VERBS, key=len, reverse=True))
_FUNCTION_CHARS = "的和及与等在对为把向以之了将并或从于中各"
_PUNCT = re.compile(r"[，,、。；;：:！!？?（）()\[\]【】“”‘’\"'《》〈〉「」『』\s·—\-/]+")
_MIN_NAME = 4  # shortest shared name, in characters (3 when set apart on both sides)
_MEASURE = re.compile(r"^[0-9.]+[座个家项所处条件名人次万亿元%]?")
_MIN_PHRASE = 8  # a shared verbatim phrase this long is evidence even of generic words
_MAX_TASKS = 3  # a name found in more tasks than this is too common in the table to count
_KEEP_SHARE = 0.25  # links scoring under this share of a commitment's best link are dropped
_INDICATOR_WEIGHT = 4.0


def link_commitments(
    commitments: pd.DataFrame, tables: TaskTables, district: str | None = None
) -> pd.DataFrame:
    """Match each commitment of a work report to the tasks that carry it.

    Matching looks for CONCRETE shared objects, never for shared topics:

    1. Both texts are folded (full-width to half-width, no spaces) and abbreviations written
       out (高企 → 高新技术企业).
    2. Their maximal common substrings are found. Each is cut at punctuation and trimmed of
       generic words at both ends (推进, 建设, 项目, 高新区, 营商环境, 人工智能 … a stop-list of
       government verbs, topic words and bare object kinds such as 加速器 or 医院). What is
       left counts as a shared *name* when it is at least 4 characters long (3 when it stands
       apart on both sides, as 七牛云 in 推动七牛云加速器), holds at least 2 characters outside
       the stop-list in both texts, and occurs in at most 3 of the district's tasks
       (联创国际加速器, 半导体产业园, 国际医院, 英歌石科). A common substring of 8 or more
       characters counts as a shared *phrase* even when made of common words (严格落实安全生产
       责任制, 国家食品安全示范城市), again with at least 2 characters outside the stop-list.
    3. A name in “…” or 《…》 on one side found in the other text counts (“1+5”, “十四五”).
    4. A target for the same indicator on both sides counts (see :func:`compare_targets`):
       公厕8座 and 新建8座公厕 share the indicator 公厕 with the same unit.

    ``score`` is the number of characters of shared names, phrases and quotes, plus 4 for each
    shared indicator. For each commitment, links scoring under a quarter of its best link are
    dropped (东软教育科技集团 上市 should not link to 东软教育…实训基地 only through 东软教育).

    Where it is weak: a name shared by two different objects (东软教育科技集团 and
    东软教育…实训基地) is kept off only by the quarter-of-best rule, and links when it is the
    commitment's only evidence; a place name links a plan to a project there (英歌石科学城空间
    规划 and 英歌石科技城建设); an object named differently on the two sides (生态城 /
    英歌石科学城) or only by its kind ("等6项水污染治理工程": 龙王塘污水处理厂 is missed);
    the stop-list is hand-made and Chinese-government specific.

    Args:
        commitments: From :func:`taskstats.read_commitments`.
        tables: The tidy tables; their ``tasks`` are searched.
        district: The district whose tasks to search; needed when ``tables`` hold several.

    Returns:
        One row per (commitment, task) match, best first within a commitment, and one row with
        no task for each commitment that matched none: ``commitment_id``, ``district``,
        ``task_id`` (NA when unmatched), ``matched``, ``score``, ``evidence`` (the shared objects,
        joined with ``；``), ``commitment_text``, ``task_text``. Does not mutate the inputs.

    Raises:
        InputError: ``tables`` hold several districts and none is named, or the named one has
            no tasks.
    """
    tasks = _district_tasks(tables, district)
    name = str(tasks["district"].iloc[0]) if len(tasks) else (district or "")
    task_texts = [_prepare(t) for t in tasks["text"]]
    sides = [_Side.of(t) for t in task_texts]
    task_ids = list(tasks["task_id"])
    in_tasks: dict[str, int] = {}  # a name's number of tasks, counted once per name
    rows = []
    for cid, ctext in zip(commitments["commitment_id"], commitments["text"], strict=True):
        commitment = _Side.of(_prepare(ctext))
        found = []
        for tid, raw_ttext, task in zip(task_ids, tasks["text"], sides, strict=True):
            if not task.text:
                continue
            evidence, score = _evidence(commitment, task, task_texts, in_tasks)
            if evidence:
                found.append((score, tid, evidence, raw_ttext))
        best = max((f[0] for f in found), default=0.0)
        kept = sorted((f for f in found if f[0] >= _KEEP_SHARE * best), key=lambda f: (-f[0], f[1]))
        for score, tid, evidence, raw_ttext in kept:
            rows.append((cid, name, tid, True, score, "；".join(evidence), ctext, raw_ttext))
        if not kept:
            rows.append((cid, name, pd.NA, False, 0.0, "", ctext, pd.NA))
    links = pd.DataFrame(rows, columns=LINK_COLUMNS)
    return links.astype(
        {
            "commitment_id": "int64",
            "district": "str",
            "task_id": "str",
            "matched": "bool",
            "score": "float64",
            "evidence": "str",
            "commitment_text": "str",
            "task_text": "str",
        }
    )


def compare_targets(
    links: pd.DataFrame, commitments: pd.DataFrame, tables: TaskTables
) -> pd.DataFrame:
    """Compare the numbers of each matched pair where both state one for the same indicator.

    Two targets are for the same indicator when they have the same unit and their indicator
    words (the words before the number, and after it as in 新建8座公厕, with the stop-list
    removed) share 3 or more characters, or all of one side's (公厕 and 公厕).

    Args:
        links: From :func:`link_commitments`.
        commitments: From :func:`taskstats.read_commitments`.
        tables: The tidy tables the links were made from.

    Returns:
        One row per compared pair of targets: ``commitment_id``, ``task_id``, ``indicator``
        (the shared indicator words), ``commitment_target`` and ``task_target`` (as written),
        ``commitment_value``, ``task_value`` (NA for the table's ``XX``), ``unit`` and
        ``number_check``: ``agree``, ``disagree`` or ``pending`` (the table's ``XX``, see
        :func:`taskstats.tidy.normalize.is_target_pending`; never a disagreement).
    """
    matched = links[links["matched"]]
    ctexts = dict(zip(commitments["commitment_id"], commitments["text"], strict=True))
    tasks = tables.tasks
    ttexts = {
        (d, t): x
        for d, t, x in zip(tasks["district"], tasks["task_id"], tasks["text"], strict=True)
    }
    rows = []
    for cid, district, tid in zip(
        matched["commitment_id"], matched["district"], matched["task_id"], strict=True
    ):
        ttext = ttexts.get((district, tid), "")
        for indicator, ct, tt in _target_pairs(_prepare(ctexts[cid]), _prepare(ttext)):
            if ct.pending or tt.pending:
                check = "pending"
            else:
                check = "agree" if abs(ct.value - tt.value) < 1e-9 else "disagree"
            rows.append((cid, tid, indicator, ct.raw, tt.raw, ct.value, tt.value, ct.unit, check))
    frame = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    return frame.astype(
        {"commitment_id": "int64", "commitment_value": "Float64", "task_value": "Float64"}
    )


def commitment_coverage(
    commitments: pd.DataFrame, links: pd.DataFrame, tables: TaskTables
) -> dict[str, pd.DataFrame]:
    """How far the report's commitments reached the table, and the table beyond the report.

    Args:
        commitments: From :func:`taskstats.read_commitments`.
        links: From :func:`link_commitments`.
        tables: The tidy tables; only the districts named in ``links`` are counted.

    Returns:
        A dict of new frames:

        - ``summary``: one row: ``commitments``, ``matched``, ``share``, ``tasks``,
          ``tasks_covered``, ``tasks_share``;
        - ``by_section``: per report section, in report order: ``section``, ``commitments``,
          ``with_task``, ``share``;
        - ``gaps``: the commitments with no task: ``commitment_id``, ``section``, ``kind``,
          ``text``, ``line``;
        - ``tasks_by_source``: per task source (province, city, self, unknown): ``source``,
          ``tasks``, ``with_commitment``, ``without_commitment``, ``share_without``;
        - ``uncovered_tasks``: the tasks no commitment links to: ``district``, ``task_id``,
          ``section``, ``source``, ``text``.
    """
    matched_ids = set(links.loc[links["matched"], "commitment_id"])
    has_task = commitments["commitment_id"].isin(matched_ids)
    by_section = (
        commitments.assign(with_task=has_task)
        .groupby("section", sort=False)
        .agg(commitments=("commitment_id", "size"), with_task=("with_task", "sum"))
        .reset_index()
    )
    by_section = by_section.assign(share=by_section["with_task"] / by_section["commitments"])
    gaps = commitments.loc[~has_task, ["commitment_id", "section", "kind", "text", "line"]]
    districts = set(links["district"])
    tasks = tables.tasks[tables.tasks["district"].isin(districts)]
    covered = set(
        zip(
            links.loc[links["matched"], "district"],
            links.loc[links["matched"], "task_id"],
            strict=True,
        )
    )
    task_covered = pd.Series(
        [(d, t) in covered for d, t in zip(tasks["district"], tasks["task_id"], strict=True)],
        index=tasks.index,
        dtype="bool",
    )
    by_source = (
        tasks.assign(with_commitment=task_covered)
        .groupby("source", sort=False)
        .agg(tasks=("task_id", "size"), with_commitment=("with_commitment", "sum"))
        .reset_index()
    )
    by_source = by_source.assign(
        without_commitment=by_source["tasks"] - by_source["with_commitment"]
    )
    by_source = by_source.assign(share_without=by_source["without_commitment"] / by_source["tasks"])
    n, m = len(commitments), int(has_task.sum())
    summary = pd.DataFrame(
        {
            "commitments": [n],
            "matched": [m],
            "share": [m / n if n else float("nan")],
            "tasks": [len(tasks)],
            "tasks_covered": [int(task_covered.sum())],
            "tasks_share": [task_covered.sum() / len(tasks) if len(tasks) else float("nan")],
        }
    )
    uncovered = tasks.loc[~task_covered, ["district", "task_id", "section", "source", "text"]]
    return {
        "summary": summary,
        "by_section": by_section.astype({"with_task": "int64"}),
        "gaps": gaps.reset_index(drop=True),
        "tasks_by_source": by_source.astype({"with_commitment": "int64"}),
        "uncovered_tasks": uncovered.reset_index(drop=True),
    }


# --- helpers ---------------------------------------------------------------------------------


def _district_tasks(tables: TaskTables, district: str | None) -> pd.DataFrame:
    tasks = tables.tasks
    names = list(dict.fromkeys(tasks["district"]))
    if district is None:
        if len(names) > 1:
            raise InputError(
                f"the tables hold {len(names)} districts ({', '.join(names)}); "
                "pass district= to say which one the report belongs to"
            )
        return tasks
    chosen = tasks[tasks["district"] == district]
    if chosen.empty:
        raise InputError(
            f"district {district!r} has no tasks in these tables; known: {', '.join(names)}"
        )
    return chosen


def _prepare(text: object) -> str:
    folded = fold(str(text)) if isinstance(text, str) else ""
    for short, full in _ALIASES.items():
        folded = folded.replace(short, full)
    return folded


def _mask(text: str) -> list[bool]:
    """For each character, whether it belongs to a stop-list word (longest match first)."""
    mask = [False] * len(text)
    i = 0
    while i < len(text):
        word = next((w for w in _GENERIC_BY_FIRST.get(text[i], ()) if text.startswith(w, i)), "")
        for k in range(i, i + len(word)):
            mask[k] = True
        i += len(word) or 1
    return mask


def _specific(text: str, mask: list[bool], start: int) -> int:
    """Characters of ``text`` (found at ``start``) outside the stop-list and not function words."""
    return sum(
        1
        for k, ch in enumerate(text)
        if ch.isalnum() and ch not in _FUNCTION_CHARS and not mask[start + k]
    )


def _trim(text: str) -> str:
    """Verbs, adverbs, function characters and leading counts removed from both ends."""
    changed = True
    while changed and text:
        changed = False
        stripped = _MEASURE.sub("", text.strip(_FUNCTION_CHARS)).rstrip("0123456789.")
        if stripped != text:
            text, changed = stripped, True
            continue
        for word in _TRIMMED:
            if text.startswith(word):
                text, changed = text[len(word) :], True
                break
            if text.endswith(word):
                text, changed = text[: -len(word)], True
                break
    return text


def _set_apart(name: str, text: str, mask: list[bool]) -> bool:
    """Whether a name stands apart in a text: bounded by punctuation, a stop word or an end."""
    start = text.find(name)
    end = start + len(name)

    def apart(k: int) -> bool:
        if k < 0 or k >= len(text) or not text[k].isalnum() or mask[k]:
            return True
        year = text[k] == "年" and k > 0 and text[k - 1].isdigit()  # 办好2020年海创周
        return year or text[k] in _FUNCTION_CHARS

    return apart(start - 1) and apart(end)


def _common_runs(a: str, b: str, min_len: int = 2) -> list[str]:
    """Maximal common substrings of ``a`` and ``b``, left to right through ``a``."""
    runs, i = [], 0
    while i < len(a):
        length = 0
        while i + length < len(a) and a[i : i + length + 1] in b:
            length += 1
        if length >= min_len:
            runs.append(a[i : i + length])
            i += length
        else:
            i += 1
    return runs


@dataclass(frozen=True)
class _Side:
    """A prepared text with its stop-list mask, targets (with indicator words), 3-grams and
    quoted names, worked out once per text instead of once per pair."""

    text: str
    mask: list[bool]
    targets: list[tuple[Target, str]]
    grams: frozenset[str]
    quoted: list[str]

    @classmethod
    def of(cls, text: str) -> _Side:
        return cls(
            text,
            _mask(text),
            [(t, _indicator_words(t)) for t in find_targets(text)],
            frozenset(text[i : i + 3] for i in range(len(text) - 2)),
            quoted_names(text),
        )


def _evidence(
    c: _Side, t: _Side, all_tasks: list[str], in_tasks: dict[str, int]
) -> tuple[list[str], float]:
    ctext, ttext, cmask, tmask = c.text, t.text, c.mask, t.mask
    # No 3 characters in common: no run to search; nor quotes or targets: nothing to find.
    disjoint = c.grams.isdisjoint(t.grams)
    if disjoint and not (c.quoted or t.quoted) and not (c.targets and t.targets):
        return [], 0.0
    pieces: list[str] = []
    runs = [] if disjoint else _common_runs(ctext, ttext, 3)
    for run in runs:
        if len(run) >= _MIN_PHRASE and _shared_specific(run, ctext, ttext, cmask, tmask) >= 2:
            pieces.append(_trim(run.strip("，,、。；;：: ")))
            continue
        for part in _PUNCT.split(run):
            core = _trim(part)
            if len(core) < 3 or _shared_specific(core, ctext, ttext, cmask, tmask) < 2:
                continue
            if len(core) < _MIN_NAME and not (
                _shared_specific(core, ctext, ttext, cmask, tmask) == len(core)
                and _set_apart(core, ctext, cmask)
                and _set_apart(core, ttext, tmask)
            ):
                continue
            if core not in in_tasks:
                in_tasks[core] = sum(core in text for text in all_tasks)
            if in_tasks[core] <= _MAX_TASKS:
                pieces.append(core)
    for name in c.quoted + t.quoted:
        if name in ctext and name in ttext and _specific(name, cmask, ctext.find(name)) >= 2:
            pieces.append(name)
    indicators = _paired(c.targets, t.targets)
    pieces = [p for p in _distinct(pieces) if not any(p in w for w, _, _ in indicators)]
    score = float(sum(len(p) for p in pieces))
    for indicator, ct, tt in indicators:
        pieces.append(f"{indicator} {ct.raw}/{tt.raw}")
        score += _INDICATOR_WEIGHT
    return pieces, score


def _shared_specific(
    piece: str, ctext: str, ttext: str, cmask: list[bool], tmask: list[bool]
) -> int:
    """Characters of a shared piece outside the stop-list in both texts."""
    return min(
        _specific(piece, cmask, ctext.find(piece)), _specific(piece, tmask, ttext.find(piece))
    )


def _distinct(pieces: list[str]) -> list[str]:
    """Pieces in order, without repeats or pieces contained in a longer one."""
    unique = list(dict.fromkeys(pieces))
    return [p for p in unique if not any(p != q and p in q for q in unique)]


def _indicator_words(target: Target) -> str:
    words = target.before[-16:] + target.after[:8]
    for word in _GENERIC:
        words = words.replace(word, "")
    return "".join(ch for ch in words if ch.isalpha() and ch not in _FUNCTION_CHARS)


def _target_pairs(ctext: str, ttext: str) -> list[tuple[str, Target, Target]]:
    """Targets of the same indicator and unit on both sides: (indicator, commitment, task)."""
    return _paired(
        [(t, _indicator_words(t)) for t in find_targets(ctext)],
        [(t, _indicator_words(t)) for t in find_targets(ttext)],
    )


def _paired(
    commitment: list[tuple[Target, str]], task: list[tuple[Target, str]]
) -> list[tuple[str, Target, Target]]:
    """:func:`_target_pairs` of targets found already, each with its indicator words."""
    pairs = []
    for ct, cwords in commitment:
        best: tuple[str, Target] | None = None
        for tt, twords in task:
            if tt.unit != ct.unit:
                continue
            shared = max(_common_runs(cwords, twords, 2), key=len, default="")
            same = len(shared) >= 3 or (shared and shared in (cwords, twords))
            if same and (best is None or len(shared) > len(best[0])):
                best = (shared, tt)
        if best is not None:
            pairs.append((best[0], ct, best[1]))
    return pairs
