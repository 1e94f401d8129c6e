"""Kept so that ``import taskstats.metrics`` works: see :mod:`taskstats.measures`."""

from taskstats.measures import *  # noqa: F403
from taskstats.measures import __all__  # noqa: F401
