"""What goes back to units and leaders: one A4 Word document per lead unit or per 分管领导, with
its tasks, deadlines, latest status and light, the reasons, the nodes due in the next period,
and each red task as a 督办通知单 (限期整改, the date to report back by). Every figure comes from
the one progress pipeline (:func:`taskstats.progress_snapshot`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats.errors import InputError
from taskstats.io.files import atomic_path
from taskstats.measures.nodes import joined_lead_units, lead_units
from taskstats.measures.period import due_next_period, next_node
from taskstats.report.wording import VALUE_LABELS, reason_text, task_text
from taskstats.report.wording.meeting import date_zh, office_name
from taskstats.report.wording.period import PERIOD_REPORT
from taskstats.report.wording.returns import HANDOUT
from taskstats.tidy.schema import TaskTables

BY = ("unit", "leader")
ONLY = ("all", "red", "due")


@dataclass
class Handout:
    """One document's content: who it goes to and its tasks (one row each)."""

    to: str
    tasks: pd.DataFrame  # task_id, text, deadline, status, light, reasons, lead_units
    due: pd.DataFrame  # task_id, text, milestone (the next period's nodes not done)
    # task_id, unit, collective: the lead units of these tasks, in the order each task names them
    leads: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["task_id", "unit", "collective"])
    )
    # All the unit's (or leader's) tasks by light, whichever of them ``tasks`` lists
    lights: dict[str, int] = field(default_factory=dict)
    only: str = "all"  # which of them ``tasks`` lists (see ONLY)
    final: bool = False  # the plan is at its last node: there is no next period

    @property
    def total(self) -> int:
        """How many tasks the unit leads (the leader is responsible for), all of them."""
        return sum(self.lights.values()) if self.lights else len(self.tasks)


def handouts(
    tables: TaskTables,
    snapshot,
    district: str,
    schedule: list[dt.date],
    *,
    by: str = "unit",
    only: str = "all",
) -> list[Handout]:
    """The hand-outs of a district: one per named lead unit (``by="unit"``) or named leader.

    Args:
        tables: The tidy tables.
        snapshot: :func:`taskstats.progress_snapshot` of the district.
        district: The district's slug.
        schedule: Its reporting nodes (the next period ends at the next node).
        by: ``unit`` (lead units) or ``leader`` (分管领导).
        only: ``all`` tasks, only ``red`` ones, or only those with a node ``due`` next period.

    Returns:
        The hand-outs, the most red tasks first, then by name; none for a unit or leader left
        with no task. Collectives (各相关单位 …) get none.
    """
    if by not in BY or only not in ONLY:
        raise InputError(f"--by must be one of {', '.join(BY)} and --only one of {', '.join(ONLY)}")
    as_of = snapshot.as_of[district]
    until = next_node(schedule, as_of)
    status = snapshot.status[snapshot.status["district"] == district]
    due = (
        due_next_period(tables, status, as_of, until, people=snapshot.people)
        if until
        else pd.DataFrame(columns=["task_id", "text", "milestone"])
    )
    tasks = task_progress(tables, status, snapshot.lights, district)
    joined = joined_lead_units(tables).reset_index()
    leads = joined[joined["district"] == district].set_index("task_id")["lead_units"]
    every = tasks.assign(lead_units=tasks["task_id"].astype(str).map(leads).fillna(""))
    if only == "red":
        tasks = every[every["light"] == "red"]
    elif only == "due":
        tasks = every[every["task_id"].isin(due["task_id"])]
    else:
        tasks = every
    owners = _owners(tables, district, by)
    task_leads = _task_leads(tables, district)
    out = []
    for name, ids in owners.groupby("name", sort=True)["task_id"]:
        mine = tasks[tasks["task_id"].isin(set(ids))]
        if mine.empty:
            continue
        lit = every.loc[every["task_id"].isin(set(ids)), "light"]
        lights = {k: int((lit == k).sum()) for k in ("red", "yellow", "green")}
        mine_due = due[due["task_id"].isin(set(mine["task_id"]))]
        mine_leads = task_leads[task_leads["task_id"].isin(set(mine["task_id"]))]
        out.append(
            Handout(
                str(name),
                mine.reset_index(drop=True),
                mine_due[["task_id", "text", "milestone"]],
                mine_leads.reset_index(drop=True),
                lights,
                only,
                until is None,
            )
        )
    return sorted(out, key=lambda h: (-int((h.tasks["light"] == "red").sum()), h.to))


