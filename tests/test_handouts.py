"""Hand-outs for units and leaders on a bundled district: one document per lead unit, opened
and checked against the tables and the red list; one rendered to PNG to be looked at."""

from __future__ import annotations

import shutil
import subprocess

import docx
import pytest
from click.testing import CliRunner
from conftest import RAW

import taskstats
from taskstats.cli import main
from taskstats.progress import progress_snapshot, rules_for, schedule_dates
from taskstats.report.handouts import handouts

DISTRICT = "dalian-hightech"
RED_CHENGGUAN = ["8", "81"]  # 城管局's part of the red list on 2020-10-15 (simulated)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts")
    args = ["handouts", DISTRICT, "--by", "unit", "--out", str(out), "--as-of", "2020-10-15"]
    run = CliRunner().invoke(main, [*args, "--progress", "demo"])
    assert run.exit_code == 0, run.output
    return out


@pytest.fixture(scope="module")
def snap():
    read = taskstats.read_districts(DISTRICT, raw_dir=RAW)[0]
    schedule = {DISTRICT: schedule_dates(read.manifest)}
    return read, progress_snapshot(
        read.tables, "demo", schedule, "2020-10-15", rules_for(read.manifest), trend=False
    )


def test_one_document_per_named_lead_unit(written, tables):
    units = tables.task_units
    leads = units[(units["district"] == DISTRICT) & (units["role"] == "lead")]
    named = set(leads.loc[~leads["collective"], "unit"])
    assert len(named) == 42
    assert {p.stem for p in written.glob("*.docx")} == named


def test_a_units_document_lists_its_lead_tasks_and_its_red_notices(written, snap):
    _, snapshot = snap
    red = snapshot.red[snapshot.red["district"] == DISTRICT]
    mine = red[red["lead_units"].str.split("、").map(lambda u: "城管局" in u)]
    assert mine["task_id"].tolist() == RED_CHENGGUAN
    document = docx.Document(written / "城管局.docx")
    rows = document.tables[0].rows
    assert [r.cells[0].text for r in rows[1:]] == [
        "5",
        "6",
        "7",
        "8",
        "79",
        "80",
        "81",
        "82",
        "147",
    ]
    lit = [r.cells[0].text for r in rows[1:] if r.cells[4].text == "红灯"]
    assert lit == mine["task_id"].tolist()
    notices = [p.text for p in document.paragraphs if p.text == "督办通知单"]
    assert len(notices) == len(mine)
    body = [p.text for p in document.paragraphs if p.text.startswith("第")]
    assert [b.split("项任务")[0][1:] for b in body] == mine["task_id"].tolist()
    assert all("请限期整改，于2020年10月25日前" in b for b in body)


def test_a_units_figures_count_all_it_leads_whichever_tasks_are_listed(tmp_path):
    """--only red lists the red tasks, but the unit still leads all nine: the sentence says so."""
    said = {}
    for only in ("all", "red"):
        out = tmp_path / only
        args = ["handouts", DISTRICT, "--only", only, "--out", str(out), "--as-of", "2020-10-15"]
        assert CliRunner().invoke(main, [*args, "--progress", "demo"]).exit_code == 0
        document = docx.Document(out / "城管局.docx")
        said[only] = (
            document.paragraphs[2].text,
            [r.cells[0].text for r in document.tables[0].rows[1:]],
        )
    lead = "截至2020年10月15日，你单位牵头任务9项，其中红灯2项、黄灯0项、绿灯7项。"
    assert said["all"][0] == lead + "具体如下："
    assert said["red"] == (lead + "下表列出其中的红灯任务2项：", RED_CHENGGUAN)


def test_a_task_whose_text_the_source_lost_is_said_so(written):
    """Task 21's number survived the copy out of its document, its text did not."""
    document = docx.Document(written / "海创集团.docx")
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert [r[:2] for r in rows if r[0] == "21"] == [["21", "（原文缺失，见数据质量）"]]


def test_only_red_leaves_units_without_red_out(snap):
    read, snapshot = snap
    items = handouts(
        read.tables, snapshot, DISTRICT, schedule_dates(read.manifest), by="unit", only="red"
    )
    red = snapshot.red[snapshot.red["district"] == DISTRICT]
    units = {u for us in red["lead_units"] for u in us.split("、")}
    assert {h.to for h in items} <= units
    assert all((h.tasks["light"] == "red").all() for h in items)
    by_leader = handouts(
        read.tables, snapshot, DISTRICT, schedule_dates(read.manifest), by="leader"
    )
    assert "各分管委领导" not in {h.to for h in by_leader}  # a collective gets none


