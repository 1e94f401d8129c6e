"""Issue 13: everyday commands that keep other work, budgets before work, a full disk, killed
imports, formulas stored as text, and a desktop without ``fcntl``."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import RAW
from openpyxl import Workbook

import taskstats
from taskstats import write_template
from taskstats.cli import main
from taskstats.io.files import neutralise_formulas, read_input, restore_formulas
from taskstats.progress import import_progress, read_ledger
from taskstats.progress.ledger import write_ledger

CORPUS = Path(__file__).parent / "corpus"
ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
CLI = [sys.executable, "-c", "from taskstats.cli import main; main()"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- budgets before work -------------------------------------------------------------------------

BUDGET = """
import resource, sys, time
import taskstats
import openpyxl, defusedxml.ElementTree  # what reading a workbook loads
# 300 MB beyond what the interpreter and the libraries already occupy (address space).
status = open("/proc/self/status").read().splitlines()
size = next(int(ln.split()[1]) * 1024 for ln in status if ln.startswith("VmSize"))
resource.setrlimit(resource.RLIMIT_AS, (size + 300 * 2**20, size + 300 * 2**20))
started = time.monotonic()
try:
    taskstats.read_table(sys.argv[1])
except taskstats.InputError as exc:
    print(f"{time.monotonic() - started:.3f}", exc)
