"""Issue 22 (points 4-7): terminal-safe output, bounded manifests, located errors."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import RAW

import taskstats
from taskstats.cli import main
from taskstats.errors import Problem, ProgressError, WriteError, escape_controls
from taskstats.io.files import ensure_writable
from taskstats.io.locking import exclusive
from taskstats.report.wording.returns import problem_action, problem_text
from taskstats.tidy.manifest import discover_manifests, read_manifest
from taskstats.tidy.schema import STATUS_COLUMNS

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\r\x9b31m\u202e"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x9b31m\\u202e"


# --- terminal-safe output ------------------------------------------------------------------------


def test_control_characters_are_escaped_and_escaping_is_idempotent():
    assert escape_controls(f"a{HOSTILE}b\tc\nd") == f"a{SHOWN}b\tc\nd"
    assert escape_controls(escape_controls(HOSTILE)) == SHOWN
    assert escape_controls("甲区\u3000任务") == "甲区\u3000任务"  # ideographic space is text


def test_cells_and_file_names_never_reach_the_terminal(tmp_path):
    table = tmp_path / f"t{HOSTILE}.txt"
    table.write_text(
        f"序号\t工作任务\t牵头单位\t分管领导\n一、{HOSTILE}重点\n1\t任务甲。\t区发改局\t王五\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["inspect", str(table)], color=True)  # as on a tty
    assert result.exit_code == 0, result.output
    assert f"文件：{tmp_path}/t{SHOWN}.txt" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\r" not in result.output and "\x9b" not in result.output


def test_error_messages_escape_control_characters(tmp_path):
    missing = tmp_path / f"x{HOSTILE}.txt"
    result = CliRunner().invoke(main, ["inspect", str(missing)], color=True)
    assert result.exit_code == 2
    assert f"x{SHOWN}.txt" in result.output
    assert "\x1b" not in result.output
    with pytest.raises(taskstats.InputError) as err:
        taskstats.read_table(missing)
    assert "\x1b" not in str(err.value)
    assert err.value.path == missing  # the attribute keeps the real name


# --- located errors ------------------------------------------------------------------------------


def test_errors_carry_their_place_as_attributes_and_in_the_message():
    err = ProgressError("not a date", path=Path("a.xlsx"), sheet="进度", line=7, column="F")
    assert str(err) == "a.xlsx, sheet '进度', line 7, column F: not a date"
    assert (err.path, err.sheet, err.line, err.column, err.reason) == (
        Path("a.xlsx"),
        "进度",
        7,
        "F",
        "not a date",
    )
    back = pickle.loads(pickle.dumps(err))  # as a report worker hands it back
    assert type(back) is ProgressError
    assert (str(back), back.line, back.column) == (str(err), 7, "F")
    problem = Problem(
        "bad_status",
        path=Path("l.csv"),
        line=3,
        column="status",
        value="差不多",
        params={"choices": "已完成"},
    )
    assert (
        str(problem)
        == "l.csv, line 3, column status: status '差不多' is not allowed; choose one of 已完成"
    )
    assert problem_text(problem) == "状态“差不多”无法识别"
    assert problem_action(problem) == "请从“已完成”中选择一项。"
    with pytest.raises(KeyError, match="no wording for the problem code 'bad status'"):
        Problem("bad status")


def test_every_problem_code_is_worded_in_both_languages():
    from taskstats.errors import PROBLEM_TEXT
    from taskstats.report.wording.returns import PROBLEMS

    assert set(PROBLEMS["zh"]) == set(PROBLEM_TEXT) == set(PROBLEMS["en"])
    assert len(PROBLEM_TEXT) == 19  # 15 of returned sheets, 4 of a ledger's cells


def test_an_unwritable_folder_and_a_held_lock_are_write_errors(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(WriteError) as err:
        ensure_writable(blocker / "out")
    assert err.value.path == blocker / "out"
    assert str(err.value).startswith(f"{blocker / 'out'}: cannot create the output folder")
    with (
        exclusive(tmp_path),
        pytest.raises(WriteError) as err,
        exclusive(tmp_path, timeout=0.1),
    ):
        pass
    assert "another taskstats run holds this lock" in str(err.value)


def test_no_plan_section_is_in_the_family():
    from taskstats.readers.commitments import NoPlanSection

    assert issubclass(NoPlanSection, taskstats.InputError)


# --- manifests -----------------------------------------------------------------------------------


def test_a_manifest_saved_with_a_bom_is_read(tmp_path):
    folder = tmp_path / "dalian-hightech"
    shutil.copytree(RAW / "dalian-hightech", folder)
    text = (folder / "manifest.toml").read_bytes()
    (folder / "manifest.toml").write_bytes(b"\xef\xbb\xbf" + text)
    manifest = read_manifest(folder)
    assert (manifest.slug, manifest.year) == ("dalian-hightech", 2020)


def test_a_linked_district_folder_is_refused_when_discovered(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    outside = tmp_path / "elsewhere"
    shutil.copytree(RAW / "nanjing-gulou", outside)
    (raw / "nanjing-gulou").symlink_to(outside)
    with pytest.raises(taskstats.ManifestError) as err:
        discover_manifests(raw)
    assert str(err.value) == (
        f"{raw / 'nanjing-gulou' / 'manifest.toml'}: the district folder is a symbolic link "
        f"(to {outside}), so its files would be read from outside the raw data folder; copy it "
        "in instead"
    )


# --- text: 20,000 rows all numbered 1 ------------------------------------------------------------


class _CountingSet(set):
    lookups = 0

    def __contains__(self, item) -> bool:
        type(self).lookups += 1
        return super().__contains__(item)


def test_duplicate_numbers_are_suffixed_in_few_look_ups():
    from taskstats.readers.table import unique_id
    from taskstats.tidy.schema import RawTask

    ids, issues = _CountingSet(), []
    given = [unique_id("1", ids, RawTask(1, line), issues) for line in range(2, 20_002)]
    assert given[:3] == ["1", "1#2", "1#3"]
    assert given[-1] == "1#20000"
    assert len(set(given)) == 20_000
    assert issues[0].message == "task number 1 appears again; kept as 1#2"
    assert (issues[-1].line, issues[-1].task) == (20_001, "1#20000")
    # Trying each suffix in turn took 200,010,000 look-ups; doubling and halving needs
    # at most about 2 log2(20,000) ≈ 30 per row.
    assert _CountingSet.lookups < 20_000 * 32


@pytest.mark.slow
def test_a_table_of_20000_rows_all_numbered_1_is_read(tmp_path):
    table = tmp_path / "ones.txt"
    rows = "".join(f"1\t任务{i}。\t区发改局\t王五\n" for i in range(20_000))
    table.write_text("序号\t工作任务\t牵头单位\t分管领导\n" + rows, encoding="utf-8")
    tasks = taskstats.read_table(table).tasks
    assert len(tasks) == 20_000
    assert tasks["task_id"].iloc[[0, 1, -1]].tolist() == ["1", "1#2", "1#20000"]


# --- ledgers read without guessing ---------------------------------------------------------------


def _ledger_csv(path: Path, rows: list[dict]) -> Path:
    import csv

    from taskstats.tidy.schema import LEDGER_COLUMNS

    base = dict.fromkeys(LEDGER_COLUMNS, "")
    base.update(imported_at="2021-07-01T09:00:00", file="a.xlsx", sheet="进度", simulated="False")
    path.mkdir(parents=True, exist_ok=True)
    with (path / "ledger.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, LEDGER_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**base, **row})
    return path / "ledger.csv"


GOOD = {"import_id": "1", "row": "5", "district": "nanjing-gulou", "task_id": "1",
        "status": "已完成"}  # fmt: skip


def test_a_ledger_resaved_by_excel_is_read_with_its_dates(tmp_path):
    from taskstats.progress import read_ledger

    store = tmp_path / "store"
    _ledger_csv(
        store,
        [
            {**GOOD, "milestone": "2021/6/30", "reported_on": "2021/6/28"},
            {**GOOD, "task_id": "2", "milestone": "2021年9月30日", "reported_on": "44469"},
            {**GOOD, "task_id": "3", "milestone": "2021-12-31", "progress": "第一行\n第二行"},
        ],
    )
    ledger = read_ledger(store)
    assert ledger["milestone"].tolist() == ["2021-06-30", "2021-09-30", "2021-12-31"]
    assert ledger["reported_on"].tolist() == ["2021-06-28", "2021-09-30", ""]
    assert ledger["import_id"].tolist() == [1, 1, 1]
    assert read_ledger(store, columns=STATUS_COLUMNS)["milestone"].tolist() == [
        "2021-06-30",
        "2021-09-30",
        "2021-12-31",
    ]


def test_every_bad_ledger_cell_is_named_with_its_line_and_column(tmp_path):
    from taskstats.progress import read_ledger

    store = tmp_path / "store"
    path = _ledger_csv(
        store,
        [
            {**GOOD, "milestone": "2021-06-30", "progress": "两行\n进度"},  # lines 2-3
            {**GOOD, "import_id": "1e3", "milestone": "2021/6/30"},  # line 4
            {**GOOD, "row": "五", "milestone": "2021-02-30"},  # line 5
            {**GOOD, "status": "完成了", "milestone": "2021-06-30"},  # line 6
            {**GOOD, "district": "", "milestone": "2021-06-30", "reported_on": "昨天"},  # 7
        ],
    )
    with pytest.raises(ProgressError) as err:
        read_ledger(store)
    found = [(p.line, p.column, p.code, p.value, p.reason) for p in err.value.problems]
    assert found == [
        (4, "A (import_id)", "not_whole_number", "1e3", "'1e3' is not a whole number"),
        (5, "F (row)", "not_whole_number", "五", "'五' is not a whole number"),
        (
            5,
            "I (milestone)",
            "not_a_date",
            "2021-02-30",
            "'2021-02-30' is not a date: 2021-02 has days 1 to 28, not 30",
        ),
        (
            6,
            "J (status)",
            "bad_status",
            "完成了",
            "status '完成了' is not allowed; choose one of 已完成, 序时推进, 滞后, 未启动",
        ),
        (7, "G (district)", "not_a_slug", "", "district '' is not a district's slug"),
        (
            7,
            "O (reported_on)",
            "not_a_date",
            "昨天",
            "'昨天' is not a date (write it 2026-11-30, 2026/11/30 or 2026年11月30日)",
        ),
    ]
    assert problem_text(err.value.problems[0]) == "“1e3”不是整数"
    assert all(p.path == path for p in err.value.problems)
    assert str(err.value).startswith(
        f"{path}: 6 cell(s) in 4 row(s) of the progress ledger do not parse; correct them"
    )
    assert f"\n  {path}, line 4, column A (import_id): '1e3' is not a whole number" in str(
        err.value
    )
    skipped = read_ledger(store, skip_bad_rows=True)
    assert (len(skipped), skipped.attrs["skipped_rows"]) == (1, 4)
    assert skipped["progress"].tolist() == ["两行\n进度"]


def test_progress_status_refuses_a_bad_ledger_or_skips_and_counts(tmp_path):
    store = tmp_path / "store"
    _ledger_csv(
        store,
        [
            {**GOOD, "milestone": "2021/6/30", "reported_on": "2021/6/28"},
            {**GOOD, "task_id": "2", "status": "done?", "milestone": "2021-06-30"},
        ],
    )
    args = ["progress", "status", "nanjing-gulou", "--as-of", "2021-07-15", "--store", str(store)]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "1 cell(s) in 1 row(s) of the progress ledger do not parse" in refused.output
    assert "line 3, column J (status): status 'done?' is not allowed; choose one of" in (
        refused.output
    )
    skipped = CliRunner().invoke(main, [*args, "--skip-bad-rows"])
    assert skipped.exit_code == 0, skipped.output
    assert "台账中有1行无法读取，已略过（--skip-bad-rows）" in skipped.output
    assert "模拟数据" not in skipped.output  # the real ledger's one good row is used


def test_an_unreadable_ledger_and_a_read_only_store_are_clear_errors(tmp_path):
    from taskstats.progress import read_ledger

    (tmp_path / "store" / "ledger.csv").mkdir(parents=True)  # reading it fails with an OSError
    with pytest.raises(ProgressError) as err:
        read_ledger(tmp_path / "store")
    assert str(err.value).startswith(
        f"{tmp_path / 'store' / 'ledger.csv'}: cannot read the progress ledger (Is a directory)"
    )
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(WriteError) as err, exclusive(blocker / "store"):
        pass
    assert "cannot take the lock in this folder" in str(err.value)
    assert "the folder must be writable" in str(err.value)


# --- report workers tied to their parent ---------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            children = {int(c) for t in tasks for c in (t / "children").read_text().split() if c}
        except OSError:
            continue
        todo.extend(children - found)
        found |= children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_kill_9_of_report_all_leaves_no_process_and_replaces_no_report(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "reports"
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    cli = [sys.executable, "-c", "from taskstats.cli import main; main()"]
    parent = subprocess.Popen(
        [*cli, "report", "--all", "--jobs", "2", "--as-of", "2020-10-15", "--out-dir", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    # Wait until the workers have started their notebook kernels (grandchildren).
    while time.monotonic() < deadline and parent.poll() is None:
        seen |= _descendants(parent.pid)
        if any(_descendants(child) for child in seen):
            break
        time.sleep(0.2)
    assert parent.poll() is None, "the run ended before it could be killed"
    time.sleep(1)
    seen |= _descendants(parent.pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    killed_at = time.time()
    assert len(seen) >= 3  # two workers and at least one kernel
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in seen):
        time.sleep(0.2)
    assert [p for p in seen if _alive(p)] == []
    time.sleep(2)
    written_after = [p.name for p in out.glob("*") if p.is_file() and p.stat().st_mtime > killed_at]
    assert written_after == []
