"""Progress: sheets out, sheets in, the ledger, rates and lights, worked out by hand."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pandas as pd
import pytest
from conftest import RAW
from openpyxl import Workbook, load_workbook

import taskstats
from taskstats import measures as ms
from taskstats import progress as pg
from taskstats.report.wording import reason_text
from taskstats.tidy.manifest import discover_manifests

NOW_JULY = dt.datetime(2020, 7, 5, 9, 0)
NOW_OCT = dt.datetime(2020, 10, 10, 9, 0)


@pytest.fixture(scope="module")
def manifests():
    return {m.slug: m for m in discover_manifests(RAW)}


@pytest.fixture(scope="module")
def dalian(tables):
    return taskstats.subset(tables, district="dalian-hightech")


@pytest.fixture
def template(tmp_path, dalian, manifests):
    return taskstats.write_template(dalian, manifests["dalian-hightech"], tmp_path / "sheet.xlsx")


def _fill(path, entries, target):
    """Fill (task, milestone) rows of a template: entries map to (status, reported_on, extra)."""
    wb = load_workbook(path)
    ws = wb["推进表"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    for row in range(2, ws.max_row + 1):
        key = (str(ws.cell(row, col["序号"]).value), ws.cell(row, col["节点"]).value)
        if key in entries:
            status, reported, extra = entries[key]
            ws.cell(row, col["状态"]).value = status
            ws.cell(row, col["填报日期"]).value = reported
            ws.cell(row, col["完成情况"]).value = "按计划推进"
            for name, value in extra.items():
                ws.cell(row, col[name]).value = value
    wb.save(target)
    return target


JUNE = {
    ("1", "2020-06-30"): ("已完成", "2020-06-28", {}),
    ("2", "2020-06-30"): ("滞后", "2020-06-29", {}),
    ("3", "2020-06-30"): ("序时推进", "2020-06-20", {}),
}
SEPTEMBER = {
    ("1", "2020-09-30"): ("已完成", "2020-10-05", {}),
    ("3", "2020-09-30"): ("已完成", "2020-09-30", {}),
}


def test_template_layout(template, dalian):
    wb = load_workbook(template)
    assert wb.sheetnames == ["填表说明", "推进表", "_taskstats"]
    ws = wb["推进表"]
    assert [c.value for c in ws[1]] == [c[0] for c in pg.SHEET_COLUMNS]
    assert ws.max_row == 1 + 168 * 3
    assert [ws.cell(2, i).value for i in (1, 3, 6)] == ["1", "区疫情防控指挥部办公室", "2020-06-30"]
    assert ws.protection.sheet
    assert ws.cell(2, 2).protection.locked and not ws.cell(2, 9).protection.locked
    dv = ws.data_validations.dataValidation[0]
    assert dv.formula1 == '"已完成,序时推进,滞后,未启动"' and str(dv.sqref) == "I2:I505"
    assert wb["_taskstats"].sheet_state == "hidden"
    assert "证明材料" in "".join(str(r[0].value) for r in wb["填表说明"].iter_rows())


def test_template_by_unit(tmp_path, tables, manifests):
    qd = taskstats.subset(tables, district="qingdao-westcoast")
    path = taskstats.write_template(
        qd, manifests["qingdao-westcoast"], tmp_path / "qd.xlsx", by_unit=True
    )
    wb = load_workbook(path)
    assert wb.sheetnames[1] == "区工信局"  # the unit leading most tasks comes first
    assert wb["区工信局"].max_row == 1 + 22 * 6
    assert wb["区工信局"].cell(2, 6).value == "2020-07-31"


def test_round_trip_rates_and_lights(tmp_path, template, dalian, manifests):
    store = tmp_path / "store"
    june = _fill(template, JUNE, tmp_path / "june.xlsx")
    result = pg.import_progress([june], dalian, manifests, store_dir=store, now=NOW_JULY)
    assert result.appended == 3
    sept = _fill(template, SEPTEMBER, tmp_path / "sept.xlsx")
    assert pg.import_progress([sept], dalian, manifests, store_dir=store, now=NOW_OCT).appended == 2
    ledger = pg.read_ledger(store)
    assert ledger["import_id"].tolist() == [1, 1, 1, 2, 2]
    schedule = {"dalian-hightech": pg.schedule_dates(manifests["dalian-hightech"])}
    status = ms.milestone_status(dalian, ledger, schedule, "2020-10-10")
    rates = ms.completion_rates(dalian, status)
    counts = ["due", "done", "on_track", "behind", "not_started", "not_reported", "overdue"]
    assert rates[counts].values.tolist() == [[336, 3, 1, 1, 0, 331, 0]]
    tasks = ["tasks", "tasks_past_deadline", "tasks_done", "tasks_reported", "tasks_on_schedule"]
    # Tasks 1 and 3 reported 已完成 in September; task 2 reported in June only. No task's own
    # deadline (its last node, 2020-12-31) has passed, so none is overdue.
    assert rates[tasks].values.tolist() == [[168, 0, 2, 2, 2]]
    assert rates["completion_rate"].item() == 3 / 336
    assert rates["on_time_rate"].item() == 2 / 336  # task 1's September report came late
    assert rates["reporting_rate"].item() == 5 / 336
    assert rates["on_schedule_rate"].item() == 1.0
    assert rates["done_share"].item() == 2 / 168
    assert pd.isna(rates["task_completion_rate"].item())
    by_leader = ms.completion_rates(dalian, status, by="leader").set_index("leader")
    assert by_leader.loc["孙龙业", ["due", "done", "on_track"]].tolist() == [72, 1, 1]
    assert by_leader.loc["朱显成", ["due", "behind"]].tolist() == [66, 1]
    lights = ms.traffic_lights(status, pg.load_rules("default")).set_index("task_id")
    # Red: task 2 (its latest report says 滞后) and the 165 tasks unreported at both due nodes.
    assert lights["light"].value_counts().to_dict() == {"red": 166, "green": 2}
    assert lights.loc["1", "light"] == "green" and lights.loc["3", "light"] == "green"
    assert lights.loc["2", "reasons"] == "behind:2020-06-30:1"
    assert lights.loc["4", "reasons"] == "not_reported:2020-09-30:2"
    # Every grouping from one pass over the tasks' counts, the same tables as one by one.
    lit = lights.reset_index()
    every = ms.completion_rates_by(dalian, status, ("district", "leader", "unit"), lights=lit)
    assert every["district"][["due", "done", "red", "yellow", "green"]].values.tolist() == [
        [336, 3, 166, 0, 2]
    ]
    assert every["leader"].set_index("leader").loc["孙龙业", ["due", "done"]].tolist() == [72, 1]
    for by, frame in every.items():
        pd.testing.assert_frame_equal(frame, ms.completion_rates(dalian, status, by=by, lights=lit))
    # As of early July only June is due, and the September reports are not yet known: one
    # unreported node is yellow, task 2's 滞后 red.
    july = ms.milestone_status(dalian, ledger, schedule, "2020-07-05")
    assert ms.completion_rates(dalian, july)[
        ["due", "done", "not_reported", "overdue"]
    ].values.tolist() == [[168, 1, 165, 0]]
    july_lights = ms.traffic_lights(july, pg.load_rules("default"))
    assert july_lights["light"].value_counts().to_dict() == {"yellow": 165, "green": 2, "red": 1}
    red = ms.red_list(dalian, july_lights)
    assert len(red) == 1 and red.iloc[0]["task_id"] == "2"


def test_monthly_rules_escalate(tables, manifests):
    qd = taskstats.subset(tables, district="qingdao-westcoast")
    schedule = {"qingdao-westcoast": pg.schedule_dates(manifests["qingdao-westcoast"])}
    empty = pg.read_ledger("/nonexistent")
    rules = pg.rules_for(manifests["qingdao-westcoast"])
    assert rules.name == "monthly"
    one_missed = ms.traffic_lights(ms.milestone_status(qd, empty, schedule, "2020-08-05"), rules)
    assert set(one_missed["light"]) == {"yellow"}  # July not reported: a warning
    assert one_missed["reasons"].iloc[0] == "not_reported:2020-07-31:1"
    two = ms.traffic_lights(ms.milestone_status(qd, empty, schedule, "2020-09-05"), rules)
    assert two["reasons"].iloc[0] == "not_reported:2020-08-31:2"
    assert set(two["light"]) == {"red"}


def test_reimport_is_a_no_op_and_history_is_kept(tmp_path, template, dalian, manifests):
    store = tmp_path / "store"
    june = _fill(template, JUNE, tmp_path / "june.xlsx")
    pg.import_progress([june], dalian, manifests, store_dir=store, now=NOW_JULY)
    before = (store / "ledger.csv").read_bytes()
    again = pg.import_progress([june], dalian, manifests, store_dir=store, now=NOW_OCT)
    assert again.appended == 0 and again.skipped_files == ["june.xlsx"]
    assert (store / "ledger.csv").read_bytes() == before
    # A later report for task 2's June node supersedes the first for the figures only.
    update = _fill(
        template, {("2", "2020-06-30"): ("已完成", "2020-07-20", {})}, tmp_path / "update.xlsx"
    )
    pg.import_progress([update], dalian, manifests, store_dir=store, now=NOW_OCT)
    ledger = pg.read_ledger(store)
    task2 = ledger[ledger["task_id"] == "2"]
    assert task2["status"].tolist() == ["滞后", "已完成"]
    current = ms.current_reports(ledger)
    assert current.loc[current["task_id"] == "2", "status"].item() == "已完成"
    assert (
        ms.current_reports(ledger, "2020-07-10").loc[lambda d: d["task_id"] == "2", "status"].item()
        == "滞后"
    )


def test_columnar_copy_is_read_only_while_it_matches_the_csv(tmp_path, template, dalian, manifests):
    store = tmp_path / "store"
    june = _fill(template, JUNE, tmp_path / "june.xlsx")
    pg.import_progress([june], dalian, manifests, store_dir=store, now=NOW_JULY)
    csv, copy = store / "ledger.csv", store / "ledger.parquet"
    assert copy.exists()
    from_copy = pg.read_ledger(store)
    compact = pg.read_ledger(store, columns=pg.STATUS_COLUMNS, districts=["dalian-hightech"])
    copy.rename(tmp_path / "aside.parquet")
    from_csv = pg.read_ledger(store)
    pd.testing.assert_frame_equal(from_copy, from_csv)
    assert len(from_csv) == 3 and compact["status"].astype(str).tolist() == (
        from_csv["status"].tolist()
    )
    assert set(compact["file"].astype(str)) == {""}  # not read
    assert len(pg.read_ledger(store, districts=["nanjing-gulou"])) == 0
    # The CSV edited by hand: the stale copy is not read.
    (tmp_path / "aside.parquet").rename(copy)
    text = csv.read_text(encoding="utf-8").replace("已完成", "滞后")
    csv.write_text(text, encoding="utf-8")
    assert "已完成" not in set(pg.read_ledger(store, columns=pg.STATUS_COLUMNS)["status"])
    # A damaged copy is not read either.
    copy.write_bytes(b"PAR1 damaged")
    assert len(pg.read_ledger(store)) == 3


BAD = {
    "unknown task": ({"序号": "999"}, "column A (序号): unknown task '999'"),
    "edited text": ({"目标任务": "改过的任务"}, "column B (目标任务): task 1's text was edited"),
    "bad status": ({"状态": "差不多了"}, "column I (状态): status '差不多了' is not allowed"),
    "milestone": ({"节点": "2020-07-15"}, "column F (节点): milestone '2020-07-15' is not in"),
    "date range": ({"填报日期": "2019-01-01"}, "column L (填报日期): date 2019-01-01 is out of"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_rows_are_rejected_with_row_and_column(tmp_path, template, dalian, manifests, case):
    edit, message = BAD[case]
    store = tmp_path / "store"
    good = _fill(template, JUNE, tmp_path / "good.xlsx")
    pg.import_progress([good], dalian, manifests, store_dir=store, now=NOW_JULY)
    before = (store / "ledger.csv").read_bytes()
    bad = _fill(
        template, {("1", "2020-09-30"): ("已完成", "2020-07-01", edit)}, tmp_path / "bad.xlsx"
    )
    with pytest.raises(taskstats.ProgressError) as err:
        pg.import_progress([bad], dalian, manifests, store_dir=store, now=NOW_JULY)
    assert "nothing was imported" in str(err.value)
    assert f"bad.xlsx, sheet '推进表', row 3, {message}" in str(err.value)
    assert (store / "ledger.csv").read_bytes() == before


def test_duplicate_rows_and_missing_status(tmp_path, template, dalian, manifests):
    path = _fill(template, JUNE, tmp_path / "dup.xlsx")
    wb = load_workbook(path)
    ws = wb["推进表"]
    ws.append([c.value for c in ws[2]])  # task 1, 2020-06-30 again
    ws.cell(9, 8).value = "写了进展但没选状态"  # task 3's September row
    wb.save(path)
    store = tmp_path / "store"
    with pytest.raises(taskstats.ProgressError) as err:
        pg.import_progress([path], dalian, manifests, store_dir=store, now=NOW_JULY)
    text = str(err.value)
    assert "row 506: duplicate row for task 1 at 2020-06-30; first at" in text
    assert "row 9, column I (状态): status missing" in text
    assert not (store / "ledger.csv").exists()


def test_wrong_file_type_and_empty_sheet(tmp_path, dalian, manifests):
    store = tmp_path / "store"
    doc = tmp_path / "report.docx"
    doc.write_bytes(b"PK\x03\x04not really")
    with pytest.raises(taskstats.ProgressError, match=r"report\.docx: a damaged zip package"):
        pg.import_progress([doc], dalian, manifests, store_dir=store)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a sheet")
    with pytest.raises(taskstats.ProgressError, match=r"report\.pdf: not a progress sheet"):
        pg.import_progress([pdf], dalian, manifests, store_dir=store)
    wb = Workbook()
    wb.active.title = "空表"
    empty = tmp_path / "empty.xlsx"
    wb.save(empty)
    with pytest.raises(taskstats.ProgressError, match="sheet '空表': the sheet is empty"):
        pg.import_progress([empty], dalian, manifests, store_dir=store, district="dalian-hightech")
    assert not (store / "ledger.csv").exists()


def test_csv_import_needs_a_district(tmp_path, dalian, manifests):
    path = tmp_path / "p.csv"
    path.write_text("序号,节点,状态,填报日期\n5,2020-06-30,已完成,2020-06-30\n", encoding="utf-8")
    with pytest.raises(taskstats.ProgressError) as err:
        pg.import_progress([path], dalian, manifests, store_dir=tmp_path / "s", now=NOW_JULY)
    assert str(err.value).startswith("1 problem(s); nothing was imported:\n  ")
    assert "p.csv: nothing in the file says which district it is for" in str(err.value)
    assert str(err.value).endswith("; pass --district")
    done = pg.import_progress(
        [path],
        dalian,
        manifests,
        store_dir=tmp_path / "s",
        now=NOW_JULY,
        district="dalian-hightech",
    )
    assert done.appended == 1


def test_demo_ledger_is_simulated_and_deterministic(tables, manifests):
    schedules = pg.schedules_for(manifests.values())
    a = pg.demo_ledger(tables, schedules, seed=7)
    b = pg.demo_ledger(tables, schedules, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert a["simulated"].all() and set(a["file"]) == {"simulated"}
    per = ms.current_reports(a).groupby("district").size().to_dict()
    assert per == {
        "dalian-hightech": 504,
        "nanjing-gulou": 288,
        "qingdao-westcoast": 1236,
        "quanzhou-licheng": 234,
    }


def test_ledger_for_prefers_real_reports(tmp_path, template, dalian, manifests, tables):
    store = tmp_path / "store"
    pg.write_demo_ledger(pg.demo_ledger(tables, pg.schedules_for(manifests.values())), store)
    ledger, simulated = pg.ledger_for(["dalian-hightech"], store)
    assert simulated and ledger["simulated"].all()
    pg.import_progress(
        [_fill(template, JUNE, tmp_path / "j.xlsx")],
        dalian,
        manifests,
        store_dir=store,
        now=NOW_JULY,
    )
    ledger, simulated = pg.ledger_for(["dalian-hightech"], store)
    assert not simulated and len(ledger) == 3


def test_trend_reads_each_district_at_its_own_milestones(tables, manifests):
    schedules = pg.schedules_for(manifests.values())
    demo = pg.demo_ledger(tables, schedules, seed=7)
    trend = ms.completion_trend(tables, demo, schedules, by="section")
    # 2020-07-31 is a Qingdao milestone only: the trend's figures are Qingdao's alone.
    july = trend[trend["as_of"] == "2020-07-31"].drop(columns="as_of").reset_index(drop=True)
    assert set(july["district"]) == {"qingdao-westcoast"}
    qd = taskstats.subset(tables, district="qingdao-westcoast")
    only = {"qingdao-westcoast": schedules["qingdao-westcoast"]}
    alone = ms.completion_rates(qd, ms.milestone_status(qd, demo, only, "2020-07-31"), by="section")
    pd.testing.assert_frame_equal(july, alone)
    # One node due per task (July): the sections' dues are their task counts.
    per_section = qd.tasks.groupby("section").size()
    assert july.set_index("section")["due"].to_dict() == per_section.to_dict()
    assert july["due"].sum() == 206


def test_supersession_is_the_same_whether_ranks_are_packed_or_sorted(tables, manifests):
    schedules = pg.schedules_for(manifests.values())
    demo = pg.demo_ledger(tables, schedules, seed=7)
    packed = ms.milestone_status(tables, demo, schedules, "2020-10-15")
    # Row numbers too wide to pack into one integer with the other keys: ranks by sorting.
    wide = demo.assign(row=demo["row"] * 2**40, import_id=demo["import_id"] + 2**20)
    sorted_ = ms.milestone_status(tables, wide, schedules, "2020-10-15")
    pd.testing.assert_frame_equal(packed, sorted_)
    # The text path (current_reports) agrees on what is reported and what is done.
    current = ms.current_reports(demo, "2020-10-15")
    assert packed["reported"].sum() == len(current) == 992
    assert (packed["status"] == "done").sum() == (current["status"] == "已完成").sum()


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
def test_template_opens_in_libreoffice(tmp_path, template):
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required under CI (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    env = {**os.environ, "HOME": str(tmp_path)}
    for fmt in ("pdf", "xlsx"):
        out = tmp_path / fmt
        subprocess.run(
            [soffice, "--headless", "--convert-to", fmt, "--outdir", str(out), str(template)],
            check=True,
            capture_output=True,
            timeout=240,
            env=env,
        )
    assert (tmp_path / "pdf" / "sheet.pdf").stat().st_size > 10_000
    back = load_workbook(tmp_path / "xlsx" / "sheet.xlsx")
    validations = back["推进表"].data_validations.dataValidation
    assert any("已完成" in (dv.formula1 or "") and "I2" in str(dv.sqref) for dv in validations)


def test_district_trend_equals_the_general_path(tables, manifests):
    """The per-district trend (tallies updated day by day) equals completion_rates read at each
    district's own milestones, one status per date."""
    schedules = pg.schedules_for(manifests.values())
    demo = pg.demo_ledger(tables, schedules, seed=11)
    trend = ms.completion_trend(tables, demo, schedules)
    expected = []
    for district, days in schedules.items():
        own = taskstats.subset(tables, district=district)
        for day in days:
            status = ms.milestone_status(own, demo, {district: days}, day)
            expected.append(ms.completion_rates(own, status).assign(as_of=day.isoformat()))
    expected = pd.concat(expected, ignore_index=True)
    expected = expected.sort_values(["district", "as_of"], kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(trend, expected[trend.columns], check_dtype=False)
    assert len(trend) == 3 + 4 + 6 + 2


def test_load_rules_from_a_user_file(tmp_path):
    """A rule set of one's own: red when a node is reported 滞后, nothing else."""
    path = tmp_path / "strict.toml"
    path.write_text(
        'name = "strict"\ndescription = "只看滞后"\n'
        '[[rule]]\nlight = "red"\nwhen = "status"\nstatus = "滞后"\n',
        encoding="utf-8",
    )
    rules = pg.load_rules(path)
    assert (rules.name, rules.description, len(rules.rules)) == ("strict", "只看滞后", 1)
    status = pd.DataFrame(
        {
            "district": ["d"] * 4,
            "task_id": ["1", "1", "2", "3"],
            "milestone": ["2021-06-30", "2021-12-31", "2021-06-30", "2021-06-30"],
            "status": ["behind", "not_reported", "not_started", "on_track"],
            "reported": [True, False, True, True],
            "due": [True, False, True, True],
            "deadline": [False, True, True, True],
            "overdue": [False, False, True, False],
            "on_time": [False, False, False, False],
            "days_left": [-10, 174, -10, -10],
            "quarter_end": [True, True, True, True],
        }
    )
    lights = ms.traffic_lights(status, rules)
    # Task 1's latest report says 滞后; overdue alone is not red here.
    assert lights["light"].tolist() == ["red", "green", "green"]
    assert lights["reasons"].tolist() == ["behind:2021-06-30:1", "", ""]
    assert reason_text(lights["reasons"].iloc[0]) == "节点2021-06-30报告滞后"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nlight = "blue"\nwhen = "status"\n', encoding="utf-8")
    with pytest.raises(taskstats.InputError, match="'light' must be red or yellow"):
        pg.load_rules(bad)


def test_a_task_with_its_own_deadline_gets_that_node(tmp_path):
    """完成时限 read into due_date; the task's own date becomes its node in the fill-in sheet,
    in the status and in the lights; 持续推进 is ongoing and adds no node."""
    folder = tmp_path / "raw" / "xiamen-test"
    folder.mkdir(parents=True)
    (folder / "table.txt").write_text(
        "序号\t目标任务\t牵头单位\t完成时限\n"
        "1\t建成社区食堂10个\t区民政局\t6月底前\n"
        "2\t优化营商环境\t区发改局\t持续推进\n"
        "3\t新建公园3座\t区城管局\t\n"
        "4\t修缮古厝\t区文旅局\t择机推进\n",
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        'slug = "xiamen-test"\nname = "测试区"\nyear = 2021\nraw_file = "table.txt"\n'
        '[schedule]\nkind = "dates"\ndates = ["2021-09-30", "2021-12-31"]\n',
        encoding="utf-8",
    )
    read = taskstats.read_districts("xiamen-test", raw_dir=tmp_path / "raw")[0]
    tasks = read.tables.tasks.set_index("task_id")
    assert tasks["due_date"].to_dict() == {"1": "2021-06-30", "2": "", "3": "", "4": ""}
    assert tasks["ongoing"].to_dict() == {"1": False, "2": True, "3": False, "4": False}
    quality = read.tables.quality
    assert quality.loc[quality["kind"] == "deadline_unparsed", "task_id"].tolist() == ["4"]
    schedule = {"xiamen-test": pg.schedule_dates(read.manifest)}
    rows = pg.template_rows(read.tables, "xiamen-test", schedule["xiamen-test"])
    assert rows.loc[rows["task_id"] == "1", "milestone"].tolist() == [
        "2021-06-30",
        "2021-09-30",
        "2021-12-31",
    ]
    assert rows.loc[rows["task_id"] == "2", "milestone"].tolist() == ["2021-09-30", "2021-12-31"]
    status = ms.milestone_status(read.tables, pg.empty_ledger(), schedule, "2021-07-10")
    assert status.groupby("task_id", observed=True).size().to_dict() == {
        "1": 3,
        "2": 2,
        "3": 2,
        "4": 2,
    }
    lights = ms.traffic_lights(status, pg.load_rules("default")).set_index("task_id")
    assert lights["light"].to_dict() == {"1": "red", "2": "green", "3": "green", "4": "green"}
    # Past its own deadline (6月底前) with no report: overdue, whatever else holds.
    assert lights.loc["1", "reasons"] == "overdue:2021-06-30"


def test_completion_rates_of_an_empty_status_are_empty_tables(tables, manifests):
    dalian = taskstats.subset(tables, district="dalian-hightech")
    schedules = {"dalian-hightech": pg.schedule_dates(manifests["dalian-hightech"])}
    status = ms.milestone_status(dalian, pg.empty_ledger(), schedules, "2020-12-31")
    for by, key in (("leader", "leader"), ("unit", "unit"), ("source", "source")):
        rates = ms.completion_rates(dalian, status.iloc[:0], by=by)
        assert len(rates) == 0 and key in rates.columns and "completion_rate" in rates.columns
