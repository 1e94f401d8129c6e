"""Charts for reports and meeting slides, with Chinese labels that render on a fresh machine.

Chart functions take the metric tables (never files) and return a matplotlib Figure; saving is
done by the report and export code. :func:`set_style` must run before drawing: it applies the
seaborn theme and then registers a CJK font (seaborn's ``set_theme`` resets fonts, so the order
matters).
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from taskstats.errors import ReportError
from taskstats.measures import lead_unit_workload
from taskstats.report.layout import MarginLayout, fix_layout
from taskstats.report.style import (
    CJK_FAMILIES,
    FIGURE,
    REPORT_SIZE,
    SLIDE_SIZE,
    find_cjk_font,
    glyphs_checked,
    save_figure,
    set_style,
)
from taskstats.report.views import completion_order
from taskstats.report.wording import LABELS

__all__ = [
    "CJK_FAMILIES",
    "LIGHT_COLORS",
    "REPORT_SIZE",
    "SLIDE_SIZE",
    "SOURCE_COLORS",
    "completion_chart",
    "completion_panels",
    "find_cjk_font",
    "glyphs_checked",
    "lead_units_chart",
    "leader_distribution_grid",
    "leader_load_chart",
    "lights_chart",
    "measurability_grid",
    "save_figure",
    "set_style",
    "shown_of",
    "source_mix_chart",
    "trend_chart",
]


SOURCE_COLORS = {"province": "#4C72B0", "city": "#55A868", "self": "#DD8452", "unknown": "#B0B0B0"}
LIGHT_COLORS = {"red": "#D64541", "yellow": "#F2C14E", "green": "#4CAF50"}


def _labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ReportError(f"language {lang!r} is not available; use zh or en")
    return LABELS[lang]


def _width() -> float:
    return FIGURE["size"][0]


def _figure(size: tuple[float, float] | None = None) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=size or FIGURE["size"], layout=MarginLayout())
    return fig, ax


def _mark_simulated(fig: Figure, simulated: bool, lang: str) -> None:
    """Say "simulated" above the first panel, right-aligned (titles are left-aligned)."""
    if simulated and fig.axes:
        fig.axes[0].set_title(
            _labels(lang)["simulated"], loc="right", color="#C0392B", fontweight="bold"
        )


def _title(ax: plt.Axes, title: str) -> None:
    ax.set_title(title, loc="left")


def _legend(fig: Figure, ncol: int) -> None:
    """The legend below the plot, outside it: the layout keeps it off every label."""
    fig.legend(loc="outside lower center", ncol=ncol, frameon=False)


def _counts(axis) -> None:
    """Integer ticks on an axis of counts."""
    axis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))


def _top_down(labels: pd.Series) -> list:
    """Bar labels in the order they first appear, first on top (as the tables list them)."""
    return list(pd.unique(labels.astype(str)))[::-1]


def _plain(fig: Figure) -> Figure:
    """Every text of the figure drawn as written (no mathtext), then the figure; in a report's
    kernel its layout is fixed now (:func:`fix_layout`: one drawing to show it, not two)."""
    if matplotlib.rcParams["text.parse_math"]:  # set_style turns it off for every new text
        for t in fig.findobj(matplotlib.text.Text):
            t.set_parse_math(False)
    return fix_layout(fig) if FIGURE["fixed"] else fig


def _empty(ax: plt.Axes, text: str) -> None:
    ax.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=14,
        color="#666666",
    )
    ax.set_axis_off()


# --- district charts -------------------------------------------------------------------------


def leader_load_chart(workload: pd.DataFrame, *, lang: str = "zh", title: str = "") -> Figure:
    """Stacked bars of each named leader's tasks by source (``leader_workload(by="source")``),
    most tasks on top; equal totals in name order, as in the workload table."""
    lab = _labels(lang)
    fig, ax = _figure()
    named = workload[~workload["collective"]]
    if named.empty:
        _empty(ax, lab["no_leaders"])
        return fig
    table = named.pivot_table(
        index="leader", columns="source", values="tasks", aggfunc="sum", fill_value=0
    )
    table = table.reindex(columns=[s for s in SOURCE_COLORS if s in table.columns])
    order = table.sum(axis=1).rename("total").reset_index()
    order = order.sort_values(["total", "leader"], ascending=[False, True])["leader"]
    table = table.loc[order.iloc[::-1]]
    left = np.zeros(len(table))
    for source in table.columns:
        ax.barh(
            table.index, table[source], left=left, color=SOURCE_COLORS[source], label=lab[source]
        )
        left += table[source].to_numpy()
    for y, total in enumerate(left):
        ax.text(total, y, f" {int(total)}", va="center", fontsize="small")
    ax.set_xlim(0, left.max() * 1.08 + 0.5)
    _counts(ax.xaxis)
    ax.set_xlabel(lab["tasks"])
    _title(ax, title or lab["leader_load"])
    _legend(fig, len(table.columns))
    return _plain(fig)


def lead_units_chart(
    units: pd.DataFrame, *, top: int = 15, lang: str = "zh", title: str = ""
) -> Figure:
    """Bars of the top lead units (``lead_unit_workload``, the units the cards count): tasks
    led and supported, in the order of the unit table, each labelled as the table counts them
    (19, or 19+1 with one supported); the title says how many lead units are shown of how
    many."""
    lab = _labels(lang)
    fig, ax = _figure()
    every = lead_unit_workload(units)
    named = every.head(top).iloc[::-1]
    if named.empty:
        _empty(ax, lab["no_units"])
        return fig
    ax.barh(named["unit"], named["led"], color="#4C72B0", label=lab["led"])
    ax.barh(
        named["unit"],
        named["supported"],
        left=named["led"],
        color="#A1C4E8",
        label=lab["supported"],
    )
    total = (named["led"] + named["supported"]).to_numpy()
    # Each bar says what the unit table says: tasks led, and those supported after a "+"
    pairs = zip(named["led"], named["supported"], strict=True)
    for y, (n, (led, supported)) in enumerate(zip(total, pairs, strict=True)):
        label = f" {int(led)}" + (f"+{int(supported)}" if supported else "")
        ax.text(n, y, label, va="center", fontsize="small")
    ax.set_xlim(0, total.max() * 1.08 + 0.5)
    _counts(ax.xaxis)
    ax.set_xlabel(lab["tasks"])
    _title(ax, title or lab["lead_units"] + shown_of(len(named), len(every), lang))
    _legend(fig, 2)
    return _plain(fig)


def shown_of(shown: int, total: int, lang: str = "zh", *, lowest: bool = False) -> str:
    """ "（前10个，共42个）" when some are left out, "" when all are shown."""
    if shown >= total:
        return ""
    key = "shown_lowest" if lowest else "shown_top"
    return _labels(lang)[key].format(n=shown, total=total)


def source_mix_chart(mix: pd.DataFrame, *, lang: str = "zh", title: str = "") -> Figure:
    """Horizontal 100% bars of the source mix per district (``source_mix``); the ``district``
    column holds what the bars are labelled with (names, never slugs)."""
    lab = _labels(lang)
    fig, ax = _figure((_width(), max(2.8, 1.6 + 0.6 * mix["district"].nunique())))
    table = mix.pivot_table(
        index="district", columns="source", values="share", fill_value=0, observed=False
    )
    table = table.reindex(_top_down(mix["district"]))
    left = np.zeros(len(table))
    for source in [s for s in SOURCE_COLORS if s in table.columns]:
        values = table[source].to_numpy()
        ax.barh(
            table.index.astype(str),
            values,
            left=left,
            color=SOURCE_COLORS[source],
            label=lab[source],
        )
        for y, (x0, v) in enumerate(zip(left, values, strict=True)):
            if v >= 0.06:
                ax.text(
                    x0 + v / 2,
                    y,
                    f"{v:.0%}",
                    ha="center",
                    va="center",
                    color="white",
                    fontsize="small",
                )
        left += values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    _title(ax, title or lab["source_mix"])
    _legend(fig, 4)
    return _plain(fig)


def completion_chart(
    rates: pd.DataFrame,
    key: str,
    *,
    top: int = 15,
    lang: str = "zh",
    title: str = "",
    simulated: bool = False,
) -> Figure:
    """Completion rate per leader, unit or source (``completion_rates``), worst first."""
    data = rates[rates["due"] > 0]
    fig, ax = _figure((_width(), min(FIGURE["size"][1], 1.8 + 0.42 * min(len(data), top))))
    _completion_axes(ax, rates, key, top=top, lang=lang, title=title)
    _mark_simulated(fig, simulated, lang)
    return _plain(fig)


def completion_panels(
    rates: dict[str, pd.DataFrame],
    keys: tuple[str, ...] = ("leader", "unit", "source"),
    *,
    top: int = 10,
    lang: str = "zh",
    simulated: bool = False,
) -> Figure:
    """Completion by leader, unit and source in one figure, one panel each, worst first."""
    heights = [max(1, min(len(rates[k][rates[k]["due"] > 0]), top)) for k in keys]
    fig, axes = plt.subplots(
        len(keys),
        1,
        figsize=(_width(), 1.2 * len(keys) + 0.36 * sum(heights)),
        height_ratios=[h + 2 for h in heights],
        layout=MarginLayout(),
        squeeze=False,
    )
    for ax, key in zip(axes[:, 0], keys, strict=True):
        _completion_axes(ax, rates[key], key, top=top, lang=lang)
    _mark_simulated(fig, simulated, lang)
    return _plain(fig)


def _completion_axes(
    ax: plt.Axes, rates: pd.DataFrame, key: str, *, top: int, lang: str, title: str = ""
) -> None:
    lab = _labels(lang)
    every = completion_order(rates[rates["due"] > 0], key)
    by = lab.get(f"by_{key}")
    heading = title or (f"{lab['completion']}：{by}" if by else lab["completion"])
    _title(ax, heading + shown_of(min(top, len(every)), len(every), lang, lowest=True))
    if every.empty:
        _empty(ax, lab["no_due"])
        return
    data = every.head(top).copy()
    if key == "source":
        data[key] = data[key].map(lambda s: lab.get(s, s))
    data = data.iloc[::-1]
    # Each bar in the light of its group's worst task, by the district's rule set (rates
    # computed with lights); green where the rates carry no lights.
    colors = (
        [LIGHT_COLORS[str(light)] for light in data["light"]]
        if "light" in data.columns
        else [LIGHT_COLORS["green"]] * len(data)
    )
    ax.barh(data[key].astype(str), data["completion_rate"], color=colors)
    for y, (r, d, n) in enumerate(
        zip(data["completion_rate"], data["done"], data["due"], strict=True)
    ):
        ax.text(
            r,
            y,
            lab["done_of"].format(rate=r, done=d, due=n),
            va="center",
            fontsize="small",
        )
    ax.set_xlim(0, 1.22)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))


def lights_chart(
    lights: pd.DataFrame, *, lang: str = "zh", title: str = "", simulated: bool = False
) -> Figure:
    """Counts of red, yellow and green tasks per district (``traffic_lights``); the
    ``district`` column holds the bar labels (names, never slugs)."""
    lab = _labels(lang)
    fig, ax = _figure((_width(), max(2.8, 1.6 + 0.6 * lights["district"].nunique())))
    table = lights.groupby(["district", "light"]).size().unstack(fill_value=0)
    table = table.reindex(index=_top_down(lights["district"]), columns=["red", "yellow", "green"])
    table = table.fillna(0).astype(int)
    left = np.zeros(len(table))
    for light in table.columns:
        values = table[light].to_numpy()
        ax.barh(
            table.index.astype(str), values, left=left, color=LIGHT_COLORS[light], label=lab[light]
        )
        for y, (x0, v) in enumerate(zip(left, values, strict=True)):
            if v:
                ax.text(x0 + v / 2, y, str(int(v)), ha="center", va="center", fontsize="small")
        left += values
    _counts(ax.xaxis)
    ax.set_xlabel(lab["tasks"])
    _title(ax, title or lab["lights"])
    _legend(fig, 3)
    _mark_simulated(fig, simulated, lang)
    return _plain(fig)


def trend_chart(
    trend: pd.DataFrame, *, lang: str = "zh", title: str = "", simulated: bool = False
) -> Figure:
    """Completion rate as of each milestone, one line per district (``completion_trend``).

    Each point is labelled with the day it means (plans of different years share one axis of
    month and day); the axis reaches past the first and last points so none is cut.
    """
    lab = _labels(lang)
    fig, ax = _figure((_width(), 5.0))
    if trend.empty:
        _empty(ax, lab["no_due"])
        return fig
    dates = pd.to_datetime(trend["as_of"])
    by_month = dates.dt.year.nunique() > 1  # plans of different years: compare within the year
    x_all = dates.dt.day_of_year if by_month else (dates - dates.min()).dt.days
    for district, group in trend.groupby("district", sort=False):
        ax.plot(x_all[group.index], group["completion_rate"], marker="o", label=str(district))
    ticks = pd.DataFrame({"x": x_all, "day": dates}).drop_duplicates("x").sort_values("x")
    span = max(float(x_all.max() - x_all.min()), 1.0)
    kept: list[int] = []  # from the last day back, a label every 8% of the axis at most
    for i in range(len(ticks) - 1, -1, -1):
        if not kept or ticks["x"].iloc[kept[-1]] - ticks["x"].iloc[i] >= 0.08 * span:
            kept.append(i)
    ticks = ticks.iloc[sorted(kept)]
    fmt = (
        (lambda d: f"{d.month}月{d.day}日" if by_month else f"{d.year}年{d.month}月{d.day}日")
        if lang == "zh"
        else (lambda d: d.strftime("%m-%d") if by_month else d.strftime("%Y-%m-%d"))
    )
    ax.set_xticks(ticks["x"].to_numpy(), [fmt(d) for d in ticks["day"]])
    ax.set_xlim(float(x_all.min()) - 0.04 * span, float(x_all.max()) + 0.04 * span)
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(lab["month"] if by_month else lab["as_of"])
    _title(ax, title or lab["trend"])
    if trend["district"].nunique() > 1:
        _legend(fig, min(4, trend["district"].nunique()))
    _mark_simulated(fig, simulated, lang)
    return _plain(fig)


# --- small multiples for comparisons ----------------------------------------------------------


def leader_distribution_grid(
    workload: pd.DataFrame, names: dict[str, str], *, lang: str = "zh", columns: int = 4
) -> Figure:
    """One panel per district: its named leaders' task counts, most to least, common scales."""
    lab = _labels(lang)
    named = workload[~workload["collective"]]
    districts = list(names)
    columns = max(1, min(columns, len(districts)))
    rows = max(1, int(np.ceil(len(districts) / columns)))
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(_width(), 2.6 * rows + 1.0),
        sharex=True,
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    top = named["tasks"].max() if len(named) else 1
    width = max((named.groupby("district").size().max() if len(named) else 1), 1)
    for ax, district in zip(axes.flat, districts, strict=False):
        values = named.loc[named["district"] == district, "tasks"].sort_values(ascending=False)
        if values.empty:
            ax.text(
                0.5,
                0.5,
                lab["no_leaders"],
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="#666666",
            )
        ax.bar(np.arange(1, len(values) + 1), values.to_numpy(), color="#4C72B0")
        ax.set_title(names[district], fontsize=11)
        ax.set_xlim(0.3, width + 0.7)
        ax.set_ylim(0, top * 1.1)
        _counts(ax.xaxis)
        _counts(ax.yaxis)
    for ax in list(axes.flat)[len(districts) :]:
        ax.set_axis_off()
    fig.supxlabel(lab["rank"])
    fig.supylabel(lab["tasks"])
    fig.suptitle(lab["leader_distribution"])
    return _plain(fig)


def measurability_grid(compare: pd.DataFrame, names: dict[str, str], *, lang: str = "zh") -> Figure:
    """Quantified and pending shares per district, side by side on one 0–100% scale."""
    lab = _labels(lang)
    fig, axes = plt.subplots(
        1,
        2,
        figsize=(_width(), max(3.0, 1.2 + 0.5 * len(compare))),
        sharey=True,
        layout="constrained",
    )
    compare = compare.iloc[::-1]  # the first district on top, as in the tables
    label = compare["district"].map(names)
    for ax, column, key in (
        (axes[0], "quantified_share", "quantified"),
        (axes[1], "pending_share", "pending"),
    ):
        ax.barh(label, compare[column], color="#55A868" if key == "quantified" else "#C44E52")
        ax.set_xlim(0, 1.12)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(lab[key])
        for y, v in enumerate(compare[column]):
            ax.text(v, y, f" {v:.0%}", va="center", fontsize="small")
    fig.suptitle(lab["measurability"])
    return _plain(fig)
