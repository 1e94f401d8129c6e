"""Shared fixtures. Tests never read the live ``data/raw/`` nor write into ``reports/``.

At start-up the four bundled districts are copied (by name, byte for byte) into a temporary
project, and the ``TASKSTATS_*_DIR`` variables point every default folder there, so that a
district an analyst adds to ``data/raw/`` (as the README tells them to) changes nothing here,
and notebooks run in kernels (which inherit the environment) see the same copy.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

import taskstats
from taskstats import config

BUNDLED = ("dalian-hightech", "nanjing-gulou", "qingdao-westcoast", "quanzhou-licheng")
PROJECT = Path(tempfile.mkdtemp(prefix="taskstats-tests-"))
RAW = PROJECT / "data" / "raw"
for _slug in BUNDLED:
    shutil.copytree(config.PROJ_ROOT / "data" / "raw" / _slug, RAW / _slug)
os.environ["TASKSTATS_DATA_DIR"] = str(PROJECT / "data")
os.environ["TASKSTATS_RAW_DIR"] = str(RAW)
os.environ["TASKSTATS_PROCESSED_DIR"] = str(PROJECT / "data" / "processed")
os.environ["TASKSTATS_REPORTS_DIR"] = str(PROJECT / "reports")

DALIAN = RAW / "dalian-hightech" / "000_9d7f559dd9317c00.txt"
QINGDAO = RAW / "qingdao-westcoast" / "002_18c7331bcd84886b.txt"
QUANZHOU = RAW / "quanzhou-licheng" / "003_9bdb81d92d0788fa.txt"
GULOU = RAW / "nanjing-gulou" / "004_54845685a56bb74c.txt"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(PROJECT, ignore_errors=True)


@pytest.fixture(scope="session")
def tables() -> taskstats.TaskTables:
    return taskstats.load(raw_dir=RAW)


def units_of(tables: taskstats.TaskTables, district: str, task_id: str) -> pd.DataFrame:
    u = tables.task_units
    return u[(u["district"] == district) & (u["task_id"] == task_id)]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


DISTRICTS = list(BUNDLED)


@pytest.fixture(scope="session")
def english_dalian(tmp_path_factory):
    """The Dalian report in English as of 2020-12-31 (simulated progress), prepared once for
    the tests that read its sections."""
    import taskstats.report

    return taskstats.report.prepare_district(
        "dalian-hightech",
        as_of="2020-12-31",
        progress="demo",
        language="en",
        raw_dir=RAW,
        store_dir=tmp_path_factory.mktemp("store"),
    )


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """All bundled reports and the comparison, rendered once (in parallel) for these tests."""
    out = tmp_path_factory.mktemp("reports")
    store = tmp_path_factory.mktemp("store")
    import taskstats.report

    written = taskstats.report.render_reports(
        DISTRICTS,
        progress="auto",
        as_of="2020-10-15",
        jobs=2,
        out_dir=out,
        raw_dir=RAW,
        store_dir=store,
    )
    return out, written


def run_cells(tmp_path: Path, cells: list[str], *, allow_errors: bool = False) -> list[dict]:
    """Run code cells in a report kernel (papermill); each one's outputs, in order. With
    ``allow_errors`` a cell that raises is recorded and the next ones still run."""
    import json

    import nbformat
    import papermill

    from taskstats import report

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, tmp_path / "in.ipynb")
    try:
        papermill.execute_notebook(
            str(tmp_path / "in.ipynb"),
            str(tmp_path / "out.ipynb"),
            cwd=str(tmp_path),
            progress_bar=False,
            kernel_name="python3",
            kernel_manager_class=report.kernel_manager_class(),
            execution_timeout=600,
            **({"allow_errors": True} if allow_errors else {}),
        )
    except papermill.PapermillExecutionError:  # written with every cell run, then raised
        if not allow_errors:
            raise
    executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    # Code cells only: papermill puts a note of an error above the first cell.
    return [c.get("outputs", []) for c in executed["cells"] if c["cell_type"] == "code"]
