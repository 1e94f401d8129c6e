"""HTML pieces of a report page: tables, the provenance header, the page and its CSS."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence

import pandas as pd

from taskstats import __version__
from taskstats.report.wording import (
    COLUMN_LABELS,
    SHARE_COLUMNS,
    SHOWN_ROWS,
    label_values,
    parameters_text,
    text,
)
from taskstats.report.wording.cli import whole_numbers


def _share(value) -> str:
    """A share as a percentage; a value already worded (a string) as it is."""
    return value if isinstance(value, str) else f"{value:.1%}"


def html_table(
    df: pd.DataFrame,
    lang: str = "zh",
    *,
    max_rows: int | None = None,
    names: dict[str, str] | None = None,
    empty: str = "",
) -> str:
    """An escaped HTML table with the columns and coded values in the report's language.

    Args:
        df: The table.
        max_rows: Show the first rows only, and say so ("前30行，共42行"); a table that
            would hide fewer than :data:`FEW_HIDDEN` rows is shown whole.
        names: District slugs to names.
        empty: The sentence shown instead of a table without rows ("" : the table's header).
    """
    if df.empty and empty:
        return f'<p class="ts-note">{html.escape(empty)}</p>'
    labels = COLUMN_LABELS.get(lang, {})
    if max_rows and len(df) - max_rows < FEW_HIDDEN:
        max_rows = None  # "前40行，共41行" would hide one row behind a line saying so
    shown = label_values(df.head(max_rows) if max_rows else df, lang, names)
    for col in shown.columns:
        if isinstance(shown[col].dtype, pd.CategoricalDtype):
            shown[col] = shown[col].astype(str)
        elif pd.api.types.is_integer_dtype(shown[col]) and shown[col].isna().any():
            shown[col] = shown[col].astype(object).where(shown[col].notna(), "—")
    formatters = {}
    for col in shown.columns:
        if col in SHARE_COLUMNS and col not in ("gini", "hhi"):
            formatters[col] = lambda v: "—" if pd.isna(v) else _share(v)
        elif pd.api.types.is_float_dtype(shown[col]):
            if whole_numbers(shown[col]):  # counts (46, not 46.00)
                formatters[col] = lambda v: "—" if pd.isna(v) else f"{v:.0f}"
            else:
                formatters[col] = lambda v: "—" if pd.isna(v) else f"{v:.2f}"
    out = shown.rename(columns=lambda c: labels.get(c, c))
    formatters = {labels.get(k, k): v for k, v in formatters.items()}
    table = _written(out, formatters)
    if table is None:  # a column this module does not write as pandas would: pandas writes it
        table = out.to_html(
            index=False,
            escape=True,
            formatters=formatters,
            na_rep="—",
            border=0,
            classes="ts-table",
        )
    head, _, body = table.partition("<tbody>")
    if body:  # a date inside a longer cell (a light's reason) is not split at its hyphens
        table = head + "<tbody>" + _DATE.sub(_kept_whole, body)
    short = _short_columns(out, formatters)
    if short:  # kept on one line: a date, a light, a count and their headers never split
        marks = " ".join(f"ts-n{i}" for i in short)
        table = table.replace(
            'class="dataframe ts-table"', f'class="dataframe ts-table {marks}"', 1
        )
    if max_rows and len(df) > max_rows:
        more = SHOWN_ROWS[lang].format(n=max_rows, total=len(df))
        table = f'<p class="ts-note">{html.escape(more)}</p>' + table
    return table


FEW_HIDDEN = 5  # a table cut short hides at least this many rows

_DATE = re.compile(r"(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\d-])")


def _kept_whole(match: re.Match) -> str:
    """A date among other text in a cell, marked to stay on one line; a cell that is only a
    date is left as it is (its column is short: see :func:`_short_columns`)."""
    text = match.string
    alone = text.endswith("<td>", 0, match.start()) and text.startswith("</td>", match.end())
    return match.group(0) if alone else f'<span class="ts-d">{match.group(0)}</span>'


# A column whose every cell and header are this short is kept on one line (its cells: a date,
# a light, a status, a count); longer text wraps.
SHORT_CELL, SHORT_HEADER = 10, 8
NOWRAP_COLUMNS = 24  # the widest table the page's style sheet marks column by column


def _short_columns(df: pd.DataFrame, formatters: dict) -> list[int]:
    """The 1-based positions of the short columns of a table about to be shown."""
    if df.columns.duplicated().any():  # two columns under one label: written by pandas, unmarked
        return []
    short = []
    for i, name in enumerate(df.columns[:NOWRAP_COLUMNS], start=1):
        if len(str(name)) > SHORT_HEADER:
            continue
        column = df.iloc[:, i - 1]
        shown = column.map(formatters[name]) if name in formatters else column
        if shown.empty or shown.astype(str).str.len().max() <= SHORT_CELL:
            short.append(i)
    return short


# How pandas' to_html writes a text cell: tabs and line breaks spelled out (in text it
# formats itself), &, < and > escaped, the cell stripped and double spaces made non-breaking.
_ESCAPED = str.maketrans(
    {"\t": "\\t", "\r": "\\r", "\n": "\\n", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
)


_HTML_ONLY = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _cell(text: str, *, tabs: bool = True) -> str:
    """``tabs``: spell out tabs and line breaks (text pandas formats itself, not a formatter's)."""
    escaped = text.translate(_ESCAPED if tabs else _HTML_ONLY)
    return escaped.strip().replace("  ", "&nbsp;&nbsp;")


def _written(df: pd.DataFrame, formatters: dict) -> str | None:
    """``df.to_html(index=False, escape=True, formatters=formatters, na_rep="—", border=0,
    classes="ts-table")`` written directly, the same text at a fraction of pandas' cost (its
    formatter works out fixed widths that HTML then strips); None when a column holds values
    other than text, integers and formatted numbers, which pandas writes in ways not
    reproduced here."""
    if df.columns.empty or df.columns.duplicated().any():
        return None
    columns = []
    for name in df.columns:
        cells = _cells(df[name], formatters.get(name))
        if cells is None:
            return None
        columns.append(cells)
    head = "".join(f"      <th>{_cell(str(c))}</th>\n" for c in df.columns)
    rows = "".join(
        "    <tr>\n" + "".join(f"      <td>{cell}</td>\n" for cell in row) + "    </tr>\n"
        for row in zip(*columns, strict=True)
    )
    return (
        '<table class="dataframe ts-table">\n  <thead>\n    <tr style="text-align: right;">\n'
        f"{head}    </tr>\n  </thead>\n  <tbody>\n{rows}  </tbody>\n</table>"
    )


def _cells(column: pd.Series, formatter) -> list[str] | None:
    """One column's cells as to_html writes them, or None (see :func:`_written`)."""
    values = column.tolist()
    if formatter is not None and pd.api.types.is_float_dtype(column):
        return [_cell(str(formatter(v)), tabs=False) for v in values]
    if pd.api.types.is_integer_dtype(column) and not column.hasnans:
        return [str(v) for v in values]
    if not (pd.api.types.is_string_dtype(column) or column.dtype == object):
        return None
    cells = []
    for v in values:
        if v is None:
            cells.append("None")
        elif isinstance(v, float) and v != v:  # NaN: a missing value
            cells.append("—")
        elif formatter is not None:
            if not isinstance(v, str | int | float):
                return None
            cells.append(_cell(str(formatter(v)), tabs=False))
        elif isinstance(v, str):
            cells.append(_cell(v))
        elif isinstance(v, int):  # bool too: written True / False, as pandas does
            cells.append(str(v))
        else:
            return None
    return cells


CSS_UNSAFE = frozenset("\"\\<>&'")


def print_footer(left: str) -> str:
    """A style sheet putting ``left`` (district, as-of date) and the page number in the
    footer of every printed page. Quotes, backslashes, ``<``, ``>``, ``&`` and control
    characters are written as CSS escapes, so no district name can leave the style sheet."""
    quoted = "".join(f"\\{ord(ch):x} " if ch in CSS_UNSAFE or ord(ch) < 32 else ch for ch in left)
    return f'<style>@page {{ @bottom-left {{ content: "{quoted}"; }} }}</style>'


def header_html(
    title: str,
    files: Sequence[tuple[str, str]],
    as_of: str,
    parameters: dict | str,
    simulated: bool,
    lang: str,
    generated_at: dt.datetime,
    extra: dict[str, str] | None = None,
    *,
    banner: str = "",
    progress: str = "",
    footer: str = "",
) -> str:
    """The report's title and provenance: as-of date, data, parameters, version, time, and the
    raw files with their SHA-256 (``files``: pairs of a file's name and its hash).

    ``parameters`` is shown as written when it is text, as a readable list when a dict;
    ``banner`` and ``progress`` replace the simulated-data banner and the progress line;
    ``footer`` goes into each printed page's footer."""
    w = text(lang)
    e = html.escape
    files_html = "".join(
        f"<tr><td>{e(name)}</td><td><code>{e(digest)}</code></td></tr>" for name, digest in files
    )
    rows = [
        (w["as_of"], as_of),
        (w["progress_source"], progress or (w["demo"] if simulated else w["real"])),
        (
            w["parameters"],
            parameters if isinstance(parameters, str) else parameters_text(parameters, lang),
        ),
        (w["version"], __version__),
        (w["generated"], generated_at.strftime("%Y-%m-%d %H:%M")),
        *((extra or {}).items()),
    ]
    meta = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows)
    shown = banner or (w["simulated"] if simulated else "")
    banner = f'<div class="ts-banner">{e(shown)}</div>' if shown else ""
    return (
        (print_footer(footer) if footer else "")
        + f'<header class="ts-header"><h1>{e(title)}</h1>{banner}'
        f'<table class="ts-meta">{meta}</table>'
        f'<details open><summary>{e(w["raw_files"])}</summary><table class="ts-meta">'
        f"<tr><th>{e(w['raw_files'])}</th><th>{e(w['sha256'])}</th></tr>{files_html}"
        f"</table></details></header>"
    )


# --- rendering -------------------------------------------------------------------------------

PAGE = (
    """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="taskstats {version}">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "WenQuanYi Micro Hei", sans-serif; color: #222; max-width: 1180px; margin: 0 auto;
  padding: 24px 32px 64px; line-height: 1.6; background: #fff; }}
h1 {{ font-size: 28px; margin: 8px 0 12px; }}
h2 {{ font-size: 21px; border-bottom: 2px solid #4C72B0; padding-bottom: 4px; margin-top: 36px; }}
h3 {{ font-size: 17px; }}
img {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left;
  vertical-align: top; }}
th {{ background: #f2f5fa; }}
.ts-table td {{ max-width: 520px; }}
.ts-table th, .ts-table td {{ min-width: 4.2em; }}
.ts-d {{ white-space: nowrap; }}
"""
    + "".join(
        f".ts-n{i} th:nth-child({i}), .ts-n{i} td:nth-child({i}) {{{{ white-space: nowrap; }}}}\n"
        for i in range(1, NOWRAP_COLUMNS + 1)
    )
    + """.ts-meta th {{ width: 130px; }}
.ts-banner {{ background: #fdecea; border: 2px solid #d64541; color: #a52a1f; padding: 10px 14px;
  font-weight: bold; margin: 8px 0 12px; }}
.ts-boxes {{ display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }}
.ts-box {{ flex: 1 1 140px; background: #f2f5fa; border-radius: 6px; padding: 10px 14px; }}
.ts-num {{ font-size: 26px; font-weight: bold; color: #2f4f8f; }}
.ts-lab {{ font-size: 13px; color: #555; }}
.ts-note {{ color: #666; font-size: 13px; }}
.light-red {{ color: #d64541; font-weight: bold; }}
.ts-themes {{ display: flex; flex-wrap: wrap; gap: 0 28px; }}
.ts-sim {{ color: #C0392B; font-weight: bold; }}
pre {{ white-space: pre-wrap; }}
@page {{ size: A4; margin: 16mm 12mm 18mm;
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; }}
  @bottom-left {{ font-size: 9pt; color: #555; }} }}
@media print {{
  body {{ max-width: none; margin: 0; padding: 0; font-size: 10pt; }}
  h1 {{ font-size: 20pt; }}
  h2 {{ font-size: 14pt; break-after: avoid; }}
  h2.ts-break {{ break-before: page; }}
  h3 {{ break-after: avoid; }}
  table {{ font-size: 9pt; }}
  .ts-table {{ width: 100%; font-size: 8.5pt; line-height: 1.35; margin: 4px 0 10px; }}
  .ts-table th, .ts-table td {{ padding: 2px 5px; min-width: 0; }}
  .ts-red .ts-table td:nth-child(2) {{ width: 42%; }}
  .ts-red .ts-table th, .ts-red .ts-table td:nth-child(n+3) {{ word-break: keep-all; }}
  .ts-table:has(th:nth-child(13)) {{ font-size: 7pt; line-height: 1.25; }}
  .ts-table:has(th:nth-child(13)) th, .ts-table:has(th:nth-child(13)) td {{ padding: 1px 2px; }}
  .ts-table:has(th:nth-child(13)) th {{ min-width: 2.2em; }}
  h2 {{ margin-top: 18px; }}
  thead {{ display: table-header-group; }}
  tr, img, .ts-box, .ts-banner, .ts-themes > div {{ break-inside: avoid; }}
  img {{ max-height: 235mm; max-width: 100%; }}
  .ts-table td {{ max-width: none; }}
  .ts-banner, th, .ts-box {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  details > summary {{ list-style: none; }}
}}
</style>
</head>
<body>
{body}
</body>
</html>
"""
)