"""


@pytest.mark.parametrize("name", ["merged_whole_sheet.xlsx", "huge_row_number.xlsx"])
def test_hostile_sheets_are_refused_within_5_s_and_300_mb(name):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", BUDGET, str(CORPUS / name)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, message = done.stdout.split(" ", 1)
    assert float(seconds) < 5 and time.monotonic() - started < 30
    assert "taskstats reads sheets" in message


def test_a_fifo_or_a_device_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "sheet.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(taskstats.InputError, match="a pipe \\(FIFO\\), not a regular file"):
        read_input(fifo)
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    with pytest.raises(taskstats.InputError, match="a device or socket, not a regular file"):
        taskstats.read_table(zero)


def test_progress_import_refuses_a_fifo_before_taking_the_lock(tables, tmp_path):
    fifo = tmp_path / "report.csv"
    os.mkfifo(fifo)
    manifests = {m.slug: m for m in taskstats.discover_manifests(RAW)}
    with pytest.raises(taskstats.ProgressError, match="not a regular file"):
        import_progress([fifo], tables, manifests, store_dir=tmp_path / "store")
    assert not (tmp_path / "store").exists()  # not even the lock was taken


# --- everyday commands keep other work -----------------------------------------------------------


def test_ingest_of_one_district_keeps_the_others(tmp_path):
    out = tmp_path / "processed"
    taskstats.write_processed(raw_dir=RAW, out_dir=out)
    full = _snapshot(out)
    result = CliRunner().invoke(
        main, ["ingest", "nanjing-gulou", "--raw-dir", str(RAW), "--out-dir", str(out)]
    )
    assert result.exit_code == 0, result.output
    tasks = pd.read_csv(out / "tasks.csv", encoding="utf-8-sig")
    assert tasks["district"].value_counts().to_dict() == {
        "qingdao-westcoast": 206,
        "dalian-hightech": 168,
        "quanzhou-licheng": 117,
        "nanjing-gulou": 72,
    }
    after = _snapshot(out)
    for name in ("tasks.csv", "task_units.csv", "task_leaders.csv", "quality.csv"):
        assert after[name] == full[name]  # the merge writes what a full ingest writes


@pytest.mark.slow
def test_report_of_one_district_leaves_compare_alone(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "compare.html").write_bytes(b"<p>the previous comparison</p>")
    result = CliRunner().invoke(
        main,
        ["report", "nanjing-gulou", "--as-of", "2020-10-15", "--jobs", "1", "--out-dir", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert (out / "nanjing-gulou.html").exists()
    assert (out / "compare.html").read_bytes() == b"<p>the previous comparison</p>"


def test_broken_pipe_ends_quietly():
    done = subprocess.run(
        " ".join(f"'{a}'" for a in CLI) + " progress status qingdao-westcoast | head -2",
        shell=True,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert len(done.stdout.splitlines()) == 2
    assert done.stderr == ""


def test_a_folder_without_a_manifest_is_reported(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "nanjing-gulou", raw / "nanjing-gulou")
    (raw / "new-district").mkdir()
    result = CliRunner().invoke(
        main, ["ingest", "--raw-dir", str(raw), "--out-dir", str(tmp_path / "out")]
    )
    assert result.exit_code == 0
    assert f"警告：{raw / 'new-district'}: no manifest.toml" in result.output


# --- nothing stored live -------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","点我")', "=cmd|' /c calc'!A0", "'=已加引号", "+1", "正常"]


def test_neutralising_is_undone_exactly():
    df = pd.DataFrame({"text": FORMULAS})
    stored = neutralise_formulas(df)
    assert not any(v.startswith(("=", "+")) for v in stored["text"])
    pd.testing.assert_frame_equal(restore_formulas(stored), df)


def test_the_ledger_stores_formulas_as_text_and_reads_them_back(tmp_path):
    ledger = taskstats.progress.empty_ledger()
    rows = [
        {
            **{c: "" for c in ledger.columns},
            **{"district": "nanjing-gulou", "milestone": "2021-06-30", "status": "滞后"},
            **{"import_id": 1, "row": i, "progress": text},
        }
        for i, text in enumerate(FORMULAS)
    ]
    ledger = pd.DataFrame(rows, columns=ledger.columns).assign(simulated=False)
    write_ledger(ledger, tmp_path / "ledger.csv")
    raw = (tmp_path / "ledger.csv").read_text(encoding="utf-8")
    assert ",=" not in raw and ",+" not in raw and "'=HYPERLINK" in raw
    (tmp_path / "ledger.parquet").unlink()  # read the CSV itself
    assert read_ledger(tmp_path)["progress"].tolist() == FORMULAS


def test_a_formula_without_a_saved_value_is_an_import_problem(tables, tmp_path):
    wb = Workbook()
    wb.active.append(["序号", "节点", "状态", "完成情况", "填报日期"])
    wb.active.append([1, "2020-06-30", "滞后", "=1+1", "2020-06-30"])
    wb.save(tmp_path / "sheet.xlsx")
    manifests = {m.slug: m for m in taskstats.discover_manifests(RAW)}
    with pytest.raises(taskstats.ProgressError, match="cell D2: a formula with no saved value"):
        import_progress(
            [tmp_path / "sheet.xlsx"],
            tables,
            manifests,
            store_dir=tmp_path / "store",
            district="dalian-hightech",
        )


# --- a full disk ---------------------------------------------------------------------------------


def _full_disk_after(monkeypatch, n: int) -> None:
    """Make the (n+1)-th file flushed to disk fail as on a full disk."""
    real, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) > n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _no_temps(folder: Path) -> None:
    assert not [p for p in folder.rglob(".*.tmp")]


def test_full_disk_in_ingest_keeps_every_table(tmp_path, monkeypatch):
    out = tmp_path / "processed"
    taskstats.write_processed("nanjing-gulou", raw_dir=RAW, out_dir=out)
    before = _snapshot(out)
    _full_disk_after(monkeypatch, 3)  # three tables written, the fourth fails
    with pytest.raises(taskstats.WriteError, match=f"no space left on the disk holding {out}"):
        taskstats.write_processed(raw_dir=RAW, out_dir=out)
    assert _snapshot(out) == before
    _no_temps(out)


def _sheet(tmp_path: Path) -> Path:
    sheet = tmp_path / "report.csv"
    sheet.write_text("序号,节点,状态,填报日期\n1,2020-06-30,滞后,2020-06-30\n", encoding="utf-8")
    return sheet


def test_full_disk_in_a_progress_import_keeps_the_ledger(tables, tmp_path, monkeypatch):
    store = tmp_path / "store"
    manifests = {m.slug: m for m in taskstats.discover_manifests(RAW)}
    first = tmp_path / "first.csv"
    first.write_text("序号,节点,状态,填报日期\n2,2020-06-30,滞后,2020-06-30\n", encoding="utf-8")
    import_progress([first], tables, manifests, store_dir=store, district="dalian-hightech")
    before = _snapshot(store)
    _full_disk_after(monkeypatch, 1)  # the CSV written, its columnar copy fails
    with pytest.raises(taskstats.WriteError, match="no space left on"):
        import_progress(
            [_sheet(tmp_path)], tables, manifests, store_dir=store, district="dalian-hightech"
        )
    assert _snapshot(store) == before
    _no_temps(store)
    monkeypatch.undo()  # the retry imports it: it was not "imported before"
    result = import_progress(
        [_sheet(tmp_path)], tables, manifests, store_dir=store, district="dalian-hightech"
    )
    assert result.appended == 1 and not result.skipped_files


def test_full_disk_in_a_template_keeps_the_previous_one(tables, tmp_path, monkeypatch):
    manifest = {m.slug: m for m in taskstats.discover_manifests(RAW)}["dalian-hightech"]
    target = tmp_path / "sheet.xlsx"
    target.write_bytes(b"previous")
    _full_disk_after(monkeypatch, 0)
    with pytest.raises(taskstats.WriteError, match="no space left on"):
        write_template(tables, manifest, target)
    assert target.read_bytes() == b"previous"
    _no_temps(tmp_path)


def test_full_disk_in_charts_keeps_every_chart(tmp_path, monkeypatch):
    from taskstats.report import export_charts

    out = tmp_path / "charts"
    written = export_charts("nanjing-gulou", out, as_of="2020-10-15", dpi=72)
    before = _snapshot(out)
    assert len(before) == len(written)
    _full_disk_after(monkeypatch, 5)
    with pytest.raises(taskstats.WriteError, match="no space left on"):
        export_charts("nanjing-gulou", out, as_of="2020-11-15", dpi=72)
    assert _snapshot(out) == before
    _no_temps(out)


@pytest.mark.slow
def test_full_disk_in_a_report_keeps_the_previous_one(tmp_path, monkeypatch):
    from taskstats.report import render_reports

    out = tmp_path / "reports"
    out.mkdir()
    (out / "nanjing-gulou.html").write_bytes(b"previous")
    _full_disk_after(monkeypatch, 0)
    with pytest.raises(taskstats.WriteError, match="no space left on"):
        render_reports(["nanjing-gulou"], as_of="2020-10-15", compare=False, jobs=1, out_dir=out)
    assert (out / "nanjing-gulou.html").read_bytes() == b"previous"
    _no_temps(out)


# --- killed imports ------------------------------------------------------------------------------

IMPORTER = """
import sys
import taskstats
from taskstats.progress import import_progress
raw, store, sheet = sys.argv[1:4]
tables = taskstats.load(raw_dir=raw)
manifests = {m.slug: m for m in taskstats.discover_manifests(raw)}
import_progress([sheet], tables, manifests, store_dir=store, district="dalian-hightech")
"""


def test_killed_imports_leave_the_ledger_intact_and_the_next_removes_their_temps(tables, tmp_path):
    from taskstats.progress import demo_ledger, schedules_for

    store = tmp_path / "store"
    manifests = taskstats.discover_manifests(RAW)
    big = demo_ledger(tables, schedules_for(manifests), seed=1)
    big = pd.concat([big] * 8, ignore_index=True)  # a ledger that takes a while to write
    write_ledger(big, store / "ledger.csv")
    reference = _snapshot(store)
    sheet = _sheet(tmp_path)
    run = [sys.executable, "-c", IMPORTER, str(RAW), str(store), str(sheet)]
    started = time.monotonic()
    subprocess.run(run, check=True, env=ENV)
    full = time.monotonic() - started
    rng = random.Random(13)
    trials, mid_write = 20, 0
    for _ in range(trials):
        for name, data in reference.items():  # start each trial from the reference ledger
            (store / name).write_bytes(data)
        proc = subprocess.Popen(run, env=ENV, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.6, 1.0) * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        mid_write += bool(list(store.glob(".*.tmp")))
        now = {k: v for k, v in _snapshot(store).items() if not k.startswith(".")}
        ledger, before = now["ledger.csv"], reference["ledger.csv"]
        assert ledger == before or (  # untouched, or the whole import (at another time)
            ledger.startswith(before) and ledger.count(b"\n") == before.count(b"\n") + 1
        )
        assert len(read_ledger(store)) in (len(big), len(big) + 1)
    print(f"import kill trials: {trials}, killed mid-write: {mid_write}")
    for name, data in reference.items():
        (store / name).write_bytes(data)
    (store / ".ledger.csv.left.tmp").write_bytes(b"x" * 1000)  # one kill's leftovers, surely
    subprocess.run(run, check=True, env=ENV)
    assert not list(store.glob(".*.tmp"))
    assert len(read_ledger(store)) == len(big) + 1


# --- any desktop ---------------------------------------------------------------------------------

BLOCKER = """
import sys

