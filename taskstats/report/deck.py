"""The meeting deck (主任办公会): a 16:9 PowerPoint file of editable text, charts and tables."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from taskstats import __version__
from taskstats.errors import InputError
from taskstats.io.files import atomic_path
from taskstats.io.textfit import paginate_rows, row_height
from taskstats.measures import red_list
from taskstats.measures.ranking import RankingRules, ranking_board
from taskstats.report import briefing
from taskstats.report.comparison import ComparisonReport, prepare_comparison
from taskstats.report.exports import district_figures
from taskstats.report.views import DistrictReport, prepare_district, red_list_shown
from taskstats.report.wording import (
    CHART_TITLES,
    COLUMN_LABELS,
    LABELS,
    MEETING,
    QUALITY_KINDS,
    SEVERITIES,
    SIMULATED_MARK,
    TEXT,
    date_zh,
    rule_short,
)
from taskstats.report.wording.meeting import office_name
from taskstats.report.wording.ranks import rank_labels, rank_rule

# An Office font by name, its Latin name, and the GB2312 charset so that a viewer without it
# substitutes a Chinese font (LibreOffice on Linux: Noto Sans CJK SC).
EA_FONT = "微软雅黑"
LATIN_FONT = "Microsoft YaHei"
FALLBACK_FONT = "Noto Sans CJK SC"
# The red list's table: its columns (as in the report) and their relative widths, where it
# starts, and the room it has above the footer (inches), at 10 points.
RED_COLUMNS = ["task_id", "text", "lead_units", "leaders", "reasons"]
RED_WIDTHS = {"task_id": 0.7, "text": 5.0, "lead_units": 2.2, "leaders": 1.4, "reasons": 3.0}
# 4.9 in, not the 5.3 in down to the footer: LibreOffice draws each row about 0.02 in taller
# than measured (15 rows measured 5.1 in came out 5.4 in), so a slide keeps that much spare.
RED_TABLE_TOP, RED_TABLE_WIDTH, RED_TABLE_HEIGHT, RED_FONT_SIZE = 1.75, 12.3, 4.9, 10
# A table line's height in ems as a slide shows it: Noto Sans CJK SC (LibreOffice's stand-in
# for 微软雅黑) sets 1.45 (ascent 1.16, descent 0.29); 微软雅黑 itself 1.32. The taller one,
# so that no row runs off the slide in either.
SLIDE_LINE_SPACING = 1.45
CHART_BOX = (12.333, 5.45)  # inches: where a chart sits on its slide, and the size it is drawn at
CHART_DPI = 150
_INK = RGBColor(0x22, 0x2B, 0x38)
_ACCENT = RGBColor(0xC0, 0x39, 0x2B)
_GREY = RGBColor(0x66, 0x66, 0x66)


def write_deck(
    district_or_list: str | Sequence[str],
    *,
    compare: bool = False,
    as_of: str | dt.date | None = None,
    out: str | Path,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
    progress: str = "auto",
    ranking: str | Path | RankingRules = "default",
) -> Path:
    """Write the meeting deck of one or more districts, or the comparison deck.

    A district gets a title slide, the six headline figures, the change since the previous
    period (when the ledger has one), one slide per chart with a computed takeaway, the
    红黄榜, the red list (at most ten tasks a slide), a data-quality slide when anomalies
    exist and a provenance slide. Several districts without ``compare`` follow one another.

    Args:
        district_or_list: A district slug or several.
        compare: Write the comparison deck of the districts instead.
        as_of: Date of the progress figures (default: the as-of rule).
        out: The ``.pptx`` file to write.
        raw_dir, store_dir: Where the raw data and the progress store are.
        progress: ``auto``, ``real`` or ``demo``.
        ranking: A ranking rule set (name, TOML path or loaded rules).

    Returns:
        The file written.
    """
    districts = [district_or_list] if isinstance(district_or_list, str) else list(district_or_list)
    if not districts:
        raise InputError("name at least one district for the deck")
    deck = _Deck()
    if compare:
        report = prepare_comparison(
            districts, as_of=as_of, progress=progress, raw_dir=raw_dir, store_dir=store_dir
        )
        _comparison_slides(deck, report)
    else:
        for district in districts:
            report = prepare_district(
                district,
                as_of=as_of,
                progress=progress,
                raw_dir=raw_dir,
                store_dir=store_dir,
                ranking=ranking,
            )
            change = briefing.previous_period(report)
            _district_slides(deck, report, change, report.ranking_rules)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        deck.prs.save(str(tmp))
    return target


# --- what a district deck shows ---------------------------------------------------------------


def _district_slides(
    deck: _Deck,
    report: DistrictReport,
    change: briefing.PeriodChange | None,
    rules: RankingRules,
) -> None:
    from matplotlib import pyplot as plt

    from taskstats.report import charts

    footer = _footer(report.name, report.as_of, report.simulated)
    deck.title_slide(
        MEETING["deck_title"].format(name=report.name),
        MEETING["as_of_line"].format(date=date_zh(report.as_of)),
        office_name(report.read.manifest.scope_word),
        report.simulated,
    )
    deck.figures_slide(MEETING["headline"], briefing.headline_figures(report), footer)
    if change is not None:
        deck.text_slide(
            MEETING["change"].format(before=date_zh(change.before), now=date_zh(change.now)),
            list(change.sentences()),
            footer,
        )
    charts.set_style("talk", slides=True)
    sentences = briefing.district_takeaways(report)
    undrawn = report.said_in_a_line()
    for stem, fig in district_figures(report).items():
        if stem not in undrawn:
            deck.chart_slide(CHART_TITLES[stem], sentences[stem], fig, footer)
        plt.close(fig)
    if undrawn:
        deck.text_slide(MEETING["undrawn"], list(dict.fromkeys(undrawn.values())), footer)
    ranking = report.ranking
    _board_slide(deck, ranking, rules, footer)
    _red_slides(deck, report.red, footer, with_district=False)
    if len(report.tables.quality):
        _quality_slide(deck, report.tables.quality, footer)
    _provenance_slide(
        deck, report.files, report.simulated, rule_short(report.rules.name), rule_short(rules.name)
    )


def _board_slide(deck: _Deck, ranking: pd.DataFrame, rules: RankingRules, footer: str) -> None:
    top, bottom = ranking_board(ranking, rules.board)
    columns = ["rank", "unit", "score", "completion_rate", "red"]
    header = ["位次", "牵头单位", MEETING["score"], "完成率", "红灯"]
    slide = deck.blank(MEETING["board"].format(rules=rule_short(rules.name)), footer)
    best = "、".join(top["unit"]) or "—"
    ranked = ranking[ranking["ranked"]]
    ranks = dict(zip(ranked["unit"], rank_labels(ranked), strict=True))  # ties marked 并列
    worst = "、".join(bottom["unit"]) or "—"
    deck.sentence(slide, MEETING["board_line"].format(n=rules.board, best=best, worst=worst))
    for i, (label, part) in enumerate(
        ((MEETING["board_top"], top), (MEETING["board_bottom"], bottom))
    ):
        left = 0.5 + i * 6.3
        deck.label(slide, label.format(n=rules.board), left, 1.75, _ACCENT if i else _INK)
        shown = part.assign(rank=part["unit"].map(ranks))
        rows = [[_cell(r[c], c) for c in columns] for r in shown[columns].to_dict("records")] or [
            ["—"] * len(columns)
        ]
        deck.table(slide, header, rows, left, 2.3, 6.0, [1.2, 2.2, 0.9, 0.9, 0.8])
    deck.note(slide, [rank_rule("score")], top=6.45, size=12)


def _red_slides(deck: _Deck, red: pd.DataFrame, footer: str, *, with_district: bool) -> None:
    """The red list over as many slides as its rows' measured heights need (no row runs off
    the slide), with the same columns as the report's (no leaders column when none named)."""
    shown = red_list_shown(red)
    columns = [c for c in RED_COLUMNS if c in shown.columns]
    widths = [RED_WIDTHS[c] for c in columns]
    if with_district:
        columns, widths = ["district_name", *columns], [1.3, *widths]
    widths = [w * RED_TABLE_WIDTH / sum(widths) for w in widths]
    header = [COLUMN_LABELS["zh"]["district" if c == "district_name" else c] for c in columns]
    rows = [[str(r[c]) for c in columns] for r in shown.to_dict("records")]
    pages = paginate_rows(rows, header, widths, RED_FONT_SIZE, RED_TABLE_HEIGHT, SLIDE_LINE_SPACING)
    for page, chunk in enumerate(pages):
        title = MEETING["red_list"] + (
            MEETING["continued"].format(i=page + 1, n=len(pages)) if len(pages) > 1 else ""
        )
        slide = deck.blank(title, footer)
        if not chunk:
            deck.sentence(slide, MEETING["no_red"])
            continue
        deck.sentence(slide, f"红灯任务共{len(rows)}项，实行挂牌督办")
        deck.table(
            slide, header, chunk, 0.5, RED_TABLE_TOP, RED_TABLE_WIDTH, widths, size=RED_FONT_SIZE
        )


