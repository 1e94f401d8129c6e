"""Traffic lights from a rule set, each with its reasons, and the red list (挂牌督办)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskstats.measures.nodes import joined_lead_units
from taskstats.tidy.schema import STATUSES, TaskTables


@dataclass(frozen=True)
class RuleSet:
    """Traffic-light rules, loaded from TOML (see ``taskstats/rules/``)."""

    name: str
    description: str
    rules: tuple[dict, ...]
    description_en: str = ""  # for English reports; the description when empty


LIGHT_LEVELS = {"green": 0, "yellow": 1, "red": 2}
# What a rule can look at (each one reads the task's current state, as of the as-of date):
# overdue: past the task's own deadline without 已完成 (ongoing tasks never);
# behind: the task's latest report says 滞后 (``count``: that many reported nodes in a row);
# not_reported: 未报送 at the latest due node (``count``: that many due nodes in a row);
# due_within: the task's own deadline falls within ``days`` days (inclusive), not done;
# status: the task's latest report is ``status`` (a word a unit writes).
RULE_KINDS = {"overdue", "behind", "not_reported", "due_within", "status"}
# Reason codes: ``kind:node`` or ``kind:node:figure`` (a run length or days left), joined with
# ";"; the wording package turns them into text (``reason_text``).
REASON_SEP = ";"


def traffic_lights(status: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """A light per task (red, yellow, green) from a rule set, each with its reasons.

    Returns:
        One row per district and task: ``light`` and ``reasons``, the codes of the rules that
        set it (``overdue:2020-06-30``, ``not_reported:2020-11-30:2``…, joined with ";"), for
        :func:`taskstats.report.wording.reason_text` to word.
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
        # node by node, each code once.
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
        reasons[task[starts]] = [
            REASON_SEP.join(text[a:b]) for a, b in zip(starts, ends, strict=True)
        ]
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


def _last(nodes: _Nodes, mask: np.ndarray) -> np.ndarray:
    """Per task, its last row (nodes run by date) where ``mask`` holds; -1 where none."""
    last = np.full(nodes.tasks, -1, dtype=np.int64)
    where = np.flatnonzero(mask)
    np.maximum.at(last, nodes.task[where], where)
    return last


def _run(nodes: _Nodes, pool: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """Per task, how many of its last ``pool`` rows in a row are ``hit`` rows."""
    rows = np.flatnonzero(pool)
    task = nodes.task[rows]
    count = np.bincount(task, minlength=nodes.tasks)
    starts = np.cumsum(count) - count
    position = np.arange(len(rows)) - starts[task]
    last_miss = np.full(nodes.tasks, -1, dtype=np.int64)
    miss = ~hit[rows]
    np.maximum.at(last_miss, task[miss], position[miss])
    return count - 1 - last_miss


def _fire(rule: dict, nodes: _Nodes, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rows (of ``nodes.status``) where a rule fires, and a reason code for each."""
    when = rule["when"]
    day = nodes.milestone_names
    due = nodes.flag("due")
    latest_due = _last(nodes, due)
    have = latest_due >= 0
    if when == "overdue":
        rows = latest_due[have]
        rows = rows[nodes.flag("overdue")[rows]]
        deadline = _last(nodes, nodes.flag("deadline") & due)
        return rows, _texts(
            texts, rows, lambda m: f"overdue:{day[m]}", nodes.milestone[deadline[nodes.task]]
        )
    if when in ("behind", "status"):
        code = "behind" if when == "behind" else STATUSES.get(rule["status"], rule["status"])
        reported = nodes.flag("reported")
        latest = _last(nodes, reported)
        rows = latest[latest >= 0]
        hit = nodes.eq("status", code)
        rows = rows[hit[rows]]
        count = int(rule.get("count", 1))
        run = _run(nodes, reported, hit)
        rows = rows[run[nodes.task[rows]] >= count]
        return rows, _texts(
            texts, rows, lambda m, n: f"{code}:{day[m]}:{n}", nodes.milestone, _spread(nodes, run)
        )
    if when == "not_reported":
        count = int(rule.get("count", 1))
        hit = nodes.eq("status", "not_reported")
        rows = latest_due[have]
        rows = rows[hit[rows]]
        run = _run(nodes, due, hit)
        rows = rows[run[nodes.task[rows]] >= count]
        runs = _spread(nodes, run)
        return rows, _texts(
            texts, rows, lambda m, n: f"not_reported:{day[m]}:{n}", nodes.milestone, runs
        )
    if when == "due_within":
        # The task's own deadline node, not yet due, not reported 已完成 (an early report
        # of 已完成 at the deadline node counts).
        days = int(rule.get("days", 15))
        left = nodes.status["days_left"].to_numpy().astype(np.int64)
        hit = nodes.flag("deadline") & ~due & (left <= days) & ~nodes.eq("status", "done")
        rows = np.flatnonzero(hit)
        return rows, _texts(
            texts, rows, lambda m, n: f"due_within:{day[m]}:{n}", nodes.milestone, left
        )
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def _spread(nodes: _Nodes, per_task: np.ndarray) -> np.ndarray:
    """A per-task figure on every row of the task."""
    return per_task[nodes.task]


def red_list(
    tables: TaskTables, lights: pd.DataFrame, *, people: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The red-light tasks (挂牌督办), with text, lead units, leaders and reason codes.

    Args:
        people: :func:`task_people` of ``tables``, when the caller has it already (None:
            worked out here).
    """
    red = lights[lights["light"] == "red"]
    if people is None:
        people = task_people(tables)
    out = red.merge(people, on=["district", "task_id"], how="left")
    out = out.fillna({"lead_units": "", "leaders": ""}).sort_values(["district", "seq"])
    return out[
        ["district", "task_id", "text", "lead_units", "leaders", "source", "reasons"]
    ].reset_index(drop=True)


def task_people(tables: TaskTables) -> pd.DataFrame:
    """Each task as red lists name it: district, task_id, seq, text, source, lead_units (every
    lead unit, collectives included, joined with "、") and leaders (likewise); in table order.
    Worked out once, it names the tasks of several lists (:func:`red_list`, the period tables).
    """
    key = ["district", "task_id"]
    leaders = tables.task_leaders.groupby(key)["leader"].agg("、".join).rename("leaders")
    out = tables.tasks[[*key, "seq", "text", "source"]]
    out = out.join(joined_lead_units(tables), on=key).join(leaders, on=key)
    return out.fillna({"lead_units": "", "leaders": ""})
