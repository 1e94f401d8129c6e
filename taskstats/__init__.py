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
from taskstats.metrics import (
    compare_districts,
    concentration,
    coordination,
    leader_units,
    leader_workload,
    measurability,
    source_mix,
    subset,
    unit_workload,
)
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
    "compare_districts",
    "concentration",
    "coordination",
    "discover_manifests",
    "ingest",
    "leader_units",
    "leader_workload",
    "load",
    "measurability",
    "read_manifest",
    "read_table",
    "source_mix",
    "subset",
    "unit_workload",
]