def _quality_slide(deck: _Deck, quality: pd.DataFrame, footer: str) -> None:
    counts = quality.groupby(["kind", "severity"]).size().rename("count").reset_index()
    slide = deck.blank(MEETING["quality"], footer)
    deck.sentence(slide, MEETING["quality_takeaway"].format(n=len(quality)))
    rows = [
        [
            QUALITY_KINDS.get(r["kind"], r["kind"]),
            SEVERITIES.get(r["severity"], r["severity"]),
            str(r["count"]),
        ]
        for r in counts.to_dict("records")
    ]
    deck.table(slide, ["类型", "级别", "条数"], rows, 0.5, 1.75, 7.0, [3.6, 1.6, 1.8])


def _provenance_slide(
    deck: _Deck,
    files: list[tuple[str, str]],
    simulated: bool,
    light_rules: str,
    ranking_rules: str,
) -> None:
    slide = deck.blank(MEETING["provenance"], "")
    deck.sentence(slide, MEETING["simulated_line"] if simulated else MEETING["real_line"])
    rows = [[name, sha] for name, sha in files]
    deck.table(slide, MEETING["provenance_columns"], rows, 0.5, 1.75, 12.3, [3.8, 8.5], size=10)
    deck.note(
        slide,
        [
            MEETING["provenance_rules"].format(lights=light_rules, ranking=ranking_rules),
            MEETING["provenance_tool"].format(
                version=__version__, time=dt.datetime.now().strftime("%Y-%m-%d %H:%M")
            ),
        ],
        top=2.3 + 0.45 * len(rows),
    )


