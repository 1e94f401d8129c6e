"""Traffic lights from a rule set, each with its reasons, and the red list (挂牌督办)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskstats.tidy.schema import STATUSES, TaskTables


@dataclass(frozen=True)
class RuleSet:
    """Traffic-light rules, loaded from TOML (see ``taskstats/rules/``)."""

    name: str
    description: str
    rules: tuple[dict, ...]


LIGHT_LEVELS = {"green": 0, "yellow": 1, "red": 2}
RULE_KINDS = {"overdue", "status", "due_within", "consecutive"}


def traffic_lights(status: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """A light per task (red, yellow, green) from a rule set, each with its reasons.

    Returns:
        One row per district and task: ``light`` and ``reasons`` (the rules that set it,
        in Chinese, joined with "；").
    """
    nodes = _Nodes.of(status)
    level = np.zeros(nodes.tasks, dtype=np.int8)
    fired = []  # per rule: its level and order, the rows it fires on and their reason codes
    texts: list[str] = []
    for order, rule in enumerate(rules.rules):
        rows, reason = _fire(rule, nodes, texts)
        if len(rows):
            fired.append((LIGHT_LEVELS[rule["light"]], order, rows, reason))
            np.maximum.at(level, nodes.task[rows], LIGHT_LEVELS[rule["light"]])
    reasons = np.full(nodes.tasks, "", dtype=object)
    if fired:
        # The reasons are those of the rules at the task's highest level, rule by rule and
        # node by node, each text once.
        rows = np.concatenate([r for _, _, r, _ in fired])
        task = nodes.task[rows]
        lvl = np.concatenate([np.full(len(r), v, np.int8) for v, _, r, _ in fired])
        rule = np.concatenate([np.full(len(r), o) for _, o, r, _ in fired])
        reason = np.concatenate([c for _, _, _, c in fired])
        top = lvl == level[task]
        task, rule, rows, reason = task[top], rule[top], rows[top], reason[top]
        order = np.lexsort((rows, rule, task))
        task, reason = task[order], reason[order]
        once = ~pd.Series(task * (len(texts) + 1) + reason).duplicated().to_numpy()
        task, reason = task[once], reason[once]
        text = np.asarray(texts, dtype=object)[reason].tolist()
        starts = np.flatnonzero(np.r_[True, task[1:] != task[:-1]])
        ends = np.r_[starts[1:], len(task)]
        reasons[task[starts]] = ["；".join(text[a:b]) for a, b in zip(starts, ends, strict=True)]
    names = np.array(list(LIGHT_LEVELS))
    first = nodes.first
    heads = nodes.status[["district", "task_id"]].iloc[first].astype(str)
    return pd.DataFrame(
        {
            "district": heads["district"].to_numpy(),
            "task_id": heads["task_id"].to_numpy(),
            "light": pd.array(names[level], dtype="str"),
            "reasons": pd.array(reasons, dtype="str"),
        }
    )


@dataclass(frozen=True)
class _Nodes:
    """A status frame sorted by district, task and milestone, with an integer code per task."""

    status: pd.DataFrame
    task: np.ndarray
    first: np.ndarray
    tasks: int
    codes: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, status: pd.DataFrame) -> _Nodes:
        keys = [_sort_codes(status[c]) for c in ("district", "task_id", "milestone")]
        if _in_order(keys):  # as milestone_status returns it, mostly: no copy needed
            status = status.reset_index(drop=True)
            d, t = keys[0], keys[1]
        else:
            order = np.lexsort(keys[::-1])
            status = status.iloc[order].reset_index(drop=True)
            d, t = keys[0][order], keys[1][order]
        new = np.r_[True, (d[1:] != d[:-1]) | (t[1:] != t[:-1])] if len(d) else np.zeros(0, bool)
        task = np.cumsum(new) - 1
        codes, names = pd.factorize(status["milestone"])
        names = np.asarray(names).astype(str)
        return cls(status, task, np.flatnonzero(new), int(new.sum()), (codes, names))

    @property
    def milestone(self) -> np.ndarray:
        return self.codes[0]

    @property
    def milestone_names(self) -> np.ndarray:
        return self.codes[1]

    def flag(self, name: str) -> np.ndarray:
        return self.status[name].to_numpy(dtype=bool)

    def eq(self, name: str, value: str) -> np.ndarray:
        return self.status[name].eq(value).to_numpy(dtype=bool)


def _in_order(keys: list[np.ndarray]) -> bool:
    """Whether rows are already sorted by the keys, first key first."""
    if not len(keys[0]):
        return True
    tied = np.ones(len(keys[0]) - 1, dtype=bool)  # rows equal to the one before so far
    for key in keys:
        step = np.diff(key.astype(np.int64))
        if (tied & (step < 0)).any():
            return False
        tied &= step == 0
    return True


def _sort_codes(values: pd.Series) -> np.ndarray:
    """Integers that sort as ``sort_values`` sorts the column."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy()
    return pd.factorize(values, sort=True)[0]


