"""The words and figures of the commands' tables: headings, the ingest summary, numbers as a
terminal shows them (``--csv`` prints the codes and raw numbers instead)."""

from __future__ import annotations

# What `taskstats ingest` says after its table.
INGEST_SUMMARY = (
    "共{tasks}项任务，单位分工{units}条，领导分工{leaders}条，数据质量提示{anomalies}条。\n"
    "已写入{files}，位于{out}"
)


# What a command says about the files it wrote and the data it read (a terminal's reader).
SAID = {
    "wrote": "已写出：{path}",
    "failed": "未能写出：{path}",
    "reports_bar": "报告",
    "reports_unit": "份",
    "reports_written": "共写出报告{n}份。",
    "reports_written_pdf": "共写出报告{n}份，每份另存 PDF。",
    "demo_written": "已写出模拟进度{n}条：{path}",
    "skipped_rows": "台账中有{n}行无法读取，已略过（--skip-bad-rows）",
    "as_of": "截至日期：{as_of}",
    "progress_source": "进度数据：{source}",
    "gaps": "{name}：{n}项（详见导出表）",
    "exported": "已导出：{path}",
    "lights": "亮灯：{lights}",
    "light_count": "{light}{n}项",
    "light_sep": "、",
    "not_reported": "未报送：{n}个节点",
    "red_sheet": "挂牌督办",
    # What the CLI prints for an error or a warning (the library's own message after the colon).
    "error": "错误：{message}",
    "warning": "警告：{message}",
    "unexpected": "错误：意外的 {kind}：{message}。可能是 taskstats 的缺陷或输入有误；"
    "加 --debug 重新运行可看到完整的出错过程，请连同它一起报告。",
}


# Columns a command prints whose report name means something else (a count, not a list).
CLI_LABELS = {
    "zh": {
        "rows_seen": "读取行数",
        "units": "单位数",
        "leaders": "领导数",
        "warnings": "警告",
        "notes": "提示",
        "lead_units": "牵头单位",
    },
    "en": {"rows_seen": "Rows read", "units": "Units", "leaders": "Leaders", "notes": "Notes"},
}


def cli_value(value, column: str, whole: bool = True) -> str:
    """One figure as a command prints it: a share as a percentage, a whole number as an
    integer (``whole``: its column holds only whole numbers), another number to two decimals,
    a gap as "—"."""
    import pandas as pd

    from taskstats.report.wording import SHARE_COLUMNS

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if column in SHARE_COLUMNS and column not in ("gini", "hhi"):
        return f"{value:.1%}"
    if whole and float(value).is_integer() and column not in ("gini", "hhi"):
        return str(int(value))
    return f"{value:.2f}"


def number_text(value) -> str:
    """A number among words (a target's value, a column of text): a whole number as an
    integer, another to six significant digits without trailing zeros (150, 83.6, 12.001),
    so that two values that differ read differently; a gap as "—"."""
    if isinstance(value, float):
        if value != value:
            return "—"
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    return "—" if value is None else str(value)


def whole_numbers(column) -> bool:
    """Whether a numeric column holds only whole numbers (gaps aside): printed as counts."""
    values = column.dropna()
    return bool((values == values.round()).all())


def cli_frame(df, lang: str = "zh", names: dict[str, str] | None = None, *, transpose=False):
    """A new frame of text as a command prints it (:func:`cli_value`), coded values in words,
    headed in ``lang``; ``transpose``: districts as columns, the measures as rows."""
    import pandas as pd

    from taskstats.report.wording import COLUMN_LABELS, label_values
    from taskstats.report.wording.ranks import rank_labels

    labels = {**COLUMN_LABELS.get(lang, {}), **CLI_LABELS.get(lang, {})}
    out = label_values(df, lang, names)
    if "rank" in df.columns:  # ties marked 并列
        out["rank"] = rank_labels(df, lang)
    for col in out.columns:
        if col == "rank":
            continue
        if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            out[col] = [cli_value(v, col, whole_numbers(df[col])) for v in df[col].tolist()]
        elif out[col].map(lambda v: isinstance(v, float)).any():  # numbers among text
            out[col] = [number_text(v) for v in out[col].tolist()]
    if transpose:
        out = out.set_index("district").T
        out.index = [labels.get(c, c) for c in out.index]
        out.columns.name = None
        return out
    return out.rename(columns=lambda c: labels.get(c, c))


