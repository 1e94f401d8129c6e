"""Returns from units in any form: re-saved workbooks, tables pasted into Word, CSVs placed by
their task texts, statuses typed every which way, and the receipt (回执) each file gets."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW
from openpyxl import load_workbook

import taskstats
from taskstats import progress as pg
from taskstats.progress.schedule import bundled_rule_sets
from taskstats.report.receipts import import_with_receipts

NOW = dt.datetime(2020, 7, 5, 9, 0)
KEEP = ["district", "task_id", "milestone", "status", "progress", "reported_on"]


@pytest.fixture(scope="module")
def manifests():
    return {m.slug: m for m in taskstats.discover_manifests(RAW)}


def _fill(path, entries, target, sheet="推进表", edit=None):
    """Fill (task, milestone) rows of a template's sheet with (status, reported_on)."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    for row in range(2, ws.max_row + 1):
        key = (str(ws.cell(row, col["序号"]).value), ws.cell(row, col["节点"]).value)
        if key in entries:
            status, reported = entries[key]
            ws.cell(row, col["状态"]).value = status
            ws.cell(row, col["填报日期"]).value = reported
            ws.cell(row, col["完成情况"]).value = f"第{key[0]}项进展"
    if edit:
        edit(ws)
    wb.save(target)
    return target


JUNE = {
    ("1", "2020-06-30"): ("已完成", "2020-06-28"),
    ("2", "2020-06-30"): ("滞后", "2020-06-29"),
    ("3", "2020-06-30"): ("序时推进", "2020-06-20"),
}


@pytest.fixture(scope="module")
def filled(tmp_path_factory, tables, manifests):
    """Dalian's fill-in sheet with three June reports, as the unit saved it (.xlsx)."""
    folder = tmp_path_factory.mktemp("returns")
    template = taskstats.write_template(tables, manifests["dalian-hightech"], folder / "sheet.xlsx")
    return _fill(template, JUNE, folder / "filled.xlsx")


def _import(paths, tables, manifests, store, receipts_dir=None, **kw):
    kw.setdefault("now", NOW)
    if receipts_dir is None:
        return pg.import_progress(paths, tables, manifests, store_dir=store, **kw)
    result, written = import_with_receipts(
        paths, tables, manifests, receipts_dir, store_dir=store, **kw
    )
    assert written == [receipts_dir / f"{Path(p).stem}-回执.xlsx" for p in paths]
    return result


def _ledger(store):
    ledger = pg.read_ledger(store)
    return ledger[KEEP].sort_values(["task_id", "milestone"]).reset_index(drop=True)


EXPECTED = pd.DataFrame(
    {
        "district": ["dalian-hightech"] * 3,
        "task_id": ["1", "2", "3"],
        "milestone": ["2020-06-30"] * 3,
        "status": ["已完成", "滞后", "序时推进"],
        "progress": ["第1项进展", "第2项进展", "第3项进展"],
        "reported_on": ["2020-06-28", "2020-06-29", "2020-06-20"],
    }
)


def test_the_xlsx_as_made(filled, tables, manifests, tmp_path):
    _import([filled], tables, manifests, tmp_path / "s")
    pd.testing.assert_frame_equal(_ledger(tmp_path / "s"), EXPECTED, check_dtype=False)


def _soffice(source, target_format, out):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    profile = out / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(out)},
    )
    return out / f"{source.stem}.{target_format.split(':')[0]}"


@pytest.mark.parametrize("form", ["xls", "ods"])
def test_resaved_by_libreoffice_imports_the_same_rows(filled, tables, manifests, tmp_path, form):
    converted = _soffice(filled, form, tmp_path)
    assert converted.read_bytes()[:4] in (b"\xd0\xcf\x11\xe0", b"PK\x03\x04")
    result = _import([converted], tables, manifests, tmp_path / "s")
    assert result.appended == 3
    assert result.receipts[0].placed_by == "meta"  # the hidden sheet survives the re-save
    pd.testing.assert_frame_equal(_ledger(tmp_path / "s"), EXPECTED, check_dtype=False)


