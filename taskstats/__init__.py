"""taskstats: Chinese task decomposition tables (目标任务分解表) into tidy data and reports.

One import gives an analyst what they need::

    import taskstats
    tasks, units, leaders, quality = taskstats.load()

The package follows the data: ``io`` (bytes in and out) → ``readers`` (raw files into raw
tasks) → ``tidy`` (normalised tables) → ``measures`` (DataFrames in, DataFrames out) →
``progress`` (schedules, sheets, the ledger) → ``report`` (wording, views, rendering, exports).
"""

from __future__ import annotations

__version__ = "0.1.0"

from taskstats.datasets import load, read_districts, read_table, write_processed
from taskstats.errors import (
    InputError,
    ManifestError,
    ProgressError,
    ReportError,
    TaskstatsError,
    WriteError,
)
from taskstats.measures import (
    RuleSet,
    commitment_coverage,
    compare_districts,
    compare_targets,
    completion_rates,
    completion_trend,
    concentration,
    coordination,
    due_next_period,
    leader_units,
    leader_workload,
    link_commitments,
    measurability,
    milestone_status,
    period_changes,
    red_list,
    reporting_changes,
    source_mix,
    subset,
    traffic_lights,
    unit_ranking,
    unit_workload,
)
from taskstats.progress import (
    as_of_dates,
    demo_ledger,
    empty_ledger,
    import_progress,
    load_ranking_rules,
    load_rules,
    progress_snapshot,
    read_ledger,
    rules_for,
    schedule_dates,
)
from taskstats.readers import read_commitments
from taskstats.report import (
    export_charts,
    prepare_comparison,
    prepare_district,
    render_reports,
    write_bulletin,
    write_deck,
    write_template,
)
from taskstats.tidy import Manifest, TaskTables, discover_manifests, read_manifest

__all__ = [
    "InputError",
    "Manifest",
    "ManifestError",
    "ProgressError",
    "ReportError",
    "RuleSet",
    "TaskTables",
    "TaskstatsError",
    "WriteError",
    "__version__",
    "as_of_dates",
    "commitment_coverage",
    "compare_districts",
    "compare_targets",
    "completion_rates",
    "completion_trend",
    "concentration",
    "coordination",
    "demo_ledger",
    "discover_manifests",
    "due_next_period",
    "empty_ledger",
    "export_charts",
    "import_progress",
    "leader_units",
    "leader_workload",
    "link_commitments",
    "load",
    "load_ranking_rules",
    "load_rules",
    "measurability",
    "milestone_status",
    "period_changes",
    "prepare_comparison",
    "prepare_district",
    "progress_snapshot",
    "read_commitments",
    "read_districts",
    "read_ledger",
    "read_manifest",
    "read_table",
    "red_list",
    "render_reports",
    "reporting_changes",
    "rules_for",
    "schedule_dates",
    "source_mix",
    "subset",
    "traffic_lights",
    "unit_ranking",
    "unit_workload",
    "write_bulletin",
    "write_deck",
    "write_processed",
    "write_template",
]
