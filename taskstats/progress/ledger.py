"""The ledger store: every progress report ever imported, as CSV with a columnar copy."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from taskstats import config
from taskstats.errors import Problem, ProgressError
from taskstats.io.files import atomic_paths, restore_formulas, save_csv
from taskstats.io.memory import release_memory
from taskstats.tidy.dates import parse_date
from taskstats.tidy.schema import LEDGER_COLUMNS, OPTIONAL_LEDGER_COLUMNS, STATUSES

LEDGER_FILE = "ledger.csv"
DEMO_FILE = "demo_ledger.csv"


def read_ledger(
    store_dir: str | Path | None = None,
    name: str = LEDGER_FILE,
    *,
    columns: Sequence[str] | None = None,
    districts: Iterable[str] | None = None,
    skip_bad_rows: bool = False,
) -> pd.DataFrame:
    """The progress ledger (every report ever imported), or an empty one.

    The CSV is the record; a columnar copy written beside it (``.parquet``) is read instead
    while it matches the CSV's size and modification time. Read from the CSV, every row is
    checked (:func:`check_ledger`): numbers, dates (in any form Excel writes, stored back as
    2020-06-30), status and district; nothing that does not parse is dropped in silence.

    Args:
        columns: Read only these (``STATUS_COLUMNS`` is what the rates and lights need),
            repeated values stored once; the others come back empty. Saves memory on a large
            ledger.
        districts: Read only these districts' reports.
        skip_bad_rows: Leave out the rows that do not parse instead of refusing the ledger;
            their number is in ``ledger.attrs["skipped_rows"]``.

    Raises:
        ProgressError: The ledger cannot be read, is damaged, or has rows that do not parse
            (each named in ``problems`` with its line and column).
    """
    path = Path(store_dir or config.processed_data_dir() / "progress") / name
    try:
        if not path.exists():
            return empty_ledger()
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    wanted = None if districts is None else list(districts)
    if columns:
        # A ledger written before a column existed lacks it: read without, filled below.
        columns = [c for c in columns if c not in OPTIONAL_LEDGER_COLUMNS or c in _header(path)]
    ledger = _read_columnar(path, columns, wanted)
    skipped = 0
    if ledger is None:
        try:
            ledger = (
                _read_compact(path, columns)
                if columns
                else pd.read_csv(
                    path, dtype=str, keep_default_na=False, encoding="utf-8", engine="pyarrow"
                )
            )
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raise ProgressError(f"the progress ledger is damaged ({exc})", path=path) from exc
        except OSError as exc:
            raise _unreadable(path, exc) from exc
        if columns:
            missing = set(columns) - set(ledger.columns)
        else:
            missing = set(LEDGER_COLUMNS) - set(ledger.columns) - set(OPTIONAL_LEDGER_COLUMNS)
        if missing:
            raise ProgressError(
                f"the progress ledger lacks {', '.join(sorted(missing))}", path=path
            )
        ledger, bad, problems = check_ledger(ledger, path)
        if problems and not skip_bad_rows:
            raise _bad_rows(path, problems)
        if problems:
            skipped = int(bad.sum())
            ledger = ledger[~bad].reset_index(drop=True)
        if wanted is not None:
            ledger = ledger[ledger["district"].isin(wanted)].reset_index(drop=True)
        text = [c for c in ledger.columns if c not in _TYPED]
        ledger[text] = restore_formulas(ledger[text])  # the CSV keeps formulas as text
    for col in set(LEDGER_COLUMNS) - set(ledger.columns):
        # Columns not read: one empty category, a byte per row.
        ledger[col] = pd.Categorical.from_codes(np.zeros(len(ledger), np.int8), [""])
    out = typed_ledger(ledger[LEDGER_COLUMNS])
    out.attrs["skipped_rows"] = skipped
    return out


def check_ledger(ledger: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, pd.Series, list[Problem]]:
    """Every cell of a ledger read as text that does not parse, with its line and column.

    Checked: ``import_id`` and ``row`` are whole numbers; ``milestone`` (required) and
    ``reported_on`` (may be empty) are dates in a form Excel writes (2020/6/30, 2020年6月30日,
    a serial number …), rewritten as 2020-06-30; ``status`` is one of the four states;
    ``district`` is a district slug. Only the columns present are checked.

    Returns:
        The ledger with its dates rewritten, which rows are bad, and one problem per bad cell.
    """
    out = ledger.copy()
    # (record index, column, problem code, value, params)
    bad_cells: list[tuple[int, str, str, str, dict]] = []

    def flag(column: str, mask, code: str, **params) -> None:
        for index in np.flatnonzero(np.asarray(mask, dtype=bool)):
            bad_cells.append((int(index), column, code, str(out[column].iloc[index]), params))

    for column in ("import_id", "row"):
        if column in out.columns and out[column].dtype != np.int64:
            text = out[column].astype(str).str.strip()
            flag(column, ~text.str.fullmatch(r"[0-9]+"), "not_whole_number")
    for column in ("milestone", "reported_on"):
        if column in out.columns:
            out[column], problems = _dates(out[column], required=column == "milestone")
            for index, value, detail in problems:
                code = "not_a_date" if value else "missing_date"
                bad_cells.append((index, column, code, value, {"detail": detail}))
    if "status" in out.columns:
        allowed = list(STATUSES)
        flag(
            "status",
            ~out["status"].astype(str).isin(allowed),
            "bad_status",
            choices=", ".join(allowed),
        )
    if "district" in out.columns:
        flag(
            "district",
            ~out["district"].astype(str).str.fullmatch(r"[a-z0-9][a-z0-9-]*"),
            "not_a_slug",
        )
    bad = pd.Series(np.zeros(len(out), bool), index=out.index)
    if not bad_cells:
        return out, bad, []
    bad.iloc[sorted({cell[0] for cell in bad_cells})] = True
    lines, header = _record_lines(path)
    problems = [
        Problem(
            code,
            path=path,
            line=lines[index] if index < len(lines) else None,
            column=_column_name(column, header),
            value=value,
            params=params,
        )
        for index, column, code, value, params in sorted(
            bad_cells, key=lambda c: (c[0], header.index(c[1]) if c[1] in header else 0)
        )
    ]
    return out, bad, problems


def _dates(values: pd.Series, *, required: bool) -> tuple[pd.Series, list[tuple[int, str, str]]]:
    """A date column as 2020-06-30 text, and the (record index, value, reason) of each that is
    not."""
    text = values.astype(str)
    iso: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for value in text.unique():
        if value == "" and not required:
            iso[value] = ""
            continue
        try:
            iso[value] = parse_date(value).isoformat()
        except ValueError as exc:
            reasons[value] = "a date is required here" if value == "" else str(exc)
            iso[value] = value
    problems = []
    if reasons:
        mask = text.isin(list(reasons))
        problems = [
            (int(i), text.iloc[i], reasons[text.iloc[i]]) for i in np.flatnonzero(mask.to_numpy())
        ]
    converted = text.map(iso)
    if isinstance(values.dtype, pd.CategoricalDtype):
        converted = converted.astype("category")
    return converted, problems


def _record_lines(path: Path) -> tuple[list[int], list[str]]:
    """The line each CSV record starts on (a quoted cell may hold line breaks), and the header."""
    starts: list[int] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        previous = reader.line_num
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    return starts, header


def _column_name(column: str, header: list[str]) -> str:
    if column not in header:
        return column
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(header.index(column) + 1)} ({column})"


def _bad_rows(path: Path, problems: list[Problem]) -> ProgressError:
    shown = 20
    listed = "\n".join(f"  {p}" for p in problems[:shown])
    more = f"\n  … and {len(problems) - shown} more" if len(problems) > shown else ""
    rows = len({p.line for p in problems})
    return ProgressError(
        f"{len(problems)} cell(s) in {rows} row(s) of the progress ledger do not parse; "
        "correct them (dates as 2020-06-30), or pass --skip-bad-rows to leave those rows "
        f"out and count them:\n{listed}{more}",
        path=path,
        problems=problems,
    )


def _unreadable(path: Path, exc: OSError) -> ProgressError:
    return ProgressError(
        f"cannot read the progress ledger ({exc.strerror or exc}); check the permissions of "
        "the file and its folder",
        path=path,
    )


_COLUMNAR_STAMP = b"taskstats.ledger"


def _header(path: Path) -> list[str]:
    """The ledger CSV's column names."""
    with path.open(encoding="utf-8-sig") as f:
        return f.readline().strip().split(",")


