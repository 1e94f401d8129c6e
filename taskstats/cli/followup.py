"""Commands on what goes back: hand-outs and 督办通知单 for units and leaders, the next period's
due nodes, the changes since the previous period and the units that stopped or started
reporting."""

from __future__ import annotations

from pathlib import Path

import click

from taskstats.cli import checked_as_of, main, print_table
from taskstats.cli.tracking import progress
from taskstats.report.wording.cli import SAID
from taskstats.report.wording.period import PERIOD_REPORT
from taskstats.report.wording.returns import FOLLOWUP

PROGRESS_CHOICE = click.option(
    "--progress",
    "progress_",
    type=click.Choice(["auto", "real", "demo", "none"]),
    default="auto",
    show_default=True,
    help="Which reports: the real ledger if it has any (auto), real, simulated, none.",
)


# The follow-up commands' date: checked at once; without it, the latest reporting node.
AS_OF_LATEST = click.option(
    "--as-of",
    "as_of",
    default=None,
    callback=checked_as_of,
    help="Date (default: the latest node).",
)


def _snapshot(district: str, as_of: str | None, progress_: str, store: Path | None):
    from taskstats.datasets import read_districts
    from taskstats.progress import progress_snapshot, rules_for, schedule_dates

    read = read_districts(district)[0]
    schedule = {district: schedule_dates(read.manifest)}
    snap = progress_snapshot(
        read.tables,
        progress_,
        schedule,
        as_of or None,
        rules_for(read.manifest),
        store_dir=store,
        trend=False,
    )
    return read, schedule[district], snap


