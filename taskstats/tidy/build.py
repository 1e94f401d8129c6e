"""Building the tidy tables from what a reader found, and summarising them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd

from taskstats.tidy.deadlines import Deadline, deadline_from_text, parse_deadline
from taskstats.tidy.manifest import Manifest
from taskstats.tidy.normalize import (
    LEAD,
    SUPPORT,
    fold,
    is_collective_leader,
    is_quantified,
    is_target_pending,
    join_text,
    name_folds,
    normalise_leader,
    parse_source,
    parse_units,
    split_leaders,
    unify_unit_names,
)
from taskstats.tidy.schema import (
    INFO,
    LEADER_COLUMNS,
    QUALITY_COLUMNS,
    TASK_COLUMNS,
    UNIT_COLUMNS,
    WARNING,
    Issue,
    RawTask,
    ReadResult,
    TaskTables,
)


def build_tables(result: ReadResult, manifest: Manifest, raw_name: str | None = None) -> TaskTables:
    """Normalise one file's raw tasks into the tidy tables.

    Args:
        result: What the reader found.
        manifest: The district's manifest (aliases, default source, section defaults).
        raw_name: How to name the raw file in the tables; default its file name.
    """
    district = manifest.slug
    raw_file = raw_name or Path(result.path).name
    issues: list[Issue] = list(result.issues)
    has_lead_column = "lead" in result.columns
    tasks, units, leaders = [], [], []

    for seq, raw in enumerate(result.tasks, 1):
        tid = raw.task_id
        text = join_text(raw.text_parts)
        source_raw = "\n".join(raw.cells.get("source", []))
        source = parse_source(source_raw)
        if source is None:
            source = manifest.source_for_section(raw.section, raw.subsection)
        elif source == "unrecognised":
            issues.append(
                Issue(
                    "unrecognised_source",
                    f"source cell {source_raw!r} names no "
                    "province/city/self source; kept as unknown",
                    raw.line,
                    tid,
                    INFO,
                    raw.sheet,
                )
            )
            source = "unknown"
        deadline_raw = "\n".join(raw.cells.get("deadline", []))
        deadline = _deadline(deadline_raw, text, manifest.year)
        if deadline_raw and not deadline.parsed:
            issues.append(
                Issue(
                    "deadline_unparsed",
                    f"deadline {deadline_raw!r} names no date or period that can be read"
                    + (
                        ""
                        if manifest.year
                        else " (the plan year is unknown: set year in the manifest)"
                    )
                    + "; kept as written, tracked on the district's schedule",
                    raw.line,
                    tid,
                    WARNING,
                    raw.sheet,
                )
            )
        tasks.append(
            {
                "district": district,
                "task_id": tid,
                "seq": seq,
                "section": raw.section,
                "subsection": raw.subsection,
                "text": text,
                "source": source,
                "source_raw": source_raw,
                "deadline_raw": deadline_raw,
                "due_date": deadline.due_date.isoformat() if deadline.due_date else "",
                "ongoing": deadline.ongoing,
                "quantified": is_quantified(text),
                "target_pending": is_target_pending(text),
                "raw_file": raw_file,
                "raw_line": raw.line,
            }
        )
        if not text:
            issues.append(
                Issue(
                    "missing_text",
                    "the task text was lost in extraction; units, "
                    "leaders and source that survived are kept",
                    raw.line,
                    tid,
                    WARNING,
                    raw.sheet,
                )
            )
        if is_target_pending(text):
            issues.append(
                Issue(
                    "target_pending",
                    "the target is not set yet (XX)",
                    raw.line,
                    tid,
                    INFO,
                    raw.sheet,
                )
            )
        units.extend(_task_units(raw, district, has_lead_column, issues, manifest.first_unit_leads))
        leaders.extend(_task_leaders(raw, district, manifest, issues))

    issues.extend(_fold_issues(units, leaders))
    units_df = _canonical_units(pd.DataFrame(units, columns=UNIT_COLUMNS), manifest)
    leaders_df = pd.DataFrame(leaders, columns=LEADER_COLUMNS)
    tasks_df = pd.DataFrame(tasks, columns=TASK_COLUMNS)
    issues.extend(_coverage_issues(result, tasks_df, units_df, leaders_df))
    issues.extend(_count_issues(result, tasks_df))
    quality = pd.DataFrame(
        [
            {
                "district": district,
                "task_id": i.task or "",
                "raw_file": raw_file,
                "line": i.line,
                "kind": i.kind,
                "severity": i.severity,
                "message": i.message,
            }
            for i in issues
        ],
        columns=QUALITY_COLUMNS,
    )
    return TaskTables(*_typed(tasks_df, units_df, leaders_df, quality))


def _task_units(
    raw: RawTask,
    district: str,
    has_lead_column: bool,
    issues: list[Issue],
    first_leads: bool = False,
) -> list[dict]:
    rows: dict[str, dict] = {}
    defaults = {"lead": LEAD, "support": SUPPORT, "units": SUPPORT if has_lead_column else LEAD}
    for column, role in defaults.items():
        for k, cell in enumerate(raw.cells.get(column, [])):
            first_only = first_leads and column == "units" and not has_lead_column
            mentions, notes = parse_units(cell, SUPPORT if first_only else role)
            if first_only and k == 0 and mentions and all(m.role == SUPPORT for m in mentions):
                # "列第一位的为牵头单位": the first-listed unit leads, the rest support.
                mentions[0] = replace(mentions[0], role=LEAD)
            for note in notes:
                issues.append(
                    Issue("ambiguous_split", note, raw.line, raw.task_id, INFO, raw.sheet)
                )
            if column == "lead" and mentions and all(m.role == SUPPORT for m in mentions):
                # A lead column that names units never yields zero leads.
                mentions = [replace(m, role=LEAD) for m in mentions]
                issues.append(
                    Issue(
                        "lead_from_column",
                        f"the lead cell {cell!r} words its units as support; "
                        "they are taken as the task's leads",
                        raw.line,
                        raw.task_id,
                        INFO,
                        raw.sheet,
                    )
                )
            for m in mentions:
                if m.unit in rows:
                    if m.role == LEAD and rows[m.unit]["role"] == SUPPORT:
                        rows[m.unit]["role"] = LEAD
                    continue
                rows[m.unit] = {
                    "district": district,
                    "task_id": raw.task_id,
                    "unit": m.unit,
                    "unit_raw": m.raw,
                    "host": m.host,
                    "role": m.role,
                    "collective": m.collective,
                }
    return list(rows.values())


def _task_leaders(
    raw: RawTask, district: str, manifest: Manifest, issues: list[Issue]
) -> list[dict]:
    rows: dict[str, dict] = {}
    for cell in raw.cells.get("leader", []):
        split = split_leaders(cell)
        for note in split.notes:
            issues.append(Issue("ambiguous_split", note, raw.line, raw.task_id, INFO, raw.sheet))
        for raw_name in split.items:
            leader = normalise_leader(raw_name)
            leader = manifest.leader_aliases.get(leader, leader)
            if leader not in rows:
                rows[leader] = {
                    "district": district,
                    "task_id": raw.task_id,
                    "leader": leader,
                    "leader_raw": raw_name,
                    "collective": is_collective_leader(leader),
                }
    return list(rows.values())


_FOLD_MESSAGES = {
    "invisible": "{n} unit or leader name(s) held invisible characters (zero-width spaces, "
    "joiners, direction marks, soft hyphens, variation selectors or control characters), "
    "removed; e.g. {raw!r} read as {name!r}",
    "traditional": "{n} unit or leader name(s) written in traditional characters, folded to "
    "simplified; e.g. {raw!r} read as {name!r}",
}


def _fold_issues(units: list[dict], leaders: list[dict]) -> list[Issue]:
    """Each kind of name folding once per file (with how many names and an example), and
    every name holding a direction override, which may show it reversed."""
    issues: list[Issue] = []
    seen: dict[str, list[tuple[str, str]]] = {}
    for row, name in [(u, u["unit"]) for u in units] + [(ld, ld["leader"]) for ld in leaders]:
        raw = row.get("unit_raw", row.get("leader_raw", ""))
        for kind in name_folds(raw):
            if kind == "direction":
                issues.append(
                    Issue(
                        "direction_override",
                        f"the name {raw!r} holds a direction override and may be shown "
                        f"reversed; it is counted as {name!r}: check the source",
                        None,
                        row["task_id"],
                    )
                )
            else:
                seen.setdefault(kind, []).append((raw, name))
    for kind, names in seen.items():
        raw, name = names[0]
        issues.append(
            Issue(
                f"folded_{kind}",
                _FOLD_MESSAGES[kind].format(n=len(names), raw=raw, name=name),
                None,
                None,
                INFO,
            )
        )
    return issues


def _canonical_units(units: pd.DataFrame, manifest: Manifest) -> pd.DataFrame:
    if units.empty:
        return units
    aliases = {fold(k): fold(v) for k, v in manifest.unit_aliases.items()}
    units = units.assign(
        unit=units["unit"].map(lambda u: aliases.get(u, u)),
        host=units["host"].map(lambda h: aliases.get(h, h) if h else h),
    )
    names = set(units["unit"]) | {h for h in units["host"] if h}
    unify = unify_unit_names(names, manifest.unit_prefix)
    units = units.assign(
        unit=units["unit"].map(lambda u: unify.get(u, u)),
        host=units["host"].map(lambda h: unify.get(h, h)),
    )
    # One unit named twice in a task after unification keeps its strongest role.
    units = units.assign(_lead=units["role"].eq(LEAD))
    units = units.sort_values("_lead", ascending=False, kind="stable")
    units = units.drop_duplicates(["task_id", "unit"]).sort_index().drop(columns="_lead")
    return units.reset_index(drop=True)


def _coverage_issues(
    result: ReadResult, tasks: pd.DataFrame, units: pd.DataFrame, leaders: pd.DataFrame
) -> list[Issue]:
    issues = []
    lines = dict(zip(tasks["task_id"], tasks["raw_line"], strict=True))
    with_lead = set(units.loc[units["role"] == LEAD, "task_id"]) if not units.empty else set()
    for tid in tasks["task_id"]:
        if tid not in with_lead:
            issues.append(Issue("missing_unit", "no lead unit named", lines[tid], tid))
    if "leader" in result.columns:
        with_leader = set(leaders["task_id"]) if not leaders.empty else set()
        for tid in tasks["task_id"]:
            if tid not in with_leader:
                issues.append(
                    Issue("missing_leader", "no responsible leader named", lines[tid], tid)
                )
    else:
        issues.append(
            Issue(
                "no_leader_column",
                "the table names no responsible leaders; "
                "leader measures are empty for this district",
                None,
                None,
                INFO,
            )
        )
    return issues


def _count_issues(result: ReadResult, tasks: pd.DataFrame) -> list[Issue]:
    issues = []
    for title, level, declared, line in result.declared_counts:
        column = "section" if level == 1 else "subsection"
        actual = int((tasks[column] == title).sum())
        if actual != declared:
            issues.append(
                Issue(
                    "section_count_mismatch",
                    f"section {title!r} says {declared} tasks but {actual} were read",
                    line,
                )
            )
    return issues


def _deadline(cell: str, text: str, year: int | None) -> Deadline:
    """A task's deadline: from its 完成时限 cell, or else from a deadline phrased in its text."""
    if cell.strip():
        return parse_deadline(cell, year)
    return deadline_from_text(text, year)


