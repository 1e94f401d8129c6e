"""Progress tracking around the measures: schedules and rule sets, the fill-in sheet out, filled-in
sheets in (checked, then appended), the ledger store, and simulated demo data."""

from taskstats.measures import (
    completion_rates,
    completion_trend,
    current_reports,
    milestone_status,
    red_list,
    traffic_lights,
)
from taskstats.measures.lights import RuleSet
from taskstats.progress.demo import demo_ledger, write_demo_ledger
from taskstats.progress.ledger import (
    DEMO_FILE,
    LEDGER_FILE,
    empty_ledger,
    ledger_for,
    read_ledger,
)
from taskstats.progress.schedule import (
    as_of_dates,
    load_rules,
    previous_node,
    rules_for,
    schedule_dates,
    schedules_for,
)
from taskstats.progress.scoring import bundled_rankings, load_ranking_rules
from taskstats.progress.sheets import ImportResult, import_progress
from taskstats.progress.snapshot import (
    LEDGER_SOURCES,
    PROGRESS_CHOICES,
    Snapshot,
    choose_ledger,
    progress_snapshot,
)
from taskstats.progress.template import SHEET_COLUMNS, template_rows, write_template
from taskstats.tidy.schema import LEDGER_COLUMNS, STATUS_COLUMNS, STATUSES

__all__ = [
    "DEMO_FILE",
    "LEDGER_COLUMNS",
    "LEDGER_FILE",
    "LEDGER_SOURCES",
    "PROGRESS_CHOICES",
    "SHEET_COLUMNS",
    "STATUSES",
    "STATUS_COLUMNS",
    "ImportResult",
    "RuleSet",
    "Snapshot",
    "as_of_dates",
    "bundled_rankings",
    "choose_ledger",
    "completion_rates",
    "completion_trend",
    "current_reports",
    "demo_ledger",
    "empty_ledger",
    "import_progress",
    "ledger_for",
    "load_ranking_rules",
    "load_rules",
    "milestone_status",
    "previous_node",
    "progress_snapshot",
    "read_ledger",
    "red_list",
    "rules_for",
    "schedule_dates",
    "schedules_for",
    "template_rows",
    "traffic_lights",
    "write_demo_ledger",
    "write_template",
]
