"""Kept so that ``import taskstats.export`` works: see :mod:`taskstats.io.files`."""

from taskstats.io.files import (
    atomic_path,
    ensure_writable,
    file_sha256,
    neutralise_formulas,
    remove_stale_temps,
    write_csv,
    write_xlsx,
)

__all__ = [
    "atomic_path",
    "ensure_writable",
    "file_sha256",
    "neutralise_formulas",
    "remove_stale_temps",
    "write_csv",
    "write_xlsx",
]
