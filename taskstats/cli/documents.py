"""Commands that write documents: HTML reports, charts, the deck and the bulletin."""

from __future__ import annotations

from pathlib import Path

import click

from taskstats.cli import dated_options, main, progress_options
from taskstats.report.wording.cli import SAID


@main.command()
@click.argument("districts", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every district under data/raw.")
@progress_options
@click.option(
    "--compare/--no-compare",
    default=None,
    help="Also render reports/compare.html (default: only with --all, so that rendering one "
    "district leaves the comparison alone).",
)
@click.option("--jobs", type=int, default=None, help="Parallel workers (default: all cores).")
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the reports (default reports/).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print each report to PDF beside its HTML (A4, needs Chromium).",
)
def report(
    districts: tuple[str, ...],
    all_: bool,
    as_of: str,
    progress_: str,
    language: str,
    compare: bool | None,
    jobs: int | None,
    out_dir: Path | None,
    pdf: bool,
) -> None:
    """Render district reports and the comparison to self-contained HTML in reports/."""
    from tqdm import tqdm

    from taskstats.report import render_reports
    from taskstats.report.printing import print_pdf, require_chromium

    if not districts and not all_:
        raise click.UsageError("name one or more districts, or use --all")
    if compare is None:
        compare = all_
    if pdf:
        require_chromium()  # before anything is rendered
    with tqdm(
        total=len(districts) + (1 if compare else 0) if districts else None,
        unit=SAID["reports_unit"],
        desc=SAID["reports_bar"],
        disable=None,
    ) as bar:

        def done(target: str, error: str | None) -> None:
            bar.update(1)
            bar.write(SAID["failed" if error else "wrote"].format(path=target))

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
    for page in written if pdf else []:
        click.echo(SAID["wrote"].format(path=print_pdf(page)))
    click.echo(SAID["reports_written_pdf" if pdf else "reports_written"].format(n=len(written)))


@main.command()
@click.argument("district")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the PNG, SVG and .xlsx files.",
)
@progress_options
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
        click.echo(SAID["wrote"].format(path=path))


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
@dated_options
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
    click.echo(SAID["wrote"].format(path=target))


@main.command()
@click.argument("district")
@dated_options
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
    click.echo(SAID["wrote"].format(path=target))
