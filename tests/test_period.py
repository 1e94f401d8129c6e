"""The analyst's monthly questions worked out by hand on a tiny district and ledger: what falls
due in the next period, what changed since the previous one, who stopped or started reporting."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import taskstats
from taskstats import measures as ms
from taskstats import progress as pg
from taskstats.measures.period import (
    due_next_period,
    next_node,
    period_changes,
    reporting_changes,
)
from taskstats.progress.schedule import previous_node
from taskstats.tidy.schema import LEDGER_COLUMNS

AS_OF = dt.date(2021, 11, 5)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw") / "xiamen-test"
    folder.mkdir()
    (folder / "table.txt").write_text(
        "序号\t目标任务\t牵头单位\t分管领导\t完成时限\n"
        "1\t建成社区食堂10个\t区民政局\t张三\t\n"
        "2\t优化营商环境\t区发改局\t李四\t\n"
        "3\t新建公园3座\t区城管局\t张三\t11月15日前\n"
        "4\t修缮古厝\t区文旅局\t王五\t\n",
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        'slug = "xiamen-test"\nname = "测试区"\nyear = 2021\nraw_file = "table.txt"\n'
        '[schedule]\nkind = "dates"\n'
        'dates = ["2021-09-30", "2021-10-31", "2021-11-30", "2021-12-31"]\n',
        encoding="utf-8",
    )
    return taskstats.read_districts("xiamen-test", raw_dir=folder.parent)[0]


REPORTS = [  # task, node, status, 填报日期
    ("1", "2021-09-30", "已完成", "2021-09-28"),
    ("2", "2021-09-30", "滞后", "2021-09-29"),
    ("4", "2021-09-30", "序时推进", "2021-09-25"),
    ("1", "2021-10-31", "滞后", "2021-10-30"),
    ("2", "2021-09-30", "已完成", "2021-10-30"),
    ("2", "2021-10-31", "已完成", "2021-10-30"),
    ("3", "2021-10-31", "序时推进", "2021-11-02"),
    ("2", "2021-11-30", "已完成", "2021-11-03"),
]


def _ledger(reports=REPORTS) -> pd.DataFrame:
    rows = [
        {
            "import_id": 1,
            "imported_at": "2021-11-04T09:00:00",
            "file": "f.csv",
            "file_sha256": "x",
            "sheet": "csv",
            "row": i + 2,
            "district": "xiamen-test",
            "task_id": task,
            "milestone": node,
            "status": status,
            "reported_on": day,
            "simulated": False,
        }
        for i, (task, node, status, day) in enumerate(reports)
    ]
    frame = pd.DataFrame(rows)
    return frame.assign(**{c: "" for c in LEDGER_COLUMNS if c not in frame})[LEDGER_COLUMNS]


def _at(read, day):
    schedule = {"xiamen-test": pg.schedule_dates(read.manifest)}
    status = ms.milestone_status(read.tables, _ledger(), schedule, day)
    return status, ms.traffic_lights(status, pg.load_rules("default"))


def test_period_bounds(tiny):
    schedule = pg.schedule_dates(tiny.manifest)
    assert next_node(schedule, AS_OF) == dt.date(2021, 11, 30)
    assert previous_node(schedule, AS_OF) == dt.date(2021, 9, 30)
    assert previous_node(schedule, dt.date(2021, 10, 31)) == dt.date(2021, 9, 30)
    assert previous_node(schedule, dt.date(2021, 10, 1)) is None
    assert next_node(schedule, dt.date(2022, 1, 1)) is None


def test_due_next_period_by_hand(tiny):
    status, _ = _at(tiny, AS_OF)
    due = due_next_period(tiny.tables, status, AS_OF, dt.date(2021, 11, 30))
    # task 2's November node is done already; task 3 has its own deadline on 15 November
    assert due[["task_id", "milestone", "days_left"]].values.tolist() == [
        ["3", "2021-11-15", 10],
        ["1", "2021-11-30", 25],
        ["3", "2021-11-30", 25],
        ["4", "2021-11-30", 25],
    ]
    assert due["lead_units"].tolist() == ["区城管局", "区民政局", "区城管局", "区文旅局"]
    assert due["leaders"].tolist() == ["张三", "张三", "张三", "王五"]


def test_changes_since_the_previous_period_by_hand(tiny):
    changes = period_changes(tiny.tables, _at(tiny, dt.date(2021, 9, 30)), _at(tiny, AS_OF))
    # default rules. 1: 已完成 in September (green), 滞后 in October (red). 2: 滞后 in September
    # (red), then all three nodes 已完成 (green). 3: not reported in September (yellow), 序时推进
    # in October with its own deadline 10 days away (yellow): unchanged. 4: 序时推进 in
    # September (green), no October report (yellow).
    assert changes[
        ["task_id", "light_before", "light", "change", "newly_done"]
    ].values.tolist() == [
        ["1", "green", "red", "turned_red", 0],
        ["4", "green", "yellow", "turned_yellow", 0],
        ["2", "red", "green", "turned_green", 3],
    ]
    assert changes["lead_units"].tolist() == ["区民政局", "区文旅局", "区发改局"]


def test_units_that_stopped_or_started_reporting_by_hand(tiny):
    out = reporting_changes(
        tiny.tables, _ledger(), (None, dt.date(2021, 9, 30)), (dt.date(2021, 9, 30), AS_OF)
    )
    assert out[["unit", "reports_before", "reports_now", "change"]].values.tolist() == [
        ["区发改局", 1, 3, ""],
        ["区城管局", 0, 1, "started"],
        ["区文旅局", 1, 0, "stopped"],
        ["区民政局", 1, 1, ""],
    ]
    with_units = _ledger().assign(unit="区民政局")
    assert reporting_changes(
        tiny.tables, with_units, (None, dt.date(2021, 9, 30)), (dt.date(2021, 9, 30), AS_OF)
    )[["unit", "reports_before", "reports_now"]].values.tolist() == [["区民政局", 3, 5]]


def test_explorer_progress_table_filters_and_exports(tiny, tmp_path):
    from openpyxl import load_workbook

    from taskstats.report.explore import export_table, progress_table

    schedule = {"xiamen-test": pg.schedule_dates(tiny.manifest)}
    ledger = _ledger().assign(unit=["区民政局", "", "", "区民政局", "", "", "区城管局", ""])
    snap = pg.progress_snapshot(tiny.tables, ledger, schedule, AS_OF, "default", trend=False)
    names = {"xiamen-test": "测试区"}
    table = progress_table(tiny.tables, snap, names)
    assert list(table.columns) == [
        "区县",
        "序号",
        "目标任务",
        "完成时限",
        "最新状态",
        "亮灯",
        "报送单位",
    ]
    assert table[["序号", "完成时限", "最新状态", "亮灯", "报送单位"]].values.tolist() == [
        ["1", "2021-12-31", "滞后", "红灯", "区民政局"],
        ["2", "2021-12-31", "已完成", "绿灯", ""],
        ["3", "2021-11-15", "序时推进", "黄灯", "区城管局"],
        ["4", "2021-12-31", "未报送", "黄灯", ""],
    ]
    yellow = progress_table(tiny.tables, snap, names, light="yellow")
    assert yellow["序号"].tolist() == ["3", "4"]
    soon = progress_table(tiny.tables, snap, names, due_by="2021-11-30")
    assert soon["序号"].tolist() == ["3"]
    target = export_table(yellow, tmp_path / "筛选.xlsx")
    rows = list(load_workbook(target)["任务"].iter_rows(values_only=True))
    assert rows[0][0] == "区县" and [r[1] for r in rows[1:]] == ["3", "4"]
    assert rows[1][0] == "测试区"


def _section(page: str, heading: str, following: str) -> str:
    start = page.index(f"<h2>{heading}</h2>")
    return page[start : page.index(following, start + 1)]


def _cells(part: str) -> list[list[str]]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", part, flags=re.S)
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S) for r in rows]


@pytest.mark.slow
def test_district_report_shows_due_and_changes_from_the_one_snapshot(tiny, tmp_path):
    """The rendered report of the tiny district with the hand-made ledger (no 填报单位 column:
    each report counts for its task's lead units), read as of 5 November."""
    from taskstats.progress.ledger import LEDGER_FILE, write_ledger
    from taskstats.report import render_reports

    store = tmp_path / "store"
    store.mkdir()
    write_ledger(_ledger(), store / LEDGER_FILE)
    [page_path] = render_reports(
        ["xiamen-test"],
        as_of=AS_OF.isoformat(),
        progress="real",
        compare=False,
        jobs=1,
        out_dir=tmp_path / "out",
        raw_dir=tiny.manifest.raw_file.parent.parent,
        store_dir=store,
    )
    page = page_path.read_text(encoding="utf-8")
    due = _section(page, "本期到期", "<h2>与上期相比</h2>")
    # Nodes not done after 5 November up to 30 November: task 3 on the 15th (its own
    # deadline) and the 30th, tasks 1 and 4 on the 30th (their deadline is the year end).
    assert (
        "2021-11-05后至2021-11-30（下一报送节点）有4个节点将到期、尚未报完成，涉及3项任务、3个牵头单位；"
        "其中1项任务到达完成时限。"
    ) in due
    units, deadlines = due.split("<h3>本期到达完成时限的任务</h3>")
    assert '<p class="ts-note">进度数据：真实台账（下表各行同此）</p>' in units
    assert _cells(units) == [
        ["牵头单位", "分管领导", "任务数", "到期节点", "到达完成时限", "最近节点"],
        ["区城管局", "张三", "1", "2", "1", "2021-11-15"],
        ["区文旅局", "王五", "1", "1", "0", "2021-11-30"],
        ["区民政局", "张三", "1", "1", "0", "2021-11-30"],
    ]
    assert _cells(deadlines)[1] == [
        "3",
        "新建公园3座",
        "2021-11-15",
        "10",
        "黄灯",
        "区城管局",
        "张三",
    ]
    assert len(_cells(deadlines)) == 2
    changes = _section(page, "与上期相比", "<h2")
    assert (
        "与上期（2021-09-30）相比：转为红灯1项、转为黄灯1项、转为绿灯1项；新完成节点3个，涉及1项任务。"
    ) in changes
    lights, units = changes.split("<h3>报送单位变化</h3>")
    # no task is done at its own deadline yet (task 2's is the year end)
    assert lights.endswith(
        "<h3>新完成的任务（完成时限节点已报完成）</h3>"
        '<p class="ts-note">与上期相比，没有新完成的任务。</p>'
    )
    assert [row[0:5] for row in _cells(lights)[1:]] == [
        ["1", "建成社区食堂10个", "绿灯", "红灯", "转为红灯"],
        ["4", "修缮古厝", "绿灯", "黄灯", "转为黄灯"],
        ["2", "优化营商环境", "红灯", "绿灯", "转为绿灯"],
    ]
    # Reports dated up to 30 September, then after it up to 5 November: 区文旅局 (task 4)
    # reported in September only, 区城管局 (task 3) only since.
    assert (
        "上期（2021-09-30及以前）有报送、本期（2021-09-30后至2021-11-05）没有报送的单位1个；"
        "上期没有报送、本期开始报送的单位1个。"
    ) in units
    assert _cells(units)[0][0] == "报送单位"
    assert [row for row in _cells(units)[1:]] == [
        ["区城管局", "0", "1", "开始报送"],
        ["区文旅局", "1", "0", "停止报送"],
    ]


def test_cli_units_that_stopped_or_started_reporting(tiny, tmp_path, monkeypatch):
    """``taskstats progress reporting`` on the hand-made ledger as of 5 November: reports dated
    up to 30 September against those after it; 区民政局 names itself on two rows, the other
    rows count for their task's lead unit."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from taskstats.cli import main
    from taskstats.progress.ledger import LEDGER_FILE, write_ledger

    monkeypatch.setenv("TASKSTATS_RAW_DIR", str(tiny.manifest.raw_file.parent.parent))
    store = tmp_path / "store"
    store.mkdir()
    # row 4 (task 1, 30 October) was sent by 区发改局 for 区民政局's task
    units = ["区民政局", "", "", "区发改局", "", "", "", "区民政局"]
    write_ledger(_ledger().assign(unit=units), store / LEDGER_FILE)
    base = ["progress", "reporting", "xiamen-test", "--as-of", "2021-11-05"]
    base += ["--progress", "real", "--store", str(store)]
    target = tmp_path / "报送.xlsx"
    run = CliRunner().invoke(main, [*base, "--xlsx", str(target)])
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert lines[0] == (
        "上期（2021-09-30及以前）有报送、本期（2021-09-30后至2021-11-05）没有报送的单位1个；"
        "上期没有报送、本期开始报送的单位1个。"
    )
    assert lines[1].split() == ["单位", "上期报送（条）", "本期报送（条）", "变化"]
    assert [line.split() for line in lines[2:4]] == [
        ["区文旅局", "1", "0", "停止报送"],
        ["区城管局", "0", "1", "开始报送"],
    ]
    rows = list(load_workbook(target)["报送单位变化"].iter_rows(values_only=True))
    assert rows == [
        ("单位", "上期报送（条）", "本期报送（条）", "变化"),
        ("区文旅局", 1, 0, "停止报送"),
        ("区城管局", 0, 1, "开始报送"),
    ]
    first = [*base[:3], "--as-of", "2021-10-05", *base[5:]]
    assert CliRunner().invoke(main, first).output == (
        "没有上一期（截至日期及以前不足两个报送节点），无从比较。\n"
    )
    every = CliRunner().invoke(main, [*base, "--all", "--csv"])
    assert every.exit_code == 0, every.output
    # 区民政局: its own row in September, then one (task 2's November node, sent on 3
    # November). 区发改局: task 2's September report, then the row it sent for task 1 and task
    # 2's two rows of 30 October.
    assert every.output.splitlines() == [
        "district,unit,reports_before,reports_now,change",
        "xiamen-test,区文旅局,1,0,stopped",
        "xiamen-test,区城管局,0,1,started",
        "xiamen-test,区发改局,1,3,",
        "xiamen-test,区民政局,1,1,",
    ]


def test_a_period_section_with_nothing_is_one_line(tiny):
    from taskstats.report.period import period_sections

    schedule = pg.schedule_dates(tiny.manifest)

    def view(day, ledger=None):
        snap = pg.progress_snapshot(
            tiny.tables,
            _ledger() if ledger is None else ledger,
            {"xiamen-test": schedule},
            day,
            "default",
            trend=False,
        )
        return period_sections(tiny.tables, snap, "xiamen-test", schedule)

    first, last = view(dt.date(2021, 10, 5)), view(dt.date(2021, 12, 31))
    assert first.changes_html() == (
        "<h2>与上期相比</h2>"
        '<p class="ts-note">没有上一期（截至日期及以前不足两个报送节点），无从比较。</p>'
    )
    assert last.due_html() == (
        '<h2>本期到期</h2><p class="ts-note">截至2021-12-31计划已到最后节点，没有下一期。</p>'
    )
    # Every node done by 30 September and 31 October: nothing due up to 30 November is left,
    # no light changed, and every unit reported in both periods.
    done = (
        [
            (task, node, "已完成", day)
            for task in "1234"
            for node, day in (("2021-09-30", "2021-09-29"), ("2021-10-31", "2021-10-30"))
        ]
        + [(task, "2021-11-30", "已完成", "2021-11-01") for task in "124"]
        + [("3", "2021-11-15", "已完成", "2021-11-01")]
    )
    quiet = view(AS_OF, _ledger(done))
    assert "<table" not in quiet.due_html()
    assert quiet.due_html().endswith(
        '<p class="ts-note">2021-11-05后至2021-11-30（下一报送节点）'
        "没有将到期、尚未报完成的节点。</p>"
    )
    changes = quiet.changes_html()
    assert '<p class="ts-note">与上期相比，没有任务的亮灯发生变化。</p>' in changes
    # the one table: task 3, done at its deadline (15 November) by the report of 1 November
    assert changes.count("<table") == 1
    finished = changes.split("<h3>新完成的任务（完成时限节点已报完成）</h3>")[1]
    assert _cells(finished)[1] == [
        "3",
        "新建公园3座",
        "2021-11-15",
        "区城管局",
        "张三",
    ]
    assert changes.endswith(
        '<p class="ts-note">上期（2021-09-30及以前）与本期（2021-09-30后至2021-11-05）相比，'
        "没有单位停止或开始报送。</p>"
    )


@pytest.fixture(scope="module")
def quiet(tmp_path_factory):
    """No leaders column, a task whose text was lost, a task led only by a collective."""
    folder = tmp_path_factory.mktemp("raw") / "quiet-test"
    folder.mkdir()
    (folder / "table.txt").write_text(
        "序号\t目标任务\t牵头单位\t完成时限\n1\t修建道路2条\t区交通局\t\n2\t\t区民政局\t10月31日前\n"
        "3\t清理河道\t各街道\t\n",
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        'slug = "quiet-test"\nname = "安静区"\nyear = 2021\nraw_file = "table.txt"\n'
        '[schedule]\nkind = "dates"\ndates = ["2021-09-30", "2021-10-31", "2021-11-30"]\n',
        encoding="utf-8",
    )
    return taskstats.read_districts("quiet-test", raw_dir=folder.parent)[0]


def test_due_sections_without_a_ledger_leaders_or_a_text(quiet):
    """No ledger: the source says so (not 真实台账) and nodes not yet due have no status (not
    未报送); a collective is not a lead unit; no column of blank leaders; a lost text says so."""
    from taskstats.measures.period import due_by_unit
    from taskstats.report.period import period_sections

    schedule = pg.schedule_dates(quiet.manifest)
    day = dt.date(2021, 10, 5)
    snap = pg.progress_snapshot(
        quiet.tables, "none", {"quiet-test": schedule}, day, "default", trend=False
    )
    assert snap.source == "none"
    view = period_sections(quiet.tables, snap, "quiet-test", schedule)
    assert view.due[["task_id", "milestone", "status"]].values.tolist() == [
        ["1", "2021-10-31", ""],
        ["2", "2021-10-31", ""],
        ["3", "2021-10-31", ""],
    ]
    units = due_by_unit(quiet.tables, view.due)
    assert units[["unit", "tasks", "nodes"]].values.tolist() == [
        ["区交通局", 1, 1],
        ["区民政局", 1, 1],
    ]
    page = view.due_html()
    assert (
        "2021-10-05后至2021-10-31（下一报送节点）有3个节点将到期、尚未报完成，"
        "涉及3项任务、2个牵头单位；其中1项任务到达完成时限。"
    ) in page
    assert '<p class="ts-note">进度数据：无进度台账，到期节点均为未报送（下表各行同此）</p>' in page
    assert _cells(page)[0] == ["牵头单位", "任务数", "到期节点", "到达完成时限", "最近节点"]
    assert "分管领导" not in page and "真实台账" not in page
    deadlines = page.split("<h3>本期到达完成时限的任务</h3>")[1]
    # task 2 is yellow: its September node was due and nobody reported it (未报送)
    assert _cells(deadlines) == [
        ["序号", "目标任务", "完成时限", "剩余天数", "亮灯", "牵头单位"],
        ["2", "（原文缺失，见数据质量）", "2021-10-31", "26", "黄灯", "区民政局"],
    ]


def test_the_tasks_are_named_once_for_the_red_list_and_every_period_table(tiny, monkeypatch):
    """The snapshot names the tasks (text, lead units, leaders) once; its red list and the
    period tables all read that one table."""
    import taskstats.progress.snapshot as snapshot_module
    from taskstats.measures import lights as lights_module
    from taskstats.report import period as period_module

    calls = []
    original = lights_module.task_people

    def counted(tables):
        calls.append(len(tables.tasks))
        return original(tables)

    for module in (snapshot_module, lights_module):
        monkeypatch.setattr(module, "task_people", counted)
    schedule = pg.schedule_dates(tiny.manifest)
    snap = pg.progress_snapshot(
        tiny.tables, _ledger(), {"xiamen-test": schedule}, AS_OF, "default", trend=False
    )
    view = period_module.period_sections(tiny.tables, snap, "xiamen-test", schedule)
    assert calls == [4]
    assert snap.people[["task_id", "lead_units", "leaders"]].values.tolist() == [
        ["1", "区民政局", "张三"],
        ["2", "区发改局", "李四"],
        ["3", "区城管局", "张三"],
        ["4", "区文旅局", "王五"],
    ]
    assert view.due["lead_units"].tolist() == ["区城管局", "区民政局", "区城管局", "区文旅局"]
    assert view.changes["lead_units"].tolist() == ["区民政局", "区文旅局", "区发改局"]
