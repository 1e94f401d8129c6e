"""Chart layout: legends off the labels, nothing cut at the edges, integer counts, plain text.

Every chart function is drawn at report and at slide size from the bundled districts (simulated
progress) and its rendered boxes are compared.
"""

from __future__ import annotations

import io
import itertools

import matplotlib.pyplot as plt
import pytest
from conftest import RAW
from matplotlib.legend import Legend
from matplotlib.text import Text

from taskstats import report
from taskstats.report import charts
from taskstats.report.layout import MarginLayout
from taskstats.report.style import FIGURE


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    store = tmp_path_factory.mktemp("store")
    dalian = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=store
    )
    gulou = report.prepare_district(
        "nanjing-gulou", as_of="2021-12-31", progress="demo", raw_dir=RAW, store_dir=store
    )
    compare = report.prepare_comparison(progress="demo", raw_dir=RAW, store_dir=store)
    return dalian, gulou, compare


def _drawings(dalian, gulou, c):
    """Every chart function, each with the data a report gives it."""
    named = dalian.lights.assign(district=dalian.name)
    return {
        "leader_load": lambda: charts.leader_load_chart(dalian.workload_by_source),
        "leader_load_empty": lambda: charts.leader_load_chart(gulou.workload_by_source),
        "lead_units": lambda: charts.lead_units_chart(dalian.units),
        "source_mix": lambda: charts.source_mix_chart(dalian.mix.assign(district=dalian.name)),
        "completion_unit": lambda: charts.completion_chart(
            dalian.rates["unit"], "unit", simulated=True
        ),
        "completion_panels": lambda: charts.completion_panels(dalian.rates, simulated=True),
        "lights": lambda: charts.lights_chart(named, simulated=True),
        "trend": lambda: charts.trend_chart(dalian.trend, simulated=True),
        "compare_source_mix": lambda: charts.source_mix_chart(c.shown_rows(c.mix)),
        "compare_lights": lambda: charts.lights_chart(c.shown_rows(c.lights), simulated=True),
        "compare_trend": lambda: charts.trend_chart(c.shown_rows(c.trend), simulated=True),
        "leader_grid": lambda: charts.leader_distribution_grid(c.workload, c.names),
        "measurability": lambda: charts.measurability_grid(c.indicators, c.names),
    }


def _labels(fig) -> list[Text]:
    """Axis labels, tick labels and titles: what a legend must never cover."""
    out = [t for t in (fig._supxlabel, fig._supylabel, fig._suptitle) if t]
    for ax in fig.axes:
        out += [ax.xaxis.label, ax.yaxis.label, ax.title, ax._left_title, ax._right_title]
        for axis in (ax.xaxis, ax.yaxis) if ax.axison else ():
            low, high = sorted(axis.get_view_interval())
            shown = zip(axis.get_ticklabels(), axis.get_ticklocs(), strict=False)
            out += [label for label, at in shown if low - 1e-9 <= at <= high + 1e-9]
    return [t for t in out if t.get_visible() and t.get_text()]


def _problems(fig) -> list[str]:
    fig.canvas.draw()  # lay out and draw once, at the figure's own dpi
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    found = []
    legends = [a for a in fig.findobj(Legend)]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for label in _labels(fig):
            if box.overlaps(label.get_window_extent(renderer)):
                found.append(f"legend covers {label.get_text()!r}")
    ticks = {  # every tick's labels; those drawn are in _labels
        label
        for ax in fig.axes
        for axis in (ax.xaxis, ax.yaxis)
        for tick in axis.majorTicks + axis.minorTicks
        for label in (tick.label1, tick.label2)
    }
    drawn = [t for t in fig.findobj(Text) if t not in ticks] + _labels(fig)
    for t in drawn:
        if not t.get_visible() or not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if (
            box.x0 < page.x0 - 1
            or box.x1 > page.x1 + 1
            or box.y0 < page.y0 - 1
            or box.y1 > page.y1 + 1
        ):
            found.append(f"text cut at the edge: {t.get_text()!r}")
    for ax in fig.axes:
        shown = [t for t in _labels(fig) if t in ax.get_xticklabels()]
        for a, b in itertools.pairwise(shown):
            if a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer)):
                found.append(f"tick labels overlap: {a.get_text()!r}, {b.get_text()!r}")
        inside = ax.get_window_extent(renderer)
        for line in ax.get_lines():
            if not line.get_marker() or line.get_marker() == "None":
                continue
            r = line.get_markersize() * fig.dpi / 72 / 2
            for x, y in ax.transData.transform(line.get_xydata()):
                if not (
                    inside.x0 <= x - r
                    and x + r <= inside.x1
                    and inside.y0 <= y - r
                    and y + r <= inside.y1
                ):
                    found.append(f"point cut at the plot edge: {line.get_label()}")
                    break
    return found


@pytest.mark.parametrize("size", ["report", "slide", "fixed"])
def test_no_legend_on_a_label_and_nothing_cut(views, size):
    """At report size, at slide size (resized and titled after drawing, as exports do), and
    laid out once when made, as in a report's kernel."""
    slides = size == "slide"
    charts.set_style("talk" if slides else "notebook", slides=slides)
    FIGURE["fixed"] = size == "fixed"
    try:
        problems = {}
        for name, draw in _drawings(*views).items():
            fig = draw()
            if slides:
                fig.set_size_inches(*charts.SLIDE_SIZE)
                fig.suptitle("大连高新区 · 截至日期 2020-12-31", fontweight="bold")
            found = _problems(fig)
            if found:
                problems[name] = found[:3]
            plt.close(fig)
        assert problems == {}
    finally:
        charts.set_style()


