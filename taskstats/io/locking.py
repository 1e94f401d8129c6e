"""A lock so that two ingests, imports or report runs never interleave their writes."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from taskstats.errors import TaskstatsError


@contextlib.contextmanager
def exclusive(
    folder: str | Path, name: str = ".taskstats.lock", timeout: float = 600.0
) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder/name`` for the duration of the block.

    Waits up to ``timeout`` seconds for another holder to finish, then raises.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TaskstatsError(
                        f"{path}: another taskstats run holds this lock; try again when it ends"
                    ) from None
                time.sleep(0.05)
        yield path
    finally:
        os.close(fd)
