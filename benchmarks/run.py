"""taskstats benchmarks: every figure from one run, as ratios on the same machine.

    make bench                 # or: .venv/bin/python benchmarks/run.py [--quick]

Writes benchmarks/results.md. Nothing here asserts a time: the benchmark reports, it does not fail.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

import taskstats  # noqa: E402
from taskstats import config, report  # noqa: E402
from taskstats.datasets import read_district  # noqa: E402
from taskstats.io.text import decode_bytes  # noqa: E402
from taskstats.report.cores import CORES_ENV, usable_cores  # noqa: E402
from taskstats.tidy import discover_manifests  # noqa: E402

AS_OF = "2020-10-15"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU seconds (user and system) of this process and of every child it has collected,
    with theirs (a kernel, and whatever the kernel started and collected)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_with_cpu(fn: Callable[[], object], cpu: list[float]) -> float:
    """Seconds ``fn`` took; the CPU seconds it used, its kernel's included, go to ``cpu``."""
    before = cpu_seconds()
    seconds = timed(fn)
    cpu.append(cpu_seconds() - before)
    return seconds


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- 1. one report against the papermill + nbconvert floor -------------------------------------


def floor_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('district: str = "dalian-hightech"  # unused here')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot\nimport pandas\nimport seaborn\n\nimport taskstats"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def report_vs_floor(repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor = floor_notebook(tmp)
        district = config.notebooks_dir() / report.DISTRICT_NOTEBOOK
        params = {
            "district": "dalian-hightech",
            "as_of": AS_OF,
            "progress": "demo",
            "language": "zh",
            "raw_dir": "",
            "store_dir": "",
        }
        floors, reports = [], []
        cpu: dict[str, list[float]] = {"floor": [], "report": []}
        load_before = load_average()
        for _ in range(repeats):  # interleaved, so drift on a shared machine hits both alike
            floors.append(
                timed_with_cpu(
                    lambda: report.execute_to_html(
                        floor,
                        {"district": "dalian-hightech"},
                        tmp / "floor.html",
                        title="floor",
                        lang="zh",
                        failed_dir=tmp,
                    ),
                    cpu["floor"],
                )
            )
            reports.append(
                timed_with_cpu(
                    lambda: report.execute_to_html(
                        district,
                        params,
                        tmp / "report.html",
                        title="report",
                        lang="zh",
                        failed_dir=tmp,
                    ),
                    cpu["report"],
                )
            )
        load_after = load_average()
        breakdown = cell_breakdown(district, params, tmp)
        executed = {"floor": execute(floor, {"district": "dalian-hightech"}, tmp / "f.ipynb")}
        executed["report"] = tmp / "breakdown.ipynb"
        converted = conversion(executed, repeats)
        floor_cells = sum(
            c.metadata.get("papermill", {}).get("duration") or 0.0
            for c in nbformat.read(executed["floor"], as_version=4).cells
        )
    return {
        "floor_cells": floor_cells,
        "conversion": converted,
        "load": (load_before, load_after),
        "floor": floors,
        "report": reports,
        "cpu": {name: median(values) for name, values in cpu.items()},
        "breakdown": breakdown,
        "ratio": median(reports) / median(floors),
        "own_work": own_work(params, repeats),
    }


