"""Progress tracking around the measures: schedules and rule sets, the fill-in sheet out, returned
sheets in (any form; checked, appended, a receipt each as data), the ledger store, demo data."""

from taskstats.progress.demo import demo_ledger, write_demo_ledger
from taskstats.progress.ledger import (
    DEMO_FILE,
    LEDGER_FILE,
    empty_ledger,
    ledger_for,
    read_ledger,
)
from taskstats.progress.receipts import FileReceipt
from taskstats.progress.schedule import (
    as_of_dates,
    load_rules,
    previous_node,
    rules_for,
    schedule_dates,
    schedules_for,
)
from taskstats.progress.scoring import bundled_rankings, load_ranking_rules
from taskstats.progress.sheets import ImportRefused, ImportResult, import_progress, read_date
from taskstats.progress.snapshot import (
    LEDGER_SOURCES,
    PROGRESS_CHOICES,
    Snapshot,
    choose_ledger,
    progress_snapshot,
)
from taskstats.progress.template import SHEET_COLUMNS, template_rows
from taskstats.progress.vocabulary import StatusVocabulary, load_vocabulary
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
    "FileReceipt",
    "ImportRefused",
    "ImportResult",
    "Snapshot",
    "StatusVocabulary",
    "as_of_dates",
    "bundled_rankings",
    "choose_ledger",
    "demo_ledger",
    "empty_ledger",
    "import_progress",
    "ledger_for",
    "load_ranking_rules",
    "load_rules",
    "load_vocabulary",
    "previous_node",
    "progress_snapshot",
    "read_date",
    "read_ledger",
    "rules_for",
    "schedule_dates",
    "schedules_for",
    "template_rows",
    "write_demo_ledger",
]
