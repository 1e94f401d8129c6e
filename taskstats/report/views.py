"""What a district report and the comparison show, computed from the tidy tables and the ledger."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats import progress as pg
from taskstats.datasets import DistrictRead, read_districts, read_work_report
from taskstats.errors import InputError
from taskstats.io.files import file_sha256
from taskstats.measures import (
    compare_districts,
    concentration,
    leader_workload,
    measurability,
    source_mix,
    unit_workload,
)
from taskstats.progress.schedule import as_of_dates
from taskstats.report.coverage import Coverage, coverage_html, prepare_coverage
from taskstats.report.html import header_html, html_table
from taskstats.report.wording import (
    LABELS,
    SIMULATED_DISTRICTS,
    SIMULATED_MARK,
    as_of_label,
    parameters_text,
    rule_name,
    text,
)
from taskstats.tidy import TaskTables, concat_tables

PROGRESS_CHOICES = ("auto", "real", "demo")


def raw_files(reads: Sequence[DistrictRead]) -> list[tuple[str, str]]:
    """Each district's raw file and documents as ``slug/name``, with the file's SHA-256."""
    return [
        (f"{r.manifest.slug}/{path.name}", file_sha256(path))
        for r in reads
        for path in (r.manifest.raw_file, *r.manifest.documents)
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
PAGE_BREAKS = {"leaders", "completion", "red_list", "quality", "small_multiples"}


def section_html(key: str, lang: str) -> str:
    """A section heading; the main parts start a new printed page."""
    new_page = key in PAGE_BREAKS
    return f'<h2 class="{"ts-break" if new_page else ""}">{html.escape(text(lang)[key])}</h2>'


def mark_progress(df: pd.DataFrame, simulated, lang: str) -> pd.DataFrame:
    """A new frame whose first column says, row by row, where the progress figures come from.

    ``simulated``: one flag for every row, or a Series aligned with ``df``."""
    w = text(lang)
    flag = pd.Series(simulated, index=df.index, dtype=bool)
    out = df.copy()
    out.insert(0, "progress_data", flag.map({True: w["demo"], False: w["real"]}))
    return out


# --- what a district report shows ------------------------------------------------------------


@dataclass
class DistrictReport:
    """Everything one district's report shows, computed from the tidy tables and the ledger."""

    read: DistrictRead
    as_of: dt.date
    lang: str
    simulated: bool
    parameters: dict
    workload: pd.DataFrame
    workload_by_source: pd.DataFrame
    units: pd.DataFrame
    mix: pd.DataFrame
    concentration: pd.DataFrame
    measurability: pd.DataFrame
    status: pd.DataFrame
    rates: dict[str, pd.DataFrame]
    lights: pd.DataFrame
    red: pd.DataFrame
    trend: pd.DataFrame
    rules: pg.RuleSet
    files: list[tuple[str, str]] = field(default_factory=list)
    coverage: Coverage | None = None
    generated_at: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def tables(self) -> TaskTables:
        return self.read.tables

    @property
    def name(self) -> str:
        """The district's name in the report's language (the Chinese name when no other)."""
        return display_name(self.read.manifest, self.lang)

    def header_html(self) -> str:
        """Title and provenance: raw files and hashes, as-of date, parameters, version, time."""
        return header_html(
            text(self.lang)["title"].format(name=self.name),
            self.files,
            as_of_label(
                {self.read.manifest.slug: self.as_of},
                {},
                self.lang,
                given=self.parameters["as_of"] != "auto",
            ),
            parameters_text(self.parameters, self.lang, {self.read.manifest.slug: self.name}),
            self.simulated,
            self.lang,
            self.generated_at,
            extra={
                text(self.lang)["rules"]: rule_name(
                    self.rules.name, self.rules.description, self.lang
                )
            },
            footer=f"{self.name} · {text(self.lang)['as_of']} {self.as_of.isoformat()}",
        )

    def section(self, key: str) -> str:
        """A section heading in the report's language (a new printed page, but the first)."""
        return section_html(key, self.lang)

    def has(self, key: str) -> bool:
        """Whether a section has anything to show: ``leaders``, ``units``, ``completion``."""
        t = self.tables
        if key == "leaders":
            return bool((~t.task_leaders["collective"]).any())
        if key == "units":
            return bool((~self.units["collective"]).any())
        if key == "completion":
            return bool(len(self.rates["district"]) and self.rates["district"]["due"].sum())
        raise InputError(f"unknown section {key!r}")

    def completion_html(self, key: str) -> str:
        """The completion table by leader, unit or source, headed as its chart panel is."""
        words, colon = LABELS[self.lang], "：" if self.lang == "zh" else ": "
        heading = f"<h3>{html.escape(words['completion'] + colon + words[f'by_{key}'])}</h3>"
        return heading + self.table(self.rates[key], progress=True)

    @property
    def completion_keys(self) -> tuple[str, ...]:
        """The completion panels and tables: by leader (when the table names leaders), unit and
        source."""
        return ("leader", "unit", "source") if self.has("leaders") else ("unit", "source")

    def empty(self, key: str) -> str:
        """The one line shown instead of an empty section."""
        words = {"leaders": "no_leaders", "units": "no_units", "completion": "no_due"}
        return f'<p class="ts-note">{html.escape(text(self.lang)[words[key]])}</p>'

    def headline_html(self) -> str:
        """The headline figures as a row of boxes."""
        t = self.tables
        named_leaders = t.task_leaders.loc[~t.task_leaders["collective"], "leader"].nunique()
        lead_units = t.task_units.loc[
            (t.task_units["role"] == "lead") & ~t.task_units["collective"], "unit"
        ].nunique()
        rate = (
            self.rates["district"]["completion_rate"].iloc[0]
            if len(self.rates["district"])
            else float("nan")
        )
        sim = SIMULATED_MARK[self.lang] if self.simulated else ""
        labels = LABELS[self.lang]["cards"].split("|")
        values = [
            f"{len(t.tasks)}",
            f"{named_leaders}",
            f"{lead_units}",
            f"{t.tasks['quantified'].mean():.0%}",
            "—" if pd.isna(rate) else f"{rate:.0%}",
            f"{len(self.red)}",
        ]
        boxes = zip(labels, values, ["", "", "", "", sim, sim], strict=True)
        cells = "".join(
            f'<div class="ts-box"><div class="ts-num">{html.escape(v)}</div>'
            f'<div class="ts-lab">{html.escape(k)}<span class="ts-sim">{html.escape(m)}</span>'
            "</div></div>"
            for k, v, m in boxes
        )
        note = f'<p class="ts-note">{html.escape(text(self.lang)["simulated_cards"])}</p>'
        return f'<div class="ts-boxes">{cells}</div>' + (note if sim else "")

    def table(self, df: pd.DataFrame, *, max_rows: int | None = 30, progress: bool = False) -> str:
        """An HTML table of one of this report's frames, without the district column.

        ``progress``: the rows come from the progress data, so each says whether it is
        simulated."""
        shown = df.drop(columns=["district"], errors="ignore")
        if progress:
            shown = mark_progress(shown, self.simulated, self.lang)
        return html_table(shown, self.lang, max_rows=max_rows)

    def units_html(self, frame: pd.DataFrame | None = None, key: str = "collectives") -> str:
        """The lead-unit table (named units ranked), then the collectives in a table apart;
        ``leaders_html`` does the same for the leaders."""
        frame = self.units if frame is None else frame
        named = frame[~frame["collective"]].drop(columns="collective")
        collectives = frame[frame["collective"]].drop(columns=["rank", "collective"])
        heading = f"<h3>{html.escape(text(self.lang)[key])}</h3>"
        return self.table(named) + (heading + self.table(collectives) if len(collectives) else "")

    def leaders_html(self) -> str:
        return self.units_html(self.workload, "collective_leaders")

    def red_list_html(self) -> str:
        """The red list (挂牌督办), every row, or a sentence when no task is red."""
        if self.red.empty:
            return f"<p>{html.escape(text(self.lang)['no_red'])}</p>"
        return self.table(self.red, max_rows=None, progress=True)

    def coverage_html(self) -> str:
        """政府工作报告落实覆盖: coverage by section, the gaps, the number disagreements."""
        return coverage_html(self.coverage, self.lang)

    def quality_table(self) -> pd.DataFrame:
        q = self.tables.quality
        return q.groupby(["kind", "severity"]).size().rename("count").reset_index()