# `taskstats inspect FILE`: one line per finding (``--language en`` for English; scans' own
# lines in wording/scan.py).
INSPECT = {
    "zh": {
        "file": "文件：{file}",
        "layout": "版式：{layout}",
        "sheet": "（工作表 {sheet}）",
        "encoding": "编码：{encoding}",
        "tables": "读取表格：{read}",
        "tables_none": "无（读取正文）",
        "skipped": "  跳过{name}：{reason}",
        "columns": "识别栏目：{columns}",
        "rows": "读取行数：{rows}",
        "tasks": "任务数：{tasks}",
        "section": "  {name}：{n}项",
        "no_section": "（未分板块）",
        "units": "单位：具名单位{named}个，泛指分工{collective}条",
        "leaders": "分管领导：{named}人",
        "sources": "任务来源：{sources}",
        "source": "{name}{n}项",
        "anomalies": "数据质量提示：{n}条{kinds}",
        "kind": "{name}{n}条",
        "anomaly": "  [{severity}] {where}：{kind}",
        "line": "第{line}行",
        "whole_file": "全文件",
        "task": "，任务{task}",
        "more": "  …… 另有{n}条（加 --all-anomalies 显示全部，--csv 输出明细）",
        "sep": "、",
    },
    "en": {
        "file": "file:      {file}",
        "layout": "layout:    {layout}",
        "sheet": " (sheet {sheet})",
        "encoding": "encoding:  {encoding}",
        "tables": "tables:    read {read}",
        "tables_none": "none (the text)",
        "skipped": "  skipped {name}: {reason}",
        "columns": "columns:   {columns}",
        "rows": "rows seen: {rows}",
        "tasks": "tasks:     {tasks}",
        "section": "  {name}: {n}",
        "no_section": "(none)",
        "units": "units:     {named} named, {collective} collective assignments",
        "leaders": "leaders:   {named} named",
        "sources": "sources:   {sources}",
        "source": "{name} {n}",
        "anomalies": "anomalies: {n}{kinds}",
        "kind": "{name} {n}",
        "anomaly": "  [{severity}] {kind} ({where}): {message}",
        "line": "line {line}",
        "whole_file": "file",
        "task": " task {task}",
        "more": "  … {n} more (use --all-anomalies; --csv for every detail)",
        "sep": ", ",
    },
}
# A file's layout as ``inspect`` names it: the format, then how its text is laid out.
LAYOUT_WORDS = {
    "xlsx": "XLSX工作簿",
    "xls": "XLS工作簿",
    "ods": "ODS工作簿",
    "et": "WPS表格",
    "docx": "DOCX文档",
    "doc": "DOC文档",
    "wps": "WPS文档",
    "rtf": "RTF文档",
    "odt": "ODT文档",
    "pdf": "PDF文档",
    "html": "HTML网页",
    "scan": "扫描件（OCR识别）",
    "csv": "CSV表格",
    "text": "文本",
    "cells": "每格一行的文本",
    "delimited": "分隔符分列的文本",
    "inline": "编号段落（1.任务（A牵头，B配合））",
}
# Why a document's table was not read as the tasks (codes from readers.document.SKIP_REASONS).
SKIP_REASONS = {
    "task": "另一张任务表（用 table=N 指定读取）",
    "template": "进度模板（完成标准、证明材料……），不是任务表",
    "none": "没有含序号、目标任务、牵头单位、责任单位或分管领导的表头",
    "not_asked": "不是指定读取的表格",
}


def layout_text(layout: str, lang: str = "zh") -> str:
    """A layout as ``inspect`` says it: ``docx-inline`` → ``DOCX文档 · 编号段落…``."""
    if lang != "zh":
        return layout
    return " · ".join(LAYOUT_WORDS.get(part, part) for part in layout.split("-"))


def place_text(name: str, lang: str = "zh") -> str:
    """A document's table or page as a reader names it: ``table 2`` → ``表格2``, ``page 3`` →
    ``第3页``; a sheet's own name as it is."""
    import re

    if lang != "zh":
        return name
    found = re.fullmatch(r"(table|page) (\d+)", name)
    if not found:
        return name
    return f"表格{found[2]}" if found[1] == "table" else f"第{found[2]}页"
