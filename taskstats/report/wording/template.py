"""Words of the fill-in progress sheet sent to units (zh, en). Its column headers are not here:
they are the vocabulary's (``[sheet]`` in ``rules/vocabulary.toml``), because returned sheets are
read back by the same words; so is the instructions sheet's name (填表说明, which the reader
skips) in either language."""

from __future__ import annotations

TEMPLATE = {
    "zh": {
        "title": "{name} 目标任务推进表（样表）",
        "nodes": "节点（共{count}个）：{nodes}",
        "instructions": [
            "填表说明：",
            "1. 序号，指目标任务分解表中的任务序号（已预填，请勿修改）。",
            "2. 目标任务，指任务分解表中的任务名称（已预填，需原文保留）。",
            "3. 牵头单位、责任单位、负责领导，按任务分解表预填。",
            "4. 节点，指本行对应的时间节点（已预填）；每项任务在每个节点各占一行。",
            "5. 完成标准（目标值），指该节点应完成的数量、质量和成果形式等。",
            "6. 完成情况，填写截至填报日期的工作进展。",
            "7. 状态，从下拉列表中选择：{statuses}。",
            "8. 证明材料，列出能证明工作进展或完成的文本、图片、视频、统计数据等材料，"
            "如方案、合同、会议的照片/签到簿/纪要、项目验收报告等。每个工作节点都要列明相应的证明材料。",
            "9. 责任处室及负责人，指本单位负责该项任务的责任处室及其具体负责人。",
            "10. 填报日期，格式为 {example}。",
            "未到节点或尚无进展的行可以留空；已填写内容的行必须选择状态。",
        ],
        "status_sep": " / ",
        "node_sep": "、",
        "district_sheet": "推进表",
        "other_sheet": "其他",
        "unit_sheet": "单位",
        "status_title": "状态",
        "status_error": "请从下拉列表中选择：{statuses}",
        "footer": "第 &P 页，共 &N 页",
    },
    "en": {
        "title": "{name}: progress sheet (template)",
        "nodes": "Nodes ({count}): {nodes}",
        "instructions": [
            "How to fill in this sheet:",
            "1. 序号 is the task's number in the task table (pre-filled; do not change it).",
            "2. 目标任务 is the task's text as in the task table (pre-filled; keep it as it is).",
            "3. Lead units, cooperating units and leaders are pre-filled from the task table.",
            "4. 节点 is the reporting node of the row (pre-filled); each task has one row a node.",
            "5. 完成标准 is what the node should achieve: amount, quality, form of the result.",
            "6. 完成情况 is the progress as of the reporting date.",
            "7. 状态: choose from the drop-down: {statuses}.",
            "8. 证明材料 lists what shows the progress (plans, contracts, photos, minutes, "
            "acceptance reports …), for every node.",
            "9. 责任处室及负责人 is the office and person in your unit in charge of the task.",
            "10. 填报日期 is the reporting date, written as {example}.",
            "Rows of nodes not yet reached may stay empty; a filled-in row needs a status.",
        ],
        "status_sep": " / ",
        "node_sep": ", ",
        "district_sheet": "Progress",
        "other_sheet": "Others",
        "unit_sheet": "Unit",
        "status_title": "Status",
        "status_error": "Choose from the drop-down: {statuses}",
        "footer": "Page &P of &N",
    },
}
