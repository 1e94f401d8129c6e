"""Words of the returns: why a row or file was refused and what to do (zh, en), and the receipt
(回执) a unit gets back."""

from __future__ import annotations

from taskstats.errors import PROBLEM_TEXT, Problem

PROBLEMS = {
    "zh": {
        "unreadable": ("文件无法读取：{reason}", "请用 WPS 或 Office 打开后另存为 .xlsx 再报送。"),
        "no_table": (
            "文件中没有找到进度表（表头需含“序号”“节点”“状态”）：{sheets}",
            "请使用下发的推进表填报，保留表头行。",
        ),
        "no_district": (
            "文件未写明所属区县（没有区县列，标题和工作表名中没有区县名称，任务名称也对不上任何区县的任务）",
            "请使用下发的推进表填报；导入时可用 --district 指定区县。",
        ),
        "unknown_district": ("区县“{other}”不在已知区县中（{known}）", "请核对区县名称。"),
        "other_district": (
            "表中任务是{other}的任务，不是{district}的任务",
            "请确认报送对象；应导入{other}的台账。",
        ),
        "no_match": (
            "表中任务名称与任何区县的任务都对不上",
            "请使用下发的推进表，目标任务一列原文保留。",
        ),
        "unsaved_formula": (
            "单元格{cell}是公式，但没有保存计算结果",
            "请在 Excel 或 WPS 中打开后保存一次，或直接填写数值。",
        ),
        "unknown_task": ("序号“{task_id}”不是本区县的任务", "请按下发的推进表填写序号，勿增删改。"),
        "text_edited": (
            "第{task_id}项任务的名称被修改",
            "请从任务分解表原文复制，勿修改目标任务一列。",
        ),
        "bad_milestone": ("节点“{value}”不在时间节点中（{dates}）", "请填写下发表中的节点日期。"),
        "missing_status": ("未选择状态", "请从“{choices}”中选择一项。"),
        "bad_status": ("状态“{value}”无法识别", "请从“{choices}”中选择一项。"),
        "bad_date": ("填报日期“{value}”不是日期", "请按 2026-11-30 的格式填写。"),
        "date_out_of_range": (
            "填报日期{date}超出范围（{earliest}至{latest}）",
            "请填写实际填报日期。",
        ),
        "duplicate": (
            "第{task_id}项任务{milestone}节点重复填报（首次见于{first}）",
            "每项任务每个节点只填一行，请删除重复行。",
        ),
        "not_whole_number": ("“{value}”不是整数", "请改为整数。"),
        "not_a_date": ("“{value}”不是日期", "请按 2026-11-30 的格式填写。"),
        "missing_date": ("缺少日期", "请按 2026-11-30 的格式填写。"),
        "not_a_slug": ("区县“{value}”不是区县代码", "请填写区县代码（如 dalian-hightech）。"),
    },
    # The English words are the error messages' (one place for them).
    "en": PROBLEM_TEXT,
}

