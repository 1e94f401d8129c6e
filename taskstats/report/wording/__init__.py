"""Every word a reader sees: report text, column and value labels (zh, en); chart labels in
:mod:`.charts`, the meeting documents' words in :mod:`.meeting`, the coverage tables' in
:mod:`.coverage`."""

from __future__ import annotations

import datetime as dt

from taskstats.errors import InputError
from taskstats.report.wording import charts, coverage, explore, meeting, quality
from taskstats.report.wording import cli as _cli_words
from taskstats.report.wording import progress as _progress_words
from taskstats.report.wording.progress import STATUS_WORDS

TEXT = {
    "zh": {
        "title": "{name}目标任务分析报告",
        "compare_title": "区县目标任务对比分析",
        "as_of": "截至日期",
        "generated": "生成时间",
        "version": "程序版本",
        "as_of_each": "各区截至日期见表",
        "parameters": "参数",
        "raw_files": "原始文件",
        "sha256": "文件校验值（哈希）",
        "simulated": "注意：本报告的进度数据为模拟数据（没有真实进度台账），"
        "仅用于演示，不反映实际工作情况。",
        "headline": "总体情况",
        "leaders": "分管领导工作量",
        "units": "牵头单位",
        "sources": "任务来源",
        "concentration": "工作量集中度",
        "measurability": "目标可量化程度",
        "completion": "完成情况",
        "red_list": "挂牌督办清单（红灯任务）",
        "trend": "完成率趋势",
        "quality": "数据质量",
        "collectives": "泛指单位（不计入单位排名）",
        "coverage": "政府工作报告落实覆盖",
        "ranking": "位次排名（红黄榜）",
        "no_ranking": "尚无到期节点足够的牵头单位，暂不排名。",
        "ranking_board": "红榜：{top}；黄榜：{bottom}。",
        "ranking_apart": "到期节点少于{n}个的单位单列，不参与排名：{units}。",
        "no_work_report": "未附政府工作报告，无法比对落实覆盖情况。",
        "quality_rows": "以上各条所在的原文件行，可对照原文件核对：",
        "quality_none": "读取原文件时没有发现需要提示或核对的内容。",
        "coverage_lead": "对照政府工作报告（文件{file}）：共梳理承诺事项{commitments}项，"
        "已分解到任务{matched}项（{share:.0%}），未分解{gaps}项；目标数值不一致{disagree}处。",
        "collective_leaders": "泛指领导（不计入领导排名）",
        "indicators": "指标对比",
        "small_multiples": "分区县图示（统一刻度）",
        "no_leaders": "本表未列分管领导，不按分管领导统计任务量和完成率。",
        "one_source": "全部为{source}，共{tasks}项，不再分来源作图和统计完成率。",
        "no_source": "本表未注明任务来源（共{tasks}项），不分来源作图和统计完成率。",
        "no_red": "当前没有红灯任务。",
        "rules": "亮灯规则",
        "progress_source": "进度数据",
        "progress_note": "进度数据：{source}（下表各行同此）",
        "real": "真实台账",
        "demo": "模拟数据",
        "no_ledger": "无进度台账，到期节点均为未报送",
        "themes": "规模与分工|协同与泛指单位|任务来源|目标可量化程度|进度（各区县按本区截至日期）",
        "simulated_cards": "带“（模拟）”的数字来自模拟进度数据。",
        "no_units": "本表未列牵头单位。",
        "not_listed": "未列",
        "support_only": "另有{n}个单位只参与配合、未牵头任务：{units}。",
        "no_due": "截至该日尚无到期节点。",
        "chart_alt": "图表",
    },
    "en": {
        "title": "{name}: task report",
        "compare_title": "Districts compared",
        "as_of": "As of",
        "generated": "Generated",
        "version": "taskstats version",
        "as_of_each": "as-of dates by district: see the table",
        "parameters": "Parameters",
        "raw_files": "Raw files",
        "sha256": "SHA-256",
        "simulated": "Note: the progress data in this report is SIMULATED (no real ledger "
        "exists); it illustrates the report and says nothing about real work.",
        "headline": "Headline figures",
        "leaders": "Workload per leader",
        "units": "Lead units",
        "sources": "Where tasks come from",
        "concentration": "Concentration",
        "measurability": "Measurable targets",
        "completion": "Completion",
        "red_list": "Red list (tasks under supervision)",
        "trend": "Trend",
        "quality": "Data quality",
        "collectives": "Collective placeholders (not ranked)",
        "coverage": "Work report coverage",
        "ranking": "Unit ranking",
        "no_ranking": "No lead unit has enough nodes due to be ranked yet.",
        "ranking_board": "Top: {top}; bottom: {bottom}.",
        "ranking_apart": "Units with fewer than {n} nodes due, listed apart: {units}.",
        "no_work_report": "No work report is bundled with this district.",
        "quality_rows": "The source lines of the notes above, to check against the file:",
        "quality_none": "Nothing to note or check was found while reading the source file.",
        "coverage_lead": "Against the work report (file {file}): {commitments} commitments, "
        "{matched} assigned to tasks ({share:.0%}), {gaps} not assigned; {disagree} target "
        "disagreements.",
        "collective_leaders": "Collective leaders (not ranked)",
        "indicators": "Indicators",
        "small_multiples": "Per district, common scales",
        "no_leaders": "This table names no leaders: no workload or completion by leader.",
        "one_source": "All {tasks} tasks have one source ({source}): no chart or completion "
        "by source.",
        "no_source": "This table does not say where its {tasks} tasks come from: no chart or "
        "completion by source.",
        "no_red": "No task is red.",
        "rules": "Light rules",
        "progress_source": "Progress data",
        "progress_note": "Progress data: {source} (every row below)",
        "real": "real ledger",
        "demo": "simulated",
        "no_ledger": "no ledger (every due node not reported)",
        "themes": "Size and division of work|Coordination and collectives|Sources|"
        "Measurable targets|Progress (each district at its own as-of date)",
        "simulated_cards": "Figures marked (simulated) come from simulated progress data.",
        "no_units": "This table names no lead units.",
        "not_listed": "none named",
        "support_only": "{n} more units only support, leading no task: {units}.",
        "no_due": "No milestone is due yet.",
        "chart_alt": "chart",
    },
}

