"""The words and figures of the commands' tables: headings, the ingest summary, numbers as a
terminal shows them (``--csv`` prints the codes and raw numbers instead)."""

from __future__ import annotations

# What `taskstats ingest` says after its table.
INGEST_SUMMARY = (
    "共{tasks}项任务，单位分工{units}条，领导分工{leaders}条，数据质量提示{anomalies}条。\n"
    "已写入{files}，位于{out}"
)


# Columns a command prints whose report name means something else (a count, not a list).
CLI_LABELS = {
    "zh": {
        "rows_seen": "读取行数",
        "units": "单位数",
        "leaders": "领导数",
        "warnings": "警告",
        "notes": "提示",
        "lead_units": "牵头单位",
    },
    "en": {"rows_seen": "Rows read", "units": "Units", "leaders": "Leaders", "notes": "Notes"},
}


def cli_value(value, column: str, whole: bool = True) -> str:
    """One figure as a command prints it: a share as a percentage, a whole number as an
    integer (``whole``: its column holds only whole numbers), another number to two decimals,
    a gap as "—"."""
    import pandas as pd

    from taskstats.report.wording import SHARE_COLUMNS

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if column in SHARE_COLUMNS and column not in ("gini", "hhi"):
        return f"{value:.1%}"
    if whole and float(value).is_integer() and column not in ("gini", "hhi"):
        return str(int(value))
    return f"{value:.2f}"


def cli_frame(df, lang: str = "zh", names: dict[str, str] | None = None, *, transpose=False):
    """A new frame of text as a command prints it (:func:`cli_value`), coded values in words,
    headed in ``lang``; ``transpose``: districts as columns, the measures as rows."""
    import pandas as pd

    from taskstats.report.wording import COLUMN_LABELS, label_values
    from taskstats.report.wording.ranks import rank_labels

    labels = {**COLUMN_LABELS.get(lang, {}), **CLI_LABELS.get(lang, {})}
    out = label_values(df, lang, names)
    if "rank" in df.columns:  # ties marked 并列
        out["rank"] = rank_labels(df, lang)
    for col in out.columns:
        if col == "rank":
            continue
        if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            values = df[col].dropna()
            whole = bool((values == values.round()).all())
            out[col] = [cli_value(v, col, whole) for v in df[col].tolist()]
    if transpose:
        out = out.set_index("district").T
        out.index = [labels.get(c, c) for c in out.index]
        out.columns.name = None
        return out
    return out.rename(columns=lambda c: labels.get(c, c))
