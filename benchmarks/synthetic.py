"""Synthetic districts in the seeds' shapes, for measuring taskstats at province scale.

Two outputs: raw files with manifests (the three text layouts of the seeds, for ingest and for
rendering the comparison of many districts), and tidy tables built directly (for the metrics at
10× scale, where parsing a thousand files is not what is being measured).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from taskstats.progress import demo_ledger
from taskstats.tidy import (
    LEADER_COLUMNS,
    QUALITY_COLUMNS,
    TASK_COLUMNS,
    UNIT_COLUMNS,
    TaskTables,
)

BUREAUS = [
    "发改局",
    "财政局",
    "工信局",
    "商务局",
    "科技局",
    "教育局",
    "民政局",
    "人社局",
    "住建局",
    "城管局",
    "交通运输局",
    "农业农村局",
    "文旅局",
    "卫健局",
    "应急局",
    "市场监管局",
    "统计局",
    "司法局",
    "自然资源局",
    "生态环境分局",
    "金融监管局",
    "行政审批局",
    "信访局",
    "医保局",
]
COLLECTIVES = ["各街道", "各相关单位", "区直各有关单位", "各镇街"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲峰斌"
SECTIONS = ["一、经济发展", "二、改革开放", "三、城市建设", "四、民生保障", "五、自身建设"]
TEXTS = [
    "地区生产总值增长{n}%。",
    "新建{n}个社区养老服务中心。",
    "推进重点项目建设，完成投资{n}亿元。",
    "深化“放管服”改革，优化营商环境。",
    "完成{n}个老旧小区改造。",
    "抓好安全生产专项整治。",
    "新增城镇就业{n}人。",
    "加快建设{n}所学校。",
    "推进垃圾分类全覆盖。",
    "培育高新技术企业{n}家。",
]


def _district(rng: np.random.Generator, k: int, tasks: int) -> dict:
    leaders = [
        SURNAMES[rng.integers(len(SURNAMES))]
        + "".join(GIVEN[i] for i in rng.integers(len(GIVEN), size=rng.integers(1, 3)))
        for _ in range(rng.integers(6, 16))
    ]
    leaders = list(dict.fromkeys(leaders))
    bureaus = [f"区{b}" for b in rng.choice(BUREAUS, size=18, replace=False)]
    rows = []
    for i in range(1, tasks + 1):
        n_lead = 1 + (rng.random() < 0.2) + (rng.random() < 0.05)
        lead = list(rng.choice(bureaus, size=n_lead, replace=False))
        support = list(rng.choice(bureaus, size=rng.integers(0, 3), replace=False))
        support = [s for s in support if s not in lead]
        if rng.random() < 0.4:
            support.append(COLLECTIVES[rng.integers(len(COLLECTIVES))])
        who = list(rng.choice(leaders, size=1 + (rng.random() < 0.25), replace=False))
        text = TEXTS[rng.integers(len(TEXTS))].format(n=int(rng.integers(2, 90)))
        source = ["省任务", "市任务", "自增任务", ""][rng.integers(4)]
        rows.append(
            {
                "n": i,
                "section": SECTIONS[min(4, (i - 1) * 5 // tasks)],
                "text": text,
                "lead": lead,
                "support": support,
                "leaders": who,
                "source": source,
            }
        )
    return {"slug": f"synthetic-{k:04d}", "name": f"合成{k:04d}区", "rows": rows}


def write_raw(folder: str | Path, districts: int, tasks: int = 250, seed: int = 1) -> Path:
    """Write ``districts`` raw tables (cycling the seeds' three text layouts) with manifests."""
    rng = np.random.default_rng(seed)
    root = Path(folder)
    for k in range(districts):
        d = _district(rng, k, tasks)
        layout = ("cells", "delimited", "inline")[k % 3]
        folder_k = root / d["slug"]
        folder_k.mkdir(parents=True, exist_ok=True)
        (folder_k / "table.txt").write_text(_render(d, layout), encoding="utf-8")
        (folder_k / "manifest.toml").write_text(
            f'slug = "{d["slug"]}"\nname = "{d["name"]}"\nyear = 2020\nraw_file = "table.txt"\n'
            '[schedule]\nkind = "monthly"\nstart = "2020-01"\nend = "2020-12"\n',
            encoding="utf-8",
        )
    return root


def _render(d: dict, layout: str) -> str:
    lines: list[str] = []
    section = None
    if layout == "cells":
        lines += ["\t序号", "\t目标任务", "\t牵头单位", "\t责任单位", "\t负责领导", "\t备注", ""]
        for r in d["rows"]:
            if r["section"] != section:
                section = r["section"]
                lines += [f"\t{section}", ""]
            lines += [
                f"\t{r['n']}",
                f"\t{r['text']}",
                "\t" + "\n".join(r["lead"]),
                "\t" + "、".join(r["support"]),
                "\t" + "\n".join(r["leaders"]),
                f"\t{r['source']}",
                "",
            ]
    elif layout == "delimited":
        lines.append("序号\t内容\t分管领导\t责任单位")
        for r in d["rows"]:
            if r["section"] != section:
                section = r["section"]
                lines.append(f"{section}\t\t\t")
            units = "、".join(r["lead"]) + (
                "牵头，" + "、".join(r["support"]) + "配合" if r["support"] else ""
            )
            lines.append(f"{r['n']}\t{r['text']}\t{' '.join(r['leaders'])}\t{units}")
    else:
        for r in d["rows"]:
            if r["section"] != section:
                section = r["section"]
                lines.append(section)
            units = (
                "、".join(r["lead"])
                + "主办"
                + (",{}协办".format("、".join(r["support"])) if r["support"] else "")
            )
            lines.append(f"{r['n']}.{r['text']}({units})")
    return "\n".join(lines) + "\n"


def tables(districts: int, tasks: int = 250, seed: int = 1) -> TaskTables:
    """Tidy tables of synthetic districts, built directly (no parsing)."""
    rng = np.random.default_rng(seed)
    t_rows, u_rows, l_rows = [], [], []
    sources = {"省任务": "province", "市任务": "city", "自增任务": "self", "": "unknown"}
    for k in range(districts):
        d = _district(rng, k, tasks)
        for r in d["rows"]:
            tid = str(r["n"])
            t_rows.append(
                (
                    d["slug"],
                    tid,
                    r["n"],
                    r["section"],
                    "",
                    r["text"],
                    sources[r["source"]],
                    r["source"],
                    "",  # deadline_raw
                    "",  # due_date
                    False,  # ongoing
                    "%" in r["text"] or "个" in r["text"],
                    False,
                    "table.txt",
                    r["n"],
                )
            )
            for u in r["lead"]:
                u_rows.append((d["slug"], tid, u, u, "", "lead", False))
            for u in r["support"]:
                u_rows.append((d["slug"], tid, u, u, "", "support", u in COLLECTIVES))
            for p in r["leaders"]:
                l_rows.append((d["slug"], tid, p, p, False))
    return TaskTables(
        pd.DataFrame(t_rows, columns=TASK_COLUMNS),
        pd.DataFrame(u_rows, columns=UNIT_COLUMNS),
        pd.DataFrame(l_rows, columns=LEADER_COLUMNS),
        pd.DataFrame(columns=QUALITY_COLUMNS),
    )


def monthly_schedules(t: TaskTables, year: int = 2020) -> dict[str, list[dt.date]]:
    ends = [(pd.Timestamp(year, m, 1) + pd.offsets.MonthEnd(0)).date() for m in range(1, 13)]
    return {d: ends for d in t.tasks["district"].unique()}


def ledger(t: TaskTables, seed: int = 7) -> pd.DataFrame:
    """A monthly progress history: about one report per task and month."""
    return demo_ledger(t, monthly_schedules(t), seed=seed)
