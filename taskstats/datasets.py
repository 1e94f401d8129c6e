"""Datasets: the bundled districts loaded into tidy tables, one file read without a manifest, and
the tidy tables written to `data/processed/`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from taskstats import config
from taskstats.errors import InputError
from taskstats.io.files import (
    atomic_paths,
    ensure_writable,
    read_input,
    remove_stale_temps,
    restore_formulas,
    save_csv,
    save_xlsx,
)
from taskstats.io.locking import exclusive
from taskstats.readers import read_raw
from taskstats.tidy import (
    TaskTables,
    build_tables,
    concat_tables,
    sort_by_district,
    summarise,
    typed_tables,
)
from taskstats.tidy.manifest import Manifest, discover_manifests
from taskstats.tidy.review import review_sheet_path, trusted_names
from taskstats.tidy.schema import ReadResult

OUTPUT_FILES = ("tasks.csv", "task_units.csv", "task_leaders.csv", "quality.csv", "taskstats.xlsx")


@dataclass(frozen=True)
class DistrictRead:
    """One district's tables and how its file was read."""

    manifest: Manifest
    result: ReadResult
    tables: TaskTables


def read_table(
    path: str | Path,
    *,
    district: str | None = None,
    layout: str = "auto",
    encoding: str = "auto",
    sheet: str | None = None,
    default_source: str = "unknown",
    table: int | None = None,
    first_unit_leads: bool = False,
) -> TaskTables:
    """Read one decomposition table without a manifest.

    Args:
        path: A table: ``.txt``, ``.csv``, ``.xlsx``, ``.xls``, ``.docx``, ``.pdf``, ``.html``
            (``.doc``, ``.wps``, ``.et``, ``.rtf`` with LibreOffice); the kind is found from the
            content.
        district: Slug to put in the ``district`` column; default derived from the file name.
        layout: ``auto`` or a layout name (cells, delimited, inline, csv, xlsx, xls, docx, pdf,
            html …).
        encoding: ``auto`` or a text encoding.
        sheet: Spreadsheet sheet to read.
        default_source: Source for tasks when the table has no source column.
        table: The 1-based table of a document to read; default the first with a task header.
        first_unit_leads: In a single 责任单位 column, take the first-listed unit as the lead
            and the others as support ("列第一位的为牵头单位").

    Returns:
        The tidy tables (tasks, task_units, task_leaders, quality).

    Example:
        >>> tasks, units, leaders, quality = read_table("gulou.txt")
    """
    manifest = manifest_for_file(path, district, layout, encoding, sheet, default_source)
    manifest = replace(manifest, table=table, first_unit_leads=first_unit_leads)
    return _read_with(manifest).tables


def read_district(manifest: Manifest) -> DistrictRead:
    """Read one district described by its manifest."""
    return _read_with(manifest)


def load(
    districts: str | Iterable[str] | None = None,
    *,
    raw_dir: str | Path | None = None,
) -> TaskTables:
    """The tidy tables of the bundled districts (or those under ``raw_dir``).

    Args:
        districts: A slug or slugs to keep; default all.
        raw_dir: Folder of district folders; default ``data/raw``.

    Raises:
        InputError: A named district does not exist, or a raw file cannot be read.
    """
    return concat_tables([d.tables for d in read_districts(districts, raw_dir=raw_dir)])


def read_districts(
    districts: str | Iterable[str] | None = None,
    *,
    raw_dir: str | Path | None = None,
) -> list[DistrictRead]:
    """Read the chosen districts, each with its manifest and reader result."""
    return [_read_with(m) for m in select_manifests(districts, raw_dir=raw_dir)]


def select_manifests(
    districts: str | Iterable[str] | None = None,
    *,
    raw_dir: str | Path | None = None,
) -> list[Manifest]:
    """The manifests of the chosen districts (all by default), without reading any table.

    Raises:
        InputError: A named district has no manifest.
    """
    manifests = discover_manifests(raw_dir or config.raw_data_dir())
    if districts is None:
        return manifests
    wanted = [districts] if isinstance(districts, str) else list(districts)
    known = {m.slug: m for m in manifests}
    missing = [d for d in wanted if d not in known]
    if missing:
        raise InputError(
            f"unknown district(s) {', '.join(missing)}; known: {', '.join(known) or 'none'}"
        )
    return [known[d] for d in wanted]


