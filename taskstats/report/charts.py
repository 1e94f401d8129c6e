"""Charts for reports and meeting slides, with Chinese labels that render on a fresh machine.

Chart functions take the metric tables (never files) and return a matplotlib Figure; saving is
done by the report and export code. :func:`set_style` must run before drawing: it applies the
seaborn theme and then registers a CJK font (seaborn's ``set_theme`` resets fonts, so the order
matters).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from taskstats.errors import ReportError
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
    "source_mix_chart",
    "trend_chart",
]


# Families tried in order; the first one installed wins. Noto Sans CJK ships with taskstats
# (the noto-cjk-sans-otc package, SIL Open Font License); system fonts are used when present.
CJK_FAMILIES = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans CJK JP",
]
SLIDE_SIZE = (13.333, 7.5)  # inches: a 16:9 slide
REPORT_SIZE = (10.5, 5.6)  # inches: a chart in an HTML report
_page = {"size": REPORT_SIZE}
SOURCE_COLORS = {"province": "#4C72B0", "city": "#55A868", "self": "#DD8452", "unknown": "#B0B0B0"}
LIGHT_COLORS = {"red": "#D64541", "yellow": "#F2C14E", "green": "#4CAF50"}

_font_family: str | None = None


def find_cjk_font() -> str:
    """Register a CJK font with matplotlib (at run time, nothing written to site-packages).

    Returns:
        The family name to use.

    Raises:
        ReportError: No CJK font is available.
    """
    global _font_family
    if _font_family:
        return _font_family
    with contextlib.suppress(ImportError):
        import noto_cjk_sans_otc

        font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            _font_family = family
            return family
    raise ReportError(
        "no Chinese font found: install taskstats with its dependencies (noto-cjk-sans-otc) or "
        "a system font such as fonts-noto-cjk"
    )


def set_style(context: str = "notebook", *, slides: bool = False) -> str:
    """Apply the seaborn theme, then the CJK font (after it: ``set_theme`` resets fonts).

    Args:
        context: seaborn context (``notebook``, ``talk`` …).
        slides: Draw 16:9 slide-sized figures (for export) instead of report-sized ones.

    Returns:
        The CJK family in use.
    """
    import logging

    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid")
    # The bundled font has one weight; say so once instead of logging it on every bold title.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    family = find_cjk_font()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "path"
    _page["size"] = SLIDE_SIZE if slides else REPORT_SIZE
    _inline_without_tight_bbox()
    return family


def _inline_without_tight_bbox() -> None:
    """In a notebook, draw each figure once: layouts are constrained already, so the inline
    backend's tight bounding box (a second rendering pass) is not needed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and "IPKernelApp" in shell.config:
        shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")
        plt.rcParams["figure.dpi"] = 80


@contextlib.contextmanager
def glyphs_checked() -> Iterator[None]:
    """Turn matplotlib's "Glyph … missing from font" warning into an error in the block."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from.*")
        yield


def _labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ReportError(f"language {lang!r} is not available; use zh or en")
    return LABELS[lang]


def _width() -> float:
    return _page["size"][0]


def _figure(size: tuple[float, float] | None = None) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=size or _page["size"], layout="constrained")
    return fig, ax


def _mark_simulated(fig: Figure, simulated: bool, lang: str) -> None:
    if simulated:
        fig.text(
            0.99,
            0.01,
            _labels(lang)["simulated"],
            ha="right",
            va="bottom",
            fontsize=14,
            color="#C0392B",
            alpha=0.9,
        )


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
    """Stacked bars of each named leader's tasks by source (``leader_workload(by="source")``)."""
    lab = _labels(lang)
    fig, ax = _figure()
    named = workload[~workload["collective"]]
    if named.empty:
        _empty(ax, "本表未列分管领导" if lang == "zh" else "No leaders named")
        return fig
    table = named.pivot_table(
        index="leader", columns="source", values="tasks", aggfunc="sum", fill_value=0
    )
    table = table.reindex(columns=[s for s in SOURCE_COLORS if s in table.columns])
    table = table.loc[table.sum(axis=1).sort_values().index]
    left = np.zeros(len(table))
    for source in table.columns:
        ax.barh(
            table.index, table[source], left=left, color=SOURCE_COLORS[source], label=lab[source]
        )
        left += table[source].to_numpy()
    for y, total in enumerate(left):
        ax.text(total, y, f" {int(total)}", va="center", fontsize=10)
    ax.set_xlabel(lab["tasks"])
    ax.set_title(title or lab["leader_load"])
    ax.legend(loc="lower right")
    return fig