def own_work(params: dict, repeats: int) -> dict[str, float]:
    """The report's own work outside any notebook (medians): reading and measuring the district,
    drawing its six charts as its kernel shows them (SVG with text as text, 80 dpi, no tight
    box, layout fixed when made), and writing its tables and text (the views' HTML)."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    from taskstats.report import charts
    from taskstats.report.style import FIGURE

    charts.set_style()
    plt.rcParams["figure.dpi"] = 80
    plt.rcParams["svg.fonttype"] = "none"
    FIGURE["fixed"] = True  # as set_style does in a kernel

    def prepare():
        return report.prepare_district(
            params["district"], as_of=params["as_of"], progress=params["progress"]
        )

    r = prepare()
    lang = params["language"]

    def draw():
        figures = [
            charts.leader_load_chart(r.workload_by_source, lang=lang),
            charts.lead_units_chart(r.units, lang=lang),
            charts.source_mix_chart(r.mix.assign(district=r.name), lang=lang),
            charts.lights_chart(r.lights.assign(district=r.name), lang=lang, simulated=True),
            charts.completion_panels(r.rates, r.completion_keys, lang=lang, simulated=True),
            charts.trend_chart(r.trend.assign(district=r.name), lang=lang, simulated=True),
        ]
        for fig in figures:
            fig.savefig(io.BytesIO(), format="svg", bbox_inches=None)
            plt.close(fig)

    def tables():
        parts = [r.header_html(), r.headline_html(), r.leaders_html(), r.units_html()]
        parts += [r.table(r.mix), r.table(r.concentration), r.table(r.measurability)]
        parts += [r.table(r.rates["district"], progress=True), r.red_list_html()]
        parts += [r.completion_html(key) for key in r.completion_keys]
        parts += [r.ranking_html(), r.coverage_html(), r.quality_html()]
        periods = report.period_view(r)  # 本期到期 and 与上期相比, as the notebook shows them
        return [*parts, periods.due_html(), periods.changes_html()]

    try:
        return {
            "prepare": median([timed(prepare) for _ in range(repeats)]),
            "charts": median([timed(draw) for _ in range(repeats)]),
            "tables": median([timed(tables) for _ in range(repeats)]),
        }
    finally:
        charts.set_style()


def conversion(executed: dict[str, Path], repeats: int) -> dict[str, float]:
    """Seconds to turn each executed notebook into its page body (medians)."""
    import nbformat

    from taskstats.report.render import page_body

    return {
        name: median(
            [
                timed(lambda p=path: page_body(nbformat.read(p, as_version=4), "zh"))
                for _ in range(repeats)
            ]
        )
        for name, path in executed.items()
    }


def execute(notebook: Path, params: dict, out: Path) -> Path:
    """The notebook run by papermill as a report is, written to ``out``."""
    import papermill

    papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters=params,
        cwd=str(out.parent),
        progress_bar=False,
        kernel_name="python3",
        kernel_manager_class=report.kernel_manager_class(),
    )
    return out


def cell_breakdown(notebook: Path, params: dict, tmp: Path) -> dict[str, float]:
    """Where the report's own time goes: papermill's duration of each cell, by kind."""
    out = execute(notebook, params, tmp / "breakdown.ipynb")
    parts = {
        "parameters": 0.0,
        "imports, reading and measures": 0.0,
        "the sections (six charts, tables and text)": 0.0,
    }
    for cell in nbformat.read(out, as_version=4).cells:
        seconds = cell.metadata.get("papermill", {}).get("duration") or 0.0
        if "prepare_district" in cell.source:
            parts["imports, reading and measures"] += seconds
        elif "drawn.show" in cell.source:
            parts["the sections (six charts, tables and text)"] += seconds
        else:
            parts["parameters"] += seconds
    return parts


# --- 2. the batch in parallel against one after another ----------------------------------------


def batch(repeats: int) -> dict:
    """All reports with one worker per core against one after another. The one-after-another
    runs come twice: each kernel on one core (the batch's own baseline: a worker's share when
    reports run side by side), and as `report --all --jobs 1` runs them, each kernel drawing
    its charts ahead on the second core."""
    seq, alone, par = [], [], []

    def run(jobs: int, folder: str, cores: str | None = None) -> float:
        before = os.environ.pop(CORES_ENV, None)  # None: the kernels' own count of cores
        if cores is not None:
            os.environ[CORES_ENV] = cores
        try:
            return timed(
                lambda: report.render_reports(
                    as_of=AS_OF, progress="demo", jobs=jobs, out_dir=Path(tmp) / folder
                )
            )
        finally:
            os.environ.pop(CORES_ENV, None)
            if before is not None:
                os.environ[CORES_ENV] = before

    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            seq.append(run(1, "seq", cores="1"))
            alone.append(run(1, "alone"))
            par.append(run(usable_cores(), "par"))
    return {
        "sequential": seq,
        "sequential_ahead": alone,
        "parallel": par,
        "speedup": median(seq) / median(par),
        "reports": 5,
        "workers": usable_cores(),
    }


# --- 3. ingest against reading the bytes -------------------------------------------------------


def ingest(repeats: int) -> list[dict]:
    rows = []
    for manifest in discover_manifests(config.raw_data_dir()):

        def floor(m=manifest):
            text, _ = decode_bytes(m.raw_file.read_bytes(), m.raw_file)
            return text.split("\n")

        floors = [timed(floor) for _ in range(repeats)]
        full = [timed(lambda m=manifest: read_district(m)) for _ in range(repeats)]
        rows.append(
            {
                "district": manifest.slug,
                "bytes": manifest.raw_file.stat().st_size,
                "tasks": len(read_district(manifest).tables.tasks),
                "floor_ms": median(floors) * 1e3,
                "ingest_ms": median(full) * 1e3,
                "ratio": median(full) / median(floors),
            }
        )
    return rows


# --- 4. metrics at province scale ---------------------------------------------------------------

SCALE_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import pandas as pd
import pyarrow as pa
from taskstats import measures as m, progress as pg
from taskstats.io.memory import release_memory
from taskstats.tidy import TaskTables
import synthetic

DEFAULT_RULES = pg.load_rules("default")

folder, scale = sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
tables = TaskTables(*(pd.read_parquet(f"{folder}/{n}.parquet")
                      for n in ("tasks", "task_units", "task_leaders", "quality")))
# The harness's own read: hand Arrow's decoding buffers back, as read_ledger does.
pa.default_memory_pool().release_unused()
ledger = pg.read_ledger(folder, pg.DEMO_FILE, columns=pg.STATUS_COLUMNS)
load = time.perf_counter() - t0
schedules = synthetic.monthly_schedules(tables)
as_of = "2020-10-15"
status = None

def run_status():
    global status
    status = m.milestone_status(tables, ledger, schedules, as_of)

steps = [
    ("leader_workload", lambda: m.leader_workload(tables), "leaders"),
    ("leader_units", lambda: m.leader_units(tables), "leaders"),
    ("unit_workload", lambda: m.unit_workload(tables), "units"),
    ("coordination", lambda: m.coordination(tables), "units"),
    ("concentration", lambda: m.concentration(tables), "units"),
    ("source_mix", lambda: m.source_mix(tables), "tasks"),
    ("measurability", lambda: m.measurability(tables), "tasks"),
    ("compare_districts", lambda: m.compare_districts(tables), "units"),
    ("milestone_status", run_status, "ledger"),
    ("completion_rates", lambda: [m.completion_rates(tables, status, by=b)
                                  for b in ("district", "leader", "unit", "source")], "ledger"),
    ("traffic_lights", lambda: m.traffic_lights(status, DEFAULT_RULES), "ledger"),
    ("completion_trend", lambda: m.completion_trend(tables, ledger, schedules), "ledger"),
]
floors = {
    "leaders": lambda: tables.task_leaders.groupby(["district", "leader"]).size(),
    "units": lambda: tables.task_units.groupby(["district", "unit"]).size(),
    "tasks": lambda: tables.tasks.groupby(["district", "source"]).size(),
    "ledger": lambda: ledger.groupby(["district", "task_id", "milestone"]).size(),
}
def clock(fn):
    # The harness hands freed memory back after each step, as the CLI and reports do.
    s = time.perf_counter(); fn(); t = time.perf_counter() - s; release_memory(); return t
def median3(fn):
    return sorted(clock(fn) for _ in range(3))[1]
# Both sides the median of three runs. The peak is taken before the floors run, so that it is
# the measures' own.
seconds = {name: median3(fn) for name, fn, _ in steps}
def peak_mb():
    # VmHWM is this program's own peak. ru_maxrss is kept across exec, so in a child started
    # by a large parent it reports the parent's size at the fork.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
peak = peak_mb()
def size(result):
    return sum(len(r) for r in result) if isinstance(result, list) else len(result)
rows_out = {name: size(fn()) if name != "milestone_status" else len(status)
            for name, fn, _ in steps}
floor = {k: median3(f) for k, f in floors.items()}
groups = {k: len(f()) for k, f in floors.items()}
out = [{"metric": name, "seconds": seconds[name], "floor_of": base, "floor": floor[base],
        "rows_out": rows_out[name], "floor_rows_out": groups[base]}
       for name, fn, base in steps]
def mb(df):
    return float(df.memory_usage(deep=True).sum()) / 2**20
sizes = {"ledger": mb(ledger), "tables": sum(mb(x) for x in tables), "status": mb(status)}
print(json.dumps({"scale": scale, "load": load, "sizes": sizes, "rows": {
    "tasks": len(tables.tasks), "task_units": len(tables.task_units),
    "task_leaders": len(tables.task_leaders), "ledger": len(ledger)},
    "steps": out, "peak_mb": peak}))
"""


