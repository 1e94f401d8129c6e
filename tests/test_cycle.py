"""The monthly supervision cycle on tiny hand-made tables and ledgers, every figure worked out by
hand: the status model's boundaries, co-lead units, runs of 未报送, ongoing tasks, and a
two-month, three-unit scenario through the one pipeline (``taskstats.progress_snapshot``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import taskstats
from taskstats import measures as ms
from taskstats import progress as pg
from taskstats.progress.ledger import typed_ledger
from taskstats.report.wording import reason_text
from taskstats.tidy import TaskTables
from taskstats.tidy.schema import LEDGER_COLUMNS

OCT, NOV, DEC = dt.date(2020, 10, 31), dt.date(2020, 11, 30), dt.date(2020, 12, 31)
SCHEDULE = {"x": [OCT, NOV, DEC]}
# task: (lead units, own deadline, ongoing)
TASKS = {
    "1": (["甲单位"], "", False),
    "2": (["甲单位", "乙单位"], "", False),  # co-led
    "3": (["丙单位"], "2020-11-30", False),  # its deadline is a node
    "4": (["乙单位"], "", True),  # 持续推进
    "5": (["丙单位"], "2020-11-15", False),  # its deadline is a node of its own
}


def tables(spec: dict = TASKS) -> TaskTables:
    tasks = pd.DataFrame(
        {
            "district": "x",
            "task_id": list(spec),
            "seq": range(1, len(spec) + 1),
            "text": [f"任务{t}" for t in spec],
            "source": "self",
            "due_date": [d for _, d, _ in spec.values()],
            "ongoing": [o for _, _, o in spec.values()],
        }
    )
    units = pd.DataFrame(
        [
            {"district": "x", "task_id": t, "unit": u, "role": "lead", "collective": False}
            for t, (us, _, _) in spec.items()
            for u in us
        ]
    )
    leaders = pd.DataFrame(columns=["district", "task_id", "leader", "collective"])
    quality = pd.DataFrame(columns=["district", "task_id", "kind", "severity", "message"])
    return TaskTables(tasks, units, leaders, quality)


def ledger(reports: list[tuple]) -> pd.DataFrame:
    """Ledger rows from (import, unit, task, node, status, 填报日期)."""
    rows = [
        {
            "import_id": imp,
            "imported_at": f"2020-12-0{imp % 9 + 1}T09:00:00",
            "file": f"{imp}.xlsx",
            "file_sha256": str(imp),
            "sheet": unit or "推进表",
            "row": i + 2,
            "district": "x",
            "task_id": task,
            "milestone": node,
            "status": status,
            "standard": "",
            "progress": "",
            "evidence": "",
            "contact": "",
            "reported_on": reported,
            "simulated": False,
            "unit": unit,
        }
        for i, (imp, unit, task, node, status, reported) in enumerate(reports)
    ]
    return typed_ledger(pd.DataFrame(rows, columns=LEDGER_COLUMNS))


# Two months of returns from three units. 丙 sent nothing in October on time; its October file
# (dated 10-30, 序时推进 on task 3's November node) arrives after its November one: import 6.
SCENARIO = [
    (1, "甲单位", "1", "2020-10-31", "序时推进", "2020-10-30"),
    (1, "甲单位", "2", "2020-10-31", "已完成", "2020-10-30"),
    (2, "乙单位", "2", "2020-10-31", "序时推进", "2020-10-29"),
    (2, "乙单位", "4", "2020-10-31", "滞后", "2020-10-29"),
    (3, "甲单位", "1", "2020-11-30", "序时推进", "2020-11-28"),
    (3, "甲单位", "2", "2020-11-30", "已完成", "2020-11-28"),
    (4, "乙单位", "4", "2020-11-30", "序时推进", "2020-11-29"),
    (5, "丙单位", "3", "2020-11-30", "已完成", "2020-11-27"),
    (5, "丙单位", "5", "2020-11-15", "滞后", "2020-11-27"),
    (6, "丙单位", "3", "2020-11-30", "序时推进", "2020-10-30"),
]


@pytest.fixture(scope="module")
def snapshot():
    # Run on 3 December without a date: the as-of node is 30 November, the previous 31 October.
    return taskstats.progress_snapshot(
        tables(), ledger(SCENARIO), SCHEDULE, None, "default", today=dt.date(2020, 12, 3)
    )


def test_scenario_periods_and_status(snapshot):
    assert snapshot.as_of == {"x": NOV} and snapshot.previous == {"x": OCT}
    assert snapshot.source == "real"
    due = snapshot.status[snapshot.status["due"]]
    got = {(str(r.task_id), str(r.milestone)): str(r.status) for r in due.itertuples()}
    assert got == {
        ("1", "2020-10-31"): "on_track",
        ("1", "2020-11-30"): "on_track",
        ("2", "2020-10-31"): "on_track",  # 甲 done, 乙 on schedule: the least advanced
        ("2", "2020-11-30"): "not_reported",  # 甲 done, 乙 silent
        ("3", "2020-10-31"): "not_reported",
        ("3", "2020-11-30"): "done",  # dated 11-27: the 10-30 file imported later does not count
        ("4", "2020-10-31"): "behind",
        ("4", "2020-11-30"): "on_track",
        ("5", "2020-10-31"): "not_reported",
        ("5", "2020-11-15"): "behind",
        ("5", "2020-11-30"): "not_reported",
    }
    # Overdue: task 5 past its own deadline (11-15) without 已完成, at 11-15 and 11-30.
    overdue = due[due["overdue"]]
    assert list(
        zip(overdue["task_id"].astype(str), overdue["milestone"].astype(str), strict=True)
    ) == [
        ("5", "2020-11-15"),
        ("5", "2020-11-30"),
    ]
    assert snapshot.not_reported.values.tolist() == [
        ["x", "2", "2020-11-30", "乙单位"],
        ["x", "3", "2020-10-31", "丙单位"],
        ["x", "5", "2020-10-31", "丙单位"],
        ["x", "5", "2020-11-30", "丙单位"],
    ]


def test_scenario_rates(snapshot):
    r = snapshot.rates.iloc[0]
    counts = ["due", "done", "on_track", "behind", "not_started", "not_reported", "overdue"]
    assert r[counts].tolist() == [11, 1, 4, 2, 0, 4, 2]
    tasks = [
        "tasks",
        "tasks_past_deadline",
        "tasks_done",
        "tasks_done_past_deadline",
        "tasks_reported",
        "tasks_on_schedule",
    ]
    assert r[tasks].tolist() == [5, 2, 1, 1, 3, 3]
    assert r["task_completion_rate"] == 0.5  # task 3 of tasks 3 and 5
    assert r["done_share"] == 0.2
    assert r["on_schedule_rate"] == 1.0  # tasks 1, 3, 4 of the 3 reported at their latest node
    assert r["reporting_rate"] == pytest.approx(7 / 11)
    assert r["completion_rate"] == pytest.approx(1 / 11)


def test_scenario_lights_and_change(snapshot):
    lights = snapshot.lights.set_index("task_id")
    assert lights["light"].to_dict() == {
        "1": "green",  # 序时推进 at a checkpoint is on schedule
        "2": "yellow",  # 乙 did not report in November: once
        "3": "green",
        "4": "green",  # ongoing; 滞后 in October, 序时推进 in November
        "5": "red",
    }
    assert lights.loc["5", "reasons"] == "overdue:2020-11-15;behind:2020-11-15:1"
    assert lights.loc["2", "reasons"] == "not_reported:2020-11-30:1"
    assert reason_text(lights.loc["5", "reasons"]) == (
        "超过完成时限2020-11-15未完成；节点2020-11-15报告滞后"
    )
    assert reason_text(lights.loc["5", "reasons"], "en") == (
        "past its deadline 2020-11-15 and not done; reported behind at 2020-11-15"
    )
    assert snapshot.red["task_id"].tolist() == ["5"]
    fig = snapshot.figures.iloc[0]
    assert fig[["red", "yellow", "green", "not_reported", "tasks_done"]].tolist() == [1, 1, 3, 4, 1]
    # On 31 October: task 4 red (滞后), tasks 3 and 5 yellow (未报送; task 5's deadline
    # 11-15 exactly 15 days ahead), tasks 1 and 2 green.
    change = snapshot.change.iloc[0]
    assert change[["red", "red_before", "turned_red", "turned_green"]].tolist() == [1, 1, 1, 2]
    assert change[["not_reported", "not_reported_before"]].tolist() == [4, 2]
    assert change["completion_rate_before"] == 0.0 and change["direction"] == "up"


def test_the_trend_stops_at_the_as_of_date(snapshot):
    assert snapshot.trend["as_of"].tolist() == ["2020-10-31", "2020-11-30"]
    assert snapshot.trend["not_reported"].tolist() == [2, 4]


def status_of(reports, as_of, spec=TASKS):
    status = ms.milestone_status(tables(spec), ledger(reports), SCHEDULE, as_of)
    return status.set_index(["task_id", "milestone"])


def lights_of(reports, as_of, spec=TASKS, rules="default"):
    status = ms.milestone_status(tables(spec), ledger(reports), SCHEDULE, as_of)
    return ms.traffic_lights(status, pg.load_rules(rules)).set_index("task_id")


def test_the_latest_report_date_wins_and_import_order_breaks_ties():
    older_later = [
        (1, "甲单位", "1", "2020-10-31", "已完成", "2020-10-30"),
        (2, "甲单位", "1", "2020-10-31", "滞后", "2020-10-20"),  # older, imported later
    ]
    assert status_of(older_later, OCT).loc[("1", "2020-10-31"), "status"] == "done"
    same_day = [
        (1, "甲单位", "1", "2020-10-31", "已完成", "2020-10-30"),
        (2, "甲单位", "1", "2020-10-31", "滞后", "2020-10-30"),
    ]
    assert status_of(same_day, OCT).loc[("1", "2020-10-31"), "status"] == "behind"


def test_unreported_is_its_own_state_and_runs_escalate():
    status = status_of([], NOV)
    assert status.loc[("1", "2020-10-31"), "status"] == "not_reported"
    assert status.loc[("1", "2020-10-31"), "missing_units"] == "甲单位"
    assert status.loc[("2", "2020-10-31"), "missing_units"] == "甲单位、乙单位"
    once = lights_of([(1, "甲单位", "1", "2020-10-31", "序时推进", "2020-10-30")], NOV)
    assert once.loc["1", "light"] == "yellow"  # one missed report
    assert once.loc["2", "light"] == "red"  # two in a row
    assert once.loc["2", "reasons"] == "not_reported:2020-11-30:2"
    # A 未启动 report is a report: not 未报送.
    started = status_of([(1, "甲单位", "1", "2020-10-31", "未启动", "2020-10-30")], OCT)
    assert started.loc[("1", "2020-10-31"), "status"] == "not_started"


def test_co_lead_units_combine_to_the_least_advanced():
    def at(reports):
        return status_of(reports, OCT).loc[("2", "2020-10-31")]

    both_done = [
        (1, "甲单位", "2", "2020-10-31", "已完成", "2020-10-30"),
        (2, "乙单位", "2", "2020-10-31", "已完成", "2020-10-30"),
    ]
    assert at(both_done)["status"] == "done"
    one_behind = [
        (1, "甲单位", "2", "2020-10-31", "已完成", "2020-10-30"),
        (2, "乙单位", "2", "2020-10-31", "滞后", "2020-10-30"),
    ]
    assert at(one_behind)["status"] == "behind"
    one_silent = both_done[:1]
    row = at(one_silent)
    assert (row["status"], row["missing_units"], row["reported"]) == (
        "not_reported",
        "乙单位",
        False,
    )
    # A report without a unit stands for every lead unit without one of its own.
    whole = [(1, "", "2", "2020-10-31", "序时推进", "2020-10-30"), *one_silent]
    assert at(whole)["status"] == "on_track"


def test_checkpoint_on_schedule_is_green_and_overdue_only_past_the_own_deadline():
    on_track = [
        (1, "甲单位", "1", "2020-10-31", "序时推进", "2020-10-30"),
        (1, "甲单位", "1", "2020-11-30", "序时推进", "2020-11-28"),
    ]
    assert lights_of(on_track, NOV).loc["1", "light"] == "green"
    assert not status_of(on_track, NOV).loc["1", "overdue"].any()
    # On its own deadline (the last node) and after it without 已完成: overdue, red.
    late = [*on_track, (2, "甲单位", "1", "2020-12-31", "序时推进", "2020-12-30")]
    assert status_of(late, DEC).loc[("1", "2020-12-31"), "overdue"]
    assert lights_of(late, DEC).loc["1", "reasons"] == "overdue:2020-12-31"
    # An ongoing task is never overdue.
    ongoing = [(1, "乙单位", "4", node, "序时推进", node) for node in ("2020-10-31", "2020-11-30")]
    ongoing.append((2, "乙单位", "4", "2020-12-31", "序时推进", "2020-12-31"))
    assert not status_of(ongoing, DEC).loc["4", "overdue"].any()
    assert lights_of(ongoing, DEC).loc["4", "light"] == "green"


def test_behind_lights_red_before_the_node_is_due():
    early = [(1, "甲单位", "1", "2020-11-30", "滞后", "2020-11-05")]
    # As of 11-10: the November node is not due, the 滞后 report already lights red.
    lights = lights_of(early, dt.date(2020, 11, 10))
    assert lights.loc["1", "reasons"] == "behind:2020-11-30:1"


def test_due_within_is_fifteen_days_inclusive():
    # Task 5's own deadline is 2020-11-15: 15 days ahead on 10-31, 16 days on 10-30.
    on_time = [(1, "丙单位", "5", "2020-10-31", "序时推进", "2020-10-29")]
    at_15 = lights_of(on_time, OCT)
    assert at_15.loc["5", "light"] == "yellow"
    assert at_15.loc["5", "reasons"] == "due_within:2020-11-15:15"
    at_16 = lights_of(on_time, dt.date(2020, 10, 30))
    assert at_16.loc["5", "light"] == "green"


def test_monthly_rules_need_two_behind_in_a_row_for_red():
    once = [
        (1, "甲单位", "1", "2020-10-31", "序时推进", "2020-10-30"),
        (2, "甲单位", "1", "2020-11-30", "滞后", "2020-11-28"),
    ]
    assert lights_of(once, NOV, rules="monthly").loc["1", "light"] == "yellow"
    twice = [(1, "甲单位", "1", "2020-10-31", "滞后", "2020-10-30"), once[1]]
    assert lights_of(twice, NOV, rules="monthly").loc["1", "reasons"] == "behind:2020-11-30:2"


def test_the_as_of_rule_with_today_injected():
    assert pg.as_of_dates(SCHEDULE, today=dt.date(2020, 12, 3)) == {"x": NOV}
    assert pg.as_of_dates(SCHEDULE, today=dt.date(2020, 11, 30)) == {"x": NOV}
    assert pg.as_of_dates(SCHEDULE, today=dt.date(2020, 11, 29)) == {"x": OCT}
    assert pg.as_of_dates(SCHEDULE, today=dt.date(2021, 3, 1)) == {"x": DEC}  # year over
    assert pg.as_of_dates(SCHEDULE, today=dt.date(2020, 9, 1)) == {"x": dt.date(2020, 9, 1)}
    assert pg.as_of_dates(SCHEDULE, "2020-11-10", today=dt.date(2021, 1, 1)) == {
        "x": dt.date(2020, 11, 10)
    }
    assert pg.previous_node(SCHEDULE["x"], NOV) == OCT
    assert pg.previous_node(SCHEDULE["x"], dt.date(2020, 12, 3)) == OCT
    assert pg.previous_node(SCHEDULE["x"], OCT) is None


def test_turned_green_and_a_tie_are_counted_as_said():
    # On 10-31 task 1 is yellow (未报送 once); on 11-30 green (reported both, on schedule).
    reports = [
        (1, "甲单位", "1", "2020-11-30", "序时推进", "2020-11-28"),
        (1, "甲单位", "1", "2020-10-31", "序时推进", "2020-11-28"),  # October's, sent late
    ]
    spec = {"1": (["甲单位"], "", False)}
    snap = pg.progress_snapshot(tables(spec), ledger(reports), SCHEDULE, NOV, "default")
    change = snap.change.iloc[0]
    assert change[["turned_red", "turned_green"]].tolist() == [0, 1]
    # Completion 0 of 1 in October, 0 of 2 in November: equal, not "up" or "down".
    assert change["direction"] == "same"


def test_no_ledger_says_so_and_counts_every_due_node_unreported():
    snap = pg.progress_snapshot(tables(), "none", SCHEDULE, NOV, "default")
    assert snap.source == "none" and len(snap.ledger) == 0
    # Every task has two due nodes 未报送 in a row: all five red.
    assert snap.figures.iloc[0][["due", "not_reported", "red"]].tolist() == [11, 11, 5]


# --- returns imported: co-lead units in one batch, an older file after a newer one -------------


@pytest.fixture
def district(tmp_path):
    folder = tmp_path / "raw" / "colead-test"
    folder.mkdir(parents=True)
    (folder / "table.txt").write_text(
        "序号\t目标任务\t牵头单位\n1\t建成社区食堂10个\t区民政局、区发改局\n2\t新建公园3座\t区城管局\n",
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        'slug = "colead-test"\nname = "测试区"\nyear = 2020\nraw_file = "table.txt"\n'
        '[schedule]\nkind = "dates"\ndates = ["2020-10-31", "2020-11-30", "2020-12-31"]\n',
        encoding="utf-8",
    )
    read = taskstats.read_districts("colead-test", raw_dir=tmp_path / "raw")[0]
    return read.tables, {"colead-test": read.manifest}


def _returns(path, rows):
    lines = ["序号,节点,状态,填报日期,报送单位", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_co_lead_returns_import_together_and_an_older_file_changes_nothing(tmp_path, district):
    tables_, manifests = district
    store = tmp_path / "store"
    now = dt.datetime(2020, 12, 2, 9, 0)

    def load(paths):
        return pg.import_progress(
            paths, tables_, manifests, store_dir=store, district="colead-test", now=now
        )

    october = [
        _returns(tmp_path / "a-oct.csv", [("1", "2020-10-31", "已完成", "2020-10-30", "区民政局")]),
        _returns(tmp_path / "b-oct.csv", [("1", "2020-10-31", "滞后", "2020-10-29", "区发改局")]),
    ]
    assert load(october).appended == 2  # one batch, no "duplicate row"
    november = _returns(
        tmp_path / "a-nov.csv",
        [
            ("1", "2020-11-30", "已完成", "2020-11-28", "区民政局"),
            ("1", "2020-11-30", "已完成", "2020-11-28", "区发改局"),
            ("2", "2020-11-30", "序时推进", "2020-11-28", "区城管局"),
        ],
    )
    assert load([november]).appended == 3
    schedule = {"colead-test": pg.schedule_dates(manifests["colead-test"])}

    def figures():
        snap = pg.progress_snapshot(tables_, pg.read_ledger(store), schedule, NOV, "default")
        return snap.figures.iloc[0][["done", "not_reported", "red"]].tolist()

    # Task 1: behind in October (区发改局 says 滞后), done in November (both units say so);
    # task 2: October 未报送 (yellow once), November on schedule. Nothing red.
    assert figures() == [1, 1, 0]
    # 区民政局's October file again, now also saying 序时推进 on the November node (dated
    # 10-30), imported after November's: kept, counted as older, no figure moves.
    resent = _returns(
        tmp_path / "a-oct-again.csv",
        [
            ("1", "2020-10-31", "已完成", "2020-10-30", "区民政局"),
            ("1", "2020-11-30", "序时推进", "2020-10-30", "区民政局"),
        ],
    )
    result = load([resent])
    assert (result.appended, result.older) == (2, 1)
    assert figures() == [1, 1, 0]
    assert len(pg.read_ledger(store)) == 7
    # A repeated row within one unit's file is still an error.
    twice = _returns(
        tmp_path / "twice.csv",
        [
            ("2", "2020-12-31", "序时推进", "2020-11-30", "区城管局"),
            ("2", "2020-12-31", "已完成", "2020-11-30", "区城管局"),
        ],
    )
    with pytest.raises(taskstats.ProgressError, match="duplicate row for task 2 at 2020-12-31"):
        load([twice])


def test_a_by_unit_sheet_names_its_reporting_unit(tmp_path, district):
    from openpyxl import load_workbook

    tables_, manifests = district
    path = taskstats.write_template(
        tables_, manifests["colead-test"], tmp_path / "t.xlsx", by_unit=True
    )
    wb = load_workbook(path)
    for name in ("区民政局", "区发改局"):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        ws.cell(2, header.index("状态") + 1).value = "已完成"
        ws.cell(2, header.index("填报日期") + 1).value = "2020-10-30"
    wb.save(path)
    store = tmp_path / "store"
    now = dt.datetime(2020, 12, 2, 9, 0)
    assert pg.import_progress([path], tables_, manifests, store_dir=store, now=now).appended == 2
    assert sorted(pg.read_ledger(store)["unit"].astype(str)) == ["区发改局", "区民政局"]


def test_a_tasks_nodes_are_its_schedule_plus_its_own_deadline_in_one_place():
    """The status grid, the fill-in sheet and the simulated ledger share ``task_nodes``."""
    from taskstats.measures.nodes import task_nodes

    two = tables()
    other = two.tasks.iloc[:1].assign(district="y", task_id="9")  # no schedule: no node
    tasks = pd.concat([two.tasks, other], ignore_index=True)
    nodes = task_nodes(tasks, SCHEDULE)
    assert nodes.groupby("task_id")["milestone"].agg(list).to_dict() == {
        "1": ["2020-10-31", "2020-11-30", "2020-12-31"],
        "2": ["2020-10-31", "2020-11-30", "2020-12-31"],
        "3": ["2020-10-31", "2020-11-30", "2020-12-31"],  # its deadline is a node already
        "4": ["2020-10-31", "2020-11-30", "2020-12-31"],
        "5": ["2020-10-31", "2020-11-15", "2020-11-30", "2020-12-31"],
    }
    assert nodes["row"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4]
    assert nodes.loc[~nodes["scheduled"], ["task_id", "milestone"]].values.tolist() == [
        ["5", "2020-11-15"]
    ]
    sheet = pg.template_rows(two, "x", SCHEDULE["x"])
    assert sheet[["task_id", "milestone"]].values.tolist() == (
        nodes[["task_id", "milestone"]].values.tolist()
    )
    status = status_of([], DEC)
    assert len(status) == 16
    assert status.loc["5"].index.astype(str).tolist() == [
        "2020-10-31",
        "2020-11-15",
        "2020-11-30",
        "2020-12-31",
    ]
    demo = pg.demo_ledger(two, SCHEDULE, seed=1)
    own = demo[demo["milestone"].astype(str) == "2020-11-15"]
    assert own[["task_id", "reported_on"]].astype(str).values.tolist() == [["5", "2020-11-13"]]
