"""The ``taskstats`` command line: a thin layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from taskstats import __version__
from taskstats.errors import TaskstatsError


class _Group(click.Group):
    """Shows a one-line error for the project's own errors; ``--debug`` shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TaskstatsError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # a failure we did not foresee: one line, no traceback
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(
                f"error: unexpected {type(exc).__name__}: {exc}. This is a bug in "
                "taskstats or its input; rerun with --debug for the traceback and "
                "report it.",
                err=True,
            )
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="taskstats")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Task decomposition tables (目标任务分解表) into tidy data, measures and reports."""
    ctx.obj = {"debug": debug}


def _progress_options(command):
    """The options every command that shows progress takes: date, data, language."""
    for option in reversed(
        [
            click.option(
                "--as-of", "as_of", default="", help="Date of the progress figures (YYYY-MM-DD)."
            ),
            click.option(
                "--progress",
                "progress_",
                type=click.Choice(["auto", "real", "demo"]),
                default="auto",
                show_default=True,
                help="Progress data: the real ledger, or simulated.",
            ),
            click.option(
                "--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True
            ),
        ]
    ):
        command = option(command)
    return command


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
    click.echo(_table(summary))
    total = len(tables.tasks)
    click.echo(
        f"\n{total} tasks, {len(tables.task_units)} unit assignments, "
        f"{len(tables.task_leaders)} leader assignments, {len(tables.quality)} anomalies."
    )
    out = out_dir or config.processed_data_dir()
    click.echo(f"Wrote {', '.join(OUTPUT_FILES)} to {out}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--layout",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "cells", "delimited", "inline", "csv", "xlsx"]),
)
@click.option("--encoding", default="auto", show_default=True)
@click.option("--sheet", default=None, help="Spreadsheet sheet to read.")
@click.option("--all-anomalies", is_flag=True, help="List every anomaly, not the first 20.")
def inspect(file: Path, layout: str, encoding: str, sheet: str | None, all_anomalies: bool) -> None:
    """Show what taskstats finds in FILE: layout, rows, tasks, units, leaders, anomalies."""
    from taskstats.datasets import manifest_for_file, read_district

    read = read_district(manifest_for_file(file, layout=layout, encoding=encoding, sheet=sheet))
    r, t = read.result, read.tables
    click.echo(f"file:      {file}")
    click.echo(f"layout:    {r.layout}" + (f" (sheet {r.sheet})" if r.sheet else ""))
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


@main.command()
@click.argument("districts", nargs=-1)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a text table.")
def compare(districts: tuple[str, ...], as_csv: bool) -> None:
    """Print the district comparison: the same indicators side by side (default all)."""
    from taskstats.datasets import load
    from taskstats.measures import compare_districts

    table = compare_districts(load(list(districts) or None))
    click.echo(table.to_csv(index=False) if as_csv else table.set_index("district").T.to_string())


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

    tables = load(district)
    table = leader_workload(tables, by=by) if of == "leader" else unit_workload(tables)
    if top:
        table = table.head(top)
    click.echo(table.to_csv(index=False) if as_csv else _table(table))


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
        click.echo("注意：没有真实进度数据，以下为模拟数据 (simulated data).")
    click.echo(_table(completion_rates(read.tables, status, by=by)))
    lights = traffic_lights(status, load_rules(rules) if rules else rules_for(read.manifest))
    click.echo(f"\nlights: {lights['light'].value_counts().to_dict()}")
    click.echo(_table(red_list(read.tables, lights)[["task_id", "lead_units", "reasons"]]))


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


@main.command()
@click.argument("districts", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every district under data/raw.")
@_progress_options
@click.option(
    "--compare/--no-compare",
    default=True,
    show_default=True,
    help="Also render reports/compare.html.",
)
@click.option("--jobs", type=int, default=None, help="Parallel workers (default: all cores).")
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the reports (default reports/).",
)
def report(
    districts: tuple[str, ...],
    all_: bool,
    as_of: str,
    progress_: str,
    language: str,
    compare: bool,
    jobs: int | None,
    out_dir: Path | None,
) -> None:
    """Render district reports and the comparison to self-contained HTML in reports/."""
    from tqdm import tqdm

    from taskstats.report import render_reports

    if not districts and not all_:
        raise click.UsageError("name one or more districts, or use --all")
    with tqdm(
        total=len(districts) + (1 if compare else 0) if districts else None,
        unit="report",
        desc="reports",
        disable=None,
    ) as bar:

        def done(target: str, error: str | None) -> None:
            bar.update(1)
            bar.write(f"{'FAILED' if error else 'wrote'} {target}")

        written = render_reports(
            list(districts) or None,
            as_of=as_of,
            progress=progress_,
            language=language,
            compare=compare,
            jobs=jobs,
            out_dir=out_dir,
            on_done=done,
        )
    click.echo(f"{len(written)} report(s) written.")


@main.command()
@click.argument("district")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the PNG, SVG and .xlsx files.",
)
@_progress_options
@click.option("--dpi", type=int, default=200, show_default=True)
@click.option(
    "--raw-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of district folders (default data/raw).",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Progress store (default data/processed/progress).",
)
def charts(
    district: str,
    out: Path,
    as_of: str,
    progress_: str,
    language: str,
    dpi: int,
    raw_dir: Path | None,
    store: Path | None,
) -> None:
    """Export DISTRICT's charts for a meeting: 16:9 PNG and SVG, titled with the district and
    the as-of date, and their tables in .xlsx."""
    from taskstats.report import export_charts

    written = export_charts(
        district,
        out,
        as_of=as_of,
        progress=progress_,
        language=language,
        dpi=dpi,
        raw_dir=raw_dir,
        store_dir=store,
    )
    for path in written:
        click.echo(f"wrote {path}")


def _document_options(command):
    """The options of the deck and the bulletin: ranking rules and where the data is."""
    for option in reversed(
        [
            click.option(
                "--ranking",
                default="default",
                show_default=True,
                help="Ranking rule set: a bundled name (default, supervision) or a TOML file.",
            ),
            click.option(
                "--raw-dir",
                type=click.Path(file_okay=False, path_type=Path),
                help="Folder of district folders (default data/raw).",
            ),
            click.option(
                "--store",
                type=click.Path(file_okay=False, path_type=Path),
                help="Progress store (default data/processed/progress).",
            ),
        ]
    ):
        command = option(command)
    return command


@main.command()
@click.argument("districts", nargs=-1, required=True)
@click.option("--compare", is_flag=True, help="The comparison deck of the districts.")
@click.option("--as-of", "as_of", default="", help="Date of the progress figures (YYYY-MM-DD).")
@click.option(
    "--progress",
    "progress_",
    type=click.Choice(["auto", "real", "demo"]),
    default="auto",
    show_default=True,
    help="Progress data: the real ledger, or simulated.",
)
@_document_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def deck(
    districts: tuple[str, ...],
    compare: bool,
    as_of: str,
    progress_: str,
    ranking: str,
    raw_dir: Path | None,
    store: Path | None,
    out: Path,
) -> None:
    """Write a 16:9 PowerPoint deck of DISTRICT… for the meeting (主任办公会)."""
    from taskstats.report.deck import write_deck

    target = write_deck(
        list(districts),
        compare=compare,
        as_of=as_of or None,
        progress=progress_,
        ranking=ranking,
        raw_dir=raw_dir,
        store_dir=store,
        out=out,
    )
    click.echo(f"wrote {target}")


@main.command()
@click.argument("district")
@click.option("--as-of", "as_of", default="", help="Date of the progress figures (YYYY-MM-DD).")
@click.option(
    "--progress",
    "progress_",
    type=click.Choice(["auto", "real", "demo"]),
    default="auto",
    show_default=True,
    help="Progress data: the real ledger, or simulated.",
)
@_document_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def bulletin(
    district: str,
    as_of: str,
    progress_: str,
    ranking: str,
    raw_dir: Path | None,
    store: Path | None,
    out: Path,
) -> None:
    """Write DISTRICT's 督查通报 draft as a Word document (A4)."""
    from taskstats.report.bulletin import write_bulletin

    target = write_bulletin(
        district,
        as_of=as_of or None,
        progress=progress_,
        ranking=ranking,
        raw_dir=raw_dir,
        store_dir=store,
        out=out,
    )
    click.echo(f"wrote {target}")


def _table(df: pd.DataFrame) -> str:
    return df.to_string(index=False) if not df.empty else "(nothing)"


if __name__ == "__main__":  # pragma: no cover
    main()