RECEIPT = {
    "zh": {
        "title": "目标任务推进表报送回执",
        "summary_sheet": "回执",
        "accepted_sheet": "已接收",
        "superseded_sheet": "已被后报覆盖",
        "passed_sheet": "校验通过未入账",
        "refused_sheet": "退回",
        "unreported_sheet": "尚未报送节点",
        "unknown": "未能确定",
        "fields": {
            "file": "报送文件",
            "district": "区县",
            "unit": "报送单位",
            "imported_at": "接收时间",
            "verdict": "处理结果",
            "accepted": "已接收（行）",
            "superseded": "已被后报覆盖（行）",
            "passed": "校验通过未入账（行）",
            "refused": "退回（处）",
            "unreported": "尚未报送节点（个）",
        },
        "verdicts": {
            "accepted": "全部接收",
            "partly": "部分接收，部分退回",
            "held": "未入账：本批文件有退回内容",
            "refused": "整份退回，未入账",
            "skipped": "此前已接收过同一文件，本次未重复入账",
        },
        "advice": {
            "accepted": "报送内容已全部录入台账。",
            "partly": "已接收的行已录入台账；退回的行请按“处理办法”修改后重新报送。",
            "held": "本次未录入任何内容。请按“退回”页修改后，整份重新报送。",
            "refused": "本次未录入任何内容。请按“退回”页的处理办法修改后重新报送。",
            "skipped": "无需重复报送。",
        },
        "row_columns": ["工作表", "行", "序号", "节点", "状态"],
        "refused_columns": ["工作表", "行", "列", "填写内容", "原因", "处理办法"],
        "unreported_columns": ["序号", "目标任务", "节点"],
    },
    "en": {
        "title": "Receipt of a returned progress sheet",
        "summary_sheet": "Receipt",
        "accepted_sheet": "Accepted",
        "superseded_sheet": "Superseded",
        "passed_sheet": "Passed, not imported",
        "refused_sheet": "Refused",
        "unreported_sheet": "Not yet reported",
        "unknown": "not found",
        "fields": {
            "file": "File",
            "district": "District",
            "unit": "Reporting unit",
            "imported_at": "Received",
            "verdict": "Outcome",
            "accepted": "Accepted (rows)",
            "superseded": "Superseded by a later report (rows)",
            "passed": "Passed, not imported (rows)",
            "refused": "Refused (problems)",
            "unreported": "Due nodes not reported",
        },
        "verdicts": {
            "accepted": "accepted",
            "partly": "partly accepted",
            "held": "not imported: the batch has refused rows",
            "refused": "refused",
            "skipped": "imported before; skipped",
        },
        "advice": {
            "accepted": "Every row is in the ledger.",
            "partly": "Accepted rows are in the ledger; correct the refused rows and send them.",
            "held": "Nothing was imported. Correct the refused rows and send the file again.",
            "refused": "Nothing was imported. Correct the file as said and send it again.",
            "skipped": "Nothing to send again.",
        },
        "row_columns": ["Sheet", "Row", "Task", "Node", "Status"],
        "refused_columns": ["Sheet", "Row", "Column", "Typed", "Reason", "What to do"],
        "unreported_columns": ["Task", "Text", "Node"],
    },
}


def problem_text(problem: Problem, language: str = "zh") -> str:
    """Why a row, cell or file was refused; in English with what to do after a semicolon."""
    if language == "en":
        return problem.reason
    return PROBLEMS[language][problem.code][0].format(**problem.fields)


def problem_action(problem: Problem, language: str = "zh") -> str:
    """What the unit should do about a refused row, cell or file."""
    return PROBLEMS[language][problem.code][1].format(**problem.fields)


def import_summary(result, receipts_dir, language: str = "zh") -> str:
    """The lines ``progress import`` prints: per file its outcome, then the totals."""
    words = RECEIPT[language]
    lines = [f"{r.path.name}：{words['verdicts'][r.verdict]}" for r in result.receipts]
    total = SUMMARY[language].format(
        rows=result.appended,
        files=len(result.imported_files),
        superseded=result.superseded,
        refused=len(result.refused),
        ledger=result.ledger_path,
        receipts=receipts_dir,
    )
    return "\n".join([*lines, total])


# `progress import` when something is refused: what became of the batch, then each file with its
# receipt and each problem with its place, what is wrong and what to do.
REFUSED = {
    "zh": {
        "held": "退回{n}处，本批文件均未入账（全部通过才入账）。请按回执改正后重新导入，"
        "或加 --accept-valid 只接收通过的行：",
        "partly": "退回{n}处，退回的内容未入账，其余已入账。请按回执改正后重新报送：",
        "file": "{file}（回执：{receipt}）",
        "problem": "  {place}：{reason}；{action}",
        "whole_file": "整份文件",
        "sheet": "工作表“{sheet}”",
        "line": "第{line}行",
        "column": "{letter}列",
        "column_named": "{letter}列（{name}）",
        "sep": "，",
    },
}


