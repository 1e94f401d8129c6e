"""Commands on the tables: ingest, inspect, compare, workload."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from taskstats.cli import main, print_table
from taskstats.io.engines import LAYOUTS
from taskstats.report.wording import INGEST_SUMMARY


@main.command()
@click.argument("districts", nargs=-1)
@click.option(
    "--raw-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of district folders (default data/raw).",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the tidy tables (default data/processed).",
)
def ingest(districts: tuple[str, ...], raw_dir: Path | None, out_dir: Path | None) -> None:
    """Rebuild the tidy tables in data/processed from data/raw (all districts by default)."""
    from taskstats import config
    from taskstats.datasets import OUTPUT_FILES
    from taskstats.datasets import write_processed as run_ingest

    tables, summary = run_ingest(list(districts) or None, raw_dir=raw_dir, out_dir=out_dir)
    click.echo(print_table(summary))
    total = len(tables.tasks)
    click.echo(
        "\n"
        + INGEST_SUMMARY.format(
            tasks=total,
            units=len(tables.task_units),
            leaders=len(tables.task_leaders),
            anomalies=len(tables.quality),
            files="、".join(OUTPUT_FILES),
            out=out_dir or config.processed_data_dir(),
        )
    )


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--layout",
    default="auto",
    show_default=True,
    type=click.Choice(LAYOUTS),
)
@click.option("--encoding", default="auto", show_default=True)
@click.option("--sheet", default=None, help="Spreadsheet sheet to read.")
@click.option("--all-anomalies", is_flag=True, help="List every anomaly, not the first 20.")
@click.option(
    "--review-sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="For a scan: write its cells to review, with their images, to this .xlsx.",
)
def inspect(
    file: Path,
    layout: str,
    encoding: str,
    sheet: str | None,
    all_anomalies: bool,
    review_sheet: Path | None,
) -> None:
    """Show what taskstats finds in FILE: layout, rows, tasks, units, leaders, anomalies."""
    from taskstats.datasets import manifest_for_file, read_district

    read = read_district(manifest_for_file(file, layout=layout, encoding=encoding, sheet=sheet))
    r, t = read.result, read.tables
    click.echo(f"file:      {file}")
    click.echo(f"layout:    {r.layout}" + (f" (sheet {r.sheet})" if r.sheet else ""))
    if r.scan is not None:
        _echo_scan(r.scan, len(t.tasks), review_sheet)
    if r.encoding:
        click.echo(f"encoding:  {r.encoding}")
    if r.tables_read or r.tables_skipped:
        click.echo(f"tables:    read {', '.join(r.tables_read) or 'none (the text)'}")
        for name, reason in r.tables_skipped:
            click.echo(f"  skipped {name}: {reason}")
    click.echo(f"columns:   {', '.join(r.columns)}")
    click.echo(f"rows seen: {r.rows_seen}")
    click.echo(f"tasks:     {len(t.tasks)}")
    sections = t.tasks["section"].replace("", "(none)").value_counts(sort=False)
    for name, n in sections.items():
        click.echo(f"  {name}: {n}")
    named_units = t.task_units.loc[~t.task_units["collective"], "unit"].nunique()
    named_leaders = t.task_leaders.loc[~t.task_leaders["collective"], "leader"].nunique()
    click.echo(
        f"units:     {named_units} named, "
        f"{int(t.task_units['collective'].sum())} collective assignments"
    )
    click.echo(f"leaders:   {named_leaders} named")
    click.echo(f"sources:   {t.tasks['source'].value_counts().to_dict()}")
    q = t.quality
    click.echo(f"anomalies: {len(q)} ({q['kind'].value_counts().to_dict()})")
    shown = q if all_anomalies else q.head(20)
    for row in shown.itertuples():
        where = f"line {row.line}" if pd.notna(row.line) else "file"
        task = f" task {row.task_id}" if row.task_id else ""
        click.echo(f"  [{row.severity}] {row.kind} ({where}{task}): {row.message}")
    if len(q) > len(shown):
        click.echo(f"  … {len(q) - len(shown)} more (use --all-anomalies)")


def _echo_scan(scan, tasks: int, review_sheet: Path | None) -> None:
    """A scan's lines in ``inspect``: pages read by OCR, tasks, cells to review, the time."""
    from taskstats.report.wording.scan import INSPECT
    from taskstats.tidy.review import write_review_sheet

    words = INSPECT["zh"]
    pages, skipped = len(scan.scan.pages), len(scan.scan.skipped)
    click.echo(words["scan"].format(pages=pages, skipped=skipped, seconds=scan.scan.seconds))
    click.echo(words["tasks"].format(tasks=tasks))
    if review_sheet is not None:
        write_review_sheet(scan, review_sheet)
    where = str(review_sheet) if review_sheet is not None else "--review-sheet FILE.xlsx"
    click.echo(words["review"].format(cells=len(scan.review), sheet=where))
    if scan.corrected:
        click.echo(words["corrected"].format(cells=scan.corrected))