def red_by_unit(
    tasks: pd.DataFrame, leads: pd.DataFrame, *, collective: bool = False
) -> list[tuple[str, pd.DataFrame]]:
    """A leader's red tasks per lead unit (a task led by two units under each): the units with
    the most red tasks first, then by name.

    Args:
        tasks: A hand-out's tasks (``task_id``, ``light`` …).
        leads: Their lead units (``task_id``, ``unit``, ``collective``): :attr:`Handout.leads`.
        collective: False: the named lead units, each sent a 督办通知单 and reporting back;
            True: the collectives (区政府各部门 …), which are sent none.
    """
    red = tasks[tasks["light"] == "red"]
    mine = leads[leads["collective"].astype(bool) == collective][["task_id", "unit"]]
    pairs = red.merge(mine, on="task_id", how="inner", sort=False)
    groups = [(str(unit), rows) for unit, rows in pairs.groupby("unit", sort=False)]
    return sorted(groups, key=lambda g: (-len(g[1]), g[0]))


def _task_leads(tables: TaskTables, district: str) -> pd.DataFrame:
    """Each task's lead units in ``district`` (task_id, unit, collective): the named ones are
    :func:`lead_units`'s, the others collectives."""
    every = lead_units(tables, named_only=False)
    named = lead_units(tables).assign(collective=False)
    out = every.merge(named, on=["district", "task_id", "unit"], how="left", sort=False)
    out = out[out["district"] == district].fillna({"collective": True})
    return out[["task_id", "unit", "collective"]].astype({"collective": bool})


def _owners(tables: TaskTables, district: str, by: str) -> pd.DataFrame:
    if by == "unit":
        units = tables.task_units
        rows = units[(units["district"] == district) & (units["role"] == "lead")]
        rows = rows[~rows["collective"]].rename(columns={"unit": "name"})
    else:
        leaders = tables.task_leaders
        rows = leaders[(leaders["district"] == district) & ~leaders["collective"]]
        rows = rows.rename(columns={"leader": "name"})
    return rows[["task_id", "name"]].astype(str).drop_duplicates()


def task_progress(
    tables: TaskTables, status: pd.DataFrame, lights: pd.DataFrame, district: str
) -> pd.DataFrame:
    """Each task's deadline (its own, else the plan's last node), latest status at a due node
    (未到节点 before the first), light and reasons, in the table's order."""
    tasks = tables.tasks[tables.tasks["district"] == district][["task_id", "text", "due_date"]]
    last = status.groupby("task_id", observed=True)["milestone"].max().astype(str)
    due = status[status["due"]].groupby("task_id", observed=True).tail(1)
    latest = dict(zip(due["task_id"].astype(str), due["status"].astype(str), strict=True))
    lit = lights[lights["district"] == district].set_index("task_id")
    out = tasks.assign(
        deadline=[
            d or last.get(t, "") for t, d in zip(tasks["task_id"], tasks["due_date"], strict=True)
        ],
        status=tasks["task_id"].map(lambda t: latest.get(t, "")),
        light=tasks["task_id"].map(lit["light"]).fillna("green"),
        reasons=tasks["task_id"].map(lit["reasons"]).fillna(""),
    )
    return out[["task_id", "text", "deadline", "status", "light", "reasons"]].astype(str)


