"""Writing files safely: atomic replacement of one file or a set, Excel-friendly CSV,
formula-safe cells, bounded reads of input files, hashes."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from taskstats.errors import InputError, WriteError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
DEFAULT_MAX_BYTES = 20_000_000
_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


@contextlib.contextmanager
def atomic_paths(targets: Sequence[str | Path]) -> Iterator[list[Path]]:
    """Yield temporary paths beside ``targets``; they replace the targets together on success.

    Every temporary file is written and flushed to disk before the first target is replaced,
    so a full disk or an error in the block leaves every previous target as it was (the set is
    replaced together or not at all). Renames need no space.

    Raises:
        WriteError: The disk is full or a folder is not writable; names the file.
    """
    targets = [Path(t) for t in targets]
    temps: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            temps.append(Path(tmp))
        yield list(temps)
        mode = 0o666 & ~_umask()
        for tmp in temps:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
        for tmp, target in zip(temps, targets, strict=True):
            os.replace(tmp, target)
    except OSError as exc:
        raise write_error(exc, targets[len(temps) - 1] if temps else targets[0]) from exc
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` atomically.

    If the block raises, the temporary file is removed and ``target`` is left as it was.

    Raises:
        WriteError: The disk is full or the folder is not writable.
    """
    with atomic_paths([target]) as temps:
        yield temps[0]


def write_error(exc: OSError, target: str | Path) -> WriteError:
    """The project's error for an operating-system error met while writing ``target``."""
    target = Path(target)
    if exc.errno in _NO_SPACE:
        return WriteError(
            f"no space left on the disk holding {target.parent} (writing {target.name}); free "
            "some space and run again: the previous files are unchanged"
        )
    return WriteError(
        f"cannot write {target} ({exc.strerror or exc}); the previous files are unchanged"
    )


def remove_stale_temps(folder: str | Path) -> list[Path]:
    """Remove temporary files left by writers that were killed; call it holding the lock."""
    removed = []
    for tmp in Path(folder).glob(".*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _neutral(value: object) -> object:
    if isinstance(value, str) and value.startswith((*_FORMULA_START, _QUOTE)):
        return _QUOTE + value
    return value


def _restored(value: object) -> object:
    if isinstance(value, str) and value.startswith(_QUOTE):
        return value[1:]
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells starting with = + - @ are prefixed with ' so that spreadsheet
    programs show them as text instead of running them. Does not mutate the original.

    A text already starting with ' gets one more, so :func:`restore_formulas` gives back
    exactly what was written (``=SUM(A1)`` ↔ ``'=SUM(A1)``, ``'x`` ↔ ``''x``).
    """
    out = df.copy()
    for col in out.columns:
        out[col] = _map_text(out[col], _neutral)
    return out


def restore_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`neutralise_formulas`: one leading ' removed from text cells.

    Does not mutate the original.
    """
    out = df.copy()
    for col in out.columns:
        out[col] = _map_text(out[col], _restored)
    return out


def _map_text(series: pd.Series, func) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.rename_categories([func(c) for c in series.cat.categories])
    if pd.api.types.is_string_dtype(series) or series.dtype == object:
        return series.map(func)
    return series


def save_csv(df: pd.DataFrame, path: str | Path, encoding: str = "utf-8-sig") -> None:
    """Write a CSV (UTF-8 with BOM by default, so Excel opens Chinese text), formulas
    neutralised, to ``path`` directly (inside :func:`atomic_paths`)."""
    neutralise_formulas(df).to_csv(path, index=False, encoding=encoding)


def write_csv(df: pd.DataFrame, target: str | Path) -> Path:
    """Write a CSV in UTF-8 with BOM (so Excel opens Chinese text) atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        save_csv(df, tmp)
    return target


def save_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> None:
    """Write DataFrames as sheets of one workbook to ``path`` directly, formulas neutralised."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, df in sheets.items():
            neutralise_formulas(df).to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            ws.freeze_panes = "A2"
            for i, col in enumerate(df.columns, 1):
                width = min(
                    60,
                    max(
                        8,
                        int(df[col].astype(str).str.len().fillna(0).quantile(0.9) if len(df) else 8)
                        + 2,
                        len(str(col)) + 2,
                    ),
                )
                ws.column_dimensions[ws.cell(1, i).column_letter].width = width


def write_xlsx(sheets: dict[str, pd.DataFrame], target: str | Path) -> Path:
    """Write several DataFrames as sheets of one workbook, atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        save_xlsx(sheets, tmp)
    return target


def ensure_writable(folder: str | Path) -> Path:
    """Create ``folder`` if needed; raise a clear error when it cannot be written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(
            f"cannot create the output folder ({exc.strerror}); choose another or fix its "
            "permissions",
            path=folder,
        ) from exc
    if not os.access(folder, os.W_OK):
        raise WriteError(
            "the output folder is not writable; choose another or fix its permissions",
            path=folder,
        )
    return folder


def max_bytes() -> int:
    """The largest input file read (``TASKSTATS_MAX_BYTES``, default 20 MB)."""
    try:
        return int(os.environ.get("TASKSTATS_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def read_input(path: str | Path, limit: int | None = None) -> bytes:
    """An input file's bytes, after checking it is a regular file within the size limit.

    A FIFO, a device (``/dev/zero``, also through a symlink) or a folder is refused before it
    is opened, so nothing waits for input that cannot arrive; a file larger than ``limit``
    (default :func:`max_bytes`) is refused before it is read, and at most ``limit`` bytes are
    ever read (a file that grows meanwhile is refused too).

    Raises:
        InputError: Not a regular file, too large, or unreadable.
    """
    path = Path(path)
    limit = max_bytes() if limit is None else limit
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "a folder"
                if stat.S_ISDIR(info.st_mode)
                else "a pipe (FIFO)"
                if stat.S_ISFIFO(info.st_mode)
                else "a device or socket"
            )
            raise InputError(
                f"this is {kind}, not a regular file; give the table or sheet file itself",
                path=path,
            )
        if info.st_size > limit:
            raise _too_large(path, info.st_size, limit)
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    if len(data) > limit:
        raise _too_large(path, len(data), limit)
    return data


def _too_large(path: Path, size: int, limit: int) -> InputError:
    return InputError(
        f"the file is {size / 1e6:.1f} MB; taskstats reads tables up to {limit / 1e6:.0f} MB "
        "(a decomposition table is rarely over 1 MB). Check it is the right file, or raise "
        "TASKSTATS_MAX_BYTES",
        path=path,
    )


def read_with_sha256(path: str | Path) -> tuple[bytes, str]:
    """A file's bytes and their SHA-256 (hex), read once, with :func:`read_input`'s checks.

    Raises:
        InputError: The file cannot be read, is not a regular file, or is too large.
    """
    data = read_input(path)
    return data, hashlib.sha256(data).hexdigest()


def file_sha256(path: str | Path) -> str:
    """The SHA-256 (hex) of a regular file's bytes, read in chunks (no size limit).

    Raises:
        InputError: Not a regular file, or unreadable.
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise InputError("not a regular file; cannot take its hash", path=path)
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
