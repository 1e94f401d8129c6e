"""Words of scanned tables read by OCR: the review sheet, its reasons, `inspect` and the report."""

from __future__ import annotations

# The review sheet's columns, in order; 更正为 is the column the office fills in.
REVIEW_COLUMNS = {
    "zh": (
        "文件",
        "页",
        "行",
        "列",
        "栏目",
        "识别原文",
        "建议值",
        "原因",
        "置信度",
        "单元格图像",
        "更正为",
    ),
    "en": (
        "file",
        "page",
        "row",
        "column",
        "field",
        "text read",
        "proposed value",
        "reason",
        "confidence",
        "cell image",
        "correct to",
    ),
}
REVIEW_SHEET = {"zh": "待核对单元格", "en": "cells to review"}
REVIEW_NOTE = {
    "zh": "核对每个单元格图像；识别有误的，在“更正为”栏填写正确内容。存入本区数据文件夹并命名为 "
    "corrections.xlsx，再运行 taskstats ingest 即生效（原始文件不改动）。",
    "en": "Check each cell image; where the text read is wrong, write the right text under "
    "'correct to'. Save the sheet as corrections.xlsx in the district's folder and run "
    "taskstats ingest (the raw file is never edited).",
}
REVIEW_REASONS = {
    "zh": {
        "low_confidence": "识别置信度低",
        "unread": "有字迹但未识别",
        "snapped": "已按可信名称校正",
        "joined": "两个名称连写，已拆分",
        "two_names": "疑似两个名称连写",
        "empty": "本栏不应为空",
        "number_break": "序号不连续",
    },
    "en": {
        "low_confidence": "low recognition confidence",
        "unread": "ink but no text recognised",
        "snapped": "snapped to a trusted name",
        "joined": "two names written together, split",
        "two_names": "looks like two names written together",
        "empty": "this column needs a value",
        "number_break": "breaks the number sequence",
    },
}
FIELD_NAMES = {
    "zh": {
        "number": "序号",
        "text": "目标任务",
        "lead": "牵头单位",
        "support": "配合单位",
        "units": "责任单位",
        "leader": "责任领导",
        "source": "来源",
        "deadline": "完成时限",
    },
    "en": {
        "number": "number",
        "text": "task",
        "lead": "lead unit",
        "support": "supporting units",
        "units": "responsible units",
        "leader": "leader",
        "source": "source",
        "deadline": "deadline",
    },
}

# `inspect FILE` on a scan, one line each.
INSPECT = {
    "zh": {
        "scan": "扫描件：经OCR识别 {pages} 页（无表格跳过 {skipped} 页），用时 {seconds:.0f} 秒",
        "tasks": "识别任务：{tasks} 项",
        "review": "待核对单元格：{cells} 个（核对表：{sheet}）",
        "corrected": "已应用更正：{cells} 处",
    },
    "en": {
        "scan": "scan: {pages} page(s) read by OCR ({skipped} without a table skipped), "
        "in {seconds:.0f} s",
        "tasks": "tasks found: {tasks}",
        "review": "cells to review: {cells} (review sheet: {sheet})",
        "corrected": "corrections applied: {cells}",
    },
}

# What the quality table and the district report say about a scan.
QUALITY = {
    "zh": {
        "read": "本表为扫描件，经OCR识别 {pages} 页，{cells} 个单元格待核对",
        "reviewed": "OCR识别结果已核对：应用更正 {cells} 处",
        "not_reviewed": "OCR识别结果尚未核对",
    },
    "en": {
        "read": "the table is a scan, {pages} page(s) read by OCR, {cells} cell(s) to review",
        "reviewed": "the OCR reading was reviewed: {cells} correction(s) applied",
        "not_reviewed": "the OCR reading has not been reviewed yet",
    },
}
QUALITY_KINDS = {
    "ocr_read": "扫描件经OCR识别",
    "ocr_review": "OCR识别待核对",
    "ocr_reviewed": "OCR识别已核对",
}
SOURCE_LABEL = {"zh": "表格来源", "en": "table source"}


def scan_summary(pages: int, to_review: int, corrected: int, lang: str = "zh") -> str:
    """What a report says of a table read by OCR: pages, cells to review, reviewed or not."""
    words = QUALITY[lang]
    sep = "；" if lang == "zh" else "; "
    read = words["read"].format(pages=pages, cells=to_review)
    if corrected:
        return read + sep + words["reviewed"].format(cells=corrected)
    return read + sep + words["not_reviewed"]