def _columnar_path(path: Path) -> Path:
    return path.with_suffix(".parquet")


def _stamp(path: Path) -> bytes:
    stat = path.stat()
    return json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}).encode()


def _read_columnar(
    path: Path, columns: Sequence[str] | None, districts: list[str] | None
) -> pd.DataFrame | None:
    """The ledger from its columnar copy; None when there is none or it is not current."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = _columnar_path(path)
    if not copy.exists():
        return None
    try:
        if (pq.read_schema(copy).metadata or {}).get(_COLUMNAR_STAMP) != _stamp(path):
            return None
        names = list(columns or LEDGER_COLUMNS)
        table = pq.read_table(
            copy,
            columns=names,
            read_dictionary=[c for c in names if c not in _TYPED] if columns else None,
            filters=[("district", "in", districts)] if districts is not None else None,
        )
    except (pa.ArrowException, OSError, ValueError, KeyError):
        return None  # a damaged or foreign copy: the CSV is read instead
    return _to_pandas(table)


def _to_pandas(table) -> pd.DataFrame:
    """An Arrow table as a DataFrame, handing the decoding buffers back to the system."""
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    release_memory()
    return frame


_TYPED = ("import_id", "row", "simulated")


def _read_compact(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Some ledger columns, repeated values stored once (dictionary-encoded while parsing)."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    # import_id and row as text: check_ledger names a bad number with its line
    kinds = {"import_id": pa.string(), "row": pa.string(), "simulated": pa.string()}
    types = {c: kinds.get(c, pa.dictionary(pa.int32(), pa.string())) for c in columns}
    try:
        table = pa_csv.read_csv(
            path,
            convert_options=pa_csv.ConvertOptions(
                include_columns=list(columns), column_types=types, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, KeyError) as exc:
        raise ValueError(str(exc)) from exc
    return _to_pandas(table)


def empty_ledger() -> pd.DataFrame:
    return typed_ledger(pd.DataFrame({c: pd.Series(dtype=str) for c in LEDGER_COLUMNS}))


def typed_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    out = ledger.copy()
    for col in ("import_id", "row"):
        if out[col].dtype != np.int64:
            out[col] = pd.to_numeric(out[col]).astype("int64")
    if out["simulated"].dtype != bool:
        out["simulated"] = out["simulated"].astype(str).str.lower().isin(["true", "1"])
    for col in set(LEDGER_COLUMNS) - set(_TYPED):
        if not isinstance(out[col].dtype, pd.CategoricalDtype | pd.StringDtype):
            out[col] = out[col].astype("string").fillna("").astype(str)
    return out


def write_ledger(ledger: pd.DataFrame, target: Path) -> None:
    """The ledger as CSV (the record), and its columnar copy stamped with the CSV's state.

    Text that a spreadsheet would run (``=HYPERLINK(…)``, ``+1``, ``@x``) is stored with a
    leading ``'`` (:func:`~taskstats.io.files.neutralise_formulas`) and read back without it.
    Both files are replaced together, or neither (a full disk leaves the ledger as it was).

    Raises:
        WriteError: The disk is full or the store is not writable.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    plain = typed_ledger(ledger[LEDGER_COLUMNS])
    plain = plain.astype({c: str for c in LEDGER_COLUMNS if c not in _TYPED})
    with atomic_paths([target, _columnar_path(target)]) as (csv_tmp, columnar_tmp):
        save_csv(ledger, csv_tmp, encoding="utf-8")
        table = pa.Table.from_pandas(plain, preserve_index=False)
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), _COLUMNAR_STAMP: _stamp(csv_tmp)}
        )
        pq.write_table(table, columnar_tmp)


def ledger_for(
    districts: Iterable[str], store_dir: str | Path | None = None, *, skip_bad_rows: bool = False
) -> tuple[pd.DataFrame, bool]:
    """The real ledger's reports for these districts, or the simulated one when none exist.

    Args:
        skip_bad_rows: See :func:`read_ledger`.

    Returns:
        The ledger and whether it is simulated.
    """
    districts = list(districts)
    real = read_ledger(store_dir, districts=districts, skip_bad_rows=skip_bad_rows)
    if len(real) or real.attrs.get("skipped_rows"):
        return real, False
    return read_ledger(store_dir, DEMO_FILE, districts=districts, skip_bad_rows=skip_bad_rows), True