COLUMN_LABELS = {
    "zh": {
        "district": "区县",
        "name": "区县",
        "leader": "分管领导",
        "unit": "单位",
        "weighted": "加权任务量",
        "sole": "独立负责",
        "share": "占本区任务",
        "rank": "排名",
        "led": "牵头",
        "supported": "配合",
        "sole_lead": "独立牵头",
        "co_led": "共同牵头",
        "weighted_lead": "加权牵头量",
        "partners": "合作单位数",
        "source": "来源",
        "across": "对象",
        "n": "数量",
        "load": "总量",
        "top1_share": "最大占比",
        "top3_share": "前三占比",
        "hhi": "集中度指数",
        "gini": "基尼系数",
        "quantified": "量化目标",
        "quantified_share": "量化占比",
        "pending": "目标待定",
        "pending_share": "待定占比",
        "due": "到期节点",
        "done": "已完成",
        "on_track": "序时推进",
        "behind": "滞后",
        "not_started": "未启动",
        "not_reported": "未报送",
        "missing_units": "未报送单位",
        "tasks": "任务数",
        "tasks_done": "已完成任务",
        "task_completion_rate": "任务完成率",
        "done_share": "完成任务占比",
        "on_schedule_rate": "序时进度率",
        "reporting_rate": "报送率",
        "tasks_past_deadline": "已到期任务",
        "tasks_done_past_deadline": "到期已完成任务",
        "tasks_reported": "已报送任务",
        "tasks_on_schedule": "完成或序时任务",
        "overdue": "逾期未完成",
        "completion_rate": "完成率",
        "on_time_rate": "按时完成率",
        "task_id": "序号",
        "text": "目标任务",
        "lead_units": "牵头单位",
        "leaders": "负责领导",
        "reasons": "亮灯原因",
        "kind": "类型",
        "count": "条数",
        "line": "原文件行",
        "named_leaders": "分管领导数",
        "tasks_per_leader_mean": "人均任务",
        "tasks_per_leader_max": "最多任务",
        "top_leader_share": "最忙领导占比",
        "multi_lead_share": "多头牵头占比",
        "support_units_mean": "平均配合单位",
        "share_province": "省任务占比",
        "share_city": "市任务占比",
        "share_self": "自增占比",
        "share_unknown": "来源未注明",
        "collective_share": "泛指单位占比",
        "leaderless_share": "未列领导占比",
        "red": "红灯",
        "yellow": "黄灯",
        "green": "绿灯",
        "collective": "泛指",
        "severity": "级别",
        "as_of": "截至日期",
        "role": "角色",
        "light": "灯色",
        "section": "板块",
        "progress_data": "进度数据",
    },
}
SOURCE_NAMES = {"province": "省任务", "city": "市任务", "self": "自增任务", "unknown": "未注明"}
SHARE_COLUMNS = set(
    [
        "share",
        "top1_share",
        "top3_share",
        "quantified_share",
        "pending_share",
        "completion_rate",
        "completion_rate_before",
        "on_time_rate",
        "task_completion_rate",
        "done_share",
        "on_schedule_rate",
        "reporting_rate",
        "tasks_share",
        "share_without",
        "top_leader_share",
        "multi_lead_share",
        "share_province",
        "share_city",
        "share_self",
        "share_unknown",
        "collective_share",
        "leaderless_share",
        "gini",
        "hhi",
    ]
)


