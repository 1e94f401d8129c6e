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
    for name in result.skipped_files:
        click.echo(f"{name}: imported before, skipped")
    click.echo(
        f"Appended {result.appended} report(s) from {len(result.imported_files)} file(s) "
        f"to {result.ledger_path}"
    )


@progress.command("status")
@click.argument("district")
@click.option("--as-of", "as_of", default=None, help="Date, e.g. 2020-10-15 (default today).")
@click.option(
    "--by",
    type=click.Choice(["district", "leader", "unit", "source", "section"]),
    default="district",
    show_default=True,
)
@click.option("--rules", default=None, help="Rule set name or .toml file (default: manifest's).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
def progress_status(
    district: str, as_of: str | None, by: str, rules: str | None, store: Path | None
) -> None:
    """Print completion rates and the red list (挂牌督办) of DISTRICT as of a date."""
    from taskstats.datasets import read_districts
    from taskstats.progress import (
        as_of_dates,
        completion_rates,
        ledger_for,
        load_rules,
        milestone_status,
        red_list,
        rules_for,
        schedule_dates,
        traffic_lights,
    )

    read = read_districts(district)[0]
    ledger, simulated = ledger_for([district], store)
    from taskstats.report.wording import as_of_label

    schedule = {district: schedule_dates(read.manifest)}
    days = as_of_dates(schedule, as_of)
    status = milestone_status(read.tables, ledger, schedule, days[district])
    click.echo(f"截至日期：{as_of_label(days, {}, given=bool(as_of))}")
    if simulated:
        click.echo("注意：没有真实进度数据，以下为模拟数据。")
    click.echo(print_table(completion_rates(read.tables, status, by=by)))
    lights = traffic_lights(status, load_rules(rules) if rules else rules_for(read.manifest))
    counts = lights["light"].value_counts()
    shown = "、".join(f"{LIGHT_WORDS[k]}{counts.get(k, 0)}项" for k in ("red", "yellow", "green"))
    click.echo(f"\n亮灯：{shown}")
    click.echo(print_table(red_list(read.tables, lights)[["task_id", "lead_units", "reasons"]]))


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
