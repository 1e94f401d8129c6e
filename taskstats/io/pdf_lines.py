"""A PDF table cell's text rebuilt from its characters: where a line wrapped, where it broke.

A PDF keeps no paragraphs, only lines. Between two lines of a cell the text either wrapped (the
layout engine had no room left on the line) or broke (a new paragraph: another unit, another
leader). The test is the engine's own: the next line's first unbreakable piece (a Chinese
character with the punctuation that may not be parted from it, a Latin word or number) would have
fitted in the room left on the line before, so a break there was chosen, not forced. The room is
measured against the cell's right edge less its padding, the padding being the table's (the
smallest left inset of any cell), and for a centred line against the width the cell offers.

Chinese line-breaking rules decide what is unbreakable: closing punctuation never starts a line,
opening punctuation never ends one, quotation marks stay with their neighbours, and a run of
Latin letters, digits and the signs between them (``17+1``, ``7#、8#、18#``) is one piece. A line
ending in opening punctuation, or followed by one starting with closing punctuation, wrapped.

Only a full line is left undecided by that test (the next piece could not have fitted either
way). It is read as a wrap, except in a list of units: after a line ending an organisation's
name, a line that is by itself a collective entry or the tail of a name (``指挥部各成员单位`` /
``各街道``, ``区疫情防控指挥部`` / ``办公室``) keeps its break, and the unit reader decides, as
it does for a text table (joining ``办公室`` to the name before it, saying the split was
ambiguous); and after a sentence's end, a line starting with an item number (``36.``, ``三、``,
``（二）``) is a new item.
"""

from __future__ import annotations

import itertools
import re

# Characters that never start a line (closing punctuation), and those that never end one.
NO_LINE_START = set("，。、；：？！）》」』】〕”’%,.;:?!)]}…·～")
NO_LINE_END = set("（《「『【〔“‘([{")
_QUOTES = set("“”‘’\"'")
_SENTENCE_END = set("。；;）)")
_ITEM_START = re.compile(
    r"^(\d{1,3}[.．、]|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）])"
)
# The space a layout engine adds between Chinese and Latin text (LibreOffice: a fifth of an em),
# and the slack allowed in comparing widths (rounding in the PDF's coordinates).
_AUTOSPACE = 0.2
_SLACK = 0.1
_WORD = re.compile(r"[A-Za-z0-9.%#+\-_/&@]")
_LATIN = re.compile(r"[A-Za-z0-9]")
_ORG_END = re.compile(r"(单位|部门|局|委|办|中心|街道|公司|集团|指挥部|管委会|政府|小组)$")
_LIST_ENTRY = re.compile(r"^(各\w{0,8}(单位|部门|街道|镇街|社区|委办局)|办公室|成员单位|管委会)$")


def table_padding(boxes: dict[tuple, list[dict]]) -> float:
    """A table's cell padding: the smallest inset of a cell's text from its left edge."""
    insets = [min(c["x0"] for c in cs) - b[0] for b, cs in boxes.items() if _visible(cs)]
    return max(0.0, min(insets, default=0.0))


def cell_text(chars: list[dict], left: float, right: float, padding: float) -> str:
    """The text of one cell from its characters (spaces included), lines joined where wrapped.

    Args:
        chars: The cell's characters, pdfplumber's dicts (``text``, ``x0``, ``x1``, ``top``,
            ``size``); spaces count where the PDF has them.
        left: The cell box's left edge.
        right: The cell box's right edge.
        padding: The table's cell padding (:func:`table_padding`).
    """
    lines = _lines(chars)
    if not lines:
        return ""
    limit = right - padding
    avail = max(limit - (left + padding), max(_x1(ln) - ln[0]["x0"] for ln in lines))
    out = _line_text(lines[0])
    for i in range(1, len(lines)):
        before, after = lines[i - 1], lines[i]
        out += _joint(before, lines[i:], limit, avail, left + padding) + _line_text(after)
    return out


