"""Legacy Word documents (.doc, and WPS's .wps written as Word binaries) read without LibreOffice:
the text stream with its table marks, as [MS-DOC] lays them out.

LibreOffice stays the first choice (:mod:`taskstats.io.convert`); this reader is for a
document LibreOffice opens as paragraphs with the cells run together. The compound file is
opened with ``olefile``; the main document's characters are gathered from the piece table
(``Clx``), and the paragraph properties (``PlcBtePapx`` and its FKP pages) say which paragraphs
are in a table and which mark a row's end. A cell ends with ``\\x07``; a row ends with a
paragraph of its own whose ``\\x07`` carries ``sprmPFTtp``. Field codes are left out (their
results kept); macros are never read.
"""

from __future__ import annotations

import bisect
import io
import struct
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.grid import Row, Sheet

_CLX = 33  # fcClx's place among FibRgFcLcb97's (fc, lcb) pairs
_BTE_PAPX = 13  # fcPlcfBtePapx's
_BTE_CHPX = 12  # fcPlcfBteChpx's
_VANISH = 0x083C  # sprmCFVanish: hidden text
_IN_TABLE, _TTP, _ITAP = 0x2416, 0x2417, 0x6649
_INNER_CELL, _INNER_TTP = 0x244B, 0x244C  # a nested table's cell and row ends
_TDEF_TABLE = 0xD608
_SPRM_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
# Characters of the text stream and what a reader sees of them.
_SPECIAL = {"\x0b": "\n", "\x0c": "\n", "\x1e": "-", "\x1f": "", "\x01": "", "\x08": ""}


def read_msdoc(
    path: str | Path, data: bytes, notes: list[str] | None = None
) -> tuple[list[Sheet], str]:
    """The tables and the text of a Word 97–2003 binary document.

    Args:
        path: The file, for messages.
        data: Its bytes (an OLE2 compound file holding a ``WordDocument`` stream).
        notes: When given, hidden text left out (``sprmCFVanish``) is said here.

    Returns:
        As :func:`taskstats.io.docx.read_docx`: the tables in document order (sheets named
        ``table N``, rows numbered within the table) and the text outside tables, one
        paragraph per line.

    Raises:
        InputError: Not a Word binary, encrypted, or its structures are damaged.
    """
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            word = ole.openstream("WordDocument").read()
            flags = struct.unpack_from("<H", word, 0x0A)[0]
            if flags & 0x0100:
                raise InputError(
                    "this Word document is password-protected; remove the password and save "
                    "it as .docx",
                    path=path,
                )
            table_name = "1Table" if flags & 0x0200 else "0Table"
            table = ole.openstream(table_name).read()
            chars, fcs = _main_text(word, table)
            paragraphs = _paragraph_marks(word, table)
            hidden = _hidden_runs(word, table)
    except InputError:
        raise
    except (OSError, struct.error, ValueError, IndexError, KeyError) as exc:
        raise InputError(
            f"not a readable Word 97–2003 document ({type(exc).__name__}: {exc}); open it in "
            "Word or WPS and save it as .docx",
            path=path,
        ) from exc
    shown = [
        ch if ch in "\r\x07" or not _inside(hidden, fc) else ""
        for ch, fc in zip(chars, fcs, strict=True)
    ]
    left_out = sum(1 for ch, kept in zip(chars, shown, strict=True) if ch and not kept)
    if left_out and notes is not None:
        notes.append(f"{left_out} character(s) of hidden text (Word's hidden font) left out")
    return _layout(shown, fcs, paragraphs)


def _hidden_runs(word: bytes, table: bytes) -> list[tuple[int, int]]:
    """The FC ranges of character runs whose properties hide them, sorted."""
    fc, lcb = _fib_pair(word, _BTE_CHPX)
    n = (lcb - 4) // 8
    pns = struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1)) if n > 0 else ()
    ranges = []
    for pn in pns:
        page = word[(pn & 0x3FFFFF) * 512 : (pn & 0x3FFFFF) * 512 + 512]
        if len(page) < 512:
            continue
        crun = page[511]
        rgfc = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for i in range(crun):
            offset = page[4 * (crun + 1) + i] * 2
            if not offset:
                continue
            grpprl = page[offset + 1 : offset + 1 + page[offset]]
            if _sprms(grpprl).get(_VANISH) in (1, 0x81):
                ranges.append((rgfc[i], rgfc[i + 1]))
    return sorted(ranges)