def lead_units_chart(
    units: pd.DataFrame, *, top: int = 15, lang: str = "zh", title: str = ""
) -> Figure:
    """Bars of the top named units: tasks led and supported (``unit_workload``)."""
    lab = _labels(lang)
    fig, ax = _figure()
    named = units[~units["collective"]].head(top).iloc[::-1]
    if named.empty:
        _empty(ax, "—")
        return fig
    ax.barh(named["unit"], named["led"], color="#4C72B0", label=lab["led"])
    ax.barh(
        named["unit"],
        named["supported"],
        left=named["led"],
        color="#A1C4E8",
        label=lab["supported"],
    )
    ax.set_xlabel(lab["tasks"])
    ax.set_title(
        title or f"{lab['lead_units']}（前{len(named)}）"
        if lang == "zh"
        else title or f"{lab['lead_units']} (top {len(named)})"
    )
    ax.legend(loc="lower right")
    return fig


def source_mix_chart(mix: pd.DataFrame, *, lang: str = "zh", title: str = "") -> Figure:
    """Horizontal 100% bars of the source mix per district (``source_mix``)."""
    lab = _labels(lang)
    fig, ax = _figure((_width(), max(2.5, 1.0 + 0.6 * mix["district"].nunique())))
    table = mix.pivot_table(
        index="district", columns="source", values="share", fill_value=0, observed=False
    )
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
                    x0 + v / 2, y, f"{v:.0%}", ha="center", va="center", color="white", fontsize=10
                )
        left += values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title(title or lab["source_mix"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, frameon=False)
    return fig


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
    fig, ax = _figure((_width(), min(_page["size"][1], 1.6 + 0.42 * min(len(data), top))))
    _completion_axes(ax, rates, key, top=top, lang=lang, title=title)
    _mark_simulated(fig, simulated, lang)
    return fig


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
        layout="constrained",
        squeeze=False,
    )
    for ax, key in zip(axes[:, 0], keys, strict=True):
        _completion_axes(ax, rates[key], key, top=top, lang=lang)
    _mark_simulated(fig, simulated, lang)
    return fig


def _completion_axes(
    ax: plt.Axes, rates: pd.DataFrame, key: str, *, top: int, lang: str, title: str = ""
) -> None:
    lab = _labels(lang)
    data = rates[rates["due"] > 0].copy()
    by = lab.get(f"by_{key}")
    ax.set_title(title or (f"{lab['completion']}：{by}" if by else lab["completion"]))
    if data.empty:
        _empty(ax, "尚无到期节点" if lang == "zh" else "No milestone due yet")
        return
    if key == "source":
        data[key] = data[key].map(lambda s: lab.get(s, s))
    data = data.sort_values(["completion_rate", "due"], ascending=[True, False]).head(top)
    data = data.iloc[::-1]
    colors = [
        LIGHT_COLORS["red"]
        if r < 0.6
        else LIGHT_COLORS["yellow"]
        if r < 0.85
        else LIGHT_COLORS["green"]
        for r in data["completion_rate"]
    ]
    ax.barh(data[key].astype(str), data["completion_rate"], color=colors)
    for y, (r, d, n) in enumerate(
        zip(data["completion_rate"], data["done"], data["due"], strict=True)
    ):
        ax.text(
            r,
            y,
            f" {r:.0%}（{d}/{n}）" if lang == "zh" else f" {r:.0%} ({d}/{n})",
            va="center",
            fontsize=10,
        )
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))


