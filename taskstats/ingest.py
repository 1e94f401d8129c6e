"""Kept so that ``import taskstats.ingest`` works: see :mod:`taskstats.datasets`."""

from taskstats.datasets import (
    DistrictRead,
    load,
    manifest_for_file,
    read_district,
    read_districts,
    read_table,
    select_manifests,
    write_processed,
)

ingest = write_processed  # the name `taskstats ingest` and older code use

__all__ = [
    "DistrictRead",
    "ingest",
    "load",
    "manifest_for_file",
    "read_district",
    "read_districts",
    "read_table",
    "select_manifests",
    "write_processed",
]