def _inside(ranges: list[tuple[int, int]], fc: int) -> bool:
    i = bisect.bisect_right(ranges, (fc, float("inf"))) - 1
    return i >= 0 and ranges[i][0] <= fc < ranges[i][1]


def _fib_pair(word: bytes, index: int) -> tuple[int, int]:
    """The (fc, lcb) pair ``index`` of the FIB's FibRgFcLcb."""
    csw = struct.unpack_from("<H", word, 32)[0]
    at = 34 + 2 * csw
    cslw = struct.unpack_from("<H", word, at)[0]
    at += 2 + 4 * cslw
    count = struct.unpack_from("<H", word, at)[0]
    if index >= count:
        raise ValueError(f"the FIB holds {count} structure pointers, not {index + 1}")
    return struct.unpack_from("<II", word, at + 2 + 8 * index)


def _text_length(word: bytes) -> int:
    """ccpText: how many characters the main document holds."""
    csw = struct.unpack_from("<H", word, 32)[0]
    return struct.unpack_from("<i", word, 34 + 2 * csw + 2 + 4 * 3)[0]


def _main_text(word: bytes, table: bytes) -> tuple[list[str], list[int]]:
    """The main document's characters and each one's offset in the WordDocument stream."""
    fc, lcb = _fib_pair(word, _CLX)
    clx = table[fc : fc + lcb]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, not needed here
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 0x02:
        raise ValueError("no piece table (Pcdt) in the Clx")
    size = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + size]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}i", plc, 0)
    limit = _text_length(word)
    chars: list[str] = []
    fcs: list[int] = []
    for i in range(n):
        start, end = cps[i], min(cps[i + 1], limit)
        if start >= end:
            continue
        value = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        compressed = bool(value & 0x40000000)
        offset = value & 0x3FFFFFFF
        count = end - start
        if compressed:
            offset //= 2
            text = word[offset : offset + count].decode("cp1252", errors="replace")
            fcs.extend(range(offset, offset + count))
        else:
            text = word[offset : offset + 2 * count].decode("utf-16-le", errors="replace")
            fcs.extend(range(offset, offset + 2 * count, 2))
        chars.extend(text)
    return chars, fcs


def _paragraph_marks(word: bytes, table: bytes) -> tuple[list[int], list[tuple[bool, ...]]]:
    """Paragraph runs by their first FC (sorted), with (in a table, ends a table row, ends a
    nested table's cell, ends a nested table's row)."""
    fc, lcb = _fib_pair(word, _BTE_PAPX)
    n = (lcb - 4) // 8
    pns = struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1)) if n > 0 else ()
    starts: list[int] = []
    props: list[tuple[bool, ...]] = []
    for pn in pns:
        page = word[(pn & 0x3FFFFF) * 512 : (pn & 0x3FFFFF) * 512 + 512]
        if len(page) < 512:
            continue
        crun = page[511]
        rgfc = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for i in range(crun):
            offset = page[4 * (crun + 1) + 13 * i] * 2
            sprms = _papx_sprms(page, offset) if offset else {}
            in_table = bool(sprms.get(_IN_TABLE)) or sprms.get(_ITAP, 0) > 0
            starts.append(rgfc[i])
            inner = (bool(sprms.get(_INNER_CELL)), bool(sprms.get(_INNER_TTP)))
            merged = _merged_down(sprms.get(_TDEF_TABLE, b""))
            props.append((in_table, bool(sprms.get(_TTP)), *inner, merged))
    order = sorted(range(len(starts)), key=lambda k: starts[k])
    return [starts[k] for k in order], [props[k] for k in order]


def _papx_sprms(page: bytes, offset: int) -> dict[int, int | bytes]:
    """The paragraph sprms of a PapxInFkp whose value is a number, and the table definition
    (``sprmTDefTable``, as bytes) a row's end carries; the rest are skipped."""
    cb = page[offset]
    if cb == 0:
        size, start = 2 * page[offset + 1], offset + 2
    else:
        size, start = 2 * cb - 1, offset + 1
    return _sprms(page[start + 2 : start + size])  # after the style index (istd)


