"""Commands on progress: the fill-in template, imports, status, the simulated ledger."""

from __future__ import annotations

from pathlib import Path

import click

from taskstats.cli import LANGUAGE_OPTION, checked_as_of, main, print_table
from taskstats.report.wording import VALUE_LABELS
from taskstats.report.wording.cli import SAID

LIGHT_WORDS = VALUE_LABELS["zh"]["light"]


@main.command()
@click.argument("district")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx to write (default reports/templates/DISTRICT-progress.xlsx).",
)
@click.option("--by-unit", is_flag=True, help="One sheet per lead unit.")
@click.option("--year", type=int, help="Year of a quarterly schedule the manifest lacks.")
@LANGUAGE_OPTION
def template(
    district: str, out: Path | None, by_unit: bool, year: int | None, language: str
) -> None:
    """Write DISTRICT's progress sheet, pre-filled with its tasks and milestones."""
    from taskstats import config
    from taskstats.datasets import read_districts
    from taskstats.report.template import write_template

    read = read_districts(district)[0]
    suffix = "-by-unit" if by_unit else ""
    target = out or config.reports_dir() / "templates" / f"{district}-progress{suffix}.xlsx"
    write_template(
        read.tables, read.manifest, target, by_unit=by_unit, year=year, language=language
    )
    click.echo(SAID["wrote"].format(path=target))


@main.group()
def progress() -> None:
    """Import filled-in progress sheets and report completion and warnings."""


@progress.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--district", help="District of files that say nothing of theirs (bare ids).")
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Progress store (default data/processed/progress).",
)
@click.option(
    "--receipts",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the receipts (回执), one .xlsx per file (default STORE/receipts).",
)
@click.option(
    "--accept-valid",
    is_flag=True,
    help="Import the rows that pass and refuse the others (default: all or nothing).",
)
@click.option("--vocabulary", default="statuses", help="Status vocabulary name or .toml file.")
def progress_import(
    files: tuple[Path, ...],
    district: str | None,
    store: Path | None,
    receipts: Path | None,
    accept_valid: bool,
    vocabulary: str,
) -> None:
    """Check returned FILES (any office format) and append them to the progress ledger."""
    from taskstats import config
    from taskstats.datasets import read_districts
    from taskstats.progress import ImportRefused
    from taskstats.report.receipts import import_with_receipts, receipt_name
    from taskstats.report.wording.returns import import_summary, refused_text
    from taskstats.tidy import concat_tables

    reads = read_districts()
    tables = concat_tables([r.tables for r in reads])
    manifests = {r.manifest.slug: r.manifest for r in reads}
    store = store or config.processed_data_dir() / "progress"
    receipts = receipts or store / "receipts"
    try:
        result, _ = import_with_receipts(
            files,
            tables,
            manifests,
            receipts,
            store_dir=store,
            district=district,
            vocabulary=vocabulary,
            accept_valid=accept_valid,
        )
        imported = True
    except ImportRefused as refused:  # all or nothing: the receipts are written, nothing else
        if refused.result is None:
            raise
        result, imported = refused.result, False
    if imported:
        click.echo(import_summary(result, receipts))
    else:  # each file's outcome, without totals of an import that did not happen
        click.echo(import_summary(result, receipts).rsplit("\n", 1)[0])
    if result.refused:
        written = {r.path: receipts / receipt_name(r) for r in result.receipts}
        click.echo(SAID["error"].format(message=refused_text(result, written, imported)), err=True)
        raise click.exceptions.Exit(2)


@progress.command("status")
@click.argument("district")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    callback=checked_as_of,
    help="Date, e.g. 2020-10-15 (default: the latest reporting node on or before today).",
)
@click.option(
    "--by",
    type=click.Choice(["district", "leader", "unit", "source", "section"]),
    default="district",
    show_default=True,
)
@click.option("--rules", default=None, help="Rule set name or .toml file (default: manifest's).")
@click.option(
    "--progress",
    type=click.Choice(["auto", "real", "demo", "none"]),
    default="auto",
    show_default=True,
    help="Which reports: the real ledger if it has any (auto), real, simulated, none.",
)
@click.option(
    "--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="The red list as .xlsx."
)
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--skip-bad-rows", is_flag=True, help="Leave out ledger rows that do not parse (counted)."
)
def progress_status(
    district: str,
    as_of: str | None,
    by: str,
    rules: str | None,
    progress: str,
    store: Path | None,
    skip_bad_rows: bool,
    xlsx: Path | None = None,
) -> None:
    """Print completion rates, 未报送 and the red list (挂牌督办) of DISTRICT as of a date."""
    from taskstats.datasets import read_districts
    from taskstats.measures import completion_rates
    from taskstats.progress import progress_snapshot, rules_for, schedule_dates
    from taskstats.report.wording import LEDGER_SOURCE, as_of_label, periods_text, reason_text

    read = read_districts(district)[0]
    schedule = {district: schedule_dates(read.manifest)}
    snap = progress_snapshot(
        read.tables,
        progress,
        schedule,
        as_of,
        rules or rules_for(read.manifest),
        store_dir=store,
        trend=False,
        skip_bad_rows=skip_bad_rows,
    )
    if snap.ledger.attrs.get("skipped_rows"):
        skipped = snap.ledger.attrs["skipped_rows"]
        click.echo(SAID["skipped_rows"].format(n=skipped), err=True)
    click.echo(SAID["as_of"].format(as_of=as_of_label(snap.as_of, {}, given=bool(as_of))))
    click.echo(periods_text(snap.as_of[district], snap.previous[district]))
    click.echo(SAID["progress_source"].format(source=LEDGER_SOURCE["zh"][snap.source]))
    rates = snap.rates if by == "district" else completion_rates(read.tables, snap.status, by=by)
    click.echo(print_table(rates))
    row = snap.figures.iloc[0]
    shown = SAID["light_sep"].join(
        SAID["light_count"].format(light=LIGHT_WORDS[k], n=int(row[k]))
        for k in ("red", "yellow", "green")
    )
    click.echo("\n" + SAID["lights"].format(lights=shown))
    click.echo(SAID["not_reported"].format(n=int(row["not_reported"])))
    red = snap.red[["task_id", "lead_units", "reasons"]].copy()
    red["reasons"] = red["reasons"].map(reason_text)
    click.echo(print_table(red))
    if xlsx is not None:
        from taskstats.cli.followup import write_sheet

        full = snap.red.assign(reasons=snap.red["reasons"].map(reason_text))
        write_sheet(full.drop(columns=["district"]), xlsx, SAID["red_sheet"])
        click.echo(SAID["exported"].format(path=xlsx))


@main.command("demo-progress")
@click.argument("districts", nargs=-1)
@click.option("--seed", type=int, default=2020, show_default=True)
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
def demo_progress(districts: tuple[str, ...], seed: int, store: Path | None) -> None:
    """Write a simulated progress history for the bundled districts (marked as simulated)."""
    from taskstats.datasets import read_districts
    from taskstats.progress import demo_ledger, schedules_for, write_demo_ledger
    from taskstats.tidy import concat_tables

    reads = read_districts(list(districts) or None)
    tables = concat_tables([r.tables for r in reads])
    ledger = demo_ledger(tables, schedules_for(r.manifest for r in reads), seed=seed)
    target = write_demo_ledger(ledger, store)
    click.echo(SAID["demo_written"].format(n=len(ledger), path=target))