def test_table_pasted_into_word_is_placed_by_its_task_texts(filled, tables, manifests, tmp_path):
    import docx

    ws = load_workbook(filled)["推进表"]
    rows = [[("" if c.value is None else str(c.value)) for c in r] for r in ws.iter_rows()]
    rows = [rows[0], *[r for r in rows[1:] if r[8]]]  # the header and the filled rows
    document = docx.Document()
    document.add_paragraph("2020年6月目标任务推进情况（填报单位：人社局）")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            table.cell(i, j).text = text
    document.save(tmp_path / "pasted.docx")
    result = _import([tmp_path / "pasted.docx"], tables, manifests, tmp_path / "s")
    assert result.appended == 3 and result.receipts[0].placed_by == "texts"
    assert result.receipts[0].unit == "人社局"  # named in the document's text
    pd.testing.assert_frame_equal(_ledger(tmp_path / "s"), EXPECTED, check_dtype=False)


def test_blank_row_notes_column_title_and_moved_columns(filled, tables, manifests, tmp_path):
    def edit(ws):
        ws.insert_rows(3)  # a blank row between task 1's June row and the next
        ws.insert_cols(4)  # a blank column inside the table
        ws.insert_cols(1)  # the unit's notes column first
        ws.cell(1, 1).value = "备注（本单位）"
        ws.cell(2, 1).value = "已报分管领导"
        ws.insert_rows(1, 2)  # a merged title row and an empty row above the header
        ws.cell(1, 1).value = "大连高新区重点任务推进表（人社局填报）"
        ws.merge_cells("A1:N1")
        ws.move_range("K3:K600", cols=5)  # 状态 moved to the right of 填报日期

    ws_path = _fill(filled, {}, tmp_path / "edited.xlsx", edit=edit)
    header = [c.value for c in load_workbook(ws_path)["推进表"][3]]
    assert header.index("状态") == 15 and header[0] == "备注（本单位）"
    result = _import([ws_path], tables, manifests, tmp_path / "s")
    assert result.appended == 3
    pd.testing.assert_frame_equal(_ledger(tmp_path / "s"), EXPECTED, check_dtype=False)


def test_statuses_typed_every_which_way(tables, manifests, tmp_path):
    csv = tmp_path / "typed.csv"
    csv.write_text(
        "序号,节点,状态,填报日期\n"
        "1,2020/6/30,滯後,2020年6月28日\n"
        "2,2020.6.30,已办结,44011\n"
        "3,2020-06-30, 推 進 中 ,2020-06-20 00:00:00\n"
        "4,2020-06-30,\u3000已完成。,2020-06-20\n",
        encoding="utf-8",
    )
    _import([csv], tables, manifests, tmp_path / "s", district="dalian-hightech")
    got = _ledger(tmp_path / "s")
    assert got["status"].tolist() == ["滞后", "已完成", "序时推进", "已完成"]
    assert got["reported_on"].tolist() == ["2020-06-28", "2020-06-29", "2020-06-20", "2020-06-20"]
    assert got["milestone"].tolist() == ["2020-06-30"] * 4


def test_unknown_status_and_impossible_date_refused_naming_row_column_value(
    filled, tables, manifests, tmp_path
):
    def edit(ws):
        ws.move_range("I1:I600", cols=6)  # 状态 now in column O

    bad = _fill(
        filled,
        {("5", "2020-06-30"): ("差不多吧", "2020-02-30")},
        tmp_path / "bad.xlsx",
        edit=edit,
    )
    with pytest.raises(taskstats.ProgressError) as err:
        _import([bad], tables, manifests, tmp_path / "s")
    text = str(err.value)
    row = "bad.xlsx, sheet '推进表', row 14"
    assert (
        f"{row}, column O (状态): status '差不多吧' is not allowed; "
        "choose one of 已完成, 序时推进, 滞后, 未启动"
    ) in text
    assert f"{row}, column L (填报日期): '2020-02-30' is not a date; use 2020-06-30" in text
    assert not (tmp_path / "s" / "ledger.csv").exists()
    # The problems are attributes too, and the receipt's data reads them.
    found = [(p.code, p.path.name, p.sheet, p.line, p.column, p.value) for p in err.value.problems]
    assert found == [
        ("bad_status", "bad.xlsx", "推进表", 14, "O (状态)", "差不多吧"),
        ("bad_date", "bad.xlsx", "推进表", 14, "L (填报日期)", "2020-02-30"),
    ]
    receipt = err.value.result.receipts[0]
    assert receipt.tables()["refused"].values.tolist() == [
        ["推进表", 14, "O (状态)", "差不多吧", "bad_status"],
        ["推进表", 14, "L (填报日期)", "2020-02-30", "bad_date"],
    ]
    assert receipt.tables()["passed"][["task_id", "milestone", "status"]].values.tolist() == [
        ["1", "2020-06-30", "已完成"],
        ["2", "2020-06-30", "滞后"],
        ["3", "2020-06-30", "序时推进"],
    ]