@main.command()
@click.argument("districts", nargs=-1)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a text table.")
def compare(districts: tuple[str, ...], as_csv: bool) -> None:
    """Print the district comparison: the same indicators side by side (default all)."""
    from taskstats.datasets import load
    from taskstats.measures import compare_districts

    table = compare_districts(load(list(districts) or None))
    click.echo(table.to_csv(index=False) if as_csv else print_table(table, transpose=True))


@main.command()
@click.argument("district")
@click.option(
    "--of",
    "of",
    type=click.Choice(["leader", "unit"]),
    default="leader",
    show_default=True,
    help="Workload per leader or per unit.",
)
@click.option(
    "--by",
    type=click.Choice(["source", "section"]),
    default=None,
    help="Break leader workload down by source or section.",
)
@click.option("--top", type=int, default=20, show_default=True, help="Rows to show (0: all).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a text table.")
def workload(district: str, of: str, by: str | None, top: int, as_csv: bool) -> None:
    """Print the workload per leader or per unit in DISTRICT."""
    from taskstats.datasets import load
    from taskstats.measures import leader_workload, unit_workload
    from taskstats.report.wording.ranks import rank_rule

    tables = load(district)
    table = leader_workload(tables, by=by) if of == "leader" else unit_workload(tables)
    if top:
        table = table.head(top)
    if as_csv:
        click.echo(table.to_csv(index=False))
        return
    click.echo(print_table(table))
    click.echo(rank_rule("tasks" if of == "leader" else "led"))


@main.command()
@click.argument("district")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx to write (default reports/links/DISTRICT-coverage.xlsx).",
)
@click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def link(district: str, out: Path | None, raw_dir: Path | None) -> None:
    """Link DISTRICT's work report to its tasks: coverage, gaps, numbers (政府工作报告落实覆盖)."""
    from taskstats import config
    from taskstats.datasets import read_districts, read_work_report
    from taskstats.errors import InputError
    from taskstats.io.files import write_xlsx
    from taskstats.report.coverage import coverage_sheets, prepare_coverage
    from taskstats.report.wording import COVERAGE_SHEETS

    read = read_districts(district, raw_dir=raw_dir)[0]
    found = read_work_report(read.manifest)
    if found is None:
        raise InputError(
            f"{district}: none of the manifest's documents is a work report with a plan part "
            "(……年主要工作安排); add it under `documents` in the manifest",
            path=read.manifest.path,
        )
    commitments, path = found
    coverage = prepare_coverage(commitments, read.tables, district, path.name)
    sheets = coverage_sheets(coverage, "zh", percent=True)
    names = COVERAGE_SHEETS["zh"]
    for key in ("summary", "by_section", "numbers", "tasks_by_source"):
        click.echo(f"\n{names[key]}")
        click.echo(print_table(sheets[names[key]]))
    click.echo(f"\n{names['gaps']}：{len(coverage.tables['gaps'])}项（详见导出表）")
    target = out or config.reports_dir() / "links" / f"{district}-coverage.xlsx"
    write_xlsx(coverage_sheets(coverage, "zh"), target)
    click.echo(f"\n已导出：{target}")
