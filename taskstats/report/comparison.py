"""What the comparison of districts shows: the same indicators and charts for every district,
each read at its own as-of date unless one is given."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats import progress as pg
from taskstats.datasets import DistrictRead, read_districts
from taskstats.errors import InputError
from taskstats.measures import (
    compare_districts,
    leader_workload,
    source_mix,
)
from taskstats.report.html import header_html, html_table
from taskstats.report.shown import display_name, mark_progress, section_html
from taskstats.report.views import PROGRESS_CHOICES, raw_files
from taskstats.report.wording import (
    SIMULATED_DISTRICTS,
    SIMULATED_MARK,
    as_of_label,
    footer_as_of,
    parameters_text,
    text,
)
from taskstats.tidy import TaskTables, concat_tables

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
    # Where each district's progress figures come from: real, simulated or none.
    source_by_district: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=dt.datetime.now)
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)  # the pipeline's, per district

    @property
    def names(self) -> dict[str, str]:
        return {r.manifest.slug: display_name(r.manifest, self.lang) for r in self.reads}

    @property
    def shown(self) -> list[str]:
        """Districts drawn in the small multiples: all, or the ``top`` largest by tasks."""
        order = self.indicators.sort_values("tasks", ascending=False)["district"].tolist()
        return order[: self.top]

    @property
    def simulated_by_district(self) -> dict[str, bool]:
        """Whether each district's progress figures are simulated."""
        return {d: source == "simulated" for d, source in self.source_by_district.items()}

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
            footer=f"{w['compare_title']} · " + footer_as_of(self.as_of_by_district, self.lang),
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
        table = mark_progress(table, table["district"].map(self.source_by_district), self.lang)
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
    # Each district through the one progress pipeline, with its own ledger choice and rules.
    snaps = {
        r.manifest.slug: pg.progress_snapshot(
            r.tables,
            progress,
            {r.manifest.slug: schedules[r.manifest.slug]},
            as_of,
            pg.rules_for(r.manifest),
            store_dir=store_dir,
        )
        for r in reads
    }
    simulated = any(snap.simulated for snap in snaps.values())
    days = {slug: snap.as_of[slug] for slug, snap in snaps.items()}
    day = max(days.values()) if days else dt.date.today()

    def joined(name: str) -> pd.DataFrame:
        frames = [getattr(snap, name) for snap in snaps.values()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    lights = joined("lights")
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
        source_by_district={slug: snap.source for slug, snap in snaps.items()},
        files=raw_files(reads),
        tables=tables,
        indicators=compare_districts(tables),
        workload=leader_workload(tables),
        mix=source_mix(tables),
        lights=lights,
        rates=joined("rates"),
        trend=joined("trend"),
        figures=joined("figures"),
        top=top,
    )
