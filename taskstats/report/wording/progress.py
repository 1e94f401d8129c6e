"""Words of the progress cycle: light reasons, ledger sources, periods, import notices."""

from __future__ import annotations

import datetime as dt

# A light's reason codes (``kind:node[:figure]``, from ``traffic_lights``) as text.
REASONS = {
    "zh": {
        "overdue": "超过完成时限{node}未完成",
        "behind": "节点{node}报告滞后",
        "behind_run": "连续{n}次报告滞后（最近节点{node}）",
        "not_reported": "节点{node}未报送",
        "not_reported_run": "连续{n}个节点未报送（最近节点{node}）",
        "due_within": "完成时限{node}将于{n}天内到期，尚未完成",
        "status": "节点{node}报告{word}",
    },
    "en": {
        "overdue": "past its deadline {node} and not done",
        "behind": "reported behind at {node}",
        "behind_run": "reported behind {n} times in a row (latest {node})",
        "not_reported": "not reported at {node}",
        "not_reported_run": "not reported at {n} nodes in a row (latest {node})",
        "due_within": "deadline {node} within {n} days, not done",
        "status": "reported {word} at {node}",
    },
}
STATUS_WORDS = {
    "zh": {
        "done": "已完成",
        "on_track": "序时推进",
        "behind": "滞后",
        "not_started": "未启动",
        "not_reported": "未报送",
    },
    "en": {
        "done": "done",
        "on_track": "on schedule",
        "behind": "behind",
        "not_started": "not started",
        "not_reported": "not reported",
    },
}
LEDGER_SOURCE = {
    "zh": {"real": "真实进度数据", "simulated": "模拟数据", "none": "无进度数据（均为未报送）"},
    "en": {
        "real": "real progress reports",
        "simulated": "simulated data",
        "none": "no progress reports (every due node not reported)",
    },
}
PERIODS = {
    "zh": "截至{as_of}，上期{previous}",
    "en": "as of {as_of}, previous period {previous}",
}
NO_PREVIOUS = {"zh": "无", "en": "none"}
PREVIOUS_LABEL = {"zh": "上期", "en": "Previous period"}
IMPORT_OLDER = {
    "zh": "{n}行早于已有报告（按填报日期）：保留在历史记录中，不计入统计。",
    "en": "{n} rows older than reports already held: kept in the history, not used.",
}


def reason_text(codes: str, lang: str = "zh") -> str:
    """A light's reason codes as one text ("；" or "; " between reasons)."""
    words = REASONS[lang]
    out = []
    for code in filter(None, str(codes).split(";")):
        kind, _, rest = code.partition(":")
        node, _, figure = rest.partition(":")
        n = int(figure) if figure.isdigit() else 1
        if kind in ("behind", "not_reported") and n > 1:
            out.append(words[f"{kind}_run"].format(node=node, n=n))
        elif kind in words and kind != "status":
            out.append(words[kind].format(node=node, n=n))
        else:
            word = STATUS_WORDS[lang].get(kind, kind)
            out.append(words["status"].format(node=node, word=word))
    return ("；" if lang == "zh" else "; ").join(out)


def previous_text(previous: dt.date | None, lang: str = "zh") -> str:
    """The previous period's date, or 无 when there is none."""
    return previous.isoformat() if previous else NO_PREVIOUS[lang]


def periods_text(as_of: dt.date, previous: dt.date | None, lang: str = "zh") -> str:
    """Both dates a page names: the as-of date and the previous period's."""
    return PERIODS[lang].format(as_of=as_of.isoformat(), previous=previous_text(previous, lang))
