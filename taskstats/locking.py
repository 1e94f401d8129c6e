"""Kept so that ``import taskstats.locking`` works: see :mod:`taskstats.io.locking`."""

from taskstats.io.locking import exclusive

__all__ = ["exclusive"]