def text(lang: str) -> dict[str, str]:
    """The report's words in a language (``zh`` or ``en``)."""
    if lang not in TEXT:
        raise InputError(f"language {lang!r} is not available; use zh or en")
    return TEXT[lang]


# Chart words: in wording/charts.py, named here too.
LABELS = charts.LABELS


# How the as-of date was chosen: on a page of several districts, and (key "one") of one.
AS_OF_RULE = {
    "zh": "未指定日期时，各区县取今天及以前最近的一个报送节点（年度结束后为最后一个节点）",
    "en": "unless a date is given, each district is read as of its latest reporting node on or "
    "before today (its last node once the year is over)",
    "one": {
        "zh": "未指定日期，取今天及以前最近的一个报送节点，年度结束后取最后一个节点",
        "en": "no date given: the latest reporting node on or before today, the last node once "
        "the year is over",
    },
}

AS_OF_GIVEN = {
    "zh": "指定日期，各区县相同",
    "en": "the date given, for every district",
    "one": {"zh": "指定日期", "en": "the date given"},
}


def as_of_label(
    days: dict[str, dt.date], names: dict[str, str], lang: str = "zh", *, given: bool = False
) -> str:
    """The as-of date(s) of a page or a command, with the rule that chose them.

    One date when every district has it; otherwise each district's (by name). ``given``: the
    date was chosen by the user, not by the rule.
    """
    distinct = sorted(set(days.values()))
    if len(distinct) <= 1:
        dates = distinct[0].isoformat() if distinct else "—"
    else:
        sep = "，" if lang == "zh" else ", "
        dates = sep.join(f"{names.get(d, d)} {day.isoformat()}" for d, day in days.items())
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    words = AS_OF_GIVEN if given else AS_OF_RULE
    rule = words["one"][lang] if len(days) == 1 else words[lang]
    return f"{dates}{open_}{rule}{close}"


def footer_as_of(days: dict[str, dt.date], lang: str = "zh") -> str:
    """The as-of date a printed page's footer names: the one date ("截至日期 2020-12-31"), or
    a pointer to the table when the districts' dates differ ("各区截至日期见表")."""
    distinct = sorted(set(days.values()))
    if len(distinct) > 1:
        return TEXT[lang]["as_of_each"]
    return f"{TEXT[lang]['as_of']} {distinct[0].isoformat() if distinct else '—'}"


# The progress cycle's words: in wording/progress.py, named here too.
IMPORT_OLDER = _progress_words.IMPORT_OLDER
LEDGER_SOURCE = _progress_words.LEDGER_SOURCE
periods_text = _progress_words.periods_text
previous_text = _progress_words.previous_text
PREVIOUS_LABEL = _progress_words.PREVIOUS_LABEL
reason_text = _progress_words.reason_text

# The meeting deck and the 督查通报 (Chinese documents): in wording/meeting.py, named here too.
BULLETIN = meeting.BULLETIN
CHART_TITLES = meeting.CHART_TITLES
COMPLETION_GROUPS = meeting.COMPLETION_GROUPS
MEETING = meeting.MEETING
TAKEAWAYS = meeting.TAKEAWAYS
change_verb = meeting.change_verb
date_zh = meeting.date_zh


QUALITY_KINDS = quality.QUALITY_KINDS
QUALITY_KINDS_EN = quality.QUALITY_KINDS_EN
SEVERITIES = {"info": "提示", "warning": "警告", "error": "错误"}


# 政府工作报告落实覆盖: in wording/coverage.py, named here too.
COVERAGE_COLUMNS = coverage.COVERAGE_COLUMNS
COVERAGE_SHEETS = coverage.COVERAGE_SHEETS
COVERAGE_VALUES = coverage.COVERAGE_VALUES


# --- values in tables and exports, parameters, rule sets ---------------------------------------

