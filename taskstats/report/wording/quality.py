"""The names a reader sees for the kinds of anomaly recorded while reading a table."""

from __future__ import annotations

from taskstats.report.wording import scan

# What a reader sees for the kinds of anomaly recorded while reading (the code when not listed).
QUALITY_KINDS = {
    "ambiguous_split": "单位拆分存疑",
    "deadline_unparsed": "完成时限无法识别",
    "duplicate_id": "序号重复",
    "long_cell": "单元格过长",
    "missing_leader": "未列责任领导",
    "missing_text": "任务内容缺失",
    "missing_unit": "未列责任单位",
    "missing_units": "未列责任单位",
    "no_leader_column": "无责任领导列",
    "number_gap": "序号不连续",
    "number_inferred": "序号由上下文推断",
    "number_unknown": "序号无法识别",
    "section_count_mismatch": "板块任务数不符",
    "subtarget_merged": "子目标并入上一任务",
    "table_skipped": "跳过的表格",
    "too_many_cells": "单元格数量超出",
    "unparsed_row": "无法识别的行",
    "unrecognised_source": "来源无法识别",
    "target_pending": "目标待定",
    "trailing_content": "表尾附加内容",
    **scan.QUALITY_KINDS,
    "lead_from_column": "牵头单位按所在列认定",
    "folded_invisible": "名称含不可见字符（已去除）",
    "folded_traditional": "繁体名称转为简体",
    "direction_override": "名称含文字方向控制符",
    "hidden_text": "隐藏文字未读取",
    "charset_fallback": "网页声明编码有误，按UTF-8读取",
    "legacy_word_stream": "旧版Word文档按文本流读取",
}
# English names of the kinds above that readers in English meet first (the code otherwise).
QUALITY_KINDS_EN = {
    "missing_text": "task text lost",
    "number_inferred": "number inferred from its neighbours",
    "unparsed_row": "line not read",
    "trailing_content": "content after the table",
    "target_pending": "target not set yet",
    "ambiguous_split": "unit split uncertain",
    "no_leader_column": "no leaders column",
    "lead_from_column": "lead taken from its column",
    "folded_invisible": "invisible characters removed from names",
    "folded_traditional": "traditional characters folded to simplified",
    "direction_override": "name holds a direction override",
    "hidden_text": "hidden text not read",
    "charset_fallback": "declared charset wrong, read as UTF-8",
    "legacy_word_stream": "legacy Word read from its text stream",
}