def prepare_scale(folder: Path, scale: int) -> None:
    from taskstats.progress import write_demo_ledger

    tables = synthetic.tables(100 * scale)
    for name, frame in zip(("tasks", "task_units", "task_leaders", "quality"), tables, strict=True):
        frame.to_parquet(folder / f"{name}.parquet")
    write_demo_ledger(synthetic.ledger(tables), folder)


def scale_run(scale: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        prepare_scale(Path(tmp), scale)
        generated = time.perf_counter() - start
        result = subprocess.run(
            [sys.executable, "-c", SCALE_CHILD, str(HERE), tmp, str(scale)],
            capture_output=True,
            text=True,
            check=True,
        )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["generate"] = generated
    return data


def profile_slowest(scale_1x: dict) -> tuple[str, str]:
    """cProfile of the slowest metric at 1x, top functions by cumulative time."""
    slowest = max(scale_1x["steps"], key=lambda s: s["seconds"])["metric"]
    from taskstats import measures as m
    from taskstats import progress as pg

    DEFAULT_RULES = pg.load_rules("default")

    tables = synthetic.tables(100)
    ledger = synthetic.ledger(tables)
    schedules = synthetic.monthly_schedules(tables)
    status = m.milestone_status(tables, ledger, schedules, AS_OF)
    calls = {
        "milestone_status": lambda: m.milestone_status(tables, ledger, schedules, AS_OF),
        "completion_trend": lambda: m.completion_trend(tables, ledger, schedules),
        "traffic_lights": lambda: m.traffic_lights(status, DEFAULT_RULES),
        "completion_rates": lambda: m.completion_rates(tables, status, by="leader"),
        "unit_workload": lambda: m.unit_workload(tables),
        "coordination": lambda: m.coordination(tables),
        "compare_districts": lambda: m.compare_districts(tables),
    }
    fn = calls.get(slowest, calls["milestone_status"])
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(12)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    return slowest, "\n".join(lines[start : start + 13])


# --- 5. the comparison of a hundred districts --------------------------------------------------


def compare_100() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        raw = synthetic.write_raw(Path(tmp) / "raw", 100)
        target = Path(tmp) / "compare.html"
        notebook = config.notebooks_dir() / report.COMPARE_NOTEBOOK
        params = {
            "districts": "",
            "as_of": AS_OF,
            "progress": "demo",
            "language": "zh",
            "top": 12,
            "raw_dir": str(raw),
            "store_dir": str(Path(tmp) / "store"),
        }
        seconds = timed(
            lambda: report.execute_to_html(
                notebook, params, target, title="compare", lang="zh", failed_dir=Path(tmp)
            )
        )
        page = target.read_text(encoding="utf-8")
    return {
        "districts": 100,
        "seconds": seconds,
        "mb": len(page.encode()) / 1e6,
        "images": page.count("data:image/png"),
        "table_rows": page.count("<tr>") - 10,
    }


# --- the report --------------------------------------------------------------------------------


def machine() -> dict:
    import matplotlib
    import nbconvert
    import numpy
    import pandas
    import papermill

    rev = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=config.PROJ_ROOT,
        ).stdout.strip()
        or "unknown"
    )
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "python": platform.python_version(),
        "taskstats": f"{taskstats.__version__} ({rev})",
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
        "papermill": papermill.__version__,
        "nbconvert": nbconvert.__version__,
        "load": load_average(),
    }


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes, as `uptime` says it."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def report_reading(rf: dict) -> list[str]:
    """What the report/floor ratio means, from this run's figures."""
    floor = median(rf["floor"])
    budget = 0.5 * floor
    own, conv = rf["own_work"], rf["conversion"]
    extra = conv["report"] - conv["floor"]
    work = own["prepare"] + own["charts"] + own["tables"] + extra
    parts = (
        f"reading and measuring the district {own['prepare']:.2f} s, the six charts "
        f"{own['charts']:.2f} s, the tables and text {own['tables']:.2f} s, and the page's "
        f"conversion {abs(extra):.2f} s {'more' if extra >= 0 else 'less'} than the floor's"
    )
    ahead = (
        "In the report's kernel the charts are drawn by a copy of the kernel on the second core "
        "while the kernel writes the tables and text and works out the coverage and the "
        "ranking (`report/drawing.py`), so the page waits for the longer of the two, not their "
        "sum; the CPU time above counts both. With one core the charts are drawn where they "
        "are shown, one after the other."
    )
    if rf["ratio"] <= 1.5:
        return [
            f"The report's own work, measured without a kernel, is {work:.2f} s ({parts}), "
            f"against the {budget:.2f} s the target allows above this floor. {ahead}"
        ]
    return [
        f"What the remaining gap is made of: at most 1.5× leaves the report {budget:.2f} s "
        f"above a floor of {floor:.2f} s (kernel start, imports, conversion). Its own work, "
        f"measured without a kernel, is {work:.2f} s: {parts}. {ahead} In the kernel the work "
        "costs more (first calls load fonts and code, other work on the machine stretches the "
        "report's computing more than the floor's waiting), so the ratio rises with the "
        "machine's load.",
        "",
        "What it would take: each chart is one matplotlib drawing with its layout measured "
        "once; what is left is matplotlib's own cost per artist (about 130 ticks and 330 texts "
        "for eight panels), which only fewer panels, fewer labels or another drawing library "
        "would remove. Reading and measuring the district is a few pandas passes of 10–40 ms "
        "each (the progress snapshot with the previous period and the trend, reading the raw "
        "file); reading the district from its processed tables is the next step there.",
    ]


