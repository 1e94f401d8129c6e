"""taskstats: Chinese task decomposition tables (目标任务分解表) into tidy data and reports.

One import gives an analyst what they need::

    import taskstats
    tasks, units, leaders, quality = taskstats.load()
"""

from __future__ import annotations

__version__ = "0.1.0"

from taskstats.errors import (
    InputError,
    ManifestError,
    ProgressError,
    ReportError,
    TaskstatsError,
)
from taskstats.ingest import ingest, load, read_table
from taskstats.manifest import Manifest, discover_manifests, read_manifest
from taskstats.tidy import TaskTables

__all__ = [
    "InputError",
    "Manifest",
    "ManifestError",
    "ProgressError",
    "ReportError",
    "TaskTables",
    "TaskstatsError",
    "__version__",
    "discover_manifests",
    "ingest",
    "load",
    "read_manifest",
    "read_table",
]