def _sprms(grpprl: bytes) -> dict[int, int | bytes]:
    out: dict[int, int | bytes] = {}
    pos = 0
    while pos + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, pos)[0]
        pos += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm == _TDEF_TABLE:
                length = struct.unpack_from("<H", grpprl, pos)[0] + 1
                out[sprm] = grpprl[pos + 2 : pos + length]
            else:
                length = grpprl[pos] + 1 if pos < len(grpprl) else 1
            pos += length
            continue
        width = _SPRM_SIZES[spra]
        if pos + width > len(grpprl):
            break
        out[sprm] = int.from_bytes(grpprl[pos : pos + width], "little")
        pos += width
    return out


def _merged_down(definition: bytes | int) -> tuple[int, ...]:
    """The cells of a row continuing a vertical merge from the row above (their column
    numbers), from a TDefTableOperand: itcMac, the cell edges, then a 20-byte TC80 per cell
    whose first two bits after the horizontal merge and text flow say ``vertMerge``."""
    if not isinstance(definition, bytes) or not definition:
        return ()
    count = definition[0]
    at = 1 + 2 * (count + 1)
    columns = []
    for i in range(count):
        if at + 20 * i + 2 > len(definition):
            break
        flags = struct.unpack_from("<H", definition, at + 20 * i)[0]
        if (flags >> 5) & 0x3 == 0x1:
            columns.append(i)
    return tuple(columns)


def _layout(
    chars: list[str], fcs: list[int], paragraphs: tuple[list[int], list[tuple[bool, ...]]]
) -> tuple[list[Sheet], str]:
    """Cells, rows and tables from the characters and their paragraphs' properties."""
    starts, props = paragraphs

    def paragraph(k: int) -> tuple[bool, ...]:
        i = bisect.bisect_right(starts, fcs[k]) - 1
        return props[i] if i >= 0 else (False, False, False, False, ())

    def cell_text() -> str:
        return "\n".join(p.strip() for p in "".join(buffer).split("\n")).strip()

    tables: list[Sheet] = []
    lines: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    inner_rows: list[list[str]] = []  # a table nested in a cell (a 1×1 layout table's)
    inner_row: list[str] = []
    buffer: list[str] = []
    field_depth: list[bool] = []  # per open field: whether its code part is still running

    def close_table(done: list[list[str]]) -> None:
        kept = [(i, r) for i, r in enumerate(done, 1) if any(c.strip() for c in r)]
        if kept:
            name = f"table {len(tables) + 1}"
            tables.append(Sheet(name, [Row(i, r, name) for i, r in kept]))

    for k, ch in enumerate(chars):
        if ch == "\x13":
            field_depth.append(True)
            continue
        if ch == "\x14" and field_depth:
            field_depth[-1] = False
            continue
        if ch == "\x15" and field_depth:
            field_depth.pop()
            continue
        if any(field_depth):
            continue  # a field's code (HYPERLINK …, PAGE), not its shown result
        if ch == "\x07":
            end = paragraph(k)
            if end[1]:
                for column in end[4]:  # a cell merged down takes the text above it
                    if rows and column < len(row) and column < len(rows[-1]) and not row[column]:
                        row[column] = rows[-1][column]
                rows.append(row)
                row = []
            else:
                if inner_rows:
                    close_table(inner_rows)
                    inner_rows = []
                row.append(cell_text())
            buffer = []
        elif ch == "\r":
            in_table, _, inner_cell, inner_end, _ = paragraph(k)
            if inner_end:
                inner_rows.append(inner_row)
                inner_row, buffer = [], []
            elif inner_cell:
                inner_row.append(cell_text())
                buffer = []
            elif in_table:
                buffer.append("\n")
            else:
                close_table(rows)
                rows = []
                lines.append("".join(buffer))
                buffer = []
        else:
            buffer.append(_SPECIAL.get(ch, ch))
    if row:
        rows.append(row)
    close_table(inner_rows)
    close_table(rows)
    if buffer:
        lines.append("".join(buffer))
    return tables, "\n".join(lines)
