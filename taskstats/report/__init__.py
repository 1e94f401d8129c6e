"""Reports: the one wording package (zh, en), what each report shows (views), HTML pieces, running
the notebooks into pages (render), charts, meeting exports, the explorer, receipts, review sheet."""

from taskstats.report.bulletin import write_bulletin
from taskstats.report.comparison import ComparisonReport, prepare_comparison
from taskstats.report.deck import write_deck
from taskstats.report.exports import district_figures, export_charts
from taskstats.report.html import PAGE, header_html, html_table
from taskstats.report.period import PeriodView, period_view
from taskstats.report.receipts import import_with_receipts, write_receipt, write_receipts
from taskstats.report.render import (
    COMPARE_NOTEBOOK,
    DISTRICT_NOTEBOOK,
    Job,
    execute_to_html,
    kernel_manager_class,
    notebook_path,
    render_reports,
    report_jobs,
)
from taskstats.report.template import write_template
from taskstats.report.views import (
    PROGRESS_CHOICES,
    DistrictReport,
    prepare_district,
    raw_files,
)
from taskstats.report.wording import text

__all__ = [
    "COMPARE_NOTEBOOK",
    "DISTRICT_NOTEBOOK",
    "PAGE",
    "PROGRESS_CHOICES",
    "ComparisonReport",
    "DistrictReport",
    "Job",
    "PeriodView",
    "district_figures",
    "execute_to_html",
    "export_charts",
    "header_html",
    "html_table",
    "import_with_receipts",
    "kernel_manager_class",
    "notebook_path",
    "period_view",
    "prepare_comparison",
    "prepare_district",
    "raw_files",
    "render_reports",
    "report_jobs",
    "text",
    "write_bulletin",
    "write_deck",
    "write_receipt",
    "write_receipts",
    "write_template",
]