def test_another_districts_file_is_refused_saying_which(tables, manifests, tmp_path):
    qingdao = tables.tasks[tables.tasks["district"] == "qingdao-westcoast"].head(2)
    csv = tmp_path / "west.csv"
    csv.write_text(
        "序号,目标任务,节点,状态,填报日期\n"
        + "".join(
            f"{t},{x},2020-07-31,序时推进,2020-07-30\n"
            for t, x in qingdao[["task_id", "text"]].values
        ),
        encoding="utf-8",
    )
    assert qingdao["task_id"].tolist() == ["1", "2"]
    with pytest.raises(taskstats.ProgressError) as err:
        _import([csv], tables, manifests, tmp_path / "s", district="dalian-hightech", now=NOW_AUG)
    assert (
        "west.csv: its task texts are 青岛西海岸新区's tasks, not 大连高新区's; "
        "import it for 青岛西海岸新区"
    ) in str(err.value)
    assert not (tmp_path / "s" / "ledger.csv").exists()
    nowhere = tmp_path / "nowhere.csv"
    nowhere.write_text(
        "序号,目标任务,节点,状态\n1,修建月球基地,2020-07-31,滞后\n", encoding="utf-8"
    )
    with pytest.raises(taskstats.ProgressError, match=r"nowhere\.csv: its task texts match no"):
        _import([nowhere], tables, manifests, tmp_path / "s", now=NOW_AUG)


NOW_AUG = dt.datetime(2020, 8, 5, 9, 0)


def test_csv_without_district_is_placed_by_its_task_texts(tables, manifests, tmp_path):
    csv = tmp_path / "west.csv"
    csv.write_text(
        "序号,目标任务,节点,状态,填报日期\n"
        "1,地区生产总值增长7%。,2020-07-31,序时推进,2020-07-30\n"
        "2,固定资产投资增长15%。,2020-07-31,滞后,2020-07-30\n",
        encoding="utf-8",
    )
    result = _import([csv], tables, manifests, tmp_path / "s", now=NOW_AUG)
    assert result.receipts[0].placed_by == "texts"
    got = _ledger(tmp_path / "s")
    assert got["district"].tolist() == ["qingdao-westcoast"] * 2
    assert got["status"].tolist() == ["序时推进", "滞后"]


