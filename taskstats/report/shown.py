"""How a district report's frames are shown on its page, its slides and in its bulletin: names,
the completion tables' order and columns, section headings, the red list and the ranking
rows. Pure: frames in, new frames (or text) out."""

from __future__ import annotations

import html

import pandas as pd

from taskstats.report.wording import label_values, pct, reason_text, text
from taskstats.report.wording.ranks import rank_labels

# The completion panels a district report can draw, in their order.
COMPLETION_KEYS = ("leader", "unit", "source")
# Columns of the completion rates a printed table leaves to the exported .xlsx: the task counts
# behind the task rates, and the tasks by light (the light chart and the red list show them).
COMPLETION_DETAIL = [
    "tasks_past_deadline",
    "tasks_done",
    "tasks_done_past_deadline",
    "tasks_reported",
    "tasks_on_schedule",
    "done_share",
    "on_schedule_rate",
    "red",
    "yellow",
    "green",
]


def display_name(manifest, lang: str = "zh") -> str:
    """A district's name as a reader of ``lang`` sees it: its English name (``name_en`` in the
    manifest) in English reports when there is one, its Chinese name otherwise."""
    return (manifest.name_en or manifest.name) if lang == "en" else manifest.name


def completion_order(rates: pd.DataFrame, key: str) -> pd.DataFrame:
    """Worst completion first (more milestones due first, then by name), rows with nothing due
    last: the order of the completion charts and of the tables under them (a new frame)."""
    if key not in rates.columns or key == "district":
        return rates.copy()
    return rates.sort_values(
        ["completion_rate", "due", key], ascending=[True, False, True], na_position="last"
    ).reset_index(drop=True)


# Sections that start a new printed page (the others follow on the page they start on).
PAGE_BREAKS = {"red_list"}


def section_html(key: str, lang: str) -> str:
    """A section heading; the main parts start a new printed page."""
    new_page = key in PAGE_BREAKS
    return f'<h2 class="{"ts-break" if new_page else ""}">{html.escape(text(lang)[key])}</h2>'


# Where progress figures come from (a snapshot's ``source``), as the report's words name it.
_SOURCE_WORD = {"real": "real", "simulated": "demo", "none": "no_ledger"}


def source_word(source: str, lang: str) -> str:
    """``real``, ``simulated`` or ``none`` (no ledger: every due node 未报送) in words."""
    return text(lang)[_SOURCE_WORD[source]]


def mark_progress(df: pd.DataFrame, source, lang: str) -> pd.DataFrame:
    """A new frame whose first column says, row by row, where the progress figures come from.

    ``source``: one code (``real``, ``simulated``, ``none``) for every row, or a Series of
    codes aligned with ``df``."""
    codes = pd.Series(source, index=df.index, dtype=object)
    out = df.copy()
    out.insert(0, "progress_data", codes.map(lambda c: source_word(c, lang)))
    return out


def progress_note(source: str, lang: str) -> str:
    """The one line above a table of progress figures: real ledger, simulated data or no
    ledger (said once, not on every row)."""
    note = text(lang)["progress_note"].format(source=source_word(source, lang))
    return f'<p class="ts-note">{html.escape(note)}</p>'


def red_list_shown(red: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The red list as the report, the deck and the bulletin show it (a new frame): the
    reasons in words, no leaders column when the table names no leader (a column of blanks
    says nothing) and no source column when every task has the same source (said once
    under 任务来源)."""
    out = red.assign(reasons=red["reasons"].map(lambda c: reason_text(c, lang)))
    if "text" in out.columns:  # a task whose text was lost says so, as in every table
        out["text"] = label_values(out[["text"]], lang)["text"]
    if "leaders" in out.columns and not out["leaders"].fillna("").astype(str).str.strip().any():
        out = out.drop(columns="leaders")
    if "source" in out.columns and out["source"].nunique() <= 1:
        out = out.drop(columns="source")
    return out


def ranking_rows(ranking: pd.DataFrame, lang: str = "zh") -> list[list[str]]:
    """The ranked units as the district report and the bulletin print them (位次 … 得分,
    headed by ``wording.ranks.RANKING_COLUMNS``), a tie marked 并列 (tied)."""
    ranked = ranking[ranking["ranked"]]
    return [
        [
            shown_rank,
            r["unit"],
            str(r["due"]),
            pct(r["completion_rate"]),
            pct(r["on_time_rate"]),
            str(r["red"]),
            str(r["yellow"]),
            str(r["missing_reports"]),
            f"{r['score']:g}",
        ]
        for shown_rank, r in zip(rank_labels(ranked, lang), ranked.to_dict("records"), strict=True)
    ]
