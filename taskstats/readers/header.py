"""Header rows: which field each cell of a header names."""

from __future__ import annotations

from taskstats.io.grid import Row
from taskstats.tidy.normalize import fold
from taskstats.tidy.vocabulary import HEADER_FIELDS, SECTION_1, SECTION_2

__all__ = ["find_header", "header_field", "match_header", "section_level"]


def header_field(cell: str, fields: dict[str, tuple[str, ...]] = HEADER_FIELDS) -> str | None:
    """The field a header cell names: an exact synonym, else the longest synonym it contains
    (with at most six characters around it); None when it names none.

    Args:
        cell: The header cell's text.
        fields: Field name to its synonyms, most specific first (task tables by default;
            progress sheets pass their own).
    """
    word = fold(cell).lower()
    if not word:
        return None
    for name, synonyms in fields.items():
        if word in synonyms:
            return name
    best: tuple[int, str] | None = None
    for name, synonyms in fields.items():
        for syn in synonyms:
            fits = len(syn) >= 2 and syn in word and len(word) <= len(syn) + 6
            if fits and (best is None or len(syn) > best[0]):
                best = (len(syn), name)
    return best[1] if best else None


def match_header(cells: list[str]) -> list[str | None] | None:
    """The fields of a header row, one per cell, or None if the row is not a header."""
    fields = [header_field(c) for c in cells]
    found = [f for f in fields if f]
    if len(set(found)) < 2 or len(found) != len(set(found)):
        return None
    if "number" not in found and len(set(found)) < 3:
        return None
    if not {"text", "lead", "units", "leader"} & set(found):
        return None
    return fields


def find_header(
    rows: list[Row], fields: dict[str, tuple[str, ...]], required: set[str], *, within: int = 20
) -> tuple[int, dict[str, int] | None]:
    """The first of the first ``within`` rows naming every ``required`` field.

    Returns:
        The row's position in ``rows`` and each field's column (its first cell), or
        ``(0, None)`` when no row qualifies.
    """
    for i, row in enumerate(rows[:within]):
        columns: dict[str, int] = {}
        for j, cell in enumerate(row.cells):
            name = header_field(cell, fields)
            if name and name not in columns:
                columns[name] = j
        if required <= set(columns):
            return i, columns
    return 0, None


def section_level(title: str) -> int | None:
    """1 for ``一、…``, 2 for ``（一）…``, None when the text is not a section heading."""
    if SECTION_1.match(title):
        return 1
    if SECTION_2.match(title):
        return 2
    return None
