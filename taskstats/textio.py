"""Kept so that ``import taskstats.textio`` works: see :mod:`taskstats.io.text`."""

from taskstats.io.text import AUTO_ENCODINGS, decode_bytes, read_text

__all__ = ["AUTO_ENCODINGS", "decode_bytes", "read_text"]
