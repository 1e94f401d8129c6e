"""Interactive exploration in JupyterLab: filters that narrow each other (district → its leaders,
units and sections), collectives apart, Chinese labels, sortable and searchable tables that work
offline (itables), one click from a leader or unit to its tasks, and a chart that follows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from taskstats.datasets import select_manifests
from taskstats.measures import compare_districts, leader_workload, source_mix, subset
from taskstats.measures.nodes import joined_lead_units
from taskstats.report.wording import COLUMN_LABELS, EXPLORE, SOURCE_NAMES, label_values
from taskstats.tidy import TaskTables

ALL = "（全部）"


def filter_tables(
    tables: TaskTables,
    *,
    district: str | None = None,
    leader: str | None = None,
    unit: str | None = None,
    source: str | None = None,
    section: str | None = None,
) -> TaskTables:
    """The tables restricted to tasks matching every filter given (None or "（全部）": any)."""
    given = dict(district=district, leader=leader, unit=unit, source=source, section=section)
    return subset(tables, **{k: v for k, v in given.items() if v not in (None, "", ALL)})


def district_names(raw_dir: str | Path | None = None) -> dict[str, str]:
    """Each district's name by its slug (read from the manifests, not the tables)."""
    return {m.slug: m.name for m in select_manifests(raw_dir=raw_dir)}


def filter_options(
    tables: TaskTables, district: str | None = None, names: dict[str, str] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """The choices of each drop-down, as (label, value) pairs, for one district (or all).

    Named leaders and units come first, most tasks first; collectives (各副区长, 各相关单位 …)
    follow, marked "（泛指）", so they never read as a person or a unit.
    """
    t = filter_tables(tables, district=district)
    names = names or {}
    out = {
        "district": [(ALL, ALL)] + [(names.get(d, d), d) for d in _districts(tables)],
        "source": [(ALL, ALL)]
        + [(SOURCE_NAMES.get(s, s), s) for s in SOURCE_NAMES if (t.tasks["source"] == s).any()],
        "section": [(ALL, ALL)]
        + [(s, s) for s in pd.unique(t.tasks["section"].dropna()) if str(s).strip()],
    }
    for key, frame in (("leader", t.task_leaders), ("unit", t.task_units)):
        counts = frame.groupby([key, "collective"]).size().rename("n").reset_index()
        counts = counts.sort_values(["collective", "n", key], ascending=[True, False, True])
        out[key] = [(ALL, ALL)] + [
            (f"{EXPLORE['collective'] if c else ''}{name}（{n}项）", name)
            for name, c, n in counts.itertuples(index=False)
        ]
    return out


def _districts(tables: TaskTables) -> list[str]:
    return list(pd.unique(tables.tasks["district"]))


def task_table(tables: TaskTables, names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per task with its lead units and leaders, in Chinese (a new frame)."""
    t = tables
    joined = {
        "lead_units": joined_lead_units(t),
        "leaders": t.task_leaders.groupby(["district", "task_id"])["leader"].agg("、".join),
    }
    out = t.tasks[["district", "task_id", "section", "text", "source"]].copy()
    for column, values in joined.items():
        key = pd.MultiIndex.from_frame(out[["district", "task_id"]])
        out[column] = values.reindex(key).fillna("").to_numpy()
    out = label_values(out, "zh", names)
    return out.rename(columns=EXPLORE["columns"])


def overview(tables: TaskTables, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The district comparison with Chinese column labels and district names (a new frame)."""
    out = label_values(compare_districts(tables), "zh", names or {})
    return out.rename(columns=COLUMN_LABELS["zh"])


def explorer(tables: TaskTables, names: dict[str, str] | None = None):
    """Drop-downs that filter the tables and redraw the task table and the chart.

    Choosing a district narrows the leader, unit and section lists to that district's; the
    leader and unit lists below the chart set the filter in one click.

    Args:
        tables: The tidy tables (``taskstats.load()``).
        names: District slugs to names (shown instead of the slugs).
    """
    import ipywidgets as widgets
    from IPython.display import HTML, display
    from itables import init_notebook_mode, show
    from matplotlib import pyplot as plt

    from taskstats.report import charts

    names = names or {}
    init_notebook_mode(all_interactive=False, connected=False)  # offline: library inlined
    labels = EXPLORE["filters"]
    layout = widgets.Layout(width="320px")
    style = {"description_width": "56px"}
    controls = {
        key: widgets.Dropdown(description=labels[key], layout=layout, style=style)
        for key in ("district", "leader", "unit", "source", "section")
    }
    picks = {
        key: widgets.Select(description=labels[f"pick_{key}"], rows=8, layout=layout, style=style)
        for key in ("leader", "unit")
    }
    count = widgets.HTML()
    table_out, chart_out = widgets.Output(), widgets.Output()
    busy = {"on": False}

    def set_options(district: str | None) -> None:
        opts = filter_options(tables, None if district in (None, ALL) else district, names)
        for key, control in controls.items():
            if key == "district" and control.options:
                continue
            control.options = opts[key]
            control.value = ALL
        for key, pick in picks.items():
            pick.options = opts[key][1:]
            pick.value = None

    def redraw(*_) -> None:
        if busy["on"]:
            return
        t = filter_tables(tables, **{k: c.value for k, c in controls.items()})
        count.value = f"<b>{EXPLORE['count'].format(n=len(t.tasks))}</b>"
        with table_out:
            table_out.clear_output(wait=True)
            if t.tasks.empty:
                display(HTML(f"<p>{EXPLORE['none']}</p>"))
            else:
                show(
                    task_table(t, names),
                    classes="display compact cell-border",
                    columnDefs=[{"className": "dt-left", "targets": "_all"}],
                    pageLength=10,
                    lengthMenu=[10, 25, 50, 100],
                    connected=False,
                    autoWidth=False,
                    language=EXPLORE["table"],
                )
        with chart_out:
            chart_out.clear_output(wait=True)
            if t.tasks.empty:
                return
            if (~t.task_leaders["collective"]).any():
                charts.leader_load_chart(leader_workload(t, by="source"), title=EXPLORE["chart"])
            else:
                mix = source_mix(t)
                charts.source_mix_chart(mix.assign(district=mix["district"].map(names.get)))
            plt.show()

    def district_changed(change) -> None:
        busy["on"] = True
        try:
            set_options(change["new"])
        finally:
            busy["on"] = False
        redraw()

    def picked(key):
        def on_pick(change) -> None:
            if change["new"] is not None and not busy["on"]:
                controls[key].value = change["new"]

        return on_pick

    busy["on"] = True
    set_options(None)
    busy["on"] = False
    controls["district"].observe(district_changed, names="value")
    for key in ("leader", "unit", "source", "section"):
        controls[key].observe(redraw, names="value")
    for key, pick in picks.items():
        pick.observe(picked(key), names="value")
    redraw()
    rows = [
        widgets.HBox([controls["district"], controls["source"], controls["section"]]),
        widgets.HBox([controls["leader"], controls["unit"]]),
        widgets.HBox([picks["leader"], picks["unit"]]),
        count,
        table_out,
        chart_out,
    ]
    return widgets.VBox(rows)