def _typed(
    tasks: pd.DataFrame, units: pd.DataFrame, leaders: pd.DataFrame, quality: pd.DataFrame
) -> tuple[pd.DataFrame, ...]:
    tasks = tasks.astype(
        {
            "seq": "int64",
            "ongoing": "bool",
            "quantified": "bool",
            "target_pending": "bool",
            "raw_line": "Int64",
        }
    )
    units = units.astype({"collective": "bool"})
    leaders = leaders.astype({"collective": "bool"})
    quality = quality.astype({"line": "Int64"})
    return tasks, units, leaders, quality


def typed_tables(
    tasks: pd.DataFrame, units: pd.DataFrame, leaders: pd.DataFrame, quality: pd.DataFrame
) -> TaskTables:
    """Tidy tables from frames of text (as read back from their CSV files), typed as
    :func:`build_tables` types them. Does not mutate the originals.

    Raises:
        KeyError: A column is missing.
        ValueError: A number or flag column holds something else.
    """
    frames = []
    for df, columns in (
        (tasks, TASK_COLUMNS),
        (units, UNIT_COLUMNS),
        (leaders, LEADER_COLUMNS),
        (quality, QUALITY_COLUMNS),
    ):
        df = df[columns].copy()
        for col in ("ongoing", "quantified", "target_pending", "collective"):
            if col in df:
                flags = df[col].astype(str).map({"True": True, "False": False})
                if flags.isna().any():
                    raise ValueError(f"{col} holds something other than True/False")
                df[col] = flags.astype(bool)
        for col in ("seq", "raw_line", "line"):
            if col in df:
                df[col] = pd.to_numeric(df[col].replace("", None)).astype("Int64")
        frames.append(df)
    return TaskTables(*_typed(*frames))


