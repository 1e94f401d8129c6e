"""The ledger store: every progress report ever imported, as CSV with a columnar copy."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from taskstats import config
from taskstats.errors import ProgressError
from taskstats.io.files import atomic_paths, restore_formulas, save_csv
from taskstats.io.memory import release_memory
from taskstats.tidy.schema import LEDGER_COLUMNS, OPTIONAL_LEDGER_COLUMNS

LEDGER_FILE = "ledger.csv"
DEMO_FILE = "demo_ledger.csv"


def read_ledger(
    store_dir: str | Path | None = None,
    name: str = LEDGER_FILE,
    *,
    columns: Sequence[str] | None = None,
    districts: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The progress ledger (every report ever imported), or an empty one.

    The CSV is the record; a columnar copy written beside it (``.parquet``) is read instead
    while it matches the CSV's size and modification time.

    Args:
        columns: Read only these (``STATUS_COLUMNS`` is what the rates and lights need),
            repeated values stored once; the others come back empty. Saves memory on a large
            ledger.
        districts: Read only these districts' reports.
    """
    path = Path(store_dir or config.processed_data_dir() / "progress") / name
    if not path.exists():
        return empty_ledger()
    wanted = None if districts is None else list(districts)
    if columns:
        # A ledger written before a column existed lacks it: read without, filled below.
        columns = [c for c in columns if c not in OPTIONAL_LEDGER_COLUMNS or c in _header(path)]
    ledger = _read_columnar(path, columns, wanted)
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
            raise ProgressError(f"{path}: the progress ledger is damaged ({exc})") from exc
        if columns:
            missing = set(columns) - set(ledger.columns)
        else:
            missing = set(LEDGER_COLUMNS) - set(ledger.columns) - set(OPTIONAL_LEDGER_COLUMNS)
        if missing:
            raise ProgressError(f"{path}: the progress ledger lacks {', '.join(sorted(missing))}")
        if wanted is not None:
            ledger = ledger[ledger["district"].isin(wanted)].reset_index(drop=True)
        text = [c for c in ledger.columns if c not in _TYPED]
        ledger[text] = restore_formulas(ledger[text])  # the CSV keeps formulas as text
    for col in set(LEDGER_COLUMNS) - set(ledger.columns):
        # Columns not read: one empty category, a byte per row.
        ledger[col] = pd.Categorical.from_codes(np.zeros(len(ledger), np.int8), [""])
    return typed_ledger(ledger[LEDGER_COLUMNS])


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

    kinds = {"import_id": pa.int64(), "row": pa.int64(), "simulated": pa.string()}
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
            out[col] = out[col].fillna("").astype(str)
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
    districts: Iterable[str], store_dir: str | Path | None = None
) -> tuple[pd.DataFrame, bool]:
    """The real ledger's reports for these districts, or the simulated one when none exist.

    Returns:
        The ledger and whether it is simulated.
    """
    districts = list(districts)
    real = read_ledger(store_dir, districts=districts)
    if len(real):
        return real, False
    return read_ledger(store_dir, DEMO_FILE, districts=districts), True