def prepare_district(
    district: str,
    *,
    as_of: str | dt.date | None = None,
    progress: str = "auto",
    language: str = "zh",
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
) -> DistrictReport:
    """Compute everything a district report shows.

    Args:
        district: The district's slug.
        as_of: Date of the progress figures; default today, or the last milestone if earlier.
        progress: ``auto`` (real ledger if it has reports, else simulated), ``real`` or ``demo``.
        language: ``zh`` or ``en``.
        raw_dir, store_dir: Where the raw data and the progress store are.

    Raises:
        InputError: An unknown district, progress choice, language or date.
    """
    text(language)
    if progress not in PROGRESS_CHOICES:
        raise InputError(f"progress must be one of {', '.join(PROGRESS_CHOICES)}")
    read = read_districts(district, raw_dir=raw_dir)[0]
    schedule = {district: pg.schedule_dates(read.manifest)}
    ledger, simulated = _ledger(read, schedule, progress, store_dir)
    day = as_of_dates(schedule, as_of)[district]
    t = read.tables
    status = pg.milestone_status(t, ledger, schedule, day)
    rules = pg.rules_for(read.manifest)
    lights = pg.traffic_lights(status, rules)
    return DistrictReport(
        read=read,
        as_of=day,
        lang=language,
        simulated=simulated,
        parameters={
            "district": district,
            "as_of": day.isoformat() if as_of else "auto",
            "progress": progress,
            "language": language,
        },
        workload=leader_workload(t),
        workload_by_source=leader_workload(t, by="source"),
        units=unit_workload(t),
        mix=source_mix(t),
        concentration=concentration(t),
        measurability=measurability(t),
        status=status,
        rates={
            by: completion_order(pg.completion_rates(t, status, by=by), by)
            for by in ("district", "leader", "unit", "source", "section")
        },
        lights=lights,
        red=pg.red_list(t, lights),
        trend=pg.completion_trend(t, ledger, schedule),
        rules=rules,
        files=raw_files([read]),
        coverage=_coverage(read),
    )


