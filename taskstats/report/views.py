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
from taskstats.report.wording import as_of_label, text
from taskstats.tidy import TaskTables, concat_tables

PROGRESS_CHOICES = ("auto", "real", "demo")


def raw_files(reads: Sequence[DistrictRead]) -> list[tuple[str, str]]:
    """Each district's raw file and documents as ``slug/name``, with the file's SHA-256."""
    return [
        (f"{r.manifest.slug}/{path.name}", file_sha256(path))
        for r in reads
        for path in (r.manifest.raw_file, *r.manifest.documents)
    ]


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
        return self.read.manifest.name

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
            self.parameters,
            self.simulated,
            self.lang,
            self.generated_at,
            extra={text(self.lang)["rules"]: f"{self.rules.name}：{self.rules.description}"},
        )

    def section(self, key: str) -> str:
        """A section heading in the report's language."""
        return f"<h2>{html.escape(text(self.lang)[key])}</h2>"

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
        zh = self.lang == "zh"
        boxes = [
            ("目标任务" if zh else "Tasks", f"{len(t.tasks)}"),
            ("分管领导" if zh else "Leaders", f"{named_leaders}"),
            ("牵头单位" if zh else "Lead units", f"{lead_units}"),
            ("量化目标" if zh else "Quantified", f"{t.tasks['quantified'].mean():.0%}"),
            ("节点完成率" if zh else "Milestones done", "—" if pd.isna(rate) else f"{rate:.0%}"),
            ("红灯任务" if zh else "Red tasks", f"{len(self.red)}"),
        ]
        cells = "".join(
            f'<div class="ts-box"><div class="ts-num">{html.escape(v)}</div>'
            f'<div class="ts-lab">{html.escape(k)}</div></div>'
            for k, v in boxes
        )
        return f'<div class="ts-boxes">{cells}</div>'

    def table(self, df: pd.DataFrame, *, max_rows: int | None = 30) -> str:
        """An HTML table of one of this report's frames, without the district column."""
        return html_table(
            df.drop(columns=["district"], errors="ignore"), self.lang, max_rows=max_rows
        )

    def units_html(self) -> str:
        """The lead-unit table (named units ranked), then the collectives in a table apart."""
        named = self.units[~self.units["collective"]].drop(columns="collective")
        collectives = self.units[self.units["collective"]].drop(columns=["rank", "collective"])
        heading = f"<h3>{html.escape(text(self.lang)['collectives'])}</h3>"
        return self.table(named) + heading + self.table(collectives)

    def red_list_html(self) -> str:
        """The red list (挂牌督办), every row, or a sentence when no task is red."""
        if self.red.empty:
            return f"<p>{html.escape(text(self.lang)['no_red'])}</p>"
        return self.table(self.red, max_rows=None)

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
            by: pg.completion_rates(t, status, by=by)
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
    files: list[tuple[str, str]] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def names(self) -> dict[str, str]:
        return {r.manifest.slug: r.manifest.name for r in self.reads}

    @property
    def shown(self) -> list[str]:
        """Districts drawn in the small multiples: all, or the ``top`` largest by tasks."""
        order = self.indicators.sort_values("tasks", ascending=False)["district"].tolist()
        return order[: self.top]

    def header_html(self) -> str:
        return header_html(
            text(self.lang)["compare_title"],
            self.files,
            as_of_label(
                self.as_of_by_district,
                self.names,
                self.lang,
                given=self.parameters["as_of"] != "auto",
            ),
            self.parameters,
            self.simulated,
            self.lang,
            self.generated_at,
        )

    def section(self, key: str) -> str:
        return f"<h2>{html.escape(text(self.lang)[key])}</h2>"

    def shown_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of the districts drawn in the small multiples, district slugs replaced by
        names (a new frame)."""
        names = self.names
        shown = frame[frame["district"].isin(self.shown)]
        return shown.assign(district=shown["district"].map(names))

    @property
    def shown_names(self) -> dict[str, str]:
        """Slug to name of the districts drawn in the small multiples."""
        return {d: self.names[d] for d in self.shown}

    def indicator_table(self) -> pd.DataFrame:
        table = self.indicators.merge(
            self.rates[["district", "completion_rate"]], on="district", how="left"
        )
        red = self.lights[self.lights["light"] == "red"].groupby("district").size()
        table["red"] = table["district"].map(red).fillna(0).astype("int64")
        table.insert(0, "name", table["district"].map(self.names))
        return table.drop(columns="district")


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
    ledgers, simulated = [], False
    for r in reads:
        ledger, sim = _ledger(r, {r.manifest.slug: schedules[r.manifest.slug]}, progress, store_dir)
        ledgers.append(ledger)
        simulated = simulated or sim
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
