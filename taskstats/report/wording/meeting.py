"""The words of the meeting deck and the 督查通报 draft (Chinese documents)."""

from __future__ import annotations

import datetime as dt

from taskstats.report.wording.ranks import RANKING_COLUMNS

MEETING = {
    "office": "督查室",  # of a page across districts; one district's: office_name
    "district_office": "{level}督查室",
    "deck_title": "{name}重点工作任务推进情况",
    "compare_deck_title": "各区县重点工作任务推进情况对比",
    "as_of_line": "数据截至{date}",
    "simulated_line": "注意：进度数据为模拟数据，仅用于演示",
    "real_line": "进度数据来自真实台账",
    "headline": "总体情况",
    "change": "与上期相比（{before} → {now}）",
    "board": "红黄榜（单位位次，{rules}规则）",
    "board_top": "红榜：前{n}名",
    "board_bottom": "黄榜：后{n}名",
    "board_line": "红榜（前{n}名）：{best}；黄榜（后{n}名）：{worst}",
    "red_list": "挂牌督办清单（红灯任务）",
    "continued": "（{i}/{n}）",
    "no_red": "当前没有红灯任务。",
    "quality": "数据质量提示",
    "quality_takeaway": "读取原始表格时发现{n}处需要留意的情况，涉及数据已按规则处理并记录",
    "provenance": "数据来源与说明",
    "undrawn": "其他情况",
    "provenance_files": "原始文件及其校验值（哈希）",
    "provenance_columns": ["原始文件", "文件校验值（哈希）"],
    "provenance_rules": "亮灯规则：{lights}；排名规则：{ranking}",
    "provenance_tool": "由任务统计程序（{version}版）于 {time} 根据原始文件生成，"
    "图表与数字均由程序计算",
    "districts": "区县数",
    "total_tasks": "目标任务",
    "score": "得分",
    "listed_apart": "到期节点少于{n}个、单列不排名的单位：{units}",
}

# Slide titles of the charts, by the file stem of :func:`district_figures`.
CHART_TITLES = {
    "leader_load": "分管领导任务量",
    "lead_units": "牵头单位任务量",
    "source_mix": "任务来源构成",
    "completion_by_leader": "节点完成率：按分管领导",
    "completion_by_unit": "节点完成率：按牵头单位",
    "completion_by_source": "节点完成率：按任务来源",
    "lights": "任务亮灯情况",
    "trend": "完成率趋势",
    "compare_lights": "各区县亮灯情况",
    "compare_trend": "各区县完成率趋势",
    "compare_source_mix": "各区县任务来源构成",
    "compare_leaders": "各区县分管领导任务量分布",
    "compare_measurability": "各区县目标可量化程度",
}

# One sentence per chart; every figure in braces comes from a measure.
TAKEAWAYS = {
    "leader_load": "{who}分管{tasks}项，占{scope}{share}，居首位",
    "leader_load_tie": "{who}各分管{tasks}项，各占{scope}{share}，并列首位",
    "lead_units": "{who}牵头{led}项，居各牵头单位首位",
    "lead_units_tie": "{who}各牵头{led}项，并列各牵头单位首位",
    "source_mix": "{what}{tasks}项，占{share}，为最大来源",
    "completion_low": "{what}中完成率最低的是{who}，为{rate}（{done}/{due}）",
    "completion_none": "尚无到期节点",
    "lights": "红灯{red}项、黄灯{yellow}项、绿灯{green}项，红灯占{share}",
    "trend_up": "节点完成率由{first}的{a}升至{last}的{b}",
    "trend_down": "节点完成率由{first}的{a}降至{last}的{b}",
    "trend_flat": "节点完成率{first}至{last}保持在{b}",
    "compare_lights": "{who}红灯任务最多，共{red}项",
    "compare_trend": "截至最近节点，{who}完成率最高，为{rate}",
    "compare_source_mix": "{who}自增任务占比最高，为{share}",
    "compare_leaders": "{who}的分管领导任务最多，{leader}分管{tasks}项",
    "compare_measurability": "{who}量化目标占比最高，为{share}",
    "change_rate": "节点完成率由{a}{verb}至{b}（{delta}个百分点），按时完成率由{c}{verb2}至{d}",
    "change_lights": "{red}项任务转为红灯，{green}项任务转为绿灯；红灯任务由{before}项变为{now}项",
    "up": "升",
    "down": "降",
    "same": "保持",
}
COMPLETION_GROUPS = {"leader": "各分管领导", "unit": "各牵头单位", "source": "各任务来源"}

