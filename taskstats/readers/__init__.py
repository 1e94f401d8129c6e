"""Readers: raw files into numbered raw tasks. A layout is found from the file's content, its
rows of cells read, and one shared interpreter (tables) or the inline one turns them into tasks.

:func:`read_raw` is the entry point; the result is a :class:`taskstats.tidy.ReadResult` that
:mod:`taskstats.tidy` turns into the tidy tables.
"""

from taskstats.io.files import max_bytes
from taskstats.readers.commitments import read_commitments
from taskstats.readers.dispatch import detect_text_layout, read_raw
from taskstats.readers.header import match_header, section_level
from taskstats.tidy.schema import INFO, WARNING, Issue, RawTask, ReadResult

__all__ = [
    "INFO",
    "WARNING",
    "Issue",
    "RawTask",
    "ReadResult",
    "detect_text_layout",
    "match_header",
    "max_bytes",
    "read_commitments",
    "read_raw",
    "section_level",
]
