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
    path = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(path), timeout=timeout)
        lock.acquire(poll_interval=0.05)
    except filelock.Timeout:
        raise WriteError(
            "another taskstats run holds this lock; try again when it ends", path=path
        ) from None
    except OSError as exc:  # a read-only store or folder
        raise WriteError(
            f"cannot take the lock in this folder ({exc.strerror or exc}); the folder must be "
            "writable: fix its permissions or choose another",
            path=path,
        ) from exc
    try:
        yield path
    finally:
        lock.release()
