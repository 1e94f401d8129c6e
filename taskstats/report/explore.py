"""Interactive exploration in JupyterLab: filters that narrow each other (district → its leaders,
units and sections), collectives apart, Chinese labels, sortable and searchable tables that work
offline (itables), one click from a leader or unit to its tasks, and a chart that follows."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from taskstats.datasets import select_manifests
from taskstats.measures import compare_districts, leader_workload, source_mix, subset
from taskstats.measures.nodes import joined_lead_units
from taskstats.report.wording import EXPLORE, SOURCE_NAMES, cli_frame, label_values
from taskstats.report.wording.period import period_span
from taskstats.report.wording.returns import EXPLORE_PROGRESS
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
    """The district comparison as text, one column per district by name, one row per measure
    in Chinese: shares as percentages, counts as integers, other figures to two decimals, a
    gap (no named leader, say) as "—" (a new frame)."""
    return cli_frame(compare_districts(tables), "zh", names or {}, transpose=True)


def chinese_table(frame: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Any of the package's tables as the explorer shows it (a new frame): headed in Chinese,
    coded values in words, districts by name, figures formatted, a gap as "—"."""
    return cli_frame(frame, "zh", names or {})


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
    from itables import init_notebook_mode
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
                show_table(task_table(t, names))
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


def show_table(frame: pd.DataFrame) -> None:
    """Show a table that sorts and searches offline (itables), its own words in Chinese."""
    from itables import show

    show(
        frame,
        classes="display compact cell-border",
        columnDefs=[{"className": "dt-left", "targets": "_all"}],
        pageLength=10,
        lengthMenu=[10, 25, 50, 100],
        connected=False,
        autoWidth=False,
        language=EXPLORE["table"],
    )


def progress_table(
    tables: TaskTables,
    snapshot,
    names: dict[str, str] | None = None,
    *,
    light: str | None = None,
    due_by: str | None = None,
    due_after: str | None = None,
) -> pd.DataFrame:
    """One row per task with its deadline, latest status, light and reporting units, in
    Chinese (a new frame), from :func:`taskstats.progress_snapshot`.

    Args:
        tables: The tidy tables (already filtered, if wanted).
        snapshot: The progress snapshot of their districts.
        names: District names by slug.
        light: Keep only tasks of this light (``red``, ``yellow``, ``green``).
        due_by: Keep only tasks whose deadline falls on or before this date (YYYY-MM-DD).
        due_after: Keep only tasks whose deadline falls after this date (with ``due_by``: a
            reporting period, :func:`due_periods`).
    """
    from taskstats.report.handouts import task_progress

    frames = []
    ledger = snapshot.ledger
    for district in _districts(tables):
        status = snapshot.status[snapshot.status["district"] == district]  # ids repeat
        rows = task_progress(tables, status, snapshot.lights, district)
        units = {}
        if "unit" in ledger and len(ledger):
            mine = ledger[(ledger["district"] == district) & (ledger["unit"].astype(str) != "")]
            units = mine.groupby("task_id")["unit"].agg(lambda u: "、".join(dict.fromkeys(u)))
        frames.append(
            rows.assign(
                district=district, units=rows["task_id"].map(lambda t, u=units: u.get(t, ""))
            )
        )
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out.empty:
        return pd.DataFrame(columns=list(EXPLORE_PROGRESS["columns"].values()))
    if light:
        out = out[out["light"] == light]
    if due_by:
        out = out[(out["deadline"] != "") & (out["deadline"] <= due_by)]
    if due_after:
        out = out[out["deadline"] > due_after]
    words = EXPLORE_PROGRESS
    out = out.assign(
        district=out["district"].map(lambda d: (names or {}).get(d, d)),
        status=out["status"].map(words["status"]).fillna(words["not_yet"]),
        light=out["light"].map(words["light"]),
    )
    columns = words["columns"]
    return out[list(columns)].rename(columns=columns).reset_index(drop=True)


def export_table(
    frame: pd.DataFrame, target: str | Path, sheet: str = EXPLORE_PROGRESS["sheet"]
) -> Path:
    """Write a (filtered) table to .xlsx, formulas neutralised, replaced atomically."""
    from taskstats.io.files import atomic_path, neutralise_formulas

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        neutralise_formulas(frame).to_excel(tmp, sheet_name=sheet, index=False, engine="openpyxl")
    return target


