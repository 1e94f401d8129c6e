"""What the deck and the bulletin say in words: headline figures, one takeaway sentence per
chart and the change since the previous period, every figure taken from the measures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from taskstats.progress.snapshot import turned
from taskstats.report.comparison import ComparisonReport
from taskstats.report.views import DistrictReport
from taskstats.report.wording import (
    COMPLETION_GROUPS,
    LABELS,
    SOURCE_NAMES,
    TAKEAWAYS,
    TEXT,
    change_verb,
    pct,
)


def headline_figures(report: DistrictReport) -> list[tuple[str, str]]:
    """The six headline figures of a district as the page's cards show them
    (:meth:`DistrictReport.headline_cards`), as (label, value) pairs, a progress figure's
    label marked （模拟） when the data are simulated."""
    return [(label + mark, value) for label, value, mark in report.headline_cards()]


def _first(frame: pd.DataFrame, column: str, *, largest: bool = True) -> pd.DataFrame:
    """The rows holding the largest (or smallest) value of ``column``: the leaders of a tie."""
    if frame.empty:
        return frame
    best = frame[column].max() if largest else frame[column].min()
    return frame[frame[column] == best]


def district_takeaways(report: DistrictReport) -> dict[str, str]:
    """One sentence per district chart (keys as in :func:`district_figures`)."""
    out = {}
    named = report.workload[~report.workload["collective"]]
    top = _first(named, "tasks")
    if top.empty:
        out["leader_load"] = TEXT["zh"]["no_leaders"]
    else:
        key = "leader_load" if len(top) == 1 else "leader_load_tie"
        out["leader_load"] = TAKEAWAYS[key].format(
            who="、".join(top["leader"]),
            tasks=int(top["tasks"].iloc[0]),
            share=pct(top["share"].iloc[0]),
            scope=report.read.manifest.scope_word,
        )
    units = _first(report.units[~report.units["collective"]], "led")
    key = "lead_units" if len(units) == 1 else "lead_units_tie"
    out["lead_units"] = TAKEAWAYS[key].format(
        who="、".join(units["unit"]), led=int(units["led"].iloc[0]) if len(units) else 0
    )
    mix = report.mix.sort_values("tasks", ascending=False, kind="stable").iloc[0]
    out["source_mix"] = TAKEAWAYS["source_mix"].format(
        what=SOURCE_NAMES[str(mix["source"])], tasks=int(mix["tasks"]), share=pct(mix["share"])
    )
    for key, group in COMPLETION_GROUPS.items():
        rates = report.rates[key]
        low = _first(rates[rates["due"] > 0], "completion_rate", largest=False)
        if low.empty:
            out[f"completion_by_{key}"] = TAKEAWAYS["completion_none"]
            continue
        low = low.sort_values("due", ascending=False, kind="stable").iloc[0]
        who = SOURCE_NAMES.get(str(low[key]), str(low[key])) if key == "source" else low[key]
        out[f"completion_by_{key}"] = TAKEAWAYS["completion_low"].format(
            what=group,
            who=who,
            rate=pct(low["completion_rate"]),
            done=int(low["done"]),
            due=int(low["due"]),
        )
    out["lights"] = lights_sentence(report.lights)
    out["trend"] = trend_sentence(report.trend, report.as_of)
    return out


def lights_sentence(lights: pd.DataFrame) -> str:
    """``红灯…项、黄灯…项、绿灯…项，红灯占…``."""
    counts = lights["light"].value_counts()
    n = {c: int(counts.get(c, 0)) for c in ("red", "yellow", "green")}
    return TAKEAWAYS["lights"].format(
        **n, share=pct(n["red"] / len(lights) if len(lights) else float("nan"))
    )


def trend_sentence(trend: pd.DataFrame, as_of: dt.date) -> str:
    """The completion rate at the first milestone and at the last one by ``as_of``."""
    if trend.empty or "as_of" not in trend.columns:  # no node yet, no point to compare
        return TAKEAWAYS["completion_none"]
    known = trend[(trend["as_of"].astype(str) <= as_of.isoformat()) & (trend["due"] > 0)]
    if known.empty:
        return TAKEAWAYS["completion_none"]
    first, last = known.iloc[0], known.iloc[-1]
    a, b = first["completion_rate"], last["completion_rate"]
    key = "trend_up" if b > a else "trend_down" if b < a else "trend_flat"
    return TAKEAWAYS[key].format(
        first=str(first["as_of"]), last=str(last["as_of"]), a=pct(a), b=pct(b)
    )


def comparison_takeaways(report: ComparisonReport) -> dict[str, str]:
    """One sentence per comparison chart."""
    names = report.names
    red = report.lights[report.lights["light"] == "red"].groupby("district").size()
    red = red.reindex(list(names), fill_value=0)
    worst = red.idxmax()
    rates = report.rates.dropna(subset=["completion_rate"])
    best = rates.sort_values("completion_rate", ascending=False, kind="stable").iloc[0]
    mix = report.mix[report.mix["source"] == "self"]
    own = mix.sort_values("share", ascending=False, kind="stable").iloc[0]
    named = report.workload[~report.workload["collective"]]
    busiest = named.sort_values("tasks", ascending=False, kind="stable").iloc[0]
    quant = report.indicators.sort_values("quantified_share", ascending=False).iloc[0]
    return {
        "compare_lights": TAKEAWAYS["compare_lights"].format(who=names[worst], red=int(red[worst])),
        "compare_trend": TAKEAWAYS["compare_trend"].format(
            who=names[str(best["district"])], rate=pct(best["completion_rate"])
        ),
        "compare_source_mix": TAKEAWAYS["compare_source_mix"].format(
            who=names[str(own["district"])], share=pct(own["share"])
        ),
        "compare_leaders": TAKEAWAYS["compare_leaders"].format(
            who=names[str(busiest["district"])],
            leader=busiest["leader"],
            tasks=int(busiest["tasks"]),
        ),
        "compare_measurability": TAKEAWAYS["compare_measurability"].format(
            who=names[str(quant["district"])], share=pct(quant["quantified_share"])
        ),
    }


# --- the previous period ------------------------------------------------------------------------


@dataclass
class PeriodChange:
    """A district's figures now and at the previous reporting date.

    Attributes:
        before: The previous reporting date (the last milestone before the as-of date).
        now: The as-of date.
        rates_before, rates_now: ``completion_rates`` for the district at each date.
        turned_red: Tasks red now and not red before (``district``, ``task_id``).
        turned_green: Tasks green now and red or yellow before.
        red_before, red_now: Red tasks at each date.
    """

    before: dt.date
    now: dt.date
    rates_before: pd.DataFrame
    rates_now: pd.DataFrame
    turned_red: pd.DataFrame
    turned_green: pd.DataFrame
    red_before: int
    red_now: int

    def sentences(self) -> tuple[str, str]:
        """The change in rates and in lights, as two sentences."""
        a, b = self.rates_before.iloc[0], self.rates_now.iloc[0]
        return (
            TAKEAWAYS["change_rate"].format(
                a=pct(a["completion_rate"]),
                b=pct(b["completion_rate"]),
                verb=change_verb(a["completion_rate"], b["completion_rate"]),
                delta=f"{(b['completion_rate'] - a['completion_rate']) * 100:+.1f}",
                c=pct(a["on_time_rate"]),
                d=pct(b["on_time_rate"]),
                verb2=change_verb(a["on_time_rate"], b["on_time_rate"]),
            ),
            TAKEAWAYS["change_lights"].format(
                red=len(self.turned_red),
                green=len(self.turned_green),
                before=self.red_before,
                now=self.red_now,
            ),
        )


def previous_period(report: DistrictReport) -> PeriodChange | None:
    """The change since the previous period (the reporting node before the as-of node), from
    the report's progress snapshot; None when there is no previous node or nothing was
    reported by then."""
    snap = report.snapshot
    if snap is None or snap.rates_before.empty or snap.ledger.empty:
        return None
    day = snap.previous[report.read.manifest.slug]
    if day is None or not (snap.ledger["reported_on"].astype(str) <= day.isoformat()).any():
        return None
    turned_red, turned_green = turned(report.lights, snap.lights_before)
    return PeriodChange(
        before=day,
        now=report.as_of,
        rates_before=snap.rates_before,
        rates_now=report.rates["district"],
        turned_red=turned_red,
        turned_green=turned_green,
        red_before=int((snap.lights_before["light"] == "red").sum()),
        red_now=len(report.red),
    )


def light_label(light: str) -> str:
    """红灯, 黄灯 or 绿灯."""
    return LABELS["zh"][light]
