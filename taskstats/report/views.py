"""What a district report and the comparison show, computed from the tidy tables and the ledger."""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from taskstats import measures as ms
from taskstats import progress as pg
from taskstats.datasets import DistrictRead, read_districts, read_work_report
from taskstats.errors import InputError
from taskstats.io.files import file_sha256
from taskstats.measures import (
    concentration,
    lead_unit_workload,
    leader_workload,
    measurability,
    source_mix,
    unit_workload,
)
from taskstats.measures.ranking import RankingRules, ranking_board, unit_ranking
from taskstats.progress.scoring import load_ranking_rules
from taskstats.report.coverage import Coverage, coverage_html, prepare_coverage
from taskstats.report.html import header_html, html_table
from taskstats.report.shown import (
    COMPLETION_DETAIL,
    COMPLETION_KEYS,
    completion_order,
    display_name,
    progress_note,
    ranking_rows,
    red_list_shown,
    section_html,
)
from taskstats.report.wording import (
    LABELS,
    PREVIOUS_LABEL,
    SIMULATED_MARK,
    VALUE_LABELS,
    as_of_label,
    parameters_text,
    pct,
    previous_text,
    rule_name,
    text,
)
from taskstats.report.wording import scan as scan_words
from taskstats.report.wording.ranks import RANKING_COLUMNS, rank_labels, rank_rule
from taskstats.tidy import TaskTables

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PROGRESS_CHOICES = pg.PROGRESS_CHOICES


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
    rules: ms.RuleSet
    files: list[tuple[str, str]] = field(default_factory=list)
    ranking_rules: RankingRules | None = None
    ledger: pd.DataFrame | None = None  # the progress reports the figures come from
    schedule: dict[str, list[dt.date]] = field(default_factory=dict)
    snapshot: pg.Snapshot | None = None  # the progress pipeline's figures, all of them
    generated_at: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def tables(self) -> TaskTables:
        return self.read.tables

    @functools.cached_property
    def coverage(self) -> Coverage | None:
        """政府工作报告落实覆盖 (None without a work report); worked out when first asked for,
        so a page drawing its charts ahead (:mod:`taskstats.report.drawing`) does it meanwhile."""
        found = read_work_report(self.read.manifest)
        if found is None:
            return None
        commitments, path = found
        return prepare_coverage(commitments, self.tables, self.read.manifest.slug, path.name)

    @functools.cached_property
    def ranking(self) -> pd.DataFrame | None:
        """The lead units ranked by the ranking rules (when first asked for, as ``coverage``)."""
        if self.ranking_rules is None:
            return None
        return unit_ranking(self.tables, self.status, self.lights, self.ranking_rules)

    def page_charts(self) -> dict[str, Callable[[], Figure]]:
        """The charts the page shows, in page order, each as a function that draws it: the
        sections :meth:`has` something to compare in, and the lights (for
        :func:`taskstats.report.drawing.draw_ahead`)."""
        from taskstats.report import charts

        lang, sim, name = self.lang, self.simulated, self.name
        makers: dict[str, Callable[[], Figure]] = {}
        if self.has("leaders"):
            makers["leaders"] = lambda: charts.leader_load_chart(self.workload_by_source, lang=lang)
        if self.has("units"):
            makers["units"] = lambda: charts.lead_units_chart(self.units, lang=lang)
        if self.has("sources"):
            makers["sources"] = lambda: charts.source_mix_chart(
                self.mix.assign(district=name), lang=lang
            )
        makers["lights"] = lambda: charts.lights_chart(
            self.lights.assign(district=name), lang=lang, simulated=sim
        )
        if self.has("completion"):
            keys = self.completion_keys
            makers["completion"] = lambda: charts.completion_panels(
                self.rates, keys, lang=lang, simulated=sim
            )
            makers["trend"] = lambda: charts.trend_chart(
                self.trend.assign(district=name), lang=lang, simulated=sim
            )
        return makers

    @property
    def name(self) -> str:
        """The district's name in the report's language (the Chinese name when no other)."""
        return display_name(self.read.manifest, self.lang)

    def header_html(self) -> str:
        """Title and provenance: raw files and hashes, as-of date, parameters, version, time;
        for a table read from a scan, that it was read by OCR and whether it was reviewed."""
        extra = {
            text(self.lang)["rules"]: rule_name(self.rules, self.lang),
            PREVIOUS_LABEL[self.lang]: previous_text(
                self.snapshot.previous[self.read.manifest.slug] if self.snapshot else None,
                self.lang,
            ),
        }
        scan = self.read.result.scan
        if scan is not None:
            extra[scan_words.SOURCE_LABEL[self.lang]] = scan_words.scan_summary(
                len(scan.scan.pages), len(scan.review), scan.corrected, self.lang
            )
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
            extra=extra,
            footer=f"{self.name} · {text(self.lang)['as_of']} {self.as_of.isoformat()}",
        )

    def section(self, key: str) -> str:
        """A section heading in the report's language (a new printed page, but the first)."""
        return section_html(key, self.lang)

    def has(self, key: str) -> bool:
        """Whether a section has anything to show, or more than one value to compare:
        ``leaders`` (a named leader), ``units`` (a named lead unit), ``sources`` (two sources
        or more), ``completion`` (a node due)."""
        t = self.tables
        if key == "leaders":
            return bool((~t.task_leaders["collective"]).any())
        if key == "units":
            return bool(len(lead_unit_workload(self.units)))
        if key == "sources":
            return t.tasks["source"].astype(str).nunique() > 1
        if key == "completion":
            return bool(len(self.rates["district"]) and self.rates["district"]["due"].sum())
        raise InputError(f"unknown section {key!r}")

    def said_in_a_line(self) -> dict[str, str]:
        """The charts that would show nothing or one value only, by stem (as
        ``exports.district_figures`` names them), each with the one line said instead: no named
        leader, no named lead unit, one source only, no node due. The page and the deck both
        leave these charts out and say their line."""
        w = text(self.lang)
        out = {}
        if not self.has("leaders"):
            out["leader_load"] = out["completion_by_leader"] = w["no_leaders"]
        if not self.has("units"):
            out["lead_units"] = out["completion_by_unit"] = w["no_units"]
        if not self.has("sources"):
            source = str(self.tables.tasks["source"].iloc[0]) if len(self.tables.tasks) else ""
            words = VALUE_LABELS.get(self.lang, {}).get("source", {})
            key = "one_source" if source not in ("", "unknown") else "no_source"
            line = w[key].format(source=words.get(source, source), tasks=len(self.tables.tasks))
            out["source_mix"] = out["completion_by_source"] = line
        if not self.has("completion"):
            for key in (*COMPLETION_KEYS, "trend"):
                out.setdefault("trend" if key == "trend" else f"completion_by_{key}", w["no_due"])
        return out

    def completion_html(self, key: str) -> str:
        """The completion table by leader, unit or source, headed as its chart panel is."""
        words, colon = LABELS[self.lang], "：" if self.lang == "zh" else ": "
        heading = f"<h3>{html.escape(words['completion'] + colon + words[f'by_{key}'])}</h3>"
        return heading + self.table(self.rates[key], progress=True)

    @property
    def completion_keys(self) -> tuple[str, ...]:
        """The completion panels and tables drawn: by leader, unit and source, but those
        :meth:`said_in_a_line` (no named leader, one source …)."""
        said = self.said_in_a_line()
        return tuple(k for k in COMPLETION_KEYS if f"completion_by_{k}" not in said)

    def empty(self, key: str) -> str:
        """The one line shown instead of an empty or one-value section: ``leaders``,
        ``units``, ``sources``, ``completion`` (its panels not drawn, each said in a line)."""
        if key == "completion" and not self.has("completion"):
            return f'<p class="ts-note">{html.escape(text(self.lang)["no_due"])}</p>'
        said = self.said_in_a_line()
        stems = {
            "leaders": ["leader_load"],
            "units": ["lead_units"],
            "sources": ["source_mix"],
            "completion": [f"completion_by_{k}" for k in COMPLETION_KEYS],
        }[key]
        lines = dict.fromkeys(said[s] for s in stems if s in said)  # each line once
        return "".join(f'<p class="ts-note">{html.escape(line)}</p>' for line in lines)

    def headline_numbers(self) -> list[float]:
        """The six headline figures, in card order: tasks, named leaders, named lead units,
        the share of quantified targets, the completion rate (NaN when nothing is due) and the
        red tasks. The page, the deck and the bulletin all show these."""
        t = self.tables
        named_leaders = t.task_leaders.loc[~t.task_leaders["collective"], "leader"].nunique()
        leading = len(lead_unit_workload(self.units))
        figures = self.snapshot.figures.iloc[0]  # the progress pipeline's headline figures
        quantified = t.tasks["quantified"].mean()
        rate = figures["completion_rate"]
        return [len(t.tasks), named_leaders, leading, quantified, rate, int(figures["red"])]

    def leaders_card(self, leaders: int) -> str:
        """The 分管领导 card's figure: the count, or 未列 when the table names no leader (a 0
        would read as leaders without tasks)."""
        return f"{leaders}" if self.has("leaders") else text(self.lang)["not_listed"]

    def headline_cards(self) -> list[tuple[str, str, str]]:
        """The six headline figures as (label, value, mark) in the report's language, the
        shares as the tables print them (4.8%), the progress figures marked when simulated:
        the page's cards and the deck's slide."""
        tasks, leaders, units, quantified, rate, red = self.headline_numbers()
        sim = SIMULATED_MARK[self.lang] if self.simulated else ""
        labels = LABELS[self.lang]["cards"].split("|")
        values = [
            f"{tasks}",
            self.leaders_card(leaders),
            f"{units}",
            pct(quantified),
            pct(rate),
            f"{red}",
        ]
        return list(zip(labels, values, ["", "", "", "", sim, sim], strict=True))

    def headline_html(self) -> str:
        """The headline figures as a row of boxes."""
        boxes = self.headline_cards()
        sim = SIMULATED_MARK[self.lang] if self.simulated else ""
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

        ``progress``: the rows come from the progress data: one line above says whether it is
        simulated (every row alike), and a completion table keeps the columns a page can hold
        (:data:`COMPLETION_DETAIL` are in the exported .xlsx)."""
        detail = COMPLETION_DETAIL if progress else []
        shown = df.drop(columns=["district", *detail], errors="ignore")
        table = html_table(shown, self.lang, max_rows=max_rows)
        return self.progress_note() + table if progress else table

    def progress_note(self) -> str:
        """The one line above a table of progress figures: real ledger or simulated data."""
        return progress_note(self.progress_source, self.lang)

    @property
    def progress_source(self) -> str:
        """Where the progress figures come from: ``real``, ``simulated`` or ``none``."""
        if self.snapshot is not None:
            return self.snapshot.source
        return "simulated" if self.simulated else "real"

    def units_html(self, frame: pd.DataFrame | None = None, key: str = "collectives") -> str:
        """The lead-unit table (named units ranked, every one of them: as many rows as the card
        counts), then the collectives in a table apart; ``leaders_html`` does the same for the
        leaders."""
        units = frame is None
        frame = self.units if units else frame
        named = frame[~frame["collective"]]
        collectives = frame[frame["collective"]].drop(columns=["rank", "collective"])
        heading = f"<h3>{html.escape(text(self.lang)[key])}</h3>"
        note = ""
        if units:  # the lead units the cards count; units that only support said in one line
            leading = lead_unit_workload(frame)
            others = named.loc[~named["unit"].isin(leading["unit"]), "unit"]
            named = leading
            if len(others):
                said = text(self.lang)["support_only"].format(
                    n=len(others), units="、".join(others)
                )
                note = f'<p class="ts-note">{html.escape(said)}</p>'
        ranks = named.assign(rank=rank_labels(named, self.lang)).drop(columns="collective")
        rule = rank_rule("led" if units else "tasks", self.lang)
        note = f'<p class="ts-note">{html.escape(rule)}</p>' + note
        shown = self.table(ranks, max_rows=None)  # every lead unit the card counts
        return shown + note + (heading + self.table(collectives) if len(collectives) else "")

    def leaders_html(self) -> str:
        return self.units_html(self.workload, "collective_leaders")

    def red_list_html(self) -> str:
        """The red list (挂牌督办), every row, or a sentence when no task is red."""
        w = text(self.lang)
        if self.red.empty:
            return f"<p>{html.escape(w['no_red'])}</p>"
        return (
            self.progress_note()
            + '<div class="ts-red">'
            + self.table(red_list_shown(self.red, self.lang), max_rows=None)
            + "</div>"
        )

    def ranking_html(self) -> str:
        """位次排名: the 红黄榜 (best and worst lead units) and the ranked units, by the ranking
        rules (the same table as the bulletin's)."""
        w = text(self.lang)
        rules = self.ranking_rules
        if self.ranking is None or rules is None or not self.ranking["ranked"].any():
            return f"<p>{html.escape(w['no_ranking'])}</p>"
        top, bottom = ranking_board(self.ranking, rules.board)
        board = w["ranking_board"].format(
            top="、".join(top["unit"]) or "—", bottom="、".join(bottom["unit"]) or "—"
        )
        rows = pd.DataFrame(
            ranking_rows(self.ranking, self.lang), columns=RANKING_COLUMNS[self.lang]
        )
        apart = self.ranking.loc[~self.ranking["ranked"], "unit"]
        note = (
            w["ranking_apart"].format(n=rules.min_due, units="、".join(apart)) if len(apart) else ""
        )
        named = rule_name(rules, self.lang)
        return (
            f'<p class="ts-note">{html.escape(named)}</p>'
            f"<p>{html.escape(board)}</p>"
            + html_table(rows, self.lang, max_rows=None)
            + f'<p class="ts-note">{html.escape(rank_rule("score", self.lang))}</p>'
            + (f'<p class="ts-note">{html.escape(note)}</p>' if len(apart) else "")
        )

    def coverage_html(self) -> str:
        """政府工作报告落实覆盖: coverage by section, the gaps, the number disagreements."""
        return coverage_html(self.coverage, self.lang)

    def quality_table(self) -> pd.DataFrame:
        q = self.tables.quality
        return q.groupby(["kind", "severity"]).size().rename("count").reset_index()

    def quality_rows(self) -> pd.DataFrame:
        """Each note and warning with the source line it concerns (a task whose text was lost,
        a number inferred, a line not read …), in the file's order: where 见数据质量 points."""
        q = self.tables.quality
        rows = q[q["line"].notna()].sort_values("line", kind="stable")
        return rows[["task_id", "line", "kind", "severity"]].reset_index(drop=True)

    def quality_html(self) -> str:
        """数据质量: the counts by kind, then the lines to check against the source file."""
        rows = self.quality_rows()
        w = text(self.lang)
        if rows.empty and self.tables.quality.empty:
            return f'<p class="ts-note">{html.escape(w["quality_none"])}</p>'
        lines = f"<p>{html.escape(w['quality_rows'])}</p>" + self.table(rows, max_rows=40)
        return self.table(self.quality_table()) + (lines if len(rows) else "")


def prepare_district(
    district: str,
    *,
    as_of: str | dt.date | None = None,
    progress: str = "auto",
    language: str = "zh",
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
    ranking: str | Path | RankingRules = "default",
) -> DistrictReport:
    """Compute everything a district report shows.

    Args:
        district: The district's slug.
        as_of: Date of the progress figures; default today, or the last milestone if earlier.
        progress: ``auto`` (real ledger if it has reports, else simulated), ``real`` or ``demo``.
        language: ``zh`` or ``en``.
        raw_dir, store_dir: Where the raw data and the progress store are.
        ranking: The unit ranking rules (a bundled name, a TOML file or loaded rules).

    Raises:
        InputError: An unknown district, progress choice, language or date.
    """
    text(language)
    if progress not in PROGRESS_CHOICES:
        raise InputError(f"progress must be one of {', '.join(PROGRESS_CHOICES)}")
    read = read_districts(district, raw_dir=raw_dir)[0]
    schedule = {district: pg.schedule_dates(read.manifest)}
    t = read.tables
    snap = pg.progress_snapshot(
        t, progress, schedule, as_of, pg.rules_for(read.manifest), store_dir=store_dir
    )
    day = snap.as_of[district]
    status, lights, rules, ledger = snap.status, snap.lights, snap.rules, snap.ledger
    ranking_rules = ranking if isinstance(ranking, RankingRules) else load_ranking_rules(ranking)
    return DistrictReport(
        read=read,
        as_of=day,
        lang=language,
        simulated=snap.simulated,
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
            by: completion_order(rates, by)
            for by, rates in ms.completion_rates_by(
                t, status, ("district", "leader", "unit", "source", "section"), lights=lights
            ).items()
        },
        lights=lights,
        red=snap.red,
        trend=snap.trend,
        rules=rules,
        files=raw_files([read]),
        ranking_rules=ranking_rules,
        ledger=ledger,
        schedule=schedule,
        snapshot=snap,
    )