REPORT_CHANGES = [
    "What changed for this section (each measured on this machine while other work shared "
    "its two cores; in exploratory runs of section 1, 3–5 runs each at load averages of "
    "1.5–3.4, the ratio went 3.04× → 2.53× → 2.25× → 1.77× over the first steps; after the "
    "notebook's cells step, three full runs of section 1 at load averages of 0.6–1.0 gave "
    "1.65×, 1.29× and 1.61×; the next day it measured 1.69× before the last three steps, "
    "then, as they landed: 1.37× and 1.51× (charts drawn ahead, 5 runs each), 1.44× (the "
    "garbage collector kept out of the copy, 7 runs), 1.54× (a full `make bench`, 9 runs) "
    "and, with the kernel's end, 1.38× (a full `make bench`, 9 runs: this section):",
    "",
    "| step | before | after | what changed |",
    "|---|---|---|---|",
    "| commitment linkage (the report's 落实覆盖 section) | about 1.5 s | 0.06 s | each "
    "text's stop-list mask, targets, quoted names and 3-grams worked out once instead of "
    "once per commitment–task pair; pairs with no 3 characters, quoted name or target in "
    "common skipped; the links are the same (compared on the bundled work report against "
    "all four districts) |",
    "| every chart drawn twice in the kernel | 1.9 s of a 10.3 s profiled run | gone | "
    "after each cell pyplot's display hook drew every figure to pixels, then the inline "
    "backend drew it again as the SVG shown; `set_style` now loads the inline backend and "
    "removes that hook (a test counts the drawings) |",
    "| the charts' layout | constrained layout: 1.38–1.58 s CPU for the six charts | 0.79 "
    "s | constrained layout measured every artist twice before each drawing, and printing "
    "a figure with a layout engine draws it twice; the district charts now set their "
    "margins from the measured tick labels, axis labels, titles and legend "
    "(`report/layout.py`), and in a report's kernel that layout is fixed when the chart is "
    'made, so it is printed in one drawing. `layout="tight"` was tried: 1.29 s, it '
    "measures every artist too |",
    "| the page's conversion | 0.27–0.48 s CPU | 0.10–0.11 s | nbconvert's HTML exporter "
    "ended by parsing the whole page again with BeautifulSoup only to add an English alt "
    "placeholder and JupyterLab's tabindex; `page_body` stops before it and writes the "
    "alt text itself |",
    "| marking texts as plain | 0.05–0.1 s | 0 | the walk over every artist is skipped "
    "when `set_style` has turned mathtext off for every new text |",
    "| the five completion-rate tables | 123 ms | 37 ms | each task's counts and light "
    "worked out once (`completion_rates_by`) and summed per grouping with numpy instead of "
    "a pandas groupby per table; the same tables (compared on all four districts, with "
    "and without lights, and the trend by unit) |",
    "| naming the tasks (text, lead units, leaders) | four times: the red list and three "
    "period tables | once | `task_people` once per progress snapshot, read by its red list "
    "and by the period sections (those went from 0.37 s to 0.29 s profiled) |",
    "| writing the tables | 0.28 s CPU for the tables and text with the period sections | "
    "0.25 s | `html_table` writes its HTML itself instead of through `DataFrame.to_html`, "
    "whose formatter pads every cell to a fixed width the HTML writer then strips; the same "
    "text (compared on 504 tables of every district in both languages; columns it does "
    "not reproduce go through pandas) |",
    "| placing the titles | 0.66 s CPU for the six charts | 0.50 s | at each drawing "
    "matplotlib searched every panel's decorations for something to lift the title over; "
    "none of the charts has any above its panel, so `set_style` places titles at the "
    "panel's top (`axes.titley = 1.0`); every text lands where it did (a test compares) |",
    "| the notebook's cells | 18 cells for the sections: 2.15 s of papermill's durations | "
    "one cell: 1.71 s (one run each, 2026-12-03, the same code) | each cell is a round trip "
    "to the kernel (12–20 ms even for one line, plus the inline backend's end-of-cell work); "
    "the sections now share one cell and each chart is shown where it stands by "
    "`plt.show()`; the rendered pages read the same (their text, headings, charts and the "
    "charts' places compared on all four districts in both languages; a test checks each "
    "chart stands under its heading) |",
    "| drawing the charts beside the tables | the sections cell 1.21–1.50 s (two runs, timed "
    "in the kernel), the charts, then the tables | 0.86–0.89 s (three runs) | a copy of the "
    "kernel (a fork: the figures' data is already there, nothing is imported or pickled "
    "again) draws the six charts on the second core while the kernel writes the tables and "
    "works out the coverage and the ranking, which `prepare_district` now leaves until they "
    "are asked for; each chart takes its place under its heading (a placeholder updated by "
    "its display id), the same SVG the kernel would draw (a test compares). The kernel's "
    "objects are frozen out of the garbage collector's reach while the copy runs, and the "
    "copy does not collect: its collections wrote to every object and so copied the shared "
    "memory page by page (the cell took 1.14–1.20 s before that). Balancing the last charts "
    "between the two was measured and left: the copy ends 0.05–0.2 s after the kernel |",
    "| the kernel's end | papermill waited 0.2 s more for the report's kernel to end than for "
    "the floor's (two more of its 0.1 s polls) | about as long as the floor's | at exit Python's "
    "last garbage collections walked every object the kernel held (a script doing the report's "
    "work ended 0.37–0.46 s after its last line, 0.06–0.08 s with them skipped); in a kernel "
    "taskstats starts to run a report, `set_style` has its objects frozen out of their reach "
    "at exit (`atexit`: the exit handlers still run, objects in reference cycles are not "
    "finalised; a test sees them frozen, and not in a kernel a person works in). Whole "
    "process, 5 interleaved runs: 1.50× "
    "→ 1.32× (the report 5.18 → 4.79 s, floors 3.46 and 3.63 s) |",
    "",
    "Tried and left as they were: registering the Chinese font costs 26 ms a kernel (not "
    "worth a cache); Python's garbage collector 18 ms; papermill's round trip about 4 ms a "
    "cell; papermill's notebook saves (off already: `request_save_on_cell_execute=False`). "
    "Importing taskstats takes 0.70 s after pyplot, pandas and seaborn (python-pptx "
    "0.14 s and openpyxl 0.16 s of it); lazy imports would shorten the floor and the report "
    "by the same amount, which raises the ratio, so they were not made for this target. "
    "What the report's first cell imports beyond `import taskstats` (IPython's display, "
    "`taskstats.report.charts` and its layout, matplotlib's Agg backend) is 31 ms "
    "(`python -X importtime`), so no lazy import is worth making there either. Fewer tick "
    "objects: every chart's ticks are the ones it labels (at most one per axis falls outside "
    "the view, no minor ticks are drawn), so there are none to drop.",
]


