"""A PDF's budget: its streams checked before parsing, each page laid out against its limits.

A PDF is a program: 7 KB of nested form XObjects draw 2^30 times, 2 KB of content show half a
million characters, a Flate stream of a few MB inflates to a gigabyte. So the compressed streams
are inflated once, bounded, before pdfminer parses anything (:func:`check_streams`), and each
page is laid out by an interpreter that counts the operators it runs (those of nested forms
included) and the characters it draws (:func:`lay_out`), refusing the page at its limit.
pdfminer's own log lines are silenced (:func:`quiet_pdfminer`): its warnings about a damaged
file are ours to say, once, as an error.
"""

from __future__ import annotations

import logging
import re
import zlib
from pathlib import Path

from taskstats.io.budget import Budget

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_CHUNK = 1 << 20


def quiet_pdfminer() -> None:
    """Keep pdfminer's and pdfplumber's log lines off the terminal (idempotent)."""
    for name in ("pdfminer", "pdfplumber"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False


def check_streams(path: str | Path, data: bytes, budget: Budget) -> None:
    """Refuse a PDF holding a compressed stream that inflates beyond ``stream_bytes``.

    Each ``stream`` is inflated in chunks, keeping nothing, until its end or the limit; a stream
    that is not zlib data (images, other filters) is passed over.

    Raises:
        InputError: A stream inflates beyond the budget.
    """
    limit = budget.stream_bytes
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        start, size = match.end(), 0
        try:
            chunk = inflater.decompress(data[start : start + _CHUNK], _CHUNK)
            position = start + _CHUNK
            while True:
                size += len(chunk)
                if size > limit:
                    raise budget.refusal(path, "stream_bytes", "bytes in one stream inflated")
                if inflater.eof:
                    break
                if inflater.unconsumed_tail:
                    chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
                elif position < len(data):
                    chunk = inflater.decompress(data[position : position + _CHUNK], _CHUNK)
                    position += _CHUNK
                else:
                    break
        except zlib.error:
            continue


def lay_out(page, budget: Budget, path: str | Path, name: str) -> None:
    """Lay a pdfplumber page out within the page budget, so its ``chars`` cost no more.

    Raises:
        InputError: The page runs more operators or draws more characters than its limits.
    """
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    counter = _Counter(path, budget, name)

    class Device(PDFPageAggregatorWithMarkedContent):
        def render_char(self, *args, **kwargs):
            counter.char()
            return super().render_char(*args, **kwargs)

    class Interpreter(PDFPageInterpreter):
        def __getattribute__(self, attr: str):
            if attr.startswith("do_"):  # looked up twice for each operator it runs
                counter.operator(attr == "do_Do")
            return object.__getattribute__(self, attr)

    device = Device(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    Interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()  # what pdfplumber's page.layout caches


class _Counter:
    def __init__(self, path: str | Path, budget: Budget, name: str) -> None:
        self.path, self.budget, self.name = path, budget, name
        self.lookups = self.chars = self.draws = 0

    def operator(self, draws_object: bool = False) -> None:
        """One lookup of an operator (two for each it runs); ``Do`` draws an XObject."""
        self.lookups += 1
        if self.lookups > 2 * self.budget.page_operators:
            raise self.budget.refusal(
                self.path, "page_operators", f"drawing operators on {self.name} (forms included)"
            )
        if draws_object:
            self.draws += 1
            if self.draws > 2 * self.budget.page_objects:
                raise self.budget.refusal(
                    self.path, "page_objects", f"forms and images drawn on {self.name} (nested)"
                )

    def char(self) -> None:
        self.chars += 1
        if self.chars > self.budget.page_chars:
            raise self.budget.refusal(self.path, "page_chars", f"characters on {self.name}")