def problem_place(problem: Problem, language: str = "zh") -> str:
    """Where in its file a problem is, as a clerk reads it: ``第2行，C列（状态）``, a sheet named
    only when the file has sheets of its own (a Word table as ``表格2``), ``整份文件`` for a file
    refused as a whole."""
    import re

    from taskstats.report.wording.cli import place_text

    words = REFUSED[language]
    parts = []
    if problem.sheet and (problem.path is None or problem.sheet != problem.path.name):
        named = place_text(problem.sheet, language)  # a document's 表格2 or 第3页 as it is
        parts.append(named if named != problem.sheet else words["sheet"].format(sheet=named))
    if problem.line is not None:
        parts.append(words["line"].format(line=problem.line))
    if problem.column:
        named = re.fullmatch(r"([A-Z]+) \((.*)\)", problem.column)
        parts.append(
            words["column_named"].format(letter=named[1], name=named[2])
            if named
            else words["column"].format(letter=problem.column)
        )
    return words["sep"].join(parts) or words["whole_file"]


def refused_text(result, receipts: dict, imported: bool, language: str = "zh") -> str:
    """The lines ``progress import`` prints for a batch with refused rows or files.

    Args:
        result: The import's result (an ``ImportRefused``'s ``result`` when nothing was
            imported).
        receipts: Each returned file's path to its receipt's.
        imported: Whether the rows that passed were imported (``--accept-valid``).
        language: ``zh``.
    """
    words = REFUSED[language]
    lines = [words["partly" if imported else "held"].format(n=len(result.refused))]
    for receipt in result.receipts:
        if not receipt.refused:
            continue
        where = receipts.get(receipt.path, "")
        lines.append(words["file"].format(file=receipt.path.name, receipt=where))
        lines += [
            words["problem"].format(
                place=problem_place(p, language),
                reason=problem_text(p, language),
                action=problem_action(p, language),
            )
            for p in receipt.refused
        ]
    return "\n".join(lines)


SUMMARY = {
    "zh": "共接收{rows}行（{files}个文件），其中{superseded}行已被填报日期更晚的报告覆盖"
    "（保留在历史中）；退回{refused}处。台账：{ledger}；回执：{receipts}",
    "en": "{rows} row(s) accepted from {files} file(s), {superseded} of them superseded by a "
    "later-dated report (kept in the history); {refused} problem(s) refused. Ledger: {ledger}; "
    "receipts: {receipts}",
}


HANDOUT = {
    "zh": {
        "title": {
            "unit": "{district}重点任务推进情况提示单（{to}）",
            "leader": "{district}重点任务推进情况提示单（{to}同志分管）",
        },
        "simulated": "注意：本单据的进度数据为模拟数据，仅用于演示。",
        "lead": {
            "unit": "截至{as_of}，你单位牵头任务{n}项，其中红灯{red}项、黄灯{yellow}项、"
            "绿灯{green}项。",
            "leader": "截至{as_of}，{to}同志分管任务{n}项，其中红灯{red}项、黄灯{yellow}项、"
            "绿灯{green}项。",
        },
        # After the lead sentence: which of the tasks the table lists (--only)
        "listed": {
            "all": "具体如下：",
            "red": "下表列出其中的红灯任务{n}项：",
            "due": "下表列出其中下一报送节点前有节点到期的任务{n}项：",
        },
        "columns": ["序号", "目标任务", "完成时限", "最新状态", "亮灯", "原因"],
        "not_yet": "未到节点",
        "due_heading": "本期到期节点（请按时报送）",
        "no_due": "下一报送节点前没有到期节点。",
        "due_columns": ["序号", "目标任务", "节点", "请报送"],
        "due_ask": "完成情况、状态及证明材料",
        "notice_title": "督办通知单",
        "notice_to": "{to}：",
        "notice_body": "第{task}项任务“{text}”截至{as_of}亮红灯（{reasons}）。请限期整改，"
        "于{reply_by}前将整改措施和进展情况书面报送{office}。",
        "notice_sign": "{office}　{date}",
        "leader_red_title": "分管红灯任务督办情况（按牵头单位）",
        "leader_red_lead": "截至{as_of}，{to}同志分管的任务中有{n}项亮红灯。{office}向下列牵头单位"
        "发出督办通知单，由牵头单位限期整改，并于{reply_by}前将整改措施和进展情况书面报送{office}：",
        "leader_red_lead_none": "截至{as_of}，{to}同志分管的任务中有{n}项亮红灯，均无具名牵头"
        "单位，{office}不单独发出督办通知单。",
        "leader_unit": "{unit}（牵头，红灯{n}项，负责报送整改情况）",
        # A collective (区政府各部门 …) leading a red task: named apart, sent no 督办通知单.
        "leader_collective": "另：第{tasks}项红灯任务由{unit}牵头（泛指，不单独发督办通知单，"
        "不负责报送整改情况），请分管领导督促落实。",
        "leader_collective_sep": "、",
        "leader_red_columns": ["序号", "目标任务", "亮灯原因"],
    },
}


