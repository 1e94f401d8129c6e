"""The words of the 政府工作报告落实覆盖 tables: sheet names, headers and values (zh, en)."""

# 政府工作报告落实覆盖: sheet names, headers and values of the coverage tables.
COVERAGE_SHEETS = {
    "zh": {
        "summary": "总体覆盖",
        "by_section": "按报告部分",
        "gaps": "未分解的承诺",
        "numbers": "目标数值比对",
        "tasks_by_source": "无对应承诺的任务（按来源）",
        "links": "承诺与任务对应",
        "uncovered_tasks": "无对应承诺的任务",
    },
    "en": {
        "summary": "Summary",
        "by_section": "By report section",
        "gaps": "Commitments with no task",
        "numbers": "Targets compared",
        "tasks_by_source": "Tasks with no commitment by source",
        "links": "Commitment-task links",
        "uncovered_tasks": "Tasks with no commitment",
    },
}
COVERAGE_COLUMNS = {
    "zh": {
        "commitments": "承诺事项",
        "matched": "已分解",
        "share": "分解率",
        "tasks": "任务数",
        "tasks_covered": "有对应承诺的任务",
        "tasks_share": "占比",
        "section": "报告部分",
        "with_task": "已分解",
        "commitment_id": "承诺编号",
        "kind": "类型",
        "text": "内容",
        "line": "原文行号",
        "task_id": "任务序号",
        "indicator": "指标",
        "commitment_target": "报告目标",
        "task_target": "任务目标",
        "commitment_value": "报告数值",
        "task_value": "任务数值",
        "unit": "单位",
        "number_check": "比对结果",
        "source": "任务来源",
        "with_commitment": "有对应承诺",
        "without_commitment": "无对应承诺",
        "share_without": "无承诺占比",
        "score": "匹配得分",
        "evidence": "共同对象",
        "commitment_text": "承诺内容",
        "task_text": "任务内容",
    },
    "en": {},
}
COVERAGE_VALUES = {
    "zh": {
        "kind": {"indicator": "指标", "project": "项目", "measure": "举措", "general": "综合"},
        "number_check": {"agree": "一致", "disagree": "不一致", "pending": "待定（XX）"},
        "source": {"province": "省任务", "city": "市任务", "self": "自增任务", "unknown": "未注明"},
    },
    "en": {},
}
