"""Handing memory freed by a large computation back to the operating system."""

from __future__ import annotations

import functools
import sys


def release_memory() -> None:
    """Return memory freed by a large computation to the operating system.

    Arrow's pool and glibc's heap both keep freed memory for reuse; on a province-scale ledger
    that is hundreds of megabytes held after each step, so the heavy steps call this at the end.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None elsewhere (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None  # ctypes.CDLL(None) is not even allowed on Windows
    try:
        import ctypes

        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (ImportError, OSError, TypeError, AttributeError):
        return None
