"""Kept so that ``import taskstats.explore`` works: see :mod:`taskstats.report.explore`."""

from taskstats.report.explore import ALL, explorer, filter_tables

__all__ = ["ALL", "explorer", "filter_tables"]
