"""Unit ranking (位次排名) from a scoring rule set, each score explained by its parts, and the
红黄榜 (the top and bottom units)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskstats.measures.nodes import lead_units
from taskstats.measures.rates import completion_rates
from taskstats.tidy.schema import TaskTables

# What a part of a score can weigh: a rate over the unit's due nodes (0 to 1) or a count.
RANKING_MEASURES = {
    "completion_rate": "done / due nodes of the tasks the unit leads",
    "on_time_rate": "done by the milestone / due nodes",
    "red": "red-light tasks the unit leads",
    "yellow": "yellow-light tasks the unit leads",
    "missing_reports": "due nodes not reported (未报送)",
    "done_late": "due nodes done after the milestone",
}


@dataclass(frozen=True)
class RankingRules:
    """A scoring rule set, loaded from TOML (see ``taskstats/rules/ranking_*.toml``).

    Attributes:
        name: The rule set's name.
        description: One sentence for readers (Chinese); ``description_en`` the same in
            English (for English reports; the Chinese one when empty).
        parts: ``(measure, weight)`` pairs; a unit's score is the sum of weight × measure.
        min_due: Units with fewer due nodes are listed apart, not ranked.
        board: How many units the 红黄榜 shows at the top and at the bottom.
        decimals: Scores are rounded to this many decimals before ranking (equal scores tie).
    """

    name: str
    description: str
    parts: tuple[tuple[str, float], ...]
    min_due: int = 3
    board: int = 3
    decimals: int = 2
    description_en: str = ""


def unit_ranking(
    tables: TaskTables, status: pd.DataFrame, lights: pd.DataFrame, rules: RankingRules
) -> pd.DataFrame:
    """Rank the named lead units of each district by a weighted score.

    A unit's measures count the tasks it leads (collective placeholders are never ranked).
    Each part of the score is ``weight × measure``; the score is their sum, rounded to
    ``rules.decimals``. Units with fewer than ``rules.min_due`` due nodes are listed apart
    (``ranked`` false, no rank). Equal scores share the best rank of the tie (1, 2, 2, 4).
    Does not change its inputs.

    Args:
        tables: The tidy tables.
        status: :func:`milestone_status` output.
        lights: :func:`traffic_lights` output.
        rules: A :class:`RankingRules` (see ``taskstats.progress.load_ranking_rules``).

    Returns:
        One row per district and unit: ``due``, ``done`` and each measure, ``part_<measure>``
        per part of the score, ``score``, ``ranked`` and ``rank`` (nullable integer); ranked
        units first, best first, then those listed apart.
    """
    rates = completion_rates(tables, status, by="unit")
    lead = lead_units(tables)
    per_task = _node_counts(status)
    counts = lead.merge(per_task, on=["district", "task_id"], how="left").fillna(0)
    counts = counts.groupby(["district", "unit"])[["missing_reports", "done_late"]].sum()
    light = lights[["district", "task_id", "light"]].astype(str)
    lit = lead.merge(light, on=["district", "task_id"], how="inner")
    by_light = pd.crosstab([lit["district"], lit["unit"]], lit["light"])
    by_light = by_light.reindex(columns=["red", "yellow"], fill_value=0)
    out = rates[["district", "unit", "due", "done", "completion_rate", "on_time_rate"]]
    out = out.join(by_light, on=["district", "unit"]).join(counts, on=["district", "unit"])
    out = out.fillna({"red": 0, "yellow": 0, "missing_reports": 0, "done_late": 0})
    out = out.astype({c: "int64" for c in ("red", "yellow", "missing_reports", "done_late")})
    score = pd.Series(0.0, index=out.index)
    for measure, weight in rules.parts:
        part = (weight * out[measure].astype("float64")).round(rules.decimals + 2)
        out[f"part_{measure}"] = part
        score = score + part
    out["score"] = score.round(rules.decimals)
    out["ranked"] = (out["due"] >= rules.min_due) & out["score"].notna()
    rank = (
        out["score"]
        .where(out["ranked"])
        .groupby(out["district"])
        .rank(method="min", ascending=False)
    )
    out["rank"] = rank.astype("Int64")
    out = out.sort_values(
        ["district", "ranked", "rank", "unit"], ascending=[True, False, True, True], kind="stable"
    )
    return out.reset_index(drop=True)


def ranking_board(ranking: pd.DataFrame, size: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 红黄榜: the ``size`` best and worst ranked units (ties at the edge included).

    Args:
        ranking: :func:`unit_ranking` output (one district).
        size: How many places each list shows.

    Returns:
        ``(top, bottom)``: the units ranked 1 to ``size``, and the ``size`` last by position
        (a tie at the edge kept together; worst first), never a unit on both lists.
    """
    ranked = ranking[ranking["ranked"]]
    top = ranked[ranked["rank"] <= size]
    # Places counted from the bottom, a tie sharing its best place: competition ranks
    # 1, 2, 3, 4, 5, 6, 6 are 7, 6, 5, 4, 3, 1, 1 from the bottom, so size 3 keeps the last three.
    from_bottom = ranked["rank"].astype("float64").rank(method="min", ascending=False)
    bottom = ranked[(from_bottom <= size) & ~ranked.index.isin(top.index)]
    return top.reset_index(drop=True), bottom.iloc[::-1].reset_index(drop=True)


def _node_counts(status: pd.DataFrame) -> pd.DataFrame:
    """Per task: due nodes without a report, and due nodes done after the milestone."""
    due = status["due"].to_numpy(dtype=bool)
    done = (status["status"].astype(str) == "done").to_numpy()
    frame = pd.DataFrame(
        {
            "district": status["district"].astype(str).to_numpy(),
            "task_id": status["task_id"].astype(str).to_numpy(),
            "missing_reports": (due & ~status["reported"].to_numpy(dtype=bool)).astype(np.int64),
            "done_late": (due & done & ~status["on_time"].to_numpy(dtype=bool)).astype(np.int64),
        }
    )
    return frame.groupby(["district", "task_id"], as_index=False).sum()
