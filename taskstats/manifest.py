"""Kept so that ``import taskstats.manifest`` works: see :mod:`taskstats.tidy.manifest`."""

from taskstats.tidy.manifest import (
    LAYOUTS,
    MANIFEST_NAME,
    Manifest,
    discover_manifests,
    read_manifest,
    schedule_dates,
)
from taskstats.tidy.schema import SOURCES

__all__ = [
    "LAYOUTS",
    "MANIFEST_NAME",
    "SOURCES",
    "Manifest",
    "discover_manifests",
    "read_manifest",
    "schedule_dates",
]