def lights_chart(
    lights: pd.DataFrame, *, lang: str = "zh", title: str = "", simulated: bool = False
) -> Figure:
    """Counts of red, yellow and green tasks per district (``traffic_lights``)."""
    lab = _labels(lang)
    fig, ax = _figure((_width(), max(2.5, 1.0 + 0.6 * lights["district"].nunique())))
    table = lights.groupby(["district", "light"]).size().unstack(fill_value=0)
    table = table.reindex(columns=["red", "yellow", "green"], fill_value=0)
    left = np.zeros(len(table))
    for light in table.columns:
        values = table[light].to_numpy()
        ax.barh(
            table.index.astype(str), values, left=left, color=LIGHT_COLORS[light], label=lab[light]
        )
        for y, (x0, v) in enumerate(zip(left, values, strict=True)):
            if v:
                ax.text(x0 + v / 2, y, str(int(v)), ha="center", va="center", fontsize=10)
        left += values
    ax.set_xlabel(lab["tasks"])
    ax.set_title(title or lab["lights"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    _mark_simulated(fig, simulated, lang)
    return fig


def trend_chart(
    trend: pd.DataFrame, *, lang: str = "zh", title: str = "", simulated: bool = False
) -> Figure:
    """Completion rate as of each milestone, one line per district (``completion_trend``)."""
    lab = _labels(lang)
    fig, ax = _figure((_width(), 5.0))
    if trend.empty:
        _empty(ax, "—")
        return fig
    dates = pd.to_datetime(trend["as_of"])
    by_month = dates.dt.year.nunique() > 1  # plans of different years: compare within the year
    for district, group in trend.groupby("district", sort=False):
        when = dates[group.index]
        x = when.dt.month + (when.dt.day - 1) / when.dt.days_in_month if by_month else when
        ax.plot(x, group["completion_rate"], marker="o", label=str(district))
    if by_month:
        ax.set_xlim(0.5, 13)
        ax.set_xticks(range(1, 13))
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(lab["month"] if by_month else lab["as_of"])
    ax.set_title(title or lab["trend"])
    if trend["district"].nunique() > 1:
        ax.legend()
    _mark_simulated(fig, simulated, lang)
    return fig


# --- small multiples for comparisons ----------------------------------------------------------


def leader_distribution_grid(
    workload: pd.DataFrame, names: dict[str, str], *, lang: str = "zh", columns: int = 4
) -> Figure:
    """One panel per district: its named leaders' task counts, most to least, common scales."""
    lab = _labels(lang)
    named = workload[~workload["collective"]]
    districts = list(names)
    rows = max(1, int(np.ceil(len(districts) / columns)))
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(_width(), 2.6 * rows + 0.8),
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
                "未列分管领导" if lang == "zh" else "No leaders named",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="#666666",
            )
        ax.bar(np.arange(1, len(values) + 1), values.to_numpy(), color="#4C72B0")
        ax.set_title(names[district], fontsize=11)
        ax.set_xlim(0.3, width + 0.7)
        ax.set_ylim(0, top * 1.1)
    for ax in list(axes.flat)[len(districts) :]:
        ax.set_axis_off()
    fig.supxlabel(lab["rank"])
    fig.supylabel(lab["tasks"])
    fig.suptitle(lab["leader_distribution"])
    return fig


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
    label = compare["district"].map(names)
    for ax, column, key in (
        (axes[0], "quantified_share", "quantified"),
        (axes[1], "pending_share", "pending"),
    ):
        ax.barh(label, compare[column], color="#55A868" if key == "quantified" else "#C44E52")
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(lab[key])
        for y, v in enumerate(compare[column]):
            ax.text(v, y, f" {v:.0%}", va="center", fontsize=10)
    fig.suptitle(lab["measurability"])
    return fig


def save_figure(fig: Figure, target: str | Path, *, fmt: str | None = None, dpi: int = 200) -> Path:
    """Save a figure (format from ``fmt`` or the suffix), raising on any missing glyph."""
    target = Path(target)
    with glyphs_checked():
        fig.savefig(target, dpi=dpi, format=fmt)
    return target