def running_text(pages: list[list[dict]]) -> str:
    """The text of pages without tables, wrapped lines joined as in a cell, across pages too.

    The text block's edges are the leftmost start and rightmost end of its lines. A line
    followed by a gap of more than half a line again is a paragraph's end; a gap of two
    characters and a half or more inside a line (columns laid out without rules) becomes a
    tab, and such a line is a row of its own.
    """
    lines: list[list[dict]] = []
    gaps: list[bool] = []  # whether a wide gap comes before each line
    for chars in pages:
        own = _lines(chars)
        pitches = sorted(b[0]["top"] - a[0]["top"] for a, b in itertools.pairwise(own))
        pitch = pitches[len(pitches) // 2] if pitches else 0.0
        for k, line in enumerate(own):
            wide = k > 0 and pitch > 0 and line[0]["top"] - own[k - 1][0]["top"] > 1.5 * pitch
            lines.append(line)
            gaps.append(wide)
    if not lines:
        return ""
    start = min(ln[0]["x0"] for ln in lines)
    limit = max(_x1(ln) for ln in lines)
    texts = [_line_text(ln, tabs=True) for ln in lines]
    out = texts[0]
    for i in range(1, len(lines)):
        if gaps[i] or "\t" in texts[i - 1] or "\t" in texts[i]:
            out += "\n" + texts[i]  # a paragraph's end, or a row of columns
        else:
            out += _joint(lines[i - 1], lines[i:], limit, limit - start, start) + texts[i]
    return out


def _visible(chars: list[dict]) -> bool:
    return any(c["text"].strip() for c in chars)


def _lines(chars: list[dict]) -> list[list[dict]]:
    """The cell's characters by line, each line without its leading and trailing spaces."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= ch["size"] * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        while line and not line[-1]["text"].strip():
            line.pop()
        while line and not line[0]["text"].strip():
            line.pop(0)
        if line:
            out.append(line)
    return out


def _x1(line: list[dict]) -> float:
    return line[-1]["x1"]


def _line_text(line: list[dict], tabs: bool = False) -> str:
    """A line's text; a gap of a quarter character between glyphs where the PDF drew no space
    is a space, and with ``tabs`` a gap of a character and a half or more a tab."""
    text = line[0]["text"]
    run, pending = line[0], ""  # the last glyph, and the spaces drawn after it
    for a, b in itertools.pairwise(line):
        if not b["text"].strip():
            pending += b["text"]
            continue
        if tabs and b["x0"] - run["x1"] >= 1.5 * b["size"]:
            text += "\t"
        elif pending:
            text += pending
        elif b["x0"] - a["x1"] > a["size"] * 0.25:
            text += " "
        text += b["text"]
        run, pending = b, ""
    return text


def _joint(
    before: list[dict], after: list[list[dict]], limit: float, avail: float, start: float
) -> str:
    """What joins a line to the next: a line break, nothing (a wrap), or a space (a wrap
    between two Latin words). ``after`` is the next line and those below it."""
    last, first = before[-1]["text"], after[0][0]["text"]
    if last in NO_LINE_END or first in NO_LINE_START:
        return ""
    piece = _first_piece(after)
    centred = abs(_centre(before) - (start + limit) / 2) < 1 and before[0]["x0"] - start > 1
    room = avail - (_x1(before) - before[0]["x0"]) if centred else limit - _x1(before)
    if _LATIN.match(last) != _LATIN.match(first):
        piece += _AUTOSPACE * after[0][0]["size"]
    if room + _SLACK >= piece:
        return "\n"
    if _ORG_END.search(_line_text(before)) and _LIST_ENTRY.match(_line_text(after[0])):
        return "\n"
    if last in _SENTENCE_END and _ITEM_START.match(_line_text(after[0])):
        return "\n"
    latin = _LATIN.match(last) and _LATIN.match(first)
    return " " if latin and piece <= avail else ""


def _centre(line: list[dict]) -> float:
    return (line[0]["x0"] + _x1(line)) / 2


def _first_piece(lines: list[list[dict]]) -> float:
    """The width of what must start a line: up to the first place a line may break.

    The piece may run on over the following lines when the engine had to break it (it was
    wider than the cell).
    """
    width = 0.0
    previous = None
    for line in lines:
        for k, ch in enumerate(line):
            if previous is not None and (
                not ch["text"].strip() or not _glued(previous["text"], ch["text"])
            ):
                return width + (previous["x1"] - line[0]["x0"] if k else 0.0)
            previous = ch
        width += _x1(line) - line[0]["x0"]
    return width


def _glued(a: str, b: str) -> bool:
    """Whether a line may not break between ``a`` and ``b``."""
    if a in NO_LINE_END or b in NO_LINE_START or a in _QUOTES or b in _QUOTES:
        return True
    if _WORD.match(a) and _WORD.match(b):
        return True
    if a == b and a in "—…":
        return True
    # Punctuation before Latin text, as in 上，PM2.5 or 7#、8#: LibreOffice keeps them together.
    return a in NO_LINE_START and bool(_WORD.match(b))