def write_processed(
    districts: str | Iterable[str] | None = None,
    *,
    raw_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
) -> tuple[TaskTables, pd.DataFrame]:
    """Rebuild ``data/processed`` from ``data/raw``.

    Writes ``tasks.csv``, ``task_units.csv``, ``task_leaders.csv``, ``quality.csv`` (UTF-8 with
    BOM) and ``taskstats.xlsx`` with the same tables as sheets; for a district whose table is a
    scan read by OCR, also ``review/<district>-review.xlsx``, its cells to review. Naming
    districts replaces those districts' rows and keeps every other district's rows already
    written there. The five files are replaced together, under the lock, or not at all;
    nothing is written if any district fails to read.

    Returns:
        The tables written (every district in them) and a per-district summary of the
        districts read (rows seen, tasks, anomalies).

    Raises:
        InputError: A district could not be read, or the tables already written are damaged.
        WriteError: The disk is full or the folder not writable (the previous files are kept).
    """
    reads = read_districts(districts, raw_dir=raw_dir)
    tables = concat_tables([r.tables for r in reads])
    summary = summarise(tables, {r.manifest.slug: r.result.rows_seen for r in reads})
    out = ensure_writable(out_dir or config.processed_data_dir())
    with exclusive(out):
        remove_stale_temps(out)
        if districts is not None:
            kept = read_processed(out, exclude=[r.manifest.slug for r in reads])
            if kept is not None:
                tables = sort_by_district(concat_tables([kept, tables]))
        frames = dict(zip(("tasks", "task_units", "task_leaders", "quality"), tables, strict=True))
        targets = [out / f"{name}.csv" for name in frames] + [out / "taskstats.xlsx"]
        with atomic_paths(targets) as temps:
            for df, tmp in zip(frames.values(), temps, strict=False):
                save_csv(df, tmp)
            save_xlsx(frames, temps[-1])
        for read in reads:  # a scan's cells to review, each with its image
            if read.result.scan is not None:
                # The sheet is an output in the report's words (report imports this module).
                from taskstats.report.review import write_review_sheet

                write_review_sheet(read.result.scan, review_sheet_path(out, read.manifest.slug))
    return tables, summary


def read_processed(
    out_dir: str | Path | None = None, *, exclude: Iterable[str] = ()
) -> TaskTables | None:
    """The tidy tables last written to ``data/processed`` (None when there are none).

    Text cells come back as they were before formula neutralising.

    Args:
        out_dir: The folder; default ``data/processed``.
        exclude: Districts whose rows are left out.

    Raises:
        InputError: A table is missing or damaged (run a full ``taskstats ingest``).
    """
    out = Path(out_dir or config.processed_data_dir())
    paths = [out / f"{name}.csv" for name in ("tasks", "task_units", "task_leaders", "quality")]
    if not any(p.exists() for p in paths):
        return None
    frames = []
    drop = set(exclude)
    for path in paths:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise InputError(
                f"cannot read the tidy table ({exc}); run a full `taskstats ingest`", path=path
            ) from exc
        frames.append(restore_formulas(df[~df["district"].isin(drop)]).reset_index(drop=True))
    try:
        return typed_tables(*frames)
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(
            f"the tidy tables are damaged ({exc}); run a full `taskstats ingest`", path=out
        ) from exc


def _read_with(manifest: Manifest) -> DistrictRead:
    result = read_raw(
        manifest.raw_file,
        manifest.layout,
        manifest.encoding,
        manifest.sheet,
        manifest.table,
        trusted=lambda: trusted_names(manifest, read_table),
    )
    raw_name = manifest.raw_file.name
    if manifest.path is not None:  # name bundled files by their district folder too
        raw_name = f"{manifest.raw_file.parent.name}/{raw_name}"
    return DistrictRead(manifest, result, build_tables(result, manifest, raw_name))


def manifest_for_file(
    path: str | Path,
    district: str | None = None,
    layout: str = "auto",
    encoding: str = "auto",
    sheet: str | None = None,
    default_source: str = "unknown",
) -> Manifest:
    """A manifest for one file read without one (what ``read_table`` and ``inspect`` use)."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=path)
    if not path.is_file():
        read_input(path, limit=0)  # a FIFO, a device or a folder: it says which
    slug = district or re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "district"
    return Manifest(
        slug=slug,
        name=district or path.stem,
        raw_file=path.resolve(),
        layout=layout,
        encoding=encoding,
        sheet=sheet,
        default_source=default_source,
    )


def read_work_report(manifest: Manifest) -> tuple[pd.DataFrame, Path] | None:
    """The commitments of the district's work report, and its file, when one of its bundled
    ``documents`` is a work report (has a plan part, "……年主要工作安排"); None otherwise.

    Raises:
        InputError: A document cannot be read.
    """
    from taskstats.readers.commitments import NoPlanSection, read_commitments

    for path in manifest.documents:
        try:
            return read_commitments(path), path
        except NoPlanSection:
            continue  # a notice or another document, not a work report
    return None
