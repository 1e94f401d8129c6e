"""Commands on progress: the fill-in template, imports, status, the simulated ledger."""

from __future__ import annotations

from pathlib import Path

import click

from taskstats.cli import main, print_table
from taskstats.report.wording import VALUE_LABELS

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
def template(district: str, out: Path | None, by_unit: bool, year: int | None) -> None:
    """Write DISTRICT's progress sheet, pre-filled with its tasks and milestones."""
    from taskstats import config
    from taskstats.datasets import read_districts
    from taskstats.progress import write_template

    read = read_districts(district)[0]
    suffix = "-by-unit" if by_unit else ""
    target = out or config.reports_dir() / "templates" / f"{district}-progress{suffix}.xlsx"
    write_template(read.tables, read.manifest, target, by_unit=by_unit, year=year)
    click.echo(f"Wrote {target}")


@main.group()
def progress() -> None:
    """Import filled-in progress sheets and report completion and warnings."""


@progress.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--district", help="District of files that do not say (a csv).")
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Progress store (default data/processed/progress).",
)
def progress_import(files: tuple[Path, ...], district: str | None, store: Path | None) -> None:
    """Check FILES and append them to the progress ledger (all or nothing)."""
    from taskstats.datasets import read_districts
    from taskstats.progress import import_progress
    from taskstats.tidy import concat_tables

    reads = read_districts()
    tables = concat_tables([r.tables for r in reads])
    manifests = {r.manifest.slug: r.manifest for r in reads}
    result = import_progress(files, tables, manifests, store_dir=store, district=district)
    from taskstats.report.wording import IMPORT_OLDER

    for name in result.skipped_files:
        click.echo(f"{name}: imported before, skipped")
    if result.older:
        click.echo(IMPORT_OLDER["zh"].format(n=result.older))
    click.echo(
        f"Appended {result.appended} report(s) from {len(result.imported_files)} file(s) "
        f"to {result.ledger_path}"
    )


@progress.command("status")
@click.argument("district")
@click.option(
    "--as-of",
    "as_of",
    default=None,
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
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
def progress_status(
    district: str,
    as_of: str | None,
    by: str,
    rules: str | None,
    progress: str,
    store: Path | None,
) -> None:
    """Print completion rates, 未报送 and the red list (挂牌督办) of DISTRICT as of a date."""
    from taskstats.datasets import read_districts
    from taskstats.progress import completion_rates, progress_snapshot, rules_for, schedule_dates
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
    )
    click.echo(f"截至日期：{as_of_label(snap.as_of, {}, given=bool(as_of))}")
    click.echo(periods_text(snap.as_of[district], snap.previous[district]))
    click.echo(f"进度数据：{LEDGER_SOURCE['zh'][snap.source]}")
    rates = snap.rates if by == "district" else completion_rates(read.tables, snap.status, by=by)
    click.echo(print_table(rates))
    row = snap.figures.iloc[0]
    shown = "、".join(f"{LIGHT_WORDS[k]}{int(row[k])}项" for k in ("red", "yellow", "green"))
    click.echo(f"\n亮灯：{shown}")
    click.echo(f"未报送：{int(row['not_reported'])}个节点")
    red = snap.red[["task_id", "lead_units", "reasons"]].copy()
    red["reasons"] = red["reasons"].map(reason_text)
    click.echo(print_table(red))


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
    click.echo(f"Wrote {len(ledger)} simulated reports to {target}")
