"""Returned progress sheets in any form: the file's sheets read, the progress table found by its
header, and the district and reporting unit worked out from what the sheet says.

A unit sends the fill-in sheet back the way its office software saves it: the workbook as made,
re-saved as .xls, .et or .ods, the table pasted into a Word document, a CSV or a web page. Every
form gives sheets of rows (:class:`taskstats.io.grid.Sheet`); the table is the rows under the
first header naming 序号, 节点 and 状态, wherever it sits, with blank rows and columns, moved
columns, merged title rows and a unit's own extra columns tolerated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats.errors import InputError
from taskstats.io.engines import read_sheets, sniff
from taskstats.io.grid import Row, Sheet
from taskstats.progress.template import INSTRUCTION_SHEET, META_SHEET
from taskstats.readers.header import find_header
from taskstats.tidy.manifest import Manifest
from taskstats.tidy.normalize import fold
from taskstats.tidy.schema import TaskTables
from taskstats.tidy.vocabulary import SHEET_HEADERS

# Progress-sheet header words per ledger field (the vocabulary's); the columns pre-filled from
# the task table are not read back.
HEADER_ALIASES = {
    name: words
    for name, words in SHEET_HEADERS.items()
    if name not in ("lead", "support", "leaders")
}
REQUIRED = frozenset({"task_id", "milestone", "status"})
FILLED_IN = ("standard", "progress", "status", "evidence", "contact", "reported_on")
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass
class Table:
    """The progress table of one sheet: where its header is and which column holds what."""

    sheet: Sheet
    header_at: int  # position of the header in sheet.rows
    columns: dict[str, int]  # field -> 0-based column
    headers: dict[str, str]  # field -> the header as typed

    @property
    def title(self) -> str:
        """The text above the header (a merged title row, 填报单位：…)."""
        return " ".join(c for r in self.sheet.rows[: self.header_at] for c in r.cells if c.strip())

    def records(self) -> list[tuple[Row, dict[str, str]]]:
        """The rows under the header, each as field -> cell text; empty and repeated header
        rows (a Word table's header repeated on each page) left out."""
        header = self.sheet.rows[self.header_at].cells
        out = []
        for row in self.sheet.rows[self.header_at + 1 :]:
            if [c.strip() for c in row.cells] == [c.strip() for c in header]:
                continue
            record = {
                name: row.cells[i].strip() if i < len(row.cells) else ""
                for name, i in self.columns.items()
            }
            if any(record.values()):
                out.append((row, record))
        return out


@dataclass
class Returned:
    """One returned file: its progress tables, its metadata sheet and the sheets without a table."""

    path: Path
    tables: list[Table] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    other_sheets: list[Sheet] = field(default_factory=list)
    text: str = ""  # a document's running text (its title, 填报单位：…)

    @property
    def titles(self) -> str:
        """Everything that may name the district or unit: sheet names and title rows."""
        names = [t.sheet.name for t in self.tables]
        return " ".join([*names, *(t.title for t in self.tables), self.text])


def read_returned(path: Path, data: bytes) -> Returned:
    """A returned file's progress tables, found in whatever form it came.

    Raises:
        InputError: The file cannot be read as a workbook, a document, a web page or a CSV.
    """
    returned = Returned(path)
    sheets = sheets_of(path, data)
    primary = [s for s in sheets if not s.alternative]
    if not any(find_table(s) for s in primary if s.rows):
        # A legacy Word reply LibreOffice reads without a table: the Word stream's reading.
        primary = [s for s in sheets if s.alternative] or primary
    for sheet in primary:
        if sheet.text and not sheet.rows:  # a document's running text: its title
            returned.text = sheet.text
            continue
        if sheet.name == META_SHEET:
            returned.meta = {
                r.cells[0].strip(): r.cells[1].strip()
                for r in sheet.rows
                if len(r.cells) > 1 and r.cells[0].strip()
            }
            continue
        table = find_table(sheet)
        if table is None or sheet.name == INSTRUCTION_SHEET:
            returned.other_sheets.append(sheet)
        else:
            returned.tables.append(table)
    return returned


def find_table(sheet: Sheet) -> Table | None:
    """The progress table of a sheet: the first of its first 30 rows naming 序号, 节点 and 状态."""
    header_at, columns = find_header(sheet.rows, HEADER_ALIASES, set(REQUIRED), within=30)
    if columns is None:
        return None
    cells = sheet.rows[header_at].cells
    return Table(sheet, header_at, columns, {k: cells[i].strip() for k, i in columns.items()})


def sheets_of(path: Path, data: bytes) -> list[Sheet]:
    """Every sheet (or Word and web table) of a file, read by the format engine its content
    calls for (:mod:`taskstats.io.engines`); a PDF or a plain text is not a returned sheet.

    Raises:
        InputError: An unknown kind, or a file that cannot be read as its kind.
    """
    kind = sniff(path, data)
    if kind == "text" and path.suffix.lower() in _TEXT_SUFFIXES:
        kind = "csv"
    if kind in ("pdf", "text"):
        raise InputError(
            "not a progress sheet: expected the returned fill-in sheet as a workbook (.xlsx, "
            ".xls, .et, .ods), a Word document holding its table (.docx, .doc, .wps), a web "
            "page or a .csv with its columns",
            path=path,
        )
    return read_sheets(path, data, layout=kind)


# --- which district, which unit --------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where a returned file belongs, and how that was found (or why it could not be)."""

    district: str | None
    how: str  # meta, title, texts, option, or "" when not placed
    refusal: str = ""  # why the file is refused (another district, no district)
    other: str | None = None  # the district whose tasks the texts match, when not this one


def place_district(
    returned: Returned,
    tables: TaskTables,
    manifests: dict[str, Manifest],
    option: str | None = None,
) -> Placement:
    """The district of a returned file: from its metadata sheet, else its title or sheet names
    (the district's name), else ``option`` (``--district``), else its task texts matched
    against every district's tasks. Whatever names the district, task texts that are another
    district's tasks and none of its own refuse the file, and so do texts that are no
    district's tasks.
    """
    counts = _text_matches(returned, tables)
    named = [s for s, m in manifests.items() if m.name and m.name in returned.titles]
    meta = returned.meta.get("district", "")
    if meta:
        declared, how = meta, "meta"
    elif len(named) == 1:
        declared, how = named[0], "title"
    elif option:
        declared, how = option, "option"
    elif counts:
        declared, how = counts.most_common(1)[0][0], "texts"
    elif any(r.get("text") for t in returned.tables for _, r in t.records()):
        return Placement(None, "", "no_match")
    else:
        return Placement(None, "", "no_district")
    if declared not in manifests:
        return Placement(None, how, "unknown_district", declared)
    if counts and counts.get(declared, 0) == 0:
        return Placement(declared, how, "other_district", counts.most_common(1)[0][0])
    if not counts and any(r.get("text") for t in returned.tables for _, r in t.records()):
        return Placement(declared, how, "no_match")
    return Placement(declared, how)


def _text_matches(returned: Returned, tables: TaskTables) -> Counter:
    """How many of the file's tasks each district's table holds: (序号, text) pairs, or, when no
    pair matches anywhere, the texts alone (folded)."""
    tasks = tables.tasks
    by_pair: dict[tuple[str, str], set[str]] = {}
    by_text: dict[str, set[str]] = {}
    for district, task_id, text in zip(
        tasks["district"], tasks["task_id"], tasks["text"], strict=True
    ):
        folded = fold(str(text)).lstrip("'")
        by_pair.setdefault((str(task_id), folded), set()).add(str(district))
        by_text.setdefault(folded, set()).add(str(district))
    pairs: Counter = Counter()
    texts: Counter = Counter()
    for table in returned.tables:
        seen = {
            (r.get("task_id", ""), fold(r.get("text", "")).lstrip("'")) for _, r in table.records()
        }
        for task_id, text in seen:
            if text:
                pairs.update(by_pair.get((task_id, text), ()))
                texts.update(by_text.get(text, ()))
    return pairs or texts


def reporting_unit(returned: Returned, table: Table, leads: pd.DataFrame) -> str:
    """The unit a table was returned by: its metadata, else a named lead unit of the district in
    the sheet's name, its title rows or the document's text (the longest), else the one lead
    unit of all its tasks.

    Args:
        returned: The file.
        table: One of its tables.
        leads: The district's named lead units (``task_units`` rows with role lead).
    """
    if returned.meta.get("unit"):
        return returned.meta["unit"]
    names = sorted(set(leads["unit"].astype(str)), key=len, reverse=True)
    for text in (table.sheet.name, table.title, returned.text):
        for name in names:
            if name and name in text:
                return name
    ids = {r.get("task_id", "") for _, r in table.records()}
    common = None
    for _, group in leads[leads["task_id"].isin(ids)].groupby("task_id"):
        common = set(group["unit"]) if common is None else common & set(group["unit"])
    return sorted(common)[0] if common and len(common) == 1 else ""