def test_receipt_of_a_mixed_file(tables, manifests, tmp_path):
    store = tmp_path / "s"
    held = tmp_path / "held.csv"
    held.write_text("序号,节点,状态,填报日期\n46,2020-06-30,滞后,2020-06-29\n", encoding="utf-8")
    _import([held], tables, manifests, store, district="dalian-hightech")
    template = taskstats.write_template(
        tables, manifests["dalian-hightech"], tmp_path / "units.xlsx", by_unit=True
    )
    mixed = _fill(
        template,
        {
            ("2", "2020-06-30"): ("已完成", "2020-06-28"),  # accepted
            ("46", "2020-06-30"): ("序时推进", "2020-06-20"),  # older than the report held
            ("74", "2020-06-30"): ("差不多", "2020-06-28"),  # refused
        },
        tmp_path / "人社局.xlsx",
        sheet="人社局",
    )
    result = _import(
        [mixed], tables, manifests, store, accept_valid=True, receipts_dir=tmp_path / "r"
    )
    receipt = result.receipts[0]
    assert receipt.unit == "人社局" and receipt.verdict == "partly"
    assert result.appended == 2 and result.superseded == 1
    wb = load_workbook(tmp_path / "r" / "人社局-回执.xlsx")
    assert wb.sheetnames == ["回执", "已接收", "已被后报覆盖", "退回", "尚未报送节点"]
    summary = {r[0]: r[1] for r in wb["回执"].iter_rows(values_only=True) if r[0]}
    assert summary["报送单位"] == "人社局" and summary["区县"] == "大连高新区"
    assert summary["处理结果"] == "部分接收，部分退回"
    assert [summary[k] for k in ("已接收（行）", "已被后报覆盖（行）", "退回（处）")] == [1, 1, 1]
    assert summary["尚未报送节点（个）"] == 2
    rows = {name: list(wb[name].iter_rows(values_only=True))[1:] for name in wb.sheetnames[1:]}
    assert [r[2:] for r in rows["已接收"]] == [("2", "2020-06-30", "已完成")]
    assert [r[2:] for r in rows["已被后报覆盖"]] == [("46", "2020-06-30", "序时推进")]
    assert rows["退回"] == [
        (
            "人社局",
            8,
            "I (状态)",
            "差不多",
            "状态“差不多”无法识别",
            "请从“已完成, 序时推进, 滞后, 未启动”中选择一项。",
        )
    ]
    assert [(r[0], r[2]) for r in rows["尚未报送节点"]] == [
        ("74", "2020-06-30"),
        ("75", "2020-06-30"),
    ]
    ledger = pg.read_ledger(store)  # the history keeps both reports of task 46
    assert ledger["task_id"].tolist() == ["46", "2", "46"]
    assert ledger["status"].tolist() == ["滞后", "已完成", "序时推进"]


def test_a_refused_file_changes_nothing_and_gets_its_receipt(filled, tables, manifests, tmp_path):
    store = tmp_path / "s"
    _import([filled], tables, manifests, store)
    before = (store / "ledger.csv").read_bytes()
    west = tmp_path / "west.csv"
    west.write_text("序号,目标任务,节点,状态\n1,地区生产总值增长7%。,2020-07-31,滞后\n", "utf-8")
    result = _import(
        [west],
        tables,
        manifests,
        store,
        district="dalian-hightech",
        accept_valid=True,
        receipts_dir=tmp_path / "r",
    )
    assert result.appended == 0 and (store / "ledger.csv").read_bytes() == before
    wb = load_workbook(tmp_path / "r" / "west-回执.xlsx")
    summary = {r[0]: r[1] for r in wb["回执"].iter_rows(values_only=True) if r[0]}
    assert summary["处理结果"] == "整份退回，未入账"
    assert list(wb["退回"].iter_rows(values_only=True))[1][4] == (
        "表中任务是青岛西海岸新区的任务，不是大连高新区的任务"
    )


def test_vocabulary_is_data_an_office_can_extend(tmp_path):
    own = tmp_path / "ours.toml"
    own.write_text('[statuses]\n"已完成" = ["已销号"]\n"滞后" = ["亮黄灯"]\n', encoding="utf-8")
    ours = pg.load_vocabulary(own)
    assert ours.status("已銷號") == "已完成"  # traditional forms fold to simplified (OpenCC t2s)
    assert ours.status("已注销") is None  # a word the file does not list
    assert [ours.status(v) for v in ("已销号", "亮黄灯", "未启动")] == ["已完成", "滞后", "未启动"]
    bundled = pg.load_vocabulary()
    assert [bundled.status(v) for v in ("滯後", "已办结", "推进中", "正常推进", "滞後")] == [
        "滞后",
        "已完成",
        "序时推进",
        "序时推进",
        "滞后",
    ]
    clash = tmp_path / "clash.toml"
    clash.write_text('[statuses]\n"已完成" = ["办结"]\n"滞后" = ["辦結"]\n', encoding="utf-8")
    clash.write_text(
        clash.read_text("utf-8") + '[traditional]\n"辦" = "办"\n"結" = "结"\n', "utf-8"
    )
    with pytest.raises(taskstats.InputError, match="'辦結' is listed under both 已完成 and 滞后"):
        pg.load_vocabulary(clash)
    assert "vocabulary_statuses" not in bundled_rule_sets()


