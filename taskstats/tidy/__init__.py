"""Tidy tables: their schemas and anomaly vocabulary, the normalisation rules, the manifests that
describe each district, and building the four tables (tasks, units, leaders, quality)."""

from taskstats.tidy.build import (
    build_tables,
    concat_tables,
    sort_by_district,
    summarise,
    typed_tables,
)
from taskstats.tidy.manifest import Manifest, discover_manifests, read_manifest
from taskstats.tidy.schema import (
    INFO,
    LEADER_COLUMNS,
    QUALITY_COLUMNS,
    SOURCES,
    TASK_COLUMNS,
    UNIT_COLUMNS,
    WARNING,
    Issue,
    RawTask,
    ReadResult,
    TaskTables,
)

__all__ = [
    "INFO",
    "LEADER_COLUMNS",
    "QUALITY_COLUMNS",
    "SOURCES",
    "TASK_COLUMNS",
    "UNIT_COLUMNS",
    "WARNING",
    "Issue",
    "Manifest",
    "RawTask",
    "ReadResult",
    "TaskTables",
    "build_tables",
    "concat_tables",
    "discover_manifests",
    "read_manifest",
    "sort_by_district",
    "summarise",
    "typed_tables",
]