def test_rendered_to_png(written, tmp_path):
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        pytest.skip("LibreOffice or poppler is not installed")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(written / "城管局.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    subprocess.run(
        [pdftoppm, "-r", "50", "-png", str(tmp_path / "城管局.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2  # the list, then a 督办通知单 a page


def test_red_list_due_and_changes_as_spreadsheets(snap, tmp_path):
    from openpyxl import load_workbook

    _, snapshot = snap
    base = ["--as-of", "2020-10-15", "--progress", "demo"]
    for command, name in (("status", "red"), ("due", "due"), ("changes", "changes")):
        target = tmp_path / f"{name}.xlsx"
        run = CliRunner().invoke(
            main, ["progress", command, DISTRICT, *base, "--xlsx", str(target)]
        )
        assert run.exit_code == 0, run.output
    red = list(load_workbook(tmp_path / "red.xlsx")["挂牌督办"].iter_rows(values_only=True))
    assert red[0][:3] == ("序号", "目标任务", "牵头单位")
    assert len(red) - 1 == int(snapshot.figures.iloc[0]["red"])
    assert [r[0] for r in red[1:]] == snapshot.red["task_id"].tolist()
    due = list(load_workbook(tmp_path / "due.xlsx")["本期到期"].iter_rows(values_only=True))
    assert due[0][:4] == ("序号", "目标任务", "节点", "剩余天数")
    assert {r[2] for r in due[1:]} == {"2020-12-31"} and {r[3] for r in due[1:]} == {77}
    changes = load_workbook(tmp_path / "changes.xlsx")["与上期相比"]
    header = [c.value for c in changes[1]]
    assert header[2:6] == ["上期亮灯", "亮灯", "变化", "新完成节点数"]
    assert {c.value for c in changes["E"][1:]} <= {"转为红灯", "转为黄灯", "转为绿灯", "新完成节点"}


def test_a_leaders_brief_lists_red_tasks_per_lead_unit_that_reports_back(snap, tmp_path):
    """By leader: no 督办通知单 addressed to the leader; the leader's red tasks (原驰: 9 of the
    red list on 2020-10-15) per lead unit, each unit named as the one to report back; a task
    led by two units (34: 发改局、投促局; 95: 发改局、科技局) is under each."""
    out = tmp_path / "leaders"
    args = ["handouts", DISTRICT, "--by", "leader", "--out", str(out), "--as-of", "2020-10-15"]
    run = CliRunner().invoke(main, [*args, "--progress", "demo"])
    assert run.exit_code == 0, run.output
    document = docx.Document(out / "原驰.docx")
    lines = [p.text for p in document.paragraphs if p.text]
    assert "督办通知单" not in lines and "原驰：" not in lines
    assert lines[0] == "大连高新区重点任务推进情况提示单（原驰同志分管）"
    assert lines[1] == "注意：本单据的进度数据为模拟数据，仅用于演示。"
    assert lines[2].startswith("截至2020年10月15日，原驰同志分管任务")
    assert "红灯9项" in lines[2]
    brief = lines.index("分管红灯任务督办情况（按牵头单位）")
    assert lines[brief + 1] == (
        "截至2020年10月15日，原驰同志分管的任务中有9项亮红灯。区督查室向下列牵头单位发出督办通知单，"
        "由牵头单位限期整改，并于2020年10月25日前将整改措施和进展情况书面报送区督查室："
    )
    assert lines[brief + 2 : brief + 7] == [
        "投促局（牵头，红灯3项，负责报送整改情况）",
        "科技局（牵头，红灯3项，负责报送整改情况）",
        "创业中心（牵头，红灯2项，负责报送整改情况）",
        "发改局（牵头，红灯2项，负责报送整改情况）",
        "设计办（牵头，红灯1项，负责报送整改情况）",
    ]
    per_unit = [[row.cells[0].text for row in t.rows[1:]] for t in document.tables[2:]]
    assert per_unit == [
        ["10", "34", "157"],
        ["26", "67", "95"],
        ["69", "165"],
        ["34", "95"],
        ["164"],
    ]
    assert lines[-1] == "区督查室　2020年10月15日"


def test_a_leaders_brief_sends_no_notice_to_a_collective(tmp_path):
    """Quanzhou, 洪金城 on 2020-12-25 (simulated): red task 116 is led by 区纪委监委 and the
    collective 区政府各部门. Only 区纪委监委 is sent a 督办通知单 and reports back; the collective
    is named on a line of its own, with no such duty."""
    out = tmp_path / "leaders"
    args = ["handouts", "quanzhou-licheng", "--by", "leader", "--out", str(out)]
    run = CliRunner().invoke(main, [*args, "--as-of", "2020-12-25", "--progress", "demo"])
    assert run.exit_code == 0, run.output
    document = docx.Document(out / "洪金城.docx")
    lines = [p.text for p in document.paragraphs if p.text]
    brief = lines.index("分管红灯任务督办情况（按牵头单位）")
    assert lines[brief + 1 :] == [
        "截至2020年12月25日，洪金城同志分管的任务中有1项亮红灯。区督查室向下列牵头单位发出督办通知单，"
        "由牵头单位限期整改，并于2021年1月4日前将整改措施和进展情况书面报送区督查室：",
        "区纪委监委（牵头，红灯1项，负责报送整改情况）",
        "另：第116项红灯任务由区政府各部门牵头（泛指，不单独发督办通知单，不负责报送整改情况），"
        "请分管领导督促落实。",
        "区督查室　2020年12月25日",
    ]
    assert [row.cells[0].text for row in document.tables[-1].rows[1:]] == ["116"]


def test_red_by_unit_keeps_named_and_collective_leads_apart():
    import pandas as pd

    from taskstats.report.handouts import red_by_unit

    tasks = pd.DataFrame({"task_id": ["1", "2", "3"], "light": ["red", "red", "green"]})
    leads = pd.DataFrame(
        {
            "task_id": ["1", "1", "2", "3"],
            "unit": ["乙局", "各镇街", "各镇街", "甲局"],
            "collective": [False, True, True, False],
        }
    )
    named = red_by_unit(tasks, leads)
    assert [(u, rows["task_id"].tolist()) for u, rows in named] == [("乙局", ["1"])]
    apart = red_by_unit(tasks, leads, collective=True)
    assert [(u, rows["task_id"].tolist()) for u, rows in apart] == [("各镇街", ["1", "2"])]


def test_a_leaders_red_task_led_only_by_a_collective_sends_no_notice(tmp_path):
    """A tiny brief: the leader's one red task is led by 各镇街 only, so no unit is told to
    report back; the brief says so and names the collective apart."""
    import datetime as dt

    import pandas as pd

    from taskstats.report.handouts import Handout, write_handouts

    tasks = pd.DataFrame(
        {
            "task_id": ["3"],
            "text": ["改造老旧小区"],
            "deadline": ["2020-12-31"],
            "status": ["behind"],
            "light": ["red"],
            "reasons": ["overdue:2020-12-31"],
            "lead_units": ["各镇街"],
        }
    )
    due = pd.DataFrame(columns=["task_id", "text", "milestone"])
    leads = pd.DataFrame({"task_id": ["3"], "unit": ["各镇街"], "collective": [True]})
    item = Handout("张三", tasks, due, leads)
    [path] = write_handouts(
        [item], tmp_path, district_name="某区", as_of=dt.date(2021, 1, 5), by="leader"
    )
    lines = [p.text for p in docx.Document(path).paragraphs if p.text]
    brief = lines.index("分管红灯任务督办情况（按牵头单位）")
    assert lines[brief + 1 :] == [
        "截至2021年1月5日，张三同志分管的任务中有1项亮红灯，均无具名牵头单位，"
        "区督查室不单独发出督办通知单。",
        "另：第3项红灯任务由各镇街牵头（泛指，不单独发督办通知单，不负责报送整改情况），"
        "请分管领导督促落实。",
        "区督查室　2021年1月5日",
    ]


def test_at_the_plans_last_node_the_hand_out_says_there_is_no_next_period(tmp_path):
    """Dalian's plan ends on 2020-12-31: no "no node falls due before the next one"."""
    out = tmp_path / "out"
    args = ["handouts", DISTRICT, "--out", str(out), "--as-of", "2020-12-31", "--progress", "demo"]
    assert CliRunner().invoke(main, args).exit_code == 0
    lines = [p.text for p in docx.Document(out / "城管局.docx").paragraphs]
    assert "截至2020年12月31日计划已到最后节点，没有下一期。" in lines
    assert "下一报送节点前没有到期节点。" not in lines


def test_a_provinces_hand_outs_come_from_its_own_office(tmp_path, monkeypatch):
    """A province's list (scope 全省) is signed 省督查室, not 区督查室."""
    from test_pages import provincial_district

    raw = tmp_path / "raw"
    slug = provincial_district(raw)
    monkeypatch.setenv("TASKSTATS_RAW_DIR", str(raw))
    out = tmp_path / "out"
    args = ["handouts", slug, "--out", str(out), "--as-of", "2020-12-31"]
    result = CliRunner().invoke(main, [*args, "--progress", "demo", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    signed = {
        p.text
        for path in out.glob("*.docx")
        for p in docx.Document(path).paragraphs
        if p.text.endswith("2020年12月31日") and "督查室" in p.text
    }
    assert signed == {"省督查室　2020年12月31日"}
    # The bulletin speaks as the same office
    bulletin = tmp_path / "b.docx"
    args = ["bulletin", slug, "--raw-dir", str(raw), "--store", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--as-of", "2020-12-31", "--out", str(bulletin)])
    assert result.exit_code == 0, result.output
    lines = [p.text.replace("\u2060", "") for p in docx.Document(bulletin).paragraphs]
    assert "省督查室" in lines and any(line.startswith("根据工作安排，省督查室") for line in lines)