VALUE_LABELS = {
    "zh": {
        "source": SOURCE_NAMES,
        "light": {"red": "红灯", "yellow": "黄灯", "green": "绿灯"},
        "severity": SEVERITIES,
        "kind": QUALITY_KINDS,
        "across": {"leader": "分管领导", "lead_unit": "牵头单位"},
        "role": {"lead": "牵头", "support": "配合"},
        "status": STATUS_WORDS["zh"],
    },
    "en": {
        "source": {
            "province": "province",
            "city": "city",
            "self": "self-added",
            "unknown": "not stated",
        },
        "across": {"leader": "leaders", "lead_unit": "lead units"},
        "kind": QUALITY_KINDS_EN,
        "status": STATUS_WORDS["en"],
    },
}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
MISSING_TEXT = {
    "zh": "（原文缺失，见数据质量）",
    "en": "(text lost in the source: see data quality)",
}
SHOWN_ROWS = {"zh": "前{n}行，共{total}行", "en": "first {n} of {total} rows"}
RULE_NAMES = {"zh": {"default": "默认规则", "monthly": "月度规则", "supervision": "督查规则"}}
PARAMETER_NAMES = {
    "zh": {
        "district": "区县",
        "districts": "区县",
        "as_of": "截至日期",
        "progress": "进度数据",
        "language": "语言",
        "top": "图示区县数（最多）",
    },
    "en": {
        "district": "District",
        "districts": "Districts",
        "as_of": "As of",
        "progress": "Progress data",
        "language": "Language",
        "top": "Districts drawn (at most)",
    },
}
PARAMETER_VALUES = {
    "zh": {"auto": "自动", "real": "真实台账", "demo": "模拟数据", "zh": "中文", "en": "英文"},
    "en": {
        "auto": "automatic",
        "demo": "simulated",
        "real": "real ledger",
        "zh": "Chinese",
        "en": "English",
    },
}
# Sheet names of the exported tables (.xlsx), by the stem of the chart they stand behind.
SHEET_NAMES = {
    "zh": {**CHART_TITLES, "red_list": "挂牌督办清单", "notes": "说明"},
    "en": {"notes": "notes"},
}
# Progress figures from simulated data, marked on every row, card and chart point.
SIMULATED_MARK = {"zh": "（模拟）", "en": " (simulated)"}
SIMULATED_DISTRICTS = {
    "zh": "注意：以下区县的进度数据为模拟数据（没有真实进度台账），仅用于演示：{names}；"
    "其余区县为真实台账。",
    "en": "Note: the progress data of these districts is SIMULATED (no real ledger): {names}; "
    "the others come from a real ledger.",
}


def pct(value: float) -> str:
    """A rate as the documents print it: one decimal, ``—`` when there is none."""
    import pandas as pd

    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def rule_short(name: str) -> str:
    """A rule set's name inside a Chinese sentence ("按照默认亮灯规则"): 默认, 月度, 督查."""
    return RULE_NAMES["zh"].get(name, name).removesuffix("规则")


def rule_name(rules, lang: str = "zh") -> str:
    """A rule set (light or ranking rules) as a reader sees it: its name in the language, then
    what it does (its ``description_en`` in English, its description when it has none)."""
    shown = RULE_NAMES.get(lang, {}).get(rules.name, rules.name)
    if lang == "zh":
        return f"{shown}：{rules.description}"
    return f"{shown}: {getattr(rules, 'description_en', '') or rules.description}"


def parameters_text(parameters: dict, lang: str = "zh", names: dict[str, str] | None = None) -> str:
    """A run's parameters as a readable list ("区县：大连高新区；截至日期：自动 …"), district
    slugs replaced by their names."""
    names = names or {}
    keys, values = PARAMETER_NAMES.get(lang, {}), PARAMETER_VALUES.get(lang, {})
    sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")

    def shown(key: str, value) -> str:
        if isinstance(value, list | tuple):
            return ("、" if lang == "zh" else ", ").join(shown(key, v) for v in value)
        if key in ("district", "districts"):
            return names.get(value, value)
        return values.get(value, str(value))

    return sep.join(f"{keys.get(k, k)}{colon}{shown(k, v)}" for k, v in parameters.items())


def label_values(df, lang: str = "zh", names: dict[str, str] | None = None):
    """A new frame whose coded values read as words: sources, lights, severities, anomaly
    kinds, district slugs (``names``), yes/no, and lost task text marked as such."""
    import pandas as pd

    out = df.copy()
    words = VALUE_LABELS.get(lang, {})
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            yes, no = YES_NO[lang]
            out[col] = out[col].map({True: yes, False: no})
        elif col in words:
            out[col] = out[col].astype(object).map(lambda v, w=words[col]: w.get(v, v))
        elif col in ("district", "name") and names:
            out[col] = out[col].astype(object).map(lambda v: names.get(v, v))
        elif col == "text":
            out[col] = out[col].astype(object).map(lambda v: task_text(v, lang))
    return out


def task_text(text, lang: str = "zh") -> str:
    """A task's text as a reader sees it: the text, or a note that the source lost it (a row
    whose text did not survive the copy out of its document; the data quality table lists it)."""
    import pandas as pd

    if text is None or pd.isna(text) or not str(text).strip():
        return MISSING_TEXT[lang]
    return str(text)


# The commands' tables: in wording/cli.py, named here too.
CLI_LABELS = _cli_words.CLI_LABELS
INGEST_SUMMARY = _cli_words.INGEST_SUMMARY
cli_frame = _cli_words.cli_frame
cli_value = _cli_words.cli_value


# The exploration notebook's words: in wording/explore.py, named here too.
EXPLORE = explore.EXPLORE
