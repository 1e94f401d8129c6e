"""Project paths, resolved in one place.

Each folder can be overridden by an environment variable, and every public function that touches
files also takes the folder as an argument.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def data_dir() -> Path:
    """The data folder (``TASKSTATS_DATA_DIR``, default ``<project>/data``)."""
    return _env_path("TASKSTATS_DATA_DIR", PROJ_ROOT / "data")


def raw_data_dir() -> Path:
    """The immutable raw tables and manifests (``TASKSTATS_RAW_DIR``, default ``data/raw``)."""
    return _env_path("TASKSTATS_RAW_DIR", data_dir() / "raw")


def processed_data_dir() -> Path:
    """Tidy tables rebuilt from raw (``TASKSTATS_PROCESSED_DIR``, default ``data/processed``)."""
    return _env_path("TASKSTATS_PROCESSED_DIR", data_dir() / "processed")


def reports_dir() -> Path:
    """Generated reports and charts (``TASKSTATS_REPORTS_DIR``, default ``<project>/reports``)."""
    return _env_path("TASKSTATS_REPORTS_DIR", PROJ_ROOT / "reports")


def notebooks_dir() -> Path:
    """Parameterized notebooks (``TASKSTATS_NOTEBOOKS_DIR``, default ``notebooks``)."""
    return _env_path("TASKSTATS_NOTEBOOKS_DIR", PROJ_ROOT / "notebooks")