def write_handouts(
    items: list[Handout],
    out_dir: str | Path,
    *,
    district_name: str,
    as_of: dt.date,
    by: str = "unit",
    reply_days: int = 10,
    simulated: bool = False,
    office: str | None = None,
) -> list[Path]:
    """Write each hand-out as an A4 .docx in ``out_dir`` (``<name>.docx``).

    Args:
        items: From :func:`handouts`.
        out_dir: The folder (made if missing).
        district_name: The district's name, for the titles.
        as_of: The as-of date the figures are read at.
        by: ``unit`` or ``leader`` (how each document addresses its reader).
        reply_days: Red tasks are to report their rectification within this many days.
        simulated: Mark every document as made from simulated progress data.
        office: The office that sends them (:func:`~taskstats.report.wording.meeting.office_name`
            of the manifest's scope word: 区督查室, 省督查室 …; default a district's).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reply_by = as_of + dt.timedelta(days=reply_days)
    sender = office or office_name()
    written = []
    for item in items:
        target = out / f"{_file_name(item.to)}.docx"
        document = _document(item, district_name, as_of, reply_by, by, simulated, sender)
        with atomic_path(target) as tmp:
            document.save(tmp)
        written.append(target)
    return written


def _file_name(name: str) -> str:
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip() or "handout"


def _document(
    item: Handout, district: str, as_of: dt.date, reply_by: dt.date, by, simulated, office: str
):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    words = HANDOUT["zh"]
    status_words = VALUE_LABELS["zh"]["status"]
    light_words = VALUE_LABELS["zh"]["light"]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)

    def para(text, *, size=12, bold=False, center=False, color=None, font="仿宋_GB2312"):
        p = doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, "Times New Roman"
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        return p

    def table(header, rows, widths):
        grid = doc.add_table(rows=len(rows) + 1, cols=len(header))
        grid.style = "Table Grid"
        grid.autofit = False
        for j, width in enumerate(widths):
            grid.columns[j].width = Mm(width)
        for i, values in enumerate([header, *rows]):
            for j, value in enumerate(values):
                cell = grid.rows[i].cells[j]
                cell.width = Mm(widths[j])
                run = cell.paragraphs[0].add_run(str(value))
                run.font.size, run.font.bold = Pt(10.5), i == 0
                run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")

    tasks = item.tasks
    counts = {k: int((tasks["light"] == k).sum()) for k in ("red", "yellow", "green")}
    lights = item.lights or counts
    para(
        words["title"][by].format(district=district, to=item.to),
        size=18,
        bold=True,
        center=True,
        font="黑体",
    )
    if simulated:
        para(words["simulated"], size=11, color="C00000", center=True)
    lead = words["lead"][by].format(to=item.to, as_of=date_zh(as_of), n=item.total, **lights)
    para(lead + words["listed"][item.only].format(n=len(tasks)))
    table(
        words["columns"],
        [
            [
                r.task_id,
                task_text(r.text),
                r.deadline,
                status_words.get(r.status, words["not_yet"]),
                light_words[r.light],
                reason_text(r.reasons) if r.reasons else "",
            ]
            for r in tasks.itertuples()
        ],
        [13, 58, 27, 20, 14, 34],
    )
    heading = para(words["due_heading"], size=13, bold=True, font="黑体")
    heading.paragraph_format.space_before = Pt(10)  # apart from the table above it
    if item.final:
        para(PERIOD_REPORT["zh"]["no_next"].format(day=date_zh(as_of)))
    elif item.due.empty:
        para(words["no_due"])
    else:
        table(
            words["due_columns"],
            [
                [r.task_id, task_text(r.text), r.milestone, words["due_ask"]]
                for r in item.due.itertuples()
            ],
            [13, 84, 27, 42],
        )
    if by == "leader":  # the leader's brief: the red tasks per named lead unit, who report back
        if counts["red"]:
            red = red_by_unit(tasks, item.leads)
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            para(words["leader_red_title"], size=16, bold=True, center=True, font="黑体")
            lead = words["leader_red_lead" if red else "leader_red_lead_none"]
            said = dict(
                to=item.to,
                as_of=date_zh(as_of),
                n=counts["red"],
                reply_by=date_zh(reply_by),
                office=office,
            )
            para(lead.format(**said), size=12)
            for unit, rows in red:
                para(words["leader_unit"].format(unit=unit, n=len(rows)), bold=True, font="黑体")
                table(
                    words["leader_red_columns"],
                    [
                        [r.task_id, task_text(r.text), reason_text(r.reasons)]
                        for r in rows.itertuples()
                    ],
                    [13, 105, 48],
                )
            for unit, rows in red_by_unit(tasks, item.leads, collective=True):
                tasks_named = words["leader_collective_sep"].join(rows["task_id"].astype(str))
                para(words["leader_collective"].format(unit=unit, tasks=tasks_named), size=12)
            para(words["notice_sign"].format(office=office, date=date_zh(as_of)), size=12)
        return doc
    for r in tasks[tasks["light"] == "red"].itertuples():
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        para(words["notice_title"], size=20, bold=True, center=True, font="黑体")
        para(words["notice_to"].format(to=item.to), size=14)
        para(
            words["notice_body"].format(
                task=r.task_id,
                text=task_text(r.text),
                as_of=date_zh(as_of),
                reasons=reason_text(r.reasons),
                reply_by=date_zh(reply_by),
                office=office,
            ),
            size=14,
        )
        para(words["notice_sign"].format(office=office, date=date_zh(as_of)), size=14)
    return doc