def _ledger(
    read: DistrictRead, schedule: dict, progress: str, store_dir: str | Path | None
) -> tuple[pd.DataFrame, bool]:
    slug = read.manifest.slug
    if progress == "demo":
        return pg.demo_ledger(read.tables, schedule), True
    ledger, simulated = pg.ledger_for([slug], store_dir)
    if progress == "real":
        if simulated:
            raise InputError(
                f"no real progress reports for {slug}; import some with "
                "`taskstats progress import` or use progress='auto'"
            )
        return ledger, False
    if simulated and ledger.empty:
        return pg.demo_ledger(read.tables, schedule), True
    return ledger, simulated


def _coverage(read: DistrictRead) -> Coverage | None:
    found = read_work_report(read.manifest)
    if found is None:
        return None
    commitments, path = found
    return prepare_coverage(commitments, read.tables, read.manifest.slug, path.name)


# --- what the comparison shows ---------------------------------------------------------------

# --- what the comparison shows ---

# The comparison's indicators by theme (titles: wording "themes"), each table a few columns.
INDICATOR_THEMES = (
    ("tasks", "named_leaders", "lead_units", "tasks_per_leader_mean", "tasks_per_leader_max"),
    (
        "top_leader_share",
        "multi_lead_share",
        "support_units_mean",
        "collective_share",
        "leaderless_share",
    ),
    ("share_province", "share_city", "share_self", "share_unknown"),
    ("quantified_share", "pending_share"),
    ("as_of", "progress_data", "completion_rate", "red"),
)