# --- what the comparison deck shows -----------------------------------------------------------


def _comparison_slides(deck: _Deck, report: ComparisonReport) -> None:
    from matplotlib import pyplot as plt

    from taskstats.report import charts

    footer = _footer(MEETING["compare_deck_title"], report.as_of, report.simulated)
    deck.title_slide(
        MEETING["compare_deck_title"],
        MEETING["as_of_line"].format(date=date_zh(report.as_of)),
        MEETING["office"],
        report.simulated,
    )
    lights = report.lights.assign(district=report.lights["district"].map(report.names))
    named = report.workload[~report.workload["collective"]]
    figs = report.figures  # the progress pipeline's headline figures, per district
    done, due = int(figs["done"].sum()), int(figs["due"].sum())
    cards = LABELS["zh"]["cards"].split("|")  # as the district pages and decks name them
    sim = SIMULATED_MARK["zh"] if report.simulated else ""
    figures = [
        (MEETING["districts"], f"{len(report.reads)}"),
        (MEETING["total_tasks"], f"{len(report.tables.tasks)}"),
        (cards[1], f"{named[['district', 'leader']].drop_duplicates().shape[0]}"),
        (cards[3], briefing.pct(report.tables.tasks["quantified"].mean())),
        (cards[4] + sim, briefing.pct(done / due if due else float("nan"))),
        (cards[5] + sim, f"{int(figs['red'].sum())}"),
    ]
    deck.figures_slide(MEETING["headline"], figures, footer)
    charts.set_style("talk", slides=True)
    shown = {d: report.names[d] for d in report.shown}
    trend = report.trend.assign(district=report.trend["district"].map(report.names))
    mix = report.mix.assign(district=report.mix["district"].map(report.names))
    sim = report.simulated
    figs = {
        "compare_lights": charts.lights_chart(lights, simulated=sim),
        "compare_trend": charts.trend_chart(trend, simulated=sim),
        "compare_source_mix": charts.source_mix_chart(mix),
        "compare_leaders": charts.leader_distribution_grid(report.workload, shown),
        "compare_measurability": charts.measurability_grid(report.indicators, report.names),
    }
    sentences = briefing.comparison_takeaways(report)
    for key, fig in figs.items():
        deck.chart_slide(CHART_TITLES[key], sentences[key], fig, footer)
        plt.close(fig)
    red = red_list(report.tables, report.lights)
    red = red.assign(district_name=red["district"].map(report.names))
    _red_slides(deck, red, footer, with_district=True)
    _provenance_slide(deck, report.files, report.simulated, "按各区县清单", "—")


# --- slides -------------------------------------------------------------------------------------


