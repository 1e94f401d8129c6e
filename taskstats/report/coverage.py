"""政府工作报告落实覆盖: the work report's commitments against the task table, as a reader sees it.

:func:`prepare_coverage` links a district's commitments to its tasks (the measures in
:mod:`taskstats.measures.linkage`); :func:`coverage_sheets` gives the same tables with Chinese
headers and values (for the report section, the CLI and the ``.xlsx`` export).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from taskstats.measures.linkage import commitment_coverage, compare_targets, link_commitments
from taskstats.report.html import html_table
from taskstats.report.wording import COVERAGE_COLUMNS, COVERAGE_SHEETS, COVERAGE_VALUES, text
from taskstats.report.wording.cli import number_text
from taskstats.tidy.schema import TaskTables


@dataclass
class Coverage:
    """A district's commitments, their links to tasks, the number checks and the coverage."""

    district: str
    report_file: str
    commitments: pd.DataFrame
    links: pd.DataFrame
    numbers: pd.DataFrame
    tables: dict[str, pd.DataFrame]

    @property
    def disagreements(self) -> pd.DataFrame:
        return self.numbers[self.numbers["number_check"] == "disagree"]


def prepare_coverage(
    commitments: pd.DataFrame, tables: TaskTables, district: str, report_file: str = ""
) -> Coverage:
    """Link one district's commitments to its tasks and measure the coverage (no file read)."""
    links = link_commitments(commitments, tables, district=district)
    numbers = compare_targets(links, commitments, tables)
    return Coverage(
        district,
        report_file,
        commitments,
        links,
        numbers,
        commitment_coverage(commitments, links, tables),
    )


def coverage_sheets(
    coverage: Coverage, lang: str = "zh", *, percent: bool = False
) -> dict[str, pd.DataFrame]:
    """The coverage tables with the reader's headers and values, by sheet name (shares as
    ``41%`` text with ``percent``, for pages; as numbers otherwise, for spreadsheets)."""
    frames = {
        "summary": coverage.tables["summary"],
        "by_section": coverage.tables["by_section"],
        "gaps": coverage.tables["gaps"],
        "numbers": coverage.numbers,
        "tasks_by_source": coverage.tables["tasks_by_source"],
        "links": coverage.links[coverage.links["matched"]].drop(columns=["matched", "district"]),
        "uncovered_tasks": coverage.tables["uncovered_tasks"].drop(columns="district"),
    }
    return {COVERAGE_SHEETS[lang][k]: _labelled(v, lang, percent) for k, v in frames.items()}


def coverage_html(coverage: Coverage | None, lang: str = "zh") -> str:
    """The report section: coverage by section, the gaps and the number disagreements."""
    w = text(lang)
    if coverage is None:
        return f"<p>{html.escape(w['no_work_report'])}</p>"
    sheets = coverage_sheets(coverage, lang, percent=True)
    names = COVERAGE_SHEETS[lang]
    summary = coverage.tables["summary"].iloc[0]
    lead = w["coverage_lead"].format(
        file=coverage.report_file,
        commitments=int(summary["commitments"]),
        matched=int(summary["matched"]),
        share=summary["share"],
        gaps=len(coverage.tables["gaps"]),
        disagree=len(coverage.disagreements),
    )
    parts = [f"<p>{html.escape(lead)}</p>"]
    for key in ("by_section", "gaps", "numbers", "tasks_by_source"):
        parts.append(f"<h3>{html.escape(names[key])}</h3>")
        parts.append(html_table(sheets[names[key]], lang, max_rows=40))
    return "".join(parts)


SHARES = ("share", "tasks_share", "share_without")
VALUES = ("commitment_value", "task_value")


def _labelled(frame: pd.DataFrame, lang: str, percent: bool) -> pd.DataFrame:
    out = frame.copy()
    if percent:  # for pages: shares as percentages, nothing stated as a dash
        for column in SHARES:
            if column in out.columns:
                out[column] = out[column].map(lambda v: "—" if pd.isna(v) else f"{v:.0%}")
        for column in VALUES:  # 150, 83.6: not 150.0
            if column in out.columns:
                out[column] = [number_text(None if pd.isna(v) else v) for v in out[column]]
        out = out.astype(object).where(out.notna(), "—")
    for column, values in COVERAGE_VALUES[lang].items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, m=values: m.get(v, v))
    return out.rename(columns=COVERAGE_COLUMNS[lang])
