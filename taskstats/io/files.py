"""Writing files safely: atomic replacement, Excel-friendly CSV, formula-safe cells, hashes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from taskstats.errors import InputError, TaskstatsError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` atomically.

    If the block raises, the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def remove_stale_temps(folder: str | Path) -> list[Path]:
    """Remove temporary files left by writers that were killed; call it holding the lock."""
    removed = []
    for tmp in Path(folder).glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells starting with = + - @ are prefixed with ' so that spreadsheet
    programs show them as text instead of running them. Does not mutate the original."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def write_csv(df: pd.DataFrame, target: str | Path) -> Path:
    """Write a CSV in UTF-8 with BOM (so Excel opens Chinese text) atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        neutralise_formulas(df).to_csv(tmp, index=False, encoding="utf-8-sig")
    return target


def write_xlsx(sheets: dict[str, pd.DataFrame], target: str | Path) -> Path:
    """Write several DataFrames as sheets of one workbook, atomically."""
    target = Path(target)
    with atomic_path(target) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, df in sheets.items():
            neutralise_formulas(df).to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            ws.freeze_panes = "A2"
            for i, col in enumerate(df.columns, 1):
                width = min(
                    60,
                    max(
                        8,
                        int(df[col].astype(str).str.len().quantile(0.9) if len(df) else 8) + 2,
                        len(str(col)) + 2,
                    ),
                )
                ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    return target


def ensure_writable(folder: str | Path) -> Path:
    """Create ``folder`` if needed; raise a clear error when it cannot be written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TaskstatsError(f"{folder}: cannot create the output folder ({exc.strerror})") from exc
    if not os.access(folder, os.W_OK):
        raise TaskstatsError(f"{folder}: the output folder is not writable")
    return folder


def read_with_sha256(path: str | Path) -> tuple[bytes, str]:
    """A file's bytes and their SHA-256 (hex), read once.

    Raises:
        InputError: The file cannot be read.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=path) from exc
    return data, hashlib.sha256(data).hexdigest()


def file_sha256(path: str | Path) -> str:
    """The SHA-256 (hex) of a file's bytes."""
    return read_with_sha256(path)[1]
