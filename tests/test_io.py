"""The edges: one grid reader (CSV and workbooks), cell texts, hashes, atomic files."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from openpyxl import Workbook

from taskstats import InputError
from taskstats.io.files import file_sha256, read_with_sha256
from taskstats.io.grid import MAX_CELL_CHARS, cell_text, csv_rows, read_workbook


@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_csv_rows_sniff_the_delimiter(sep):
    text = sep.join(["序号", "目标任务", "牵头单位"]) + "\n\n" + sep.join(["1", "任务", "区发改局"])
    rows = csv_rows(text)
    assert [(r.line, r.cells) for r in rows] == [
        (1, ["序号", "目标任务", "牵头单位"]),
        (3, ["1", "任务", "区发改局"]),
    ]


def test_cells_up_to_the_limit_load_and_longer_ones_name_the_file(tmp_path):
    long = "a,b\n" + '"' + "长" * 140_000 + '",d\n'  # over the csv module's own 131,072
    assert len(csv_rows(long, tmp_path / "x.csv")[1].cells[0]) == 140_000
    huge = "a,b\n" + '"' + "长" * (MAX_CELL_CHARS + 1) + '",d\n'
    with pytest.raises(InputError, match=r"x\.csv, line 2: malformed CSV: field larger") as err:
        csv_rows(huge, tmp_path / "x.csv")
    assert "cells may hold up to 1,000,000 characters" in str(err.value)


def test_cell_text():
    assert [
        cell_text(v)
        for v in (None, 3.0, 2.5, dt.datetime(2020, 6, 30), dt.date(2020, 6, 30), " 陈 斌 ")
    ] == ["", "3", "2.5", "2020-06-30", "2020-06-30", " 陈 斌 "]


def test_workbook_merges_fill_down_and_stay_within_the_cells(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "分工表"
    ws.append(["序号", "目标任务", "分管领导"])
    ws.append(["一、重点任务（2项）", None, None])
    ws.append([1, "任务一", "陈 斌"])
    ws.append([2, "任务二", None])
    ws.merge_cells("A2:C2")
    ws.merge_cells("C3:C4")
    ws.merge_cells("E10:F60")  # below the cells that exist: nothing to fill
    extra = wb.create_sheet("说明")
    extra.append(["不是表格"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    sheets, skipped = read_workbook(path, path.read_bytes(), skip=("说明",))
    assert [s.name for s in sheets] == ["分工表"] and skipped == {"说明": [["不是表格"]]}
    assert [(r.line, r.cells) for r in sheets[0].rows] == [
        (1, ["序号", "目标任务", "分管领导", "", "", ""]),
        (2, ["一、重点任务（2项）", "", "", "", "", ""]),
        (3, ["1", "任务一", "陈 斌", "", "", ""]),
        (4, ["2", "任务二", "陈 斌", "", "", ""]),
    ]


def test_one_sha256_helper(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes("目标任务".encode())
    data, digest = read_with_sha256(path)
    assert digest == file_sha256(path) == hashlib.sha256("目标任务".encode()).hexdigest()
    assert data == "目标任务".encode()
    with pytest.raises(InputError, match=r"missing\.txt: cannot read the file"):
        file_sha256(tmp_path / "missing.txt")