def due_periods(schedules: Mapping[str, Sequence[dt.date]]) -> list[tuple[str, tuple]]:
    """The choices of the due-period filter, as (label, (after, by)) pairs: all, then each
    reporting period of the districts' nodes (from the start to the first node, then from node
    to node), labelled in Chinese; ``after`` and ``by`` are dates as text (``after`` None for
    the first). Pass them to :func:`progress_table` as ``due_after`` and ``due_by``."""
    nodes = sorted({day for dates in schedules.values() for day in dates})
    out: list[tuple[str, tuple]] = [(EXPLORE_PROGRESS["all"], (None, None))]
    for before, day in zip([None, *nodes[:-1]], nodes, strict=True):
        value = (before.isoformat() if before else None, day.isoformat())
        out.append((period_span(before, day), value))
    return out


def light_choices() -> list[tuple[str, str | None]]:
    """The choices of the light filter, as (label, value) pairs: all (``""``: a drop-down's
    None means nothing chosen), red, yellow, green."""
    words = EXPLORE_PROGRESS
    return [(words["all"], ""), *((words["light"][k], k) for k in ("red", "yellow", "green"))]


def progress_explorer(
    tables: TaskTables,
    snapshot,
    schedules: Mapping[str, Sequence[dt.date]],
    names: dict[str, str] | None = None,
    *,
    light: str | None = None,
    due: tuple[str | None, str | None] = (None, None),
    export: str | Path | None = None,
):
    """The progress table with drop-downs for the light and the period the deadline falls
    in, and a button that writes the filtered table to .xlsx.

    Args:
        tables: The tidy tables.
        snapshot: Their progress snapshot (:func:`taskstats.progress_snapshot`).
        schedules: Each district's reporting nodes (the periods offered).
        names: District names by slug.
        light: The light chosen at first (None: all).
        due: ``(after, by)`` chosen at first (a period of :func:`due_periods`, or any two
            dates).
        export: The .xlsx the button writes (default ``reports/进度筛选.xlsx``).
    """
    import ipywidgets as widgets
    from IPython.display import HTML, display
    from itables import init_notebook_mode

    from taskstats import config

    init_notebook_mode(all_interactive=False, connected=False)  # offline: library inlined
    words = EXPLORE_PROGRESS
    layout, style = widgets.Layout(width="320px"), {"description_width": "72px"}
    periods = due_periods(schedules)
    if tuple(due) not in [v for _, v in periods]:
        periods.append((_due_label(due), tuple(due)))
    lights = widgets.Dropdown(
        options=light_choices(),
        value=light or "",
        description=words["filters"]["light"],
        layout=layout,
        style=style,
    )
    period = widgets.Dropdown(
        options=periods,
        value=tuple(due),
        description=words["filters"]["due"],
        layout=layout,
        style=style,
    )
    path = widgets.Text(
        value=str(export or config.reports_dir() / "进度筛选.xlsx"),
        description=words["filters"]["path"],
        layout=widgets.Layout(width="480px"),
        style=style,
    )
    button = widgets.Button(description=words["export"])
    count, said, table_out = widgets.HTML(), widgets.HTML(), widgets.Output()

    def current() -> pd.DataFrame:
        after, by = period.value
        return progress_table(
            tables, snapshot, names, light=lights.value or None, due_by=by, due_after=after
        )

    def redraw(*_) -> None:
        shown = current()
        count.value = f"<p>{html.escape(words['count'].format(n=len(shown)))}</p>"
        with table_out:
            table_out.clear_output(wait=True)
            if shown.empty:
                display(HTML(f"<p>{html.escape(words['none'])}</p>"))
            else:
                show_table(shown)

    def write(_) -> None:
        shown = current()
        try:
            target = export_table(shown, path.value, words["sheet"])
        except (OSError, ValueError) as exc:
            said.value = html.escape(words["export_failed"].format(reason=exc))
            return
        said.value = html.escape(words["exported"].format(n=len(shown), path=target))

    lights.observe(redraw, names="value")
    period.observe(redraw, names="value")
    button.on_click(write)
    redraw()
    return widgets.VBox(
        [
            widgets.HBox([lights, period]),
            widgets.HBox([path, button]),
            said,
            count,
            table_out,
        ]
    )


def _due_label(due: tuple[str | None, str | None]) -> str:
    """A period given as two dates (either may be None) in words."""
    after, by = due
    if by is None:
        return EXPLORE_PROGRESS["after"].format(after=after)
    return period_span(dt.date.fromisoformat(after) if after else None, dt.date.fromisoformat(by))


def introduction() -> str:
    """The explorer's introduction, in Chinese (Markdown)."""
    return EXPLORE_PROGRESS["intro"]


def progress_heading(snapshot) -> str:
    """The progress part's heading, saying where the reports come from."""
    from taskstats.report.wording import LEDGER_SOURCE

    return EXPLORE_PROGRESS["progress"].format(source=LEDGER_SOURCE["zh"][snapshot.source])
