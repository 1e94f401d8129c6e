"""The 督查通报 draft: a Word document in the usual structure, every figure from the measures.

Built with python-docx rather than a docxtpl template: the figures and lists vary in length
(units, red tasks), Word splits template tags across runs when an office edits them, and the
fixed words (headings, the standard paragraphs of 下一步工作要求) already live in one place,
``taskstats.report.wording.BULLETIN``, where an office can change them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from taskstats.io.files import atomic_path
from taskstats.measures.nodes import lead_units
from taskstats.measures.ranking import RankingRules, ranking_board
from taskstats.report import briefing
from taskstats.report.views import DistrictReport, prepare_district, ranking_rows, red_list_shown
from taskstats.report.wording import (
    BULLETIN,
    COLUMN_LABELS,
    date_zh,
    rule_short,
)
from taskstats.report.wording.meeting import office_name
from taskstats.report.wording.ranks import rank_rule

# Fonts by name as official documents set them (GB/T 9704): the viewer substitutes its own
# Chinese font where one is missing (LibreOffice on Linux: Noto Serif or Sans CJK SC).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(12)  # 小四
TABLE_LINE = Pt(18)
# mm, within the 156 mm of text, in 五号 like the annex: 位次 holds "13（并列）" on one line
RANKING_WIDTHS = [25, 29, 14, 18, 18, 10, 10, 13, 15]
# The annex (the red list) in 五号 at exact 14-point lines: dense, still easy to read.
ANNEX_SIZE, ANNEX_LINE = Pt(10.5), Pt(14)
# The reasons' column holds "超过完成时限2020-12-31" on one line (a date is not split).
ANNEX_WIDTHS = {"task_id": 12, "text": 46, "lead_units": 28, "leaders": 20, "reasons": 50}
# Names listed one to a line in their cells, never split inside a name ("孙龙/业")
ANNEX_LISTS = ("lead_units", "leaders")
# A bracket this short is kept on one line; a longer one keeps its opening "（第12" together.
GLUED_BRACKET = 24
WORD_JOINER = "\u2060"  # no line break here (Word and LibreOffice both honour it)


def write_bulletin(
    district: str,
    *,
    as_of: str | dt.date | None = None,
    out: str | Path,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
    progress: str = "auto",
    ranking: str | Path | RankingRules = "default",
) -> Path:
    """Write a district's 督查通报 draft (.docx, A4).

    Sections: 总体情况 (with the change since the previous period when the ledger has one),
    亮灯情况 by lead unit, 位次排名 (the ranking table and the 红黄榜), 存在问题 (overdue nodes by
    unit), 下一步工作要求 and the 附件 (the red list).

    Args:
        district: The district's slug.
        as_of: Date of the progress figures (default: the as-of rule).
        out: The ``.docx`` file to write.
        raw_dir, store_dir: Where the raw data and the progress store are.
        progress: ``auto``, ``real`` or ``demo``.
        ranking: A ranking rule set (name, TOML path or loaded rules).

    Returns:
        The file written.
    """
    report = prepare_district(
        district,
        as_of=as_of,
        progress=progress,
        raw_dir=raw_dir,
        store_dir=store_dir,
        ranking=ranking,
    )
    change = briefing.previous_period(report)
    doc = _document()
    _write(doc, report, change, report.ranking, report.ranking_rules)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target


def _write(
    doc,
    report: DistrictReport,
    change: briefing.PeriodChange | None,
    ranking: pd.DataFrame,
    rules: RankingRules,
) -> None:
    date = date_zh(report.as_of)
    _para(
        doc,
        BULLETIN["title"].format(name=report.name),
        font=TITLE_FONT,
        size=TITLE_SIZE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    if report.simulated:
        _para(
            doc,
            BULLETIN["simulated"],
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
            color=RGBColor(0xC0, 0x39, 0x2B),
        )
    _para(doc, BULLETIN["addressee"], indent=False)
    office = office_name(report.read.manifest.scope_word)
    _para(doc, BULLETIN["opening"].format(office=office, date=date))

    _heading(doc, BULLETIN["h_overall"])
    r = report.rates["district"].iloc[0]
    _para(
        doc,
        BULLETIN["overall"].format(
            scope=report.read.manifest.scope_word,
            tasks=len(report.tables.tasks),
            date=date,
            due=int(r["due"]),
            done=int(r["done"]),
            on_track=int(r["on_track"]),
            behind=int(r["behind"]),
            not_started=int(r["not_started"]),
            not_reported=int(r["not_reported"]),
            rate=briefing.pct(r["completion_rate"]),
            on_time=briefing.pct(r["on_time_rate"]),
        ),
    )
    if change is None:
        _para(doc, BULLETIN["overall_first"])
    else:
        rates, lights = change.sentences()
        _para(
            doc,
            BULLETIN["overall_change"].format(
                before=date_zh(change.before), rates=rates, lights=lights
            ),
        )

    _heading(doc, BULLETIN["h_lights"])
    counts = report.lights["light"].value_counts()
    _para(
        doc,
        BULLETIN["lights"].format(
            rules=rule_short(report.rules.name),
            **{c: int(counts.get(c, 0)) for c in ("red", "yellow", "green")},
        ),
    )
    lit = lights_by_unit(report)
    if lit.empty:
        _para(doc, BULLETIN["lights_none"])
    for row in lit.to_dict("records"):
        _para(doc, BULLETIN["lights_unit"].format(**row))

    _heading(doc, BULLETIN["h_ranking"])
    top, bottom = ranking_board(ranking, rules.board)
    ranked = ranking[ranking["ranked"]]
    _para(
        doc,
        BULLETIN["ranking"].format(
            rules=rule_short(rules.name),
            description=rules.description.rstrip("。．. "),
            n=len(ranked),
            top=rules.board,
            best="、".join(top["unit"]) or BULLETIN["none"],
            worst="、".join(bottom["unit"]) or BULLETIN["none"],
        ),
    )
    _table(
        doc,
        BULLETIN["ranking_columns"],
        ranking_rows(ranking),
        RANKING_WIDTHS,
        size=ANNEX_SIZE,
        line=ANNEX_LINE,
    )
    _para(doc, rank_rule("score"))
    apart = ranking[~ranking["ranked"]]
    if len(apart):
        _para(
            doc,
            BULLETIN["ranking_apart"].format(
                n=rules.min_due, count=len(apart), units="、".join(apart["unit"])
            ),
        )

    _heading(doc, BULLETIN["h_problems"])
    problems = overdue_by_unit(report)
    if problems.empty:
        _para(doc, BULLETIN["problems_none"].format(date=date))
    else:
        _para(
            doc,
            BULLETIN["problems"].format(
                date=date, n=int(report.status["overdue"].sum()), units=len(problems)
            ),
        )
        for row in problems.to_dict("records"):
            _para(doc, BULLETIN["problems_unit"].format(**row))

    _heading(doc, BULLETIN["h_next"])
    for paragraph in BULLETIN["next"]:
        _para(doc, paragraph)
    _para(
        doc,
        BULLETIN["signature"].format(office=office),
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
    )
    _para(doc, date, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _heading(doc, BULLETIN["h_annex"])
    shown = red_list_shown(report.red)
    columns = [c for c in ANNEX_WIDTHS if c in shown.columns]
    widths = [ANNEX_WIDTHS[c] for c in columns]
    widths[columns.index("text")] += sum(ANNEX_WIDTHS.values()) - sum(widths)
    _table(
        doc,
        [COLUMN_LABELS["zh"][c] for c in columns],
        [
            [str(r[c]).replace("、", "\n") if c in ANNEX_LISTS else str(r[c]) for c in columns]
            for r in shown.to_dict("records")
        ],
        widths=widths,
        size=ANNEX_SIZE,
        line=ANNEX_LINE,
    )


# --- the lists in the text --------------------------------------------------------------------


def lights_by_unit(report: DistrictReport) -> pd.DataFrame:
    """Red and yellow tasks by lead unit: counts and the tasks' numbers (``第3、8、15项``); the
    reasons of each light are in the 附件 table, so the text stays short enough to read."""
    lit = report.lights[report.lights["light"].isin(["red", "yellow"])]
    lead = lead_units(report.tables, named_only=False)
    rows = lit.merge(lead, on=["district", "task_id"], how="left").fillna(
        {"unit": BULLETIN["no_lead_unit"]}
    )
    out = []
    for unit, group in rows.groupby("unit", sort=False):
        entry = {"unit": unit}
        parts = []
        for light in ("red", "yellow"):
            part = group[group["light"] == light]
            entry[light] = len(part)
            if len(part):
                tasks = BULLETIN["task_numbers"].format(
                    tasks="、".join(part["task_id"].astype(str))
                )
                parts.append(
                    BULLETIN["lights_part"].format(
                        light=briefing.light_label(light), n=len(part), tasks=tasks
                    )
                )
        entry["lights"] = "，".join(parts)
        out.append(entry)
    frame = pd.DataFrame(out, columns=["unit", "red", "yellow", "lights"])
    return frame.sort_values(["red", "yellow", "unit"], ascending=[False, False, True])


def overdue_by_unit(report: DistrictReport) -> pd.DataFrame:
    """Overdue nodes by lead unit: their number and the tasks concerned, most first."""
    status = report.status
    late = status.loc[status["overdue"], ["district", "task_id", "milestone"]].astype(str)
    rows = late.merge(
        lead_units(report.tables, named_only=False), on=["district", "task_id"], how="left"
    )
    rows = rows.fillna({"unit": BULLETIN["no_lead_unit"]})
    out = []
    for unit, group in rows.groupby("unit", sort=False):
        listed = BULLETIN["task_numbers"].format(
            tasks="、".join(pd.unique(group["task_id"]).astype(str))
        )
        out.append({"unit": unit, "count": len(group), "tasks": listed})
    frame = pd.DataFrame(out, columns=["unit", "count", "tasks"])
    return frame.sort_values(["count", "unit"], ascending=[False, True])


# --- Word -------------------------------------------------------------------------------------


def _document():
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _fonts(normal.font, normal.element.get_or_add_rPr(), BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    return doc


def _fonts(font, rpr, east_asian: str, size) -> None:
    """A font by name for Latin and East Asian text (``w:eastAsia``), and its size."""
    font.name = LATIN_FONT
    font.size = size
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")  # so that a viewer substitutes a simplified Chinese face


def _para(
    doc,
    text: str,
    *,
    font: str = BODY_FONT,
    size=BODY_SIZE,
    align=None,
    indent: bool = True,
    color: RGBColor | None = None,
    bold: bool = False,
):
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(32)  # two characters
    if font == TITLE_FONT:
        para.paragraph_format.line_spacing = Pt(36)
        para.paragraph_format.space_after = Pt(16)
    run = para.add_run(glued(text))
    _fonts(run.font, run._r.get_or_add_rPr(), font, size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return para


def _heading(doc, text: str) -> None:
    """A heading, kept on the page of the paragraph after it."""
    _para(doc, text, font=HEADING_FONT).paragraph_format.keep_with_next = True


def glued(text: str) -> str:
    """The text with no line break allowed inside a short bracket ("（第3、8项）") nor right
    after the opening "（第" of a long one: word joiners between the characters."""

    def glue(match: re.Match) -> str:
        part = match.group(0)
        if len(part) > GLUED_BRACKET:
            head = re.match(r"（第?\d*", part).group(0)
            return WORD_JOINER.join(head) + WORD_JOINER + part[len(head) :]
        return WORD_JOINER.join(part)

    return re.sub(r"（[^（）]*）", glue, text)


def _table(
    doc,
    header: list[str],
    rows: list[list[str]],
    widths: list[int] | None = None,
    *,
    size=TABLE_SIZE,
    line=TABLE_LINE,
):
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if widths:
        for j, w in enumerate(widths):
            table.columns[j].width = Mm(w)
    # the header row repeats at the top of every page the table runs onto
    header_row = table.rows[0]._tr.get_or_add_trPr()
    header_row.append(header_row.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for i, values in enumerate([header, *rows]):
        cells = table.rows[i].cells
        for j, value in enumerate(values):
            para = cells[j].paragraphs[0]
            para.paragraph_format.line_spacing = line
            para.paragraph_format.first_line_indent = Pt(0)
            run = para.add_run(str(value))
            _fonts(run.font, run._r.get_or_add_rPr(), HEADING_FONT if i == 0 else BODY_FONT, size)
            if widths:
                cells[j].width = Mm(widths[j])
    return table