@dataclass
class ComparisonReport:
    """Everything the district comparison shows."""

    reads: list[DistrictRead]
    as_of: dt.date
    lang: str
    simulated: bool
    parameters: dict
    tables: TaskTables
    indicators: pd.DataFrame
    workload: pd.DataFrame
    mix: pd.DataFrame
    lights: pd.DataFrame
    rates: pd.DataFrame
    trend: pd.DataFrame
    top: int
    as_of_by_district: dict[str, dt.date] = field(default_factory=dict)
    simulated_by_district: dict[str, bool] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def names(self) -> dict[str, str]:
        return {r.manifest.slug: display_name(r.manifest, self.lang) for r in self.reads}

    @property
    def shown(self) -> list[str]:
        """Districts drawn in the small multiples: all, or the ``top`` largest by tasks."""
        order = self.indicators.sort_values("tasks", ascending=False)["district"].tolist()
        return order[: self.top]

    @property
    def mixed(self) -> bool:
        """Some districts have real progress data and some simulated."""
        return len(set(self.simulated_by_district.values())) > 1

    def label(self, district: str) -> str:
        """A district's name, marked when its progress is simulated in a mixed comparison."""
        mark = self.mixed and self.simulated_by_district.get(district, False)
        return self.names.get(district, district) + (SIMULATED_MARK[self.lang] if mark else "")

    def header_html(self) -> str:
        w = text(self.lang)
        sep = "、" if self.lang == "zh" else ", "
        fake = [self.names[d] for d, sim in self.simulated_by_district.items() if sim]
        real = [self.names[d] for d, sim in self.simulated_by_district.items() if not sim]
        banner, progress = "", ""
        if self.mixed:
            banner = SIMULATED_DISTRICTS[self.lang].format(names=sep.join(fake))
            colon = "：" if self.lang == "zh" else ": "
            progress = f"{w['demo']}{colon}{sep.join(fake)}；{w['real']}{colon}{sep.join(real)}"
        return header_html(
            w["compare_title"],
            self.files,
            as_of_label(
                self.as_of_by_district,
                self.names,
                self.lang,
                given=self.parameters["as_of"] != "auto",
            ),
            parameters_text(self.parameters, self.lang, self.names),
            self.simulated,
            self.lang,
            self.generated_at,
            banner=banner,
            progress=progress,
            footer=f"{w['compare_title']} · {w['as_of']} "
            + "—".join(sorted({d.isoformat() for d in self.as_of_by_district.values()})),
        )

    def section(self, key: str) -> str:
        return section_html(key, self.lang)

    def shown_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of the districts drawn in the small multiples, district slugs replaced by
        names (a new frame)."""
        shown = frame[frame["district"].isin(self.shown)]
        return shown.assign(district=shown["district"].map(self.label))

    @property
    def shown_names(self) -> dict[str, str]:
        """Slug to name of the districts drawn in the small multiples."""
        return {d: self.label(d) for d in self.shown}

    def indicator_table(self) -> pd.DataFrame:
        """One row per district (by name), every indicator; source shares unknown ("—") for a
        district whose table states no source at all."""
        table = self.indicators.merge(
            self.rates[["district", "completion_rate"]], on="district", how="left"
        )
        red = self.lights[self.lights["light"] == "red"].groupby("district").size()
        table["red"] = table["district"].map(red).fillna(0).astype("int64")
        unknown = table["share_unknown"] >= 1
        for col in ("share_province", "share_city", "share_self"):
            table[col] = table[col].mask(unknown)
        table["as_of"] = table["district"].map(lambda d: self.as_of_by_district[d].isoformat())
        sim = table["district"].map(self.simulated_by_district).fillna(self.simulated)
        table = mark_progress(table, sim.astype(bool), self.lang)
        table.insert(0, "name", table["district"].map(self.names))
        return table.drop(columns="district")

    def indicator_tables_html(self) -> str:
        """The indicators as themed tables of a few columns each, one row per district:
        readable on a screen 1400 px wide and on A4."""
        table = self.indicator_table()
        themes = text(self.lang)["themes"].split("|")
        out = []
        for theme, columns in zip(themes, INDICATOR_THEMES, strict=True):
            part = table[["name", *[c for c in columns if c in table.columns]]]
            out.append(f"<div><h3>{html.escape(theme)}</h3>{html_table(part, self.lang)}</div>")
        return '<div class="ts-themes">' + "".join(out) + "</div>"


def prepare_comparison(
    districts: Iterable[str] | None = None,
    *,
    as_of: str | dt.date | None = None,
    progress: str = "auto",
    language: str = "zh",
    top: int = 12,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
) -> ComparisonReport:
    """Compute everything the comparison of districts shows."""
    text(language)
    if progress not in PROGRESS_CHOICES:
        raise InputError(f"progress must be one of {', '.join(PROGRESS_CHOICES)}")
    reads = read_districts(list(districts) if districts else None, raw_dir=raw_dir)
    tables = concat_tables([r.tables for r in reads])
    schedules = {r.manifest.slug: pg.schedule_dates(r.manifest) for r in reads}
    ledgers, simulated, by_district = [], False, {}
    for r in reads:
        ledger, sim = _ledger(r, {r.manifest.slug: schedules[r.manifest.slug]}, progress, store_dir)
        ledgers.append(ledger)
        simulated = simulated or sim
        by_district[r.manifest.slug] = sim
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else pg.empty_ledger()
    days = as_of_dates(schedules, as_of)
    day = max(days.values()) if days else dt.date.today()
    status = pg.milestone_status(tables, ledger, schedules, days)
    lights = pd.concat(
        [
            pg.traffic_lights(
                status[status["district"] == r.manifest.slug], pg.rules_for(r.manifest)
            )
            for r in reads
        ],
        ignore_index=True,
    )
    return ComparisonReport(
        reads=reads,
        as_of=day,
        lang=language,
        simulated=simulated,
        parameters={
            "districts": [r.manifest.slug for r in reads],
            "as_of": day.isoformat() if as_of else "auto",
            "progress": progress,
            "language": language,
            "top": top,
        },
        as_of_by_district=days,
        simulated_by_district=by_district,
        files=raw_files(reads),
        tables=tables,
        indicators=compare_districts(tables),
        workload=leader_workload(tables),
        mix=source_mix(tables),
        lights=lights,
        rates=pg.completion_rates(tables, status),
        trend=pg.completion_trend(tables, ledger, schedules),
        top=top,
    )
