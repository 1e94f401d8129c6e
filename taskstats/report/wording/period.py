"""Words of the period sections (本期到期, 与上期相比) of the district report and of the
``progress reporting`` command (zh, en)."""

from __future__ import annotations

from taskstats.report.wording.returns import CHANGES, PERIOD_COLUMNS

PERIOD_REPORT = {
    "zh": {
        "due_heading": "本期到期",
        "changes_heading": "与上期相比",
        "no_next": "截至{day}计划已到最后节点，没有下一期。",
        "due_line": "{day}后至{until}（下一报送节点）有{nodes}个节点将到期、尚未报完成，"
        "涉及{tasks}项任务、{units}个牵头单位；其中{deadlines}项任务到达完成时限。",
        "no_due": "{day}后至{until}（下一报送节点）没有将到期、尚未报完成的节点。",
        "no_due_units": "将到期的任务均未列具体牵头单位（只列泛指单位）。",
        "by_unit": "按牵头单位",
        "deadlines": "本期到达完成时限的任务",
        "no_deadlines": "本期没有任务到达完成时限。",
        "no_previous": "没有上一期（截至日期及以前不足两个报送节点），无从比较。",
        "changes_line": "与上期（{before}）相比：转为红灯{turned_red}项、"
        "转为黄灯{turned_yellow}项、转为绿灯{turned_green}项；新完成节点{nodes}个，涉及{tasks}项任务。",
        "lights": "亮灯变化的任务",
        "no_lights": "与上期相比，没有任务的亮灯发生变化。",
        "finished": "新完成的任务（完成时限节点已报完成）",
        "no_finished": "与上期相比，没有新完成的任务。",
        "reporting": "报送单位变化",
        "reporting_line": "上期（{previous}）有报送、本期（{current}）没有报送的单位{stopped}个；"
        "上期没有报送、本期开始报送的单位{started}个。",
        "no_reporting": "上期（{previous}）与本期（{current}）相比，没有单位停止或开始报送。",
        "span": "{start}后至{end}",
        "span_from_start": "{end}及以前",
    },
    "en": {
        "due_heading": "Due in the next period",
        "changes_heading": "Changes since the previous period",
        "no_next": "On {day} the plan is at its last node: there is no next period.",
        "due_line": "After {day} up to {until} (the next node), {nodes} node(s) not yet reported "
        "done fall due, in {tasks} task(s) of {units} lead unit(s); {deadlines} task(s) reach "
        "their deadline.",
        "no_due": "No node not yet reported done falls due after {day} up to {until} (the next "
        "node).",
        "no_due_units": "The tasks falling due name no lead unit (only collectives).",
        "by_unit": "By lead unit",
        "deadlines": "Tasks reaching their deadline in the period",
        "no_deadlines": "No task reaches its deadline in the period.",
        "no_previous": "There is no previous period (fewer than two nodes on or before the "
        "as-of date).",
        "changes_line": "Since the previous period ({before}): {turned_red} task(s) turned red, "
        "{turned_yellow} yellow, {turned_green} green; {nodes} node(s) newly done in "
        "{tasks} task(s).",
        "lights": "Tasks whose light changed",
        "no_lights": "No task's light changed since the previous period.",
        "finished": "Tasks newly done (done at their deadline node)",
        "no_finished": "No task was newly done since the previous period.",
        "reporting": "Units that stopped or started reporting",
        "reporting_line": "{stopped} unit(s) reported in the previous period ({previous}) but not "
        "in this one ({current}); {started} unit(s) started reporting.",
        "no_reporting": "No unit stopped or started reporting between the previous period "
        "({previous}) and this one ({current}).",
        "span": "after {start} up to {end}",
        "span_from_start": "up to {end}",
    },
}

PERIOD_COLUMNS_SHOWN = {
    "zh": {
        "task_id": "序号",
        "text": "目标任务",
        "unit": "牵头单位",
        "reporting_unit": "报送单位",
        "leaders": "分管领导",
        "tasks": "任务数",
        "nodes": "到期节点",
        "deadlines": "到达完成时限",
        "first": "最近节点",
        "milestone": "完成时限",
        "days_left": "剩余天数",
        "light": "亮灯",
        "light_before": "上期亮灯",
        "change": "变化",
        "lead_units": "牵头单位",
        "reports_before": PERIOD_COLUMNS["zh"]["reports_before"],
        "reports_now": PERIOD_COLUMNS["zh"]["reports_now"],
    },
    "en": {
        "task_id": "Task",
        "text": "Task text",
        "unit": "Lead unit",
        "reporting_unit": "Reporting unit",
        "leaders": "Leaders",
        "tasks": "Tasks",
        "nodes": "Nodes due",
        "deadlines": "Deadlines",
        "first": "First node",
        "milestone": "Deadline",
        "days_left": "Days left",
        "light": "Light",
        "light_before": "Light before",
        "change": "Change",
        "lead_units": "Lead units",
        "reports_before": "Reports before",
        "reports_now": "Reports now",
    },
}

PERIOD_VALUES = {
    "zh": {"light": {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}, "change": CHANGES["zh"]},
    "en": {
        "light": {"red": "red", "yellow": "yellow", "green": "green"},
        "change": {
            "turned_red": "turned red",
            "turned_yellow": "turned yellow",
            "turned_green": "turned green",
            "newly_done": "newly done",
            "stopped": "stopped",
            "started": "started",
        },
    },
}


def period_frame(frame, lang: str = "zh"):
    """A new frame with the period tables' coded values and headers in ``lang``."""
    out = frame.copy()
    for column, words in PERIOD_VALUES[lang].items():
        if column in out.columns:
            out[column] = out[column].astype(object).map(lambda v, w=words: w.get(v, v))
    if "light_before" in out.columns:
        lights = PERIOD_VALUES[lang]["light"]
        out["light_before"] = out["light_before"].astype(object).map(lambda v: lights.get(v, "—"))
    return out.rename(columns=PERIOD_COLUMNS_SHOWN[lang])


def period_span(start, end, lang: str = "zh") -> str:
    """A period as words: after ``start`` up to ``end`` (dates; ``start`` None: from the
    beginning)."""
    words = PERIOD_REPORT[lang]
    if start is None:
        return words["span_from_start"].format(end=end.isoformat())
    return words["span"].format(start=start.isoformat(), end=end.isoformat())
