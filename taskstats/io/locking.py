"""A lock so that two ingests, imports or report runs never interleave their writes.

The lock is :mod:`filelock`'s, which uses ``fcntl`` on Linux and macOS and ``msvcrt`` on
Windows (and a lock file where neither exists), so the same code runs on every desktop.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import filelock

from taskstats.errors import WriteError


@contextlib.contextmanager
def exclusive(
    folder: str | Path, name: str = ".taskstats.lock", timeout: float = 600.0
) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder/name`` for the duration of the block.

    Waits up to ``timeout`` seconds for another holder to finish, then raises.

    Raises:
        WriteError: Another run held the lock for ``timeout`` seconds.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    lock = filelock.FileLock(str(path), timeout=timeout)
    try:
        lock.acquire(poll_interval=0.05)
    except filelock.Timeout:
        raise WriteError(
            "another taskstats run holds this lock; try again when it ends", path=path
        ) from None
    try:
        yield path
    finally:
        lock.release()