# Why a measure costs more than one groupby pass, for those above 3× at 10×.
OVER_FLOOR = {
    "unit_workload": "five counts over the coded unit rows, and the distinct partners of each "
    "unit from every pair of units within a task (the pair pass of `coordination`); coding the "
    "text keys alone costs about one floor.",
    "completion_trend": "the ledger mapped to the task-by-milestone grid, as `milestone_status` "
    "does, then the tallies read at each of the twelve reporting dates; about one status pass "
    "and a little more.",
    "*": "coding the text keys (district, task, name) costs about one floor on its own, then "
    "several counts over the coded rows.",
}


def scale_reading(scales: list[dict], totals: list[float]) -> list[str]:
    """The province-scale figures against their targets, from this run."""
    growth = totals[1] / totals[0]
    small, big = scales
    ratio = {
        s["scale"]: {st["metric"]: st["seconds"] / st["floor"] for st in s["steps"]} for s in scales
    }
    over = [st for st in big["steps"] if st["seconds"] / st["floor"] > 3]
    pairs = [st for st in over if st["rows_out"] > st["floor_rows_out"]]
    others = [st for st in over if st not in pairs]
    peak = big["peak_mb"]
    lines = [
        f"- Cost against one groupby pass (target at most 3×): "
        f"{sum(v <= 3 for v in ratio[small['scale']].values())} of {len(small['steps'])} measures "
        f"within it at {small['scale']}×, "
        f"{sum(v <= 3 for v in ratio[big['scale']].values())} at {big['scale']}×.",
        f"- Growth from 1× to 10× (target close to linear, 10×): {growth:.1f}× in all.",
        f"- Peak memory at {big['scale']}× (target under 1 GB): {peak:.0f} MB, "
        f"{verdict(peak < 1024)}.",
        "",
        "Reading these figures against the targets:",
        "",
    ]
    if pairs:
        lines.append(
            "- "
            + ", ".join(
                f"`{st['metric']}` ({st['rows_out']:,} rows out against "
                f"{st['floor_rows_out']:,} groups)"
                for st in pairs
            )
            + ": these write more rows than the floor's one groupby has groups (leader and "
            "unit pairs, unit pairs), so one `groupby().size()` is not a floor they can "
            "approach; each is a join of sorted integer task codes, one count and one sort of "
            "the result."
        )
    for st in others:
        lines.append(
            f"- `{st['metric']}` ({ratio[big['scale']][st['metric']]:.1f}×): "
            + OVER_FLOOR.get(st["metric"], OVER_FLOOR["*"])
        )
    if not over:
        lines.append(f"- Every measure is within 3× of its floor at {big['scale']}×.")
    lines += [
        f"- Memory at {big['scale']}×: the ledger as read for the measures takes "
        f"{big['sizes']['ledger']:.0f} MB (from its columnar copy, status columns only, repeated "
        f"values stored once), the tidy tables {big['sizes']['tables']:.0f} MB and the status "
        f"grid {big['sizes']['status']:.0f} MB. The heavy steps map the ledger to the grid a "
        "million rows at a time and hand freed memory back to the system when they end.",
    ]
    return lines


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report_section(rf: dict, machine_row: dict | None = None) -> list[str]:
    """Section 1 of results.md, from one run of :func:`report_vs_floor`; with ``machine_row``
    (a run of section 1 alone) it says when and where it ran."""
    lines = [
        "## 1. One report against its floor",
        "",
        "The Dalian report end to end (papermill runs the notebook, nbconvert renders it, the page "
        "is written) against the same pipeline on a notebook that only imports taskstats, "
        f"pandas, matplotlib and seaborn; {len(rf['report'])} interleaved runs each.",
        "",
        "| | median s | runs (s) |",
        "|---|---|---|",
        f"| floor | {median(rf['floor']):.2f} | {', '.join(f'{x:.2f}' for x in rf['floor'])} |",
        f"| district report | {median(rf['report']):.2f} | "
        f"{', '.join(f'{x:.2f}' for x in rf['report'])} |",
        "",
        f"**Ratio {rf['ratio']:.2f}×** (target at most 1.5×: {verdict(rf['ratio'] <= 1.5)}). "
        f"Load average (1, 5, 15 min) before the runs {rf['load'][0]}, after {rf['load'][1]}.",
        "",
        "CPU time of the whole process with its kernel (and, for the report, the copy of the "
        f"kernel drawing the charts), medians: the report {rf['cpu']['report']:.2f} s, the "
        f"floor {rf['cpu']['floor']:.2f} s.",
        "",
        "Where the report's own cells spend their time (one more run, papermill's cell "
        "durations): " + ", ".join(f"{k} {v:.2f} s" for k, v in rf["breakdown"].items()) + ".",
        "",
        f"The floor's cells took {rf['floor_cells']:.2f} s in the same way.",
        "",
        f"The same work outside any notebook ({len(rf['report'])} runs each, medians): reading "
        f"and measuring the district {rf['own_work']['prepare']:.2f} s, drawing the six charts "
        "as the kernel shows them (SVG, text as text), one after the other, "
        f"{rf['own_work']['charts']:.2f} s, the "
        f"tables and text with the period sections {rf['own_work']['tables']:.2f} s; "
        "converting the executed notebook "
        f"to the page body {rf['conversion']['report']:.2f} s (the floor's "
        f"{rf['conversion']['floor']:.2f} s).",
        "",
        *report_reading(rf),
        "",
        *REPORT_CHANGES,
        "",
    ]
    if machine_row:
        m = machine_row
        lines[1:1] = [
            "",
            f"This section from `benchmarks/run.py --only report` on {m['date']} (taskstats "
            f"{m['taskstats']}).",
        ]
    return lines