# The 督查通报 draft: headings and the standard paragraphs (edit here, the figures are computed).
BULLETIN = {
    "title": "关于{name}重点工作任务推进情况的通报",
    "addressee": "各有关单位：",
    "opening": "根据工作安排，{office}对照任务分解表和推进计划，对截至{date}的重点工作任务"
    "推进情况开展了专项督查，现将有关情况通报如下。",
    "h_overall": "一、总体情况",
    "overall": "{scope}共有目标任务{tasks}项，截至{date}到期节点{due}个，其中已完成{done}个、"
    "序时推进{on_track}个、滞后{behind}个、未启动{not_started}个、未报送{not_reported}个；"
    "节点完成率{rate}，按时完成率{on_time}。",
    "overall_change": "与上期（{before}）相比，{rates}；{lights}。",
    "overall_first": "本期为首次通报，暂无上期数据可比。",
    "h_lights": "二、亮灯情况",
    "lights": "按照{rules}亮灯规则，红灯任务{red}项、黄灯任务{yellow}项、绿灯任务{green}项。"
    "红灯任务实行挂牌督办，黄灯任务予以亮灯警告。分牵头单位情况如下：",
    "lights_unit": "{unit}：{lights}。",
    "lights_part": "{light}{n}项（{tasks}）",
    "lights_none": "本期没有红灯、黄灯任务。",
    "h_ranking": "三、位次排名",
    "ranking": "按照{rules}排名规则（{description}），对{n}个牵头单位进行排名。"
    "红榜（前{top}名）：{best}；黄榜（后{top}名）：{worst}。",
    "ranking_apart": "到期节点少于{n}个的{count}个单位单列，不参与排名：{units}。",
    "h_problems": "四、存在问题",
    "problems": "截至{date}，共有{n}个到期节点逾期未完成，涉及{units}个牵头单位：",
    "problems_unit": "{unit}：{count}个节点逾期未完成（{tasks}）。",
    "problems_none": "截至{date}，没有逾期未完成的到期节点。",
    "h_next": "五、下一步工作要求",
    "next": [
        "（一）压实工作责任。各牵头单位要对照任务分解表和月度推进计划，逐项梳理本单位承担的"
        "目标任务，主要领导要亲自研究、亲自推动，确保各项任务按时序推进。",
        "（二）抓好问题整改。对亮红灯的任务实行挂牌督办，相关牵头单位要于5个工作日内提交"
        "整改方案，明确整改措施和完成时限；对亮黄灯的任务予以亮灯警告，限期赶上序时进度。",
        "（三）按时报送进度。各责任单位要按要求及时、准确报送推进情况，对提报不及时、"
        "数据不准确的，将在下期通报中予以说明。",
        "（四）强化督查问责。督查室将持续跟踪督办，对推进滞后的单位约谈主要负责人；"
        "对问题严重或多次出现问题的单位，移交有关部门处理；对积极推进、提前完成任务的单位"
        "给予通报表扬。",
    ],
    "h_annex": "附件：挂牌督办任务清单（红灯任务）",
    "ranking_columns": RANKING_COLUMNS["zh"],
    "signature": "{office}",
    "simulated": "（本稿进度数据为模拟数据，仅用于演示，不得印发。）",
    "none": "无",
    "no_lead_unit": "未列牵头单位",
    "task_numbers": "第{tasks}项",
}


def office_name(scope_word: str = "全区") -> str:
    """The supervision office of one district's table, by its level: 区督查室 for a district's
    (scope word 全区), 省督查室 for a province's (全省)."""
    return MEETING["district_office"].format(level=scope_word.removeprefix("全") or "区")


def date_zh(day: dt.date) -> str:
    """A date as Chinese documents write it: 2020年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def change_verb(before: float, now: float) -> str:
    """升, 降 or 保持."""
    return (
        TAKEAWAYS["up"]
        if now > before
        else TAKEAWAYS["down"]
        if now < before
        else TAKEAWAYS["same"]
    )