PERIOD_COLUMNS = {
    "zh": {
        "milestone": "节点",
        "days_left": "剩余天数",
        "status": "状态",
        "light_before": "上期亮灯",
        "light": "亮灯",
        "change": "变化",
        "newly_done": "新完成节点数",
        "deadline": "是否完成时限",
        "reports_before": "上期报送（条）",
        "reports_now": "本期报送（条）",
        "leaders": "分管领导",  # names here, not the workload tables' count (领导数)
    },
}
CHANGES = {
    "zh": {
        "turned_red": "转为红灯",
        "turned_yellow": "转为黄灯",
        "turned_green": "转为绿灯",
        "newly_done": "新完成节点",
        "stopped": "停止报送",
        "started": "开始报送",
    },
}

EXPLORE_PROGRESS = {
    "columns": {
        "district": "区县",
        "task_id": "序号",
        "text": "目标任务",
        "deadline": "完成时限",
        "status": "最新状态",
        "light": "亮灯",
        "units": "报送单位",
    },
    "status": {
        "done": "已完成",
        "on_track": "序时推进",
        "behind": "滞后",
        "not_started": "未启动",
        "not_reported": "未报送",
    },
    "light": {"red": "红灯", "yellow": "黄灯", "green": "绿灯"},
    "not_yet": "未到节点",
    "intro": "一次载入全部区县的任务表，按区县、分管领导、单位、来源和板块筛选：选定区县后，"
    "其余下拉框只列本区县的领导、单位和板块；泛指的单位和领导（各副区长、各相关单位……）单独列出"
    "并标注（泛指）。点击下拉框下方列表中的领导或单位即可查看其任务。任务表可排序（点击表头）、"
    "可搜索（表上方的搜索框），无需联网；图表随筛选变化。\n\n"
    "下方“进度”一节列出每项任务的完成时限、最新状态、亮灯和报送单位，可按亮灯和完成时限所在的"
    "报送期筛选，筛选结果可导出为 .xlsx。进度数据以真实台账为准，没有真实台账时为模拟数据。",
    "overview": "各区县概况",
    "progress": "进度：完成时限、最新状态、亮灯与报送单位（{source}）",
    "filters": {"light": "亮灯", "due": "完成时限", "path": "导出到"},
    "all": "（全部）",
    "after": "{after}后",
    "count": "共{n}项任务",
    "none": "没有符合条件的任务。",
    "export": "导出为 .xlsx",
    "exported": "已导出{n}项任务：{path}",
    "export_failed": "导出失败：{reason}",
    "sheet": "任务",
}


# The follow-up commands' lines (handouts, progress due, progress changes).
FOLLOWUP = {
    "zh": {
        "written": "已写出{n}份：{out}",
        "no_leaders": "本表未列分管领导，不按分管领导写出提示单；可用 --by unit 按牵头单位写出。",
        "due": "本期到期（{day}后至{until}）：{n}个节点",
        "due_sheet": "本期到期",
        "changes": "与上期相比（{before} → {day}）：",
        "changes_sheet": "与上期相比",
        "reporting_sheet": "报送单位变化",
    },
}
