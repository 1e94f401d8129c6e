"""Interactive exploration in JupyterLab: filter by district, leader, unit, source and section."""

from __future__ import annotations

from taskstats.measures import leader_workload, source_mix, subset, unit_workload
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
    return subset(tables, **{k: v for k, v in given.items() if v not in (None, ALL)})


def explorer(tables: TaskTables):
    """A widget with drop-downs that filter the tables and redraw the tables and charts."""
    import ipywidgets as widgets
    from IPython.display import display
    from matplotlib import pyplot as plt

    from taskstats.report import charts

    def options(values) -> list[str]:
        return [ALL, *sorted({str(v) for v in values if str(v)})]

    controls = {
        "district": widgets.Dropdown(options=options(tables.tasks["district"]), description="区县"),
        "leader": widgets.Dropdown(
            options=options(tables.task_leaders["leader"]), description="领导"
        ),
        "unit": widgets.Dropdown(options=options(tables.task_units["unit"]), description="单位"),
        "source": widgets.Dropdown(options=options(tables.tasks["source"]), description="来源"),
        "section": widgets.Dropdown(options=options(tables.tasks["section"]), description="板块"),
    }
    out = widgets.Output()

    def redraw(*_):
        t = filter_tables(tables, **{k: c.value for k, c in controls.items()})
        with out:
            out.clear_output(wait=True)
            print(f"{len(t.tasks)} 项任务")
            if t.tasks.empty:
                return
            display(t.tasks[["district", "task_id", "section", "text", "source"]].head(50))
            display(leader_workload(t).head(20))
            display(unit_workload(t).head(20))
            charts.source_mix_chart(source_mix(t))
            plt.show()

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox(
        [widgets.HBox(list(controls.values())[:3]), widgets.HBox(list(controls.values())[3:]), out]
    )
