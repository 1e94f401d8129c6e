"""How a rank reads: equal values share a rank (并列, competition ranking 1, 2, 2, 4), marked as
such in every table, with one line under each ranked table saying the rule."""

from __future__ import annotations

# What a ranked table is ranked by, and in which direction, by the column its ranks come from.
RANKED_BY = {
    "zh": {
        "tasks": ("任务数", "从多到少"),
        "led": ("牵头任务数", "从多到少"),
        "score": ("得分", "从高到低"),
    },
    "en": {
        "tasks": ("tasks", "most first"),
        "led": ("tasks led", "most first"),
        "score": ("score", "highest first"),
    },
}
RANK_RULE = {
    "zh": "排名规则：按{what}{order}排列，{what}相同者并列，名次相同，"
    "其后名次顺延（如1、2、2、4）。",
    "en": "Ranking rule: by {what}, {order}; equal {what} share a rank, and the ranks after a tie "
    "are skipped (1, 2, 2, 4).",
}
# The ranked units' table (the district report's 位次排名 and the bulletin's).
RANKING_COLUMNS = {
    "zh": [
        "位次",
        "牵头单位",
        "到期节点",
        "完成率",
        "按时完成率",
        "红灯",
        "黄灯",
        "未报送",
        "得分",
    ],
    "en": [
        "Rank",
        "Lead unit",
        "Due nodes",
        "Completion",
        "On time",
        "Red",
        "Yellow",
        "Not reported",
        "Score",
    ],
}
TIED = {"zh": "{rank}（并列）", "en": "{rank} (tied)"}
# The columns a rank is counted within, when a table has them (a district, a source, a section).
RANK_GROUPS = ("district", "source", "section")


def rank_rule(column: str, lang: str = "zh") -> str:
    """The one line under a ranked table: what it is ranked by, and that ties share a rank.

    Args:
        column: What the ranks come from: ``tasks`` (leaders), ``led`` (units), ``score``.
        lang: ``zh`` or ``en``.
    """
    what, order = RANKED_BY[lang][column]
    return RANK_RULE[lang].format(what=what, order=order)


def rank_labels(df, lang: str = "zh", column: str = "rank") -> list[str]:
    """Each row's rank as a table shows it: ``2（并列）`` when another row of the same group
    (district, and source or section when the table has them) has the same rank, the number
    otherwise, "—" for a row not ranked.

    >>> import pandas as pd
    >>> rank_labels(pd.DataFrame({"district": ["a"] * 4, "rank": [1, 2, 2, 4]}))
    ['1', '2（并列）', '2（并列）', '4']
    """
    import pandas as pd

    rank = df[column]
    keys = [c for c in RANK_GROUPS if c in df.columns]
    frame = df[keys].astype(str).assign(_rank=rank.astype("Int64"))
    tied = frame.duplicated(keep=False) & rank.notna()
    return [
        "—" if pd.isna(r) else TIED[lang].format(rank=int(r)) if t else str(int(r))
        for r, t in zip(rank.tolist(), tied.tolist(), strict=True)
    ]