class _Deck:
    """A 16:9 presentation built from blank slides, every run in the East Asian font."""

    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width = Emu(12192000)  # PowerPoint's 16:9: 13.333 × 7.5 in
        self.prs.slide_height = Emu(6858000)
        self.layout = self.prs.slide_layouts[6]  # blank

    def blank(self, title: str, footer: str):
        slide = self.prs.slides.add_slide(self.layout)
        self._text(slide, title, 0.5, 0.3, 12.3, 0.8, size=28, bold=True, name="title")
        if footer:
            self._text(slide, footer, 0.5, 7.05, 12.3, 0.35, size=10, color=_GREY)
        return slide

    def title_slide(self, title: str, date_line: str, office: str, simulated: bool) -> None:
        slide = self.prs.slides.add_slide(self.layout)
        self._text(slide, title, 0.8, 2.3, 11.7, 1.3, size=40, bold=True, name="title")
        self._text(slide, date_line, 0.8, 3.8, 11.7, 0.6, size=22, color=_GREY)
        self._text(slide, office, 0.8, 4.5, 11.7, 0.6, size=22, color=_GREY)
        if simulated:
            self._text(slide, MEETING["simulated_line"], 0.8, 5.4, 11.7, 0.6, 18, color=_ACCENT)

    def figures_slide(self, title: str, figures: list[tuple[str, str]], footer: str) -> None:
        slide = self.blank(title, footer)
        for i, (label, value) in enumerate(figures):
            left, top = 0.7 + (i % 3) * 4.1, 1.7 + (i // 3) * 2.6
            self._text(slide, value, left, top, 3.8, 1.3, size=54, bold=True, color=_ACCENT)
            self._text(slide, label, left, top + 1.3, 3.8, 0.6, size=20, color=_GREY)

    def text_slide(self, title: str, lines: list[str], footer: str) -> None:
        slide = self.blank(title, footer)
        self.note(slide, lines, top=1.7, size=24)

    def chart_slide(self, title: str, sentence: str, fig, footer: str) -> None:
        from taskstats.report import charts

        slide = self.blank(title, footer)
        self.sentence(slide, sentence)
        fig.set_size_inches(*CHART_BOX)
        buf = io.BytesIO()
        with charts.glyphs_checked():
            fig.savefig(buf, format="png", dpi=CHART_DPI)
        buf.seek(0)
        slide.shapes.add_picture(buf, Inches(0.5), Inches(1.55), Inches(CHART_BOX[0]))

    def sentence(self, slide, text: str) -> None:
        self._text(slide, text, 0.5, 1.05, 12.3, 0.5, size=18, color=_INK, name="takeaway")

    def label(self, slide, text: str, left: float, top: float, color: RGBColor) -> None:
        self._text(slide, text, left, top, 6.0, 0.5, size=18, bold=True, color=color)

    def note(self, slide, lines: list[str], *, top: float, size: int = 14) -> None:
        box = slide.shapes.add_textbox(Inches(0.5), Inches(top), Inches(12.3), Inches(4))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.space_after = Pt(12)
            _font(para.add_run(), line, size, False, _INK)

    def table(
        self,
        slide,
        header: list[str],
        rows: list[list[str]],
        left: float,
        top: float,
        width: float,
        widths: list[float],
        *,
        size: int = 12,
    ) -> None:
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(header),
            Inches(left),
            Inches(top),
            Inches(width),
            Inches(0.4 * (len(rows) + 1)),
        )
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = Inches(w)
        for i, values in enumerate([header, *rows]):  # each row as tall as its text needs
            height = row_height([str(v) for v in values], widths, size, SLIDE_LINE_SPACING)
            table.rows[i].height = Inches(height)
        for i, values in enumerate([header, *rows]):
            for j, value in enumerate(values):
                cell = table.cell(i, j)
                cell.text_frame.word_wrap = True
                para = cell.text_frame.paragraphs[0]
                _font(para.add_run(), str(value), size, i == 0, None)

    def _text(
        self,
        slide,
        text: str,
        left: float,
        top: float,
        width: float,
        height: float,
        size: int,
        *,
        bold: bool = False,
        color: RGBColor | None = _INK,
        name: str = "",
    ) -> None:
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        if name:
            box.name = name
        box.text_frame.word_wrap = True
        _font(box.text_frame.paragraphs[0].add_run(), text, size, bold, color)


def _font(run, text: str, size: int, bold: bool, color: RGBColor | None) -> None:
    """Set a run's text and font: Latin and East Asian typefaces by name, size, weight."""
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN_FONT
    if color is not None:
        run.font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN")  # so that a viewer substitutes a simplified Chinese face
    rpr.set("altLang", "en-US")
    old = rpr.find(qn("a:ea"))
    if old is not None:
        rpr.remove(old)
    latin = rpr.find(qn("a:latin"))
    ea = latin.makeelement(
        qn("a:ea"), {"typeface": EA_FONT, "pitchFamily": "34", "charset": "-122"}
    )
    latin.addnext(ea)


def _footer(name: str, as_of: dt.date, simulated: bool) -> str:
    tail = f" · {TEXT['zh']['demo']}" if simulated else ""
    return f"{name} · {MEETING['as_of_line'].format(date=date_zh(as_of))}{tail}"


def _cell(value, column: str) -> str:
    if column in ("completion_rate", "on_time_rate"):
        return briefing.pct(value)
    if column == "score":
        return f"{value:g}"
    return "—" if pd.isna(value) else str(value)


__all__ = ["write_deck"]
