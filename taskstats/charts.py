"""Kept so that ``import taskstats.charts`` works: see :mod:`taskstats.report.charts`."""

from taskstats.report.charts import *  # noqa: F403
from taskstats.report.charts import __all__  # noqa: F401