def replace_section(path: Path, heading: str, lines: list[str]) -> None:
    """Put ``lines`` in place of the section of ``path`` that starts with ``heading``, up to
    the next section heading; the rest of the file is kept."""
    old = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, ln in enumerate(old) if ln.startswith(heading))
    after = next((i for i in range(first + 1, len(old)) if old[i].startswith("## ")), len(old))
    path.write_text("\n".join(old[:first] + lines + old[after:]), encoding="utf-8")


def write_results(path: Path, r: dict, quick: bool) -> None:
    m = r["machine"]
    rf, b = r["report"], r["batch"]
    lines = [
        "# taskstats benchmark results",
        "",
        f"All figures from one run of `{'benchmarks/run.py --quick' if quick else 'make bench'}`"
        f" on {m['date']}. Medians of repeated runs; ratios are taken within this run, on this "
        "machine, so a shared machine's noise hits both sides alike.",
        "",
        "| machine | python | taskstats | pandas | numpy | matplotlib | papermill | nbconvert |",
        "|---|---|---|---|---|---|---|---|",
        f"| {m['machine']} | {m['python']} | {m['taskstats']} | {m['pandas']} | {m['numpy']} "
        f"| {m['matplotlib']} | {m['papermill']} | {m['nbconvert']} |",
        "",
        *report_section(rf),
        "## 2. The batch in parallel",
        "",
        f"All {b['reports']} reports (four districts and the comparison), {b['workers']} "
        f"workers against one after another; {len(b['sequential'])} runs each.",
        "",
        "| | median s | runs (s) |",
        "|---|---|---|",
        f"| one after another, one core each | {median(b['sequential']):.1f} | "
        f"{', '.join(f'{x:.1f}' for x in b['sequential'])} |",
        f"| one after another, charts drawn ahead | {median(b['sequential_ahead']):.1f} | "
        f"{', '.join(f'{x:.1f}' for x in b['sequential_ahead'])} |",
        f"| parallel | {median(b['parallel']):.1f} | "
        f"{', '.join(f'{x:.1f}' for x in b['parallel'])} |",
        "",
        f"**Speed-up {b['speedup']:.2f}×** (target at least 1.6×: {verdict(b['speedup'] >= 1.6)}).",
        "",
        "The comparison, the longest job, starts first. On two cores each worker runs a "
        "kernel and converts its notebook in its own process, so the speed-up is bounded by "
        "2× less the work the two share (imports, process start-up, the lock and the final "
        "renames). The speed-up is taken against the reports one after another with one "
        "core each, the share each worker's kernels get when the batch runs them side by side "
        "(`TASKSTATS_CORES`); one after another with both cores, each report draws its charts "
        "ahead on the second core (section 1), which takes back part of the difference.",
        "",
        "## 3. Ingest",
        "",
        "Each bundled raw file to its tidy tables (reader, normalisation, tidy tables) against "
        "reading the same bytes, decoding them and splitting the lines.",
        "",
        "| district | bytes | tasks | floor ms | ingest ms | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for row in r["ingest"]:
        lines.append(
            f"| {row['district']} | {row['bytes']:,} | {row['tasks']} | "
            f"{row['floor_ms']:.2f} | {row['ingest_ms']:.1f} | {row['ratio']:.0f}× |"
        )
    lines += [
        "",
        "No target was set; the absolute cost is a few tens of milliseconds per district.",
        "",
        "## 4. Province scale",
        "",
        "Synthetic districts in the seeds' shapes (`benchmarks/synthetic.py`): 250 tasks each, "
        "1–3 lead units, up to 3 support units and collectives, one or two leaders, monthly "
        "milestones, and a simulated monthly ledger (a report per task and month, some early "
        "ones superseded, some late completions). 1× is 100 districts, 10× is 1,000. Each "
        "scale runs in a fresh process that loads the tidy tables and the ledger from disk (the "
        "ledger with `read_ledger(columns=STATUS_COLUMNS)`, from the columnar copy written "
        "beside the CSV) and runs every measure three times; the floor of a measure is one "
        "pandas `groupby(...).size()` pass over the rows it reads (the leaders, units, tasks or "
        "ledger table), also three times. Both sides are medians. The peak memory is the "
        "process's peak resident size (`VmHWM`) after the measures, before the floors run.",
        "",
    ]
    scales = r["scale"]
    for s in scales:
        rows = s["rows"]
        lines.append(
            f"- {s['scale']}×: {rows['tasks']:,} tasks, {rows['task_units']:,} unit "
            f"and {rows['task_leaders']:,} leader assignments, {rows['ledger']:,} "
            f"progress rows; generated in {s['generate']:.0f} s, loaded in "
            f"{s['load']:.1f} s; peak memory {s['peak_mb']:.0f} MB."
        )
    big = scales[-1]
    header = "| measure | floor of |" + "".join(
        f" {s['scale']}× s | {s['scale']}× ratio |" for s in scales
    )
    header += f" rows out at {big['scale']}× (floor's groups) |"
    lines += ["", header, "|---|---|" + "---|---|" * len(scales) + "---|"]
    for i, step in enumerate(scales[0]["steps"]):
        cells = "".join(
            f" {s['steps'][i]['seconds']:.3f} | "
            f"{s['steps'][i]['seconds'] / s['steps'][i]['floor']:.1f}× |"
            for s in scales
        )
        last = big["steps"][i]
        cells += f" {last['rows_out']:,} ({last['floor_rows_out']:,}) |"
        lines.append(f"| {step['metric']} | {step['floor_of']} |{cells}")
    totals = [sum(x["seconds"] for x in s["steps"]) for s in scales]
    lines += [
        "",
        "Totals: "
        + ", ".join(f"{s['scale']}×: {t:.1f} s" for s, t in zip(scales, totals, strict=True))
        + ".",
    ]
    if len(scales) == 2:
        lines += ["", *scale_reading(scales, totals)]
    c = r["compare"]
    slowest, profile = r["profile"]
    lines += [
        "",
        "## 5. The comparison of 100 districts",
        "",
        f"The comparison notebook on {c['districts']} synthetic districts (raw files in the "
        f"three text layouts, read and measured in the notebook) rendered in "
        f"{c['seconds']:.1f} s to a {c['mb']:.1f} MB page with {c['images']} charts. It stays "
        "readable: the indicator table lists every district, and the small multiples draw the "
        "12 largest on common scales (`top` parameter).",
        "",
        "## 6. Profile of the slowest step",
        "",
        f"`{slowest}` at 1×, cProfile, by cumulative time:",
        "",
        "```",
        profile,
        "```",
        "",
        *r["notes"],
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


FIXES = [
    "## Fixes the profiles led to",
    "",
    "Measured at 1× (25,000 tasks, 380,000 progress rows) before and after, on this machine:",
    "",
    "| step | before | after | what changed |",
    "|---|---|---|---|",
    "| `traffic_lights` | 66.9 s | about 1 s | a Python loop over every task's milestones "
    "became one vectorised pass per rule, reasons joined per task |",
    "| `demo_ledger` | 14.6 s | 3.7 s | random draws for all tasks and milestones at once "
    "instead of row by row |",
    "| `completion_trend` | minutes (a status grid per district and date) | see section 4 | one "
    "pass per distinct date; the district trend counts reports without building the grid |",
    "| `coordination` | 2.4 s | 0.2 s | unit pairs by a self-merge instead of "
    "`itertools.combinations` per task |",
    "| `milestone_status`, `completion_trend` | 2.1 s, minutes | see section 4 | the grid of "
    "tasks and milestones and the ledger joined on integer keys instead of three text columns; "
    "the ledger read for the measures with only the status columns, dictionary-encoded |",
    "| `completion_rates`, `unit_workload` | 1.2 s, 0.5 s | 0.5 s, 0.5 s | boolean columns "
    "summed instead of Python lambdas per group |",
    "| `milestone_status`, `completion_trend` (second round) | 0.65 s, 1.32 s | 0.33 s, "
    "1.0 s | a profile then showed most of the ledger matching (`_compact_reports`, since "
    "replaced) in building tuples of a "
    "MultiIndex to match ledger rows to tasks; the pairs are now factorised as integers and "
    "only the distinct pairs looked up |",
    "| all | | | pyarrow installed, so pandas 3 keeps strings in Arrow arrays: about twice "
    "as fast and less than half the memory of Python string objects |",
    "",
    "Second round, at 10× (250,000 tasks, 3.8 million progress rows). Before: the previous "
    "results file (one run each); after: section 4 of this file.",
    "",
    "| step | before | what changed |",
    "|---|---|---|",
    "| `milestone_status` | 6.3 s | a profile showed 4.9 s in building the grid: every task "
    "row compared with each district's name (quadratic). Rows are now grouped by district once; "
    "the latest report of each node is one scatter (`np.maximum.at`) of a supersession rank "
    "packed into one integer, instead of a sort, a hash join and a lookup |",
    "| `completion_trend` | 6.5 s | per-district tallies by milestone, updated day by day for "
    "the nodes with new reports only, instead of a pass over every node per date |",
    "| `traffic_lights` | 5.1 s | reasons formatted once per distinct text and joined per "
    "task over integer codes (the profile showed 220,000 pandas calls for the join); no sort "
    "when the status is already in order |",
    "| `completion_rates` | 2.3 s | due nodes counted per task with `bincount`, then joined "
    "to leaders or units (250,000 rows instead of 1.5 million) |",
    "| `unit_workload`, `coordination`, `leader_units`, `leader_workload`, `concentration`, "
    "`compare_districts` | 2.85, 0.56, 0.72, 0.19, 0.33, 0.62 s | integer codes and "
    "`bincount`; pairs within tasks by a join of sorted task codes; no per-group Python "
    "function (medians of three before and after, same data: 0.26, 0.30, 0.50, 0.10, 0.13, "
    "0.18 s) |",
    "| reading the ledger | 2.0 s, 304 MB | a columnar (Parquet) copy written beside the CSV "
    "on every import and read while it matches the CSV; columns not read are one-byte "
    "categories |",
    "| peak memory | 3.3 GB | the above, the ledger mapped to the grid a million rows at a "
    "time with int32 where it fits, and freed memory handed back after each heavy step "
    "(Arrow's pool, glibc's `malloc_trim`) |",
]


def document_formats(repeats: int) -> list[dict]:
    """Each document format's time to tidy tables against its bare extraction."""
    from formats import formats

    return formats(repeats)


def formats_markdown(rows: list[dict]) -> str:
    from formats import markdown

    return markdown(rows)


def scanned_tables() -> list[dict]:
    """Scanned tables read by OCR (benchmarks/ocr.py); none when the OCR extra is missing."""
    from ocr import ocr_bench

    from taskstats.errors import InputError
    from taskstats.io.ocr import require_ocr

    try:
        require_ocr()
    except InputError:
        return []
    return ocr_bench()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 10× scale")
    parser.add_argument(
        "--only",
        choices=["report"],
        help="run one section only; `report` replaces section 1 of --out and keeps the rest",
    )
    parser.add_argument("--repeats", type=int, help="interleaved runs of section 1 (default 9)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 9)
    if args.only == "report":
        result = report_vs_floor(repeats)
        replace_section(args.out, "## 1. ", report_section(result, machine()))
        print(f"ratio {result['ratio']:.2f}×; wrote section 1 of {args.out}")
        return
    results: dict = {"machine": machine()}
    steps = [
        ("report", lambda: report_vs_floor(repeats)),
        ("batch", lambda: batch(2 if args.quick else 3)),
        ("ingest", lambda: ingest(5 if args.quick else 20)),
        ("scale", lambda: [scale_run(s) for s in ((1,) if args.quick else (1, 10))]),
        ("compare", compare_100),
        ("formats", lambda: document_formats(2 if args.quick else 5)),
        ("ocr", scanned_tables),
    ]
    for key, fn in steps:
        start = time.perf_counter()
        results[key] = fn()
        print(f"{key}: {time.perf_counter() - start:.0f} s", flush=True)
    results["profile"] = profile_slowest(results["scale"][0])
    results["notes"] = FIXES
    write_results(args.out, results, args.quick)
    with args.out.open("a", encoding="utf-8") as f:
        f.write("\n## Document formats: time to tidy tables vs bare extraction\n\n")
        f.write(formats_markdown(results["formats"]) + "\n")
    if results["ocr"]:
        from ocr import ocr_markdown, write_section

        write_section(ocr_markdown(results["ocr"]), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