@main.command()
@click.argument("district")
@click.option("--by", type=click.Choice(["unit", "leader"]), default="unit", show_default=True)
@click.option("--only", type=click.Choice(["all", "red", "due"]), default="all", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--pdf", is_flag=True, help="Also print each document to PDF (LibreOffice).")
@AS_OF_LATEST
@click.option("--reply-days", type=int, default=10, show_default=True)
@PROGRESS_CHOICE
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
def handouts(
    district: str,
    by: str,
    only: str,
    out: Path,
    pdf: bool,
    as_of: str | None,
    reply_days: int,
    progress_: str,
    store: Path | None,
) -> None:
    """Write one A4 hand-out per lead unit or 分管领导 of DISTRICT (red tasks as 督办通知单)."""
    from taskstats.io.convert import convert_with_libreoffice
    from taskstats.io.files import atomic_path
    from taskstats.report.handouts import handouts as make
    from taskstats.report.handouts import write_handouts
    from taskstats.report.wording.meeting import office_name

    read, schedule, snap = _snapshot(district, as_of, progress_, store)
    if by == "leader" and not read.tables.task_leaders["collective"].eq(False).any():
        click.echo(FOLLOWUP["zh"]["no_leaders"])  # nothing to write, and why
        return
    items = make(read.tables, snap, district, schedule, by=by, only=only)
    written = write_handouts(
        items,
        out,
        district_name=read.manifest.name,
        as_of=snap.as_of[district],
        by=by,
        reply_days=reply_days,
        simulated=snap.source == "simulated",
        office=office_name(read.manifest.scope_word),
    )
    for path in written if pdf else []:
        converted = convert_with_libreoffice(path, path.read_bytes(), "pdf", "a Word document")
        with atomic_path(path.with_suffix(".pdf")) as tmp:  # never a half-written PDF
            tmp.write_bytes(converted)
    click.echo(FOLLOWUP["zh"]["written"].format(n=len(written), out=out))


@progress.command("due")
@click.argument("district")
@AS_OF_LATEST
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Export to .xlsx.")
@PROGRESS_CHOICE
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
def progress_due(
    district: str, as_of: str | None, xlsx: Path | None, progress_: str, store: Path | None
) -> None:
    """Print 本期到期: DISTRICT's nodes falling due up to the next node, not done."""
    from taskstats.measures.period import due_next_period, next_node

    read, schedule, snap = _snapshot(district, as_of, progress_, store)
    day = snap.as_of[district]
    until = next_node(schedule, day)
    if until is None:
        click.echo(PERIOD_REPORT["zh"]["no_next"].format(day=day.isoformat()))
        return
    due = due_next_period(read.tables, snap.status, day, until, people=snap.people)
    click.echo(
        FOLLOWUP["zh"]["due"].format(day=day.isoformat(), until=until.isoformat(), n=len(due))
    )
    _show(due.drop(columns=["district"]), xlsx, FOLLOWUP["zh"]["due_sheet"])


@progress.command("changes")
@click.argument("district")
@AS_OF_LATEST
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Export to .xlsx.")
@PROGRESS_CHOICE
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
def progress_changes(
    district: str, as_of: str | None, xlsx: Path | None, progress_: str, store: Path | None
) -> None:
    """Print what changed in DISTRICT since the previous period, task by task."""
    from taskstats.measures.period import period_changes

    read, _schedule, snap = _snapshot(district, as_of, progress_, store)
    before = snap.previous[district]
    if before is None:
        click.echo(PERIOD_REPORT["zh"]["no_previous"])
        return
    # The snapshot already holds the previous period's status and lights: no second pipeline.
    then = (snap.status_before, snap.lights_before)
    changes = period_changes(read.tables, then, (snap.status, snap.lights), people=snap.people)
    click.echo(
        FOLLOWUP["zh"]["changes"].format(
            before=before.isoformat(), day=snap.as_of[district].isoformat()
        )
    )
    _show(changes.drop(columns=["district"]), xlsx, FOLLOWUP["zh"]["changes_sheet"])


@progress.command("reporting")
@click.argument("district")
@AS_OF_LATEST
@click.option("--all", "every", is_flag=True, help="Every unit that reported, not only changes.")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Export to .xlsx.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (codes kept) instead of a table.")
@PROGRESS_CHOICE
@click.option("--store", type=click.Path(file_okay=False, path_type=Path))
def progress_reporting(
    district: str,
    as_of: str | None,
    every: bool,
    xlsx: Path | None,
    as_csv: bool,
    progress_: str,
    store: Path | None,
) -> None:
    """Print DISTRICT's units that stopped or started reporting: reports per lead unit in the
    previous period and in this one (up to the as-of date)."""
    from taskstats.measures.period import reporting_changes
    from taskstats.report.period import reporting_periods
    from taskstats.report.wording.period import period_span

    read, schedule, snap = _snapshot(district, as_of, progress_, store)
    periods = reporting_periods(schedule, snap.as_of[district])
    if periods is None:
        click.echo(PERIOD_REPORT["zh"]["no_previous"])
        return
    ledger = snap.ledger[snap.ledger["district"] == district]
    units = reporting_changes(read.tables, ledger, *periods)
    changed = units[units["change"] != ""]
    order = {"stopped": 0, "started": 1, "": 2}
    shown = (units if every else changed).sort_values(
        "change", key=lambda c: c.map(order), kind="stable"
    )
    words = PERIOD_REPORT["zh"]
    spans = {"previous": period_span(*periods[0]), "current": period_span(*periods[1])}
    counts = changed["change"].value_counts()
    sheet = FOLLOWUP["zh"]["reporting_sheet"]
    if as_csv:  # codes kept, for a script; the export (if any) is said on stderr
        click.echo(shown.to_csv(index=False), nl=False)
        if xlsx is not None:
            write_sheet(shown.drop(columns=["district"]), xlsx, sheet)
            click.echo(SAID["exported"].format(path=xlsx), err=True)
        return
    stopped, started = int(counts.get("stopped", 0)), int(counts.get("started", 0))
    line = words["reporting_line"] if len(changed) else words["no_reporting"]
    click.echo(line.format(stopped=stopped, started=started, **spans))
    if len(shown) or xlsx is not None:
        _show(shown.drop(columns=["district"]), xlsx, sheet)


def _labelled(frame):
    """Period columns and change codes in Chinese (the rest as every CLI table words them)."""
    from taskstats.report.wording import VALUE_LABELS, label_values
    from taskstats.report.wording.returns import CHANGES, PERIOD_COLUMNS

    out = frame.copy()
    for column in ("light", "light_before"):
        if column in out:
            out[column] = out[column].map(VALUE_LABELS["zh"]["light"]).fillna("")
    if "status" in out:
        out["status"] = out["status"].map(VALUE_LABELS["zh"]["status"]).fillna(out["status"])
    if "change" in out:
        out["change"] = out["change"].map(CHANGES["zh"]).fillna("")
    return label_values(out, "zh").rename(columns=PERIOD_COLUMNS["zh"])


def _show(frame, xlsx: Path | None, sheet: str) -> None:
    click.echo(print_table(_labelled(frame)))
    if xlsx is not None:
        write_sheet(frame, xlsx, sheet)
        click.echo(SAID["exported"].format(path=xlsx))


def write_sheet(frame, target: Path, sheet: str) -> None:
    """One table as an .xlsx sheet, headed and worded in Chinese as the CLI prints it."""
    from taskstats.io.files import atomic_path, neutralise_formulas
    from taskstats.report.wording import COLUMN_LABELS

    shown = _labelled(frame).rename(columns=lambda c: COLUMN_LABELS["zh"].get(c, c))
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        neutralise_formulas(shown).to_excel(tmp, sheet_name=sheet, index=False, engine="openpyxl")