def test_cli_import_writes_receipts_beside_the_ledger(filled, tmp_path):
    from click.testing import CliRunner

    from taskstats.cli import main

    store = tmp_path / "s"
    bad = tmp_path / "typo.csv"
    bad.write_text("序号,节点,状态,填报日期\n7,2020-06-30,快好了,2020-06-30\n", encoding="utf-8")
    args = ["progress", "import", "--store", str(store), "--district", "dalian-hightech"]
    run = CliRunner().invoke(main, [*args, str(filled), str(bad)])
    assert run.exit_code == 2
    # Each problem in Chinese with its place and what to do, under its file and receipt.
    receipt = store / "receipts" / "typo-回执.xlsx"
    assert run.output.splitlines()[-3:] == [
        "错误：退回1处，本批文件均未入账（全部通过才入账）。请按回执改正后重新导入，"
        "或加 --accept-valid 只接收通过的行：",
        f"typo.csv（回执：{receipt}）",
        "  第2行，C列（状态）：状态“快好了”无法识别；"
        "请从“已完成, 序时推进, 滞后, 未启动”中选择一项。",
    ]
    assert "error" not in run.output and "is not allowed" not in run.output
    assert not (store / "ledger.csv").exists()
    assert sorted(p.name for p in (store / "receipts").iterdir()) == [
        "filled-回执.xlsx",
        "typo-回执.xlsx",
    ]
    summary = load_workbook(store / "receipts" / "filled-回执.xlsx")["回执"]
    assert summary["B6"].value == "未入账：本批文件有退回内容"
    run = CliRunner().invoke(main, [*args, "--accept-valid", str(filled), str(bad)])
    assert run.exit_code == 2
    assert run.output.splitlines()[:3] == [
        "filled.xlsx：全部接收",
        "typo.csv：整份退回，未入账",
        f"共接收3行（1个文件），其中0行已被填报日期更晚的报告覆盖（保留在历史中）；退回1处。"
        f"台账：{store / 'ledger.csv'}；回执：{store / 'receipts'}",
    ]
    assert run.output.splitlines()[3] == (
        "错误：退回1处，退回的内容未入账，其余已入账。请按回执改正后重新报送："
    )
    assert len(pg.read_ledger(store)) == 3


def test_an_english_receipt_reads_the_same_problems(tables, manifests, tmp_path):
    typo = tmp_path / "typo.csv"
    typo.write_text("序号,节点,状态,填报日期\n7,2020-06-30,快好了,2020-06-30\n", encoding="utf-8")
    result, written = import_with_receipts(
        [typo],
        tables,
        manifests,
        tmp_path / "r",
        language="en",
        store_dir=tmp_path / "s",
        district="dalian-hightech",
        accept_valid=True,
        now=NOW,
    )
    (problem,) = result.refused
    assert (problem.code, problem.line, problem.column, problem.value) == (
        "bad_status",
        2,
        "C (状态)",
        "快好了",
    )
    wb = load_workbook(written[0])
    assert wb.sheetnames == ["Receipt", "Accepted", "Superseded", "Refused", "Not yet reported"]
    assert list(wb["Refused"].iter_rows(values_only=True)) == [
        ("Sheet", "Row", "Column", "Typed", "Reason", "What to do"),
        (
            "typo.csv",
            2,
            "C (状态)",
            "快好了",
            "status '快好了' is not allowed; choose one of 已完成, 序时推进, 滞后, 未启动",
            "choose one of 已完成, 序时推进, 滞后, 未启动",
        ),
    ]


def test_a_problem_is_placed_as_a_clerk_reads_it(tmp_path):
    from taskstats.errors import Problem
    from taskstats.report.wording.returns import problem_place

    book = tmp_path / "甲局.xlsx"
    cell = Problem("bad_status", path=book, sheet="推进表", line=5, column="C (状态)", value="好")
    assert problem_place(cell) == "工作表“推进表”，第5行，C列（状态）"
    csv = Problem("missing_status", path=tmp_path / "a.csv", sheet="a.csv", line=2, column="C")
    assert problem_place(csv) == "第2行，C列"  # a CSV's one sheet is the file itself
    word = Problem("unknown_task", path=tmp_path / "b.docx", sheet="table 2", line=3)
    assert problem_place(word) == "表格2，第3行"
    assert problem_place(Problem("no_district", path=book)) == "整份文件"
