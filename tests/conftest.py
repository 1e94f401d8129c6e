"""Shared fixtures: the bundled seed data, read once per session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import taskstats
from taskstats import config

RAW = config.PROJ_ROOT / "data" / "raw"
DALIAN = RAW / "dalian-hightech" / "000_9d7f559dd9317c00.txt"
QINGDAO = RAW / "qingdao-westcoast" / "002_18c7331bcd84886b.txt"
QUANZHOU = RAW / "quanzhou-licheng" / "003_9bdb81d92d0788fa.txt"
GULOU = RAW / "nanjing-gulou" / "004_54845685a56bb74c.txt"


@pytest.fixture(scope="session")
def tables() -> taskstats.TaskTables:
    return taskstats.load(raw_dir=RAW)


def units_of(tables: taskstats.TaskTables, district: str, task_id: str) -> pd.DataFrame:
    u = tables.task_units
    return u[(u["district"] == district) & (u["task_id"] == task_id)]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