def sort_by_district(tables: TaskTables) -> TaskTables:
    """The tables with rows grouped by district in slug order, each district's rows in the
    order they had (what a full ingest writes). Does not mutate the originals."""
    return TaskTables(
        *(df.sort_values("district", kind="stable").reset_index(drop=True) for df in tables)
    )


def concat_tables(parts: list[TaskTables]) -> TaskTables:
    """Stack the tables of several districts."""
    if not parts:
        empty = [
            pd.DataFrame(columns=c)
            for c in (TASK_COLUMNS, UNIT_COLUMNS, LEADER_COLUMNS, QUALITY_COLUMNS)
        ]
        return TaskTables(*_typed(*empty))
    return TaskTables(
        *(pd.concat([getattr(p, f) for p in parts], ignore_index=True) for f in TaskTables._fields)
    )


def summarise(tables: TaskTables, rows_seen: dict[str, int] | None = None) -> pd.DataFrame:
    """Per district: rows seen, tasks, units, leaders and anomalies by severity."""
    rows = []
    for district in dict.fromkeys(tables.tasks["district"]):
        q = tables.quality[tables.quality["district"] == district]
        sev = Counter(q["severity"])
        u = tables.task_units[tables.task_units["district"] == district]
        ld = tables.task_leaders[tables.task_leaders["district"] == district]
        rows.append(
            {
                "district": district,
                "rows_seen": (rows_seen or {}).get(district),
                "tasks": int((tables.tasks["district"] == district).sum()),
                "units": int(u.loc[~u["collective"], "unit"].nunique()),
                "leaders": int(ld.loc[~ld["collective"], "leader"].nunique()),
                "warnings": sev.get(WARNING, 0),
                "notes": sev.get(INFO, 0),
            }
        )
    return pd.DataFrame(rows)