class _Windows:
    def find_spec(self, name, path=None, target=None):
        if name in ("fcntl", "resource"):
            raise ImportError(f"no module named {name!r} (blocked: as on Windows)")
        return None

sys.meta_path.insert(0, _Windows())
for name in ("fcntl", "resource"):
    sys.modules.pop(name, None)
"""

NO_FCNTL = """
import sys, warnings
warnings.simplefilter("ignore")  # filelock says it falls back to a lock file
import taskstats
from taskstats.report import render_reports
raw, out, reports = sys.argv[1:4]
assert "fcntl" not in sys.modules or sys.modules["fcntl"] is None
taskstats.write_processed(raw_dir=raw, out_dir=out)
render_reports(["nanjing-gulou"], as_of="2020-10-15", compare=False, jobs=1, out_dir=reports,
               raw_dir=raw)
print("ok")
"""


def test_ingest_and_report_run_without_fcntl_and_resource(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(BLOCKER), encoding="utf-8")
    env = {**ENV, "PYTHONPATH": f"{site}{os.pathsep}{ROOT}"}
    check = subprocess.run(
        [sys.executable, "-c", "import fcntl"], env=env, capture_output=True, text=True
    )
    assert "blocked: as on Windows" in check.stderr  # the blocker works
    done = subprocess.run(
        [sys.executable, "-c", NO_FCNTL, str(RAW), str(tmp_path / "out"), str(tmp_path / "rep")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
    assert (tmp_path / "rep" / "nanjing-gulou.html").exists()
    assert len(pd.read_csv(tmp_path / "out" / "tasks.csv", encoding="utf-8-sig")) == 563


def test_the_readme_cron_line_runs_under_an_empty_environment():
    done = subprocess.run(
        ["sh", str(ROOT / "tests" / "check_cron.sh"), sys.executable],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert done.stdout.strip().endswith("cron line: ok")