def test_charts_lay_themselves_out_without_constrained_layout(views):
    """The district charts measure their margins once (MarginLayout); in a report's kernel the
    layout is fixed when the chart is made, so printing it draws it once."""
    dalian, _gulou, _c = views
    charts.set_style()
    fig = charts.lead_units_chart(dalian.units)
    assert isinstance(fig.get_layout_engine(), MarginLayout)
    plt.close(fig)
    FIGURE["fixed"] = True
    try:
        fig = charts.completion_panels(dalian.rates, simulated=True)
        assert fig.get_layout_engine() is None
        draws = []
        fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
        fig.savefig(io.BytesIO(), format="svg")
        assert len(draws) == 1
        plt.close(fig)
    finally:
        charts.set_style()
    fig = charts.completion_panels(dalian.rates, simulated=True)
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    fig.savefig(io.BytesIO(), format="svg")
    assert len(draws) == 2  # with an engine: a layout drawing, then the printed one
    plt.close(fig)


def test_the_overlap_check_can_fail():
    fig, ax = plt.subplots(layout="constrained")
    ax.bar(["甲", "乙"], [1, 2], label="红灯")
    ax.set_xlabel("任务数")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02))
    assert any(p.startswith("legend covers") for p in _problems(fig))
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.plot([1, 2], [0, 1], marker="o", label="大连")
    ax.set_xlim(1, 2)
    assert "point cut at the plot edge: 大连" in _problems(fig)
    plt.close(fig)


def test_count_axes_tick_at_integers(views):
    charts.set_style()
    dalian, _gulou, c = views
    for fig in (
        charts.leader_load_chart(dalian.workload_by_source),
        charts.lights_chart(c.shown_rows(c.lights)),
        charts.lead_units_chart(dalian.units),
    ):
        fig.canvas.draw()
        ticks = fig.axes[0].get_xticks()
        assert all(float(t).is_integer() for t in ticks), ticks
        plt.close(fig)


def test_dates_are_labelled_by_the_day_they_mean(views):
    charts.set_style()
    dalian, _gulou, _c = views
    fig = charts.trend_chart(dalian.trend)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[-1] == "2020年12月31日"
    assert not any(label.startswith("2021") for label in labels)
    plt.close(fig)


def test_truncation_is_stated(views):
    charts.set_style()
    dalian, _gulou, _c = views
    units = dalian.rates["unit"]
    due = int((units["due"] > 0).sum())
    fig = charts.completion_panels(dalian.rates)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert f"节点完成率：按牵头单位（完成率最低的10个，共{due}个）" in titles
    plt.close(fig)


def test_data_text_is_not_mathtext():
    """A unit named like TeX ("$x$", an odd "$") is drawn as written, not parsed."""
    import pandas as pd

    charts.set_style()
    units = pd.DataFrame(
        {
            "district": ["d", "d"],
            "unit": ["收入$5万元的$x单位", "$\\frac{1}{2}$局"],
            "led": [3, 2],
            "supported": [1, 0],
            "collective": [False, False],
        }
    )
    fig = charts.lead_units_chart(units)
    fig.savefig(io.BytesIO(), format="png")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "收入$5万元的$x单位" in labels
    plt.close(fig)


def _top_to_bottom(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()][::-1]


def test_charts_list_what_their_tables_list_in_the_same_order(views):
    charts.set_style()
    dalian, _gulou, c = views
    fig = charts.leader_load_chart(dalian.workload_by_source)
    named = dalian.workload[~dalian.workload["collective"]]
    assert _top_to_bottom(fig.axes[0]) == named["leader"].tolist()  # equal counts by name too
    plt.close(fig)
    fig = charts.completion_panels(dalian.rates, dalian.completion_keys)
    units = dalian.rates["unit"]
    assert _top_to_bottom(fig.axes[1]) == units[units["due"] > 0]["unit"].head(10).tolist()
    plt.close(fig)
    fig = charts.lights_chart(c.shown_rows(c.lights))
    shown = c.indicator_table()["name"]
    assert _top_to_bottom(fig.axes[0]) == [n for n in shown if n in set(c.shown_names.values())]
    plt.close(fig)


def test_titles_sit_where_the_automatic_placement_puts_them(views):
    """set_style places titles at the panel's top (no search for decorations to lift them
    over at each drawing): every text lands where the automatic placement puts it."""
    dalian, _gulou, _c = views
    charts.set_style()
    assert plt.rcParams["axes.titley"] == 1.0

    def texts() -> list[tuple]:
        fig = charts.completion_panels(dalian.rates, simulated=True)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        found = sorted(
            (t.get_text(), *(round(v, 1) for v in t.get_window_extent(renderer).bounds))
            for t in fig.findobj(Text)
            if t.get_visible() and t.get_text()
        )
        plt.close(fig)
        return found

    fixed = texts()
    with plt.rc_context({"axes.titley": None}):
        searched = texts()
    assert len(fixed) > 30 and fixed == searched


def test_lead_unit_bars_are_labelled_as_the_unit_table_counts(views):
    """凌水街道 leads 19 tasks and supports one: its bar says 19+1, not 20 (the table says 19)."""
    dalian, _gulou, _c = views
    fig = charts.lead_units_chart(dalian.units)
    ax = fig.axes[0]
    units = [t.get_text() for t in ax.get_yticklabels()][::-1]
    labels = [t.get_text().strip() for t in ax.texts][::-1]
    said = dict(zip(units, labels, strict=True))
    assert said["凌水街道"] == "19+1" and said["科技局"] == "19+1"
    assert list(said)[:2] == ["凌水街道", "科技局"]
    plt.close(fig)
