"""Commands on the tables: ingest, inspect, compare, workload."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from taskstats.cli import main, print_table
from taskstats.io.engines import LAYOUTS
from taskstats.readers.document import SKIP_REASONS as ENGLISH_SKIP_REASONS
from taskstats.report.wording import INGEST_SUMMARY, VALUE_LABELS
from taskstats.report.wording.cli import INSPECT, SAID, SKIP_REASONS, layout_text, place_text
from taskstats.report.wording.scan import FIELD_NAMES


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
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--csv", "as_csv", is_flag=True, help="Print the anomalies as CSV (codes, messages).")
def inspect(
    file: Path,
    layout: str,
    encoding: str,
    sheet: str | None,
    all_anomalies: bool,
    review_sheet: Path | None,
    language: str,
    as_csv: bool,
) -> None:
    """Show what taskstats finds in FILE: layout, rows, tasks, units, leaders, anomalies."""
    from taskstats.datasets import manifest_for_file, read_district

    read = read_district(manifest_for_file(file, layout=layout, encoding=encoding, sheet=sheet))
    if as_csv:
        click.echo(read.tables.quality.to_csv(index=False), nl=False)
        return
    r, t = read.result, read.tables
    say = INSPECT[language]
    click.echo(say["file"].format(file=file))
    where = say["sheet"].format(sheet=r.sheet) if r.sheet else ""
    click.echo(say["layout"].format(layout=layout_text(r.layout, language)) + where)
    if r.scan is not None:
        _echo_scan(r.scan, len(t.tasks), review_sheet)
    if r.encoding:
        click.echo(say["encoding"].format(encoding=r.encoding))
    if r.tables_read or r.tables_skipped:
        read_names = say["sep"].join(place_text(n, language) for n in r.tables_read)
        click.echo(say["tables"].format(read=read_names or say["tables_none"]))
        for name, reason in r.tables_skipped:
            why = SKIP_REASONS[reason] if language == "zh" else ENGLISH_SKIP_REASONS[reason]
            click.echo(say["skipped"].format(name=place_text(name, language), reason=why))
    fields = FIELD_NAMES[language]
    columns = say["sep"].join(fields.get(c, c) for c in r.columns)
    click.echo(say["columns"].format(columns=columns))
    click.echo(say["rows"].format(rows=r.rows_seen))
    click.echo(say["tasks"].format(tasks=len(t.tasks)))
    sections = t.tasks["section"].replace("", say["no_section"]).value_counts(sort=False)
    for name, n in sections.items():
        click.echo(say["section"].format(name=name, n=n))
    units, leaders = t.task_units, t.task_leaders
    click.echo(
        say["units"].format(
            named=units.loc[~units["collective"], "unit"].nunique(),
            collective=int(units["collective"].sum()),
        )
    )
    click.echo(say["leaders"].format(named=leaders.loc[~leaders["collective"], "leader"].nunique()))
    values = VALUE_LABELS.get(language, {})
    named = values.get("source", {})
    sources = t.tasks["source"].value_counts()
    click.echo(
        say["sources"].format(
            sources=say["sep"].join(
                say["source"].format(name=named.get(k, k), n=n) for k, n in sources.items()
            )
        )
    )
    q = t.quality
    kinds = values.get("kind", {})
    counts = say["sep"].join(
        say["kind"].format(name=kinds.get(k, k), n=n) for k, n in q["kind"].value_counts().items()
    )
    brackets = ("（", "）") if language == "zh" else (" (", ")")
    click.echo(say["anomalies"].format(n=len(q), kinds=counts.join(brackets) if counts else ""))
    shown = q if all_anomalies else q.head(20)
    severities = values.get("severity", {})
    for row in shown.itertuples():
        at = say["line"].format(line=int(row.line)) if pd.notna(row.line) else say["whole_file"]
        at += say["task"].format(task=row.task_id) if row.task_id else ""
        click.echo(
            say["anomaly"].format(
                severity=severities.get(row.severity, row.severity),
                where=at,
                kind=kinds.get(row.kind, row.kind),
                message=row.message,
            )
        )
    if len(q) > len(shown):
        click.echo(say["more"].format(n=len(q) - len(shown)))


def _echo_scan(scan, tasks: int, review_sheet: Path | None) -> None:
    """A scan's lines in ``inspect``: pages read by OCR, tasks, cells to review, the time."""
    from taskstats.report.review import write_review_sheet
    from taskstats.report.wording.scan import INSPECT

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
    from taskstats.report.wording import TEXT
    from taskstats.report.wording.ranks import rank_rule

    tables = load(district)
    if of == "leader" and not tables.task_leaders["collective"].eq(False).any():
        click.echo(TEXT["zh"]["no_leaders"])  # as the report says it, not an empty ranking
        return
    table = leader_workload(tables, by=by) if of == "leader" else unit_workload(tables)
    if as_csv:
        click.echo((table.head(top) if top else table).to_csv(index=False))
        return
    click.echo(print_table(table, rows=top or None))  # ties marked on the whole table
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
    click.echo("\n" + SAID["gaps"].format(name=names["gaps"], n=len(coverage.tables["gaps"])))
    target = out or config.reports_dir() / "links" / f"{district}-coverage.xlsx"
    write_xlsx(coverage_sheets(coverage, "zh"), target)
    click.echo("\n" + SAID["exported"].format(path=target))
