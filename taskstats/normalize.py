"""Kept so that ``import taskstats.normalize`` works: see :mod:`taskstats.tidy.normalize`."""

from taskstats.tidy.normalize import *  # noqa: F403
from taskstats.tidy.normalize import __all__  # noqa: F401