def _texts(texts: list[str], rows: np.ndarray, fmt, *columns: np.ndarray) -> np.ndarray:
    """Reason codes for ``rows``: each distinct combination of ``columns`` formatted once."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame({i: c[rows] for i, c in enumerate(columns)})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame))
    start = len(texts)
    texts.extend(fmt(*u) for u in uniques)
    return codes + start


def _fire(rule: dict, nodes: _Nodes, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rows (of ``nodes.status``) where a rule fires, and a reason code for each."""
    when = rule["when"]
    day = nodes.milestone_names
    if when == "overdue":
        hit = nodes.flag("overdue")
        which = rule.get("nodes", "any")
        if which == "quarter_end":
            hit = hit & nodes.flag("quarter_end")
        elif which == "month_end":
            hit = hit & ~nodes.flag("quarter_end")
        rows = np.flatnonzero(hit)
        return rows, _texts(texts, rows, lambda m: f"节点{day[m]}逾期未完成", nodes.milestone)
    if when == "status":
        wanted = rule.get("status", "滞后")
        hit = (nodes.flag("due") | nodes.flag("reported")) & nodes.eq(
            "status", STATUSES.get(wanted, wanted)
        )
        rows = np.flatnonzero(hit)
        return rows, _texts(texts, rows, lambda m: f"节点{day[m]}报告{wanted}", nodes.milestone)
    if when == "due_within":
        days = int(rule.get("days", 15))
        left = nodes.status["days_left"].to_numpy().astype(np.int64)
        hit = ~nodes.flag("due") & (left <= days) & ~nodes.eq("status", "done")
        rows = np.flatnonzero(hit)
        return rows, _texts(
            texts,
            rows,
            lambda m, n: f"节点{day[m]}将于{n}天内到期，尚未完成",
            nodes.milestone,
            left,
        )
    if when == "consecutive":
        # The run of missed nodes that ends each task's due nodes.
        count = int(rule.get("count", 2))
        due = np.flatnonzero(nodes.flag("due"))
        task = nodes.task[due]
        missed = nodes.flag("overdue")[due]
        bounds = np.r_[0, np.flatnonzero(task[1:] != task[:-1]) + 1, len(task)]
        starts = bounds[:-1] if len(task) else bounds[:0]
        position = np.arange(len(task)) - np.repeat(starts, np.diff(bounds) if len(task) else 0)
        last_ok = np.full(nodes.tasks, -1, dtype=np.int64)
        np.maximum.at(last_ok, task[~missed], position[~missed])
        run = np.zeros(len(nodes.task), dtype=np.int64)
        run[due] = position - last_ok[task]
        last = np.zeros(len(nodes.task), dtype=bool)
        last[due[bounds[1:] - 1] if len(task) else due] = True
        rows = np.flatnonzero(last & (run >= count))
        return rows, _texts(texts, rows, lambda n: f"连续{n}个节点未完成", run)
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def red_list(tables: TaskTables, lights: pd.DataFrame) -> pd.DataFrame:
    """The red-light tasks (挂牌督办), with text, lead units, leaders and reasons."""
    red = lights[lights["light"] == "red"]
    tasks = tables.tasks[["district", "task_id", "seq", "text", "source"]]
    units = (
        tables.task_units[tables.task_units["role"] == "lead"]
        .groupby(["district", "task_id"])["unit"]
        .agg("、".join)
        .rename("lead_units")
    )
    leaders = (
        tables.task_leaders.groupby(["district", "task_id"])["leader"]
        .agg("、".join)
        .rename("leaders")
    )
    out = red.merge(tasks, on=["district", "task_id"], how="left")
    out = out.join(units, on=["district", "task_id"]).join(leaders, on=["district", "task_id"])
    out = out.fillna({"lead_units": "", "leaders": ""}).sort_values(["district", "seq"])
    return out[
        ["district", "task_id", "text", "lead_units", "leaders", "source", "reasons"]
    ].reset_index(drop=True)


# --- simulated ledgers -----------------------------------------------------------------------
