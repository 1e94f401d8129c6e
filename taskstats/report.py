"""Reports: what the notebooks show, and running them into self-contained offline HTML.

:func:`prepare_district` and :func:`prepare_comparison` compute everything a report shows, so
the notebooks stay thin. :func:`render_reports` runs the notebooks with papermill, converts them
with nbconvert (no code, every chart embedded, no external address) and replaces each report
atomically. :func:`export_charts` writes meeting-ready PNG and SVG charts and their tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from taskstats import __version__, config
from taskstats import progress as pg
from taskstats.errors import InputError, ReportError
from taskstats.export import atomic_path, remove_stale_temps, write_xlsx
from taskstats.ingest import DistrictRead, read_districts, select_manifests
from taskstats.locking import exclusive
from taskstats.metrics import (
    compare_districts,
    concentration,
    leader_workload,
    measurability,
    source_mix,
    unit_workload,
)
from taskstats.tidy import TaskTables, concat_tables

DISTRICT_NOTEBOOK = "district_report.ipynb"
COMPARE_NOTEBOOK = "compare_districts.ipynb"
PROGRESS_CHOICES = ("auto", "real", "demo")

TEXT = {
    "zh": {
        "title": "{name}目标任务分析报告",
        "compare_title": "区县目标任务对比分析",
        "as_of": "截至日期",
        "generated": "生成时间",
        "version": "taskstats 版本",
        "parameters": "参数",
        "raw_files": "原始文件",
        "sha256": "SHA-256",
        "simulated": "注意：本报告的进度数据为模拟数据（没有真实进度台账），"
        "仅用于演示，不反映实际工作情况。",
        "headline": "总体情况",
        "leaders": "分管领导工作量",
        "units": "牵头单位",
        "sources": "任务来源",
        "concentration": "工作量集中度",
        "measurability": "目标可量化程度",
        "completion": "完成情况",
        "red_list": "挂牌督办清单（红灯任务）",
        "trend": "完成率趋势",
        "quality": "数据质量",
        "collectives": "泛指单位（不计入单位排名）",
        "indicators": "指标对比",
        "small_multiples": "分区县图示（统一刻度）",
        "no_leaders": "本表未列分管领导。",
        "no_red": "当前没有红灯任务。",
        "rules": "亮灯规则",
        "progress_source": "进度数据",
        "real": "真实台账",
        "demo": "模拟数据",
    },
    "en": {
        "title": "{name}: task report",
        "compare_title": "Districts compared",
        "as_of": "As of",
        "generated": "Generated",
        "version": "taskstats version",
        "parameters": "Parameters",
        "raw_files": "Raw files",
        "sha256": "SHA-256",
        "simulated": "Note: the progress data in this report is SIMULATED (no real ledger "
        "exists); it illustrates the report and says nothing about real work.",
        "headline": "Headline figures",
        "leaders": "Workload per leader",
        "units": "Lead units",
        "sources": "Where tasks come from",
        "concentration": "Concentration",
        "measurability": "Measurable targets",
        "completion": "Completion",
        "red_list": "Red list (tasks under supervision)",
        "trend": "Trend",
        "quality": "Data quality",
        "collectives": "Collective placeholders (not ranked)",
        "indicators": "Indicators",
        "small_multiples": "Per district, common scales",
        "no_leaders": "This table names no leaders.",
        "no_red": "No task is red.",
        "rules": "Light rules",
        "progress_source": "Progress data",
        "real": "real ledger",
        "demo": "simulated",
    },
}

COLUMN_LABELS = {
    "zh": {
        "district": "区县",
        "name": "区县",
        "leader": "分管领导",
        "unit": "单位",
        "tasks": "任务数",
        "weighted": "加权任务量",
        "sole": "独立负责",
        "share": "占本区任务",
        "rank": "排名",
        "led": "牵头",
        "supported": "配合",
        "sole_lead": "独立牵头",
        "co_led": "共同牵头",
        "weighted_lead": "加权牵头量",
        "partners": "合作单位数",
        "source": "来源",
        "across": "对象",
        "n": "数量",
        "load": "总量",
        "top1_share": "最大占比",
        "top3_share": "前三占比",
        "hhi": "HHI",
        "gini": "基尼系数",
        "quantified": "量化目标",
        "quantified_share": "量化占比",
        "pending": "目标待定",
        "pending_share": "待定占比",
        "due": "到期节点",
        "done": "已完成",
        "on_track": "序时推进",
        "behind": "滞后",
        "not_started": "未启动",
        "overdue": "逾期未完成",
        "completion_rate": "完成率",
        "on_time_rate": "按时完成率",
        "task_id": "序号",
        "text": "目标任务",
        "lead_units": "牵头单位",
        "leaders": "负责领导",
        "reasons": "亮灯原因",
        "kind": "类型",
        "count": "条数",
        "named_leaders": "分管领导数",
        "tasks_per_leader_mean": "人均任务",
        "tasks_per_leader_max": "最多任务",
        "top_leader_share": "最忙领导占比",
        "multi_lead_share": "多头牵头占比",
        "support_units_mean": "平均配合单位",
        "share_province": "省任务占比",
        "share_city": "市任务占比",
        "share_self": "自增占比",
        "share_unknown": "来源未注明",
        "collective_share": "泛指单位占比",
        "leaderless_share": "未列领导占比",
        "red": "红灯",
        "yellow": "黄灯",
        "green": "绿灯",
        "collective": "泛指",
        "severity": "级别",
        "as_of": "截至日期",
        "role": "角色",
        "light": "灯色",
        "section": "板块",
    },
}
SOURCE_NAMES = {"province": "省任务", "city": "市任务", "self": "自增任务", "unknown": "未注明"}
SHARE_COLUMNS = {
    "share",
    "top1_share",
    "top3_share",
    "quantified_share",
    "pending_share",
    "completion_rate",
    "on_time_rate",
    "top_leader_share",
    "multi_lead_share",
    "share_province",
    "share_city",
    "share_self",
    "share_unknown",
    "collective_share",
    "leaderless_share",
    "gini",
    "hhi",
}


def text(lang: str) -> dict[str, str]:
    """The report's words in a language (``zh`` or ``en``)."""
    if lang not in TEXT:
        raise InputError(f"language {lang!r} is not available; use zh or en")
    return TEXT[lang]


def html_table(df: pd.DataFrame, lang: str = "zh", *, max_rows: int | None = None) -> str:
    """An escaped HTML table with the columns labelled in the report's language."""
    labels = COLUMN_LABELS.get(lang, {})
    shown = (df.head(max_rows) if max_rows else df).copy()
    for col in shown.columns:
        if pd.api.types.is_bool_dtype(shown[col]):
            yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
            shown[col] = shown[col].map({True: yes, False: no})
        elif isinstance(shown[col].dtype, pd.CategoricalDtype):
            shown[col] = shown[col].astype(str)
        if col == "source" and lang == "zh":
            shown[col] = shown[col].map(lambda v: SOURCE_NAMES.get(v, v))
        elif pd.api.types.is_integer_dtype(shown[col]) and shown[col].isna().any():
            shown[col] = shown[col].astype(object).where(shown[col].notna(), "—")
    formatters = {}
    for col in shown.columns:
        if col in SHARE_COLUMNS and col not in ("gini", "hhi"):
            formatters[col] = lambda v: "—" if pd.isna(v) else f"{v:.1%}"
        elif pd.api.types.is_float_dtype(shown[col]):
            formatters[col] = lambda v: "—" if pd.isna(v) else f"{v:.2f}"
    out = shown.rename(columns=lambda c: labels.get(c, c))
    formatters = {labels.get(k, k): v for k, v in formatters.items()}
    table = out.to_html(
        index=False, escape=True, formatters=formatters, na_rep="—", border=0, classes="ts-table"
    )
    if max_rows and len(df) > max_rows:
        more = (
            f"另有 {len(df) - max_rows} 行未列出"
            if lang == "zh"
            else f"{len(df) - max_rows} more rows not shown"
        )
        table += f'<p class="ts-note">{html.escape(more)}</p>'
    return table


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_as_of(schedules: dict[str, Sequence[dt.date]]) -> dt.date:
    """Today, or the last milestone when the plan year is over."""
    last = max(d for ds in schedules.values() for d in ds)
    return min(dt.date.today(), last)


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
    generated_at: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def tables(self) -> TaskTables:
        return self.read.tables

    @property
    def name(self) -> str:
        return self.read.manifest.name

    def header_html(self) -> str:
        """Title and provenance: raw files and hashes, as-of date, parameters, version, time."""
        return _header_html(
            text(self.lang)["title"].format(name=self.name),
            [self.read],
            self.as_of,
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
    day = dt.date.fromisoformat(pg._iso(as_of)) if as_of else default_as_of(schedule)
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
            "as_of": day.isoformat(),
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
        return _header_html(
            text(self.lang)["compare_title"],
            self.reads,
            self.as_of,
            self.parameters,
            self.simulated,
            self.lang,
            self.generated_at,
        )

    def section(self, key: str) -> str:
        return f"<h2>{html.escape(text(self.lang)[key])}</h2>"

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
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else pg.read_ledger("/nonexistent")
    day = dt.date.fromisoformat(pg._iso(as_of)) if as_of else default_as_of(schedules)
    status = pg.milestone_status(tables, ledger, schedules, day)
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
            "as_of": day.isoformat(),
            "progress": progress,
            "language": language,
            "top": top,
        },
        tables=tables,
        indicators=compare_districts(tables),
        workload=leader_workload(tables),
        mix=source_mix(tables),
        lights=lights,
        rates=pg.completion_rates(tables, status),
        trend=pg.completion_trend(tables, ledger, schedules),
        top=top,
    )


def _header_html(
    title: str,
    reads: Sequence[DistrictRead],
    as_of: dt.date,
    parameters: dict,
    simulated: bool,
    lang: str,
    generated_at: dt.datetime,
    extra: dict[str, str] | None = None,
) -> str:
    w = text(lang)
    e = html.escape
    files = []
    for r in reads:
        for path in (r.manifest.raw_file, *r.manifest.documents):
            files.append(
                f"<tr><td>{e(r.manifest.slug)}/{e(path.name)}</td>"
                f"<td><code>{file_sha256(path)}</code></td></tr>"
            )
    rows = [
        (w["as_of"], as_of.isoformat()),
        (w["progress_source"], w["demo"] if simulated else w["real"]),
        (w["parameters"], json.dumps(parameters, ensure_ascii=False)),
        (w["version"], __version__),
        (w["generated"], generated_at.isoformat(timespec="seconds")),
        *((extra or {}).items()),
    ]
    meta = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows)
    banner = f'<div class="ts-banner">{e(w["simulated"])}</div>' if simulated else ""
    return (
        f'<header class="ts-header"><h1>{e(title)}</h1>{banner}'
        f'<table class="ts-meta">{meta}</table>'
        f'<details><summary>{e(w["raw_files"])}</summary><table class="ts-meta">'
        f"<tr><th>{e(w['raw_files'])}</th><th>{e(w['sha256'])}</th></tr>{''.join(files)}"
        f"</table></details></header>"
    )


# --- rendering -------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="taskstats {version}">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "WenQuanYi Micro Hei", sans-serif; color: #222; max-width: 1180px; margin: 0 auto;
  padding: 24px 32px 64px; line-height: 1.6; background: #fff; }}
h1 {{ font-size: 28px; margin: 8px 0 12px; }}
h2 {{ font-size: 21px; border-bottom: 2px solid #4C72B0; padding-bottom: 4px; margin-top: 36px; }}
h3 {{ font-size: 17px; }}
img {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left;
  vertical-align: top; }}
th {{ background: #f2f5fa; }}
.ts-table td {{ max-width: 520px; }}
.ts-meta th {{ width: 130px; }}
.ts-banner {{ background: #fdecea; border: 2px solid #d64541; color: #a52a1f; padding: 10px 14px;
  font-weight: bold; margin: 8px 0 12px; }}
.ts-boxes {{ display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }}
.ts-box {{ flex: 1 1 140px; background: #f2f5fa; border-radius: 6px; padding: 10px 14px; }}
.ts-num {{ font-size: 26px; font-weight: bold; color: #2f4f8f; }}
.ts-lab {{ font-size: 13px; color: #555; }}
.ts-note {{ color: #666; font-size: 13px; }}
.light-red {{ color: #d64541; font-weight: bold; }}
pre {{ white-space: pre-wrap; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def notebook_path(name: str) -> Path:
    """A bundled notebook by file name."""
    path = config.notebooks_dir() / name
    if not path.is_file():
        raise ReportError(f"{path}: notebook not found")
    return path


def execute_to_html(
    notebook: Path,
    parameters: dict,
    target: Path,
    *,
    title: str,
    lang: str,
    failed_dir: Path,
    kernel_name: str | None = None,
) -> Path:
    """Run a notebook with papermill and write it as one self-contained HTML file.

    The previous ``target`` is replaced only when everything succeeded. On failure the executed
    notebook is kept in ``failed_dir`` for debugging and the error names the failing cell.
    """
    import nbformat
    import papermill
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    with tempfile.TemporaryDirectory(prefix="taskstats-") as tmp:
        executed = Path(tmp) / notebook.name
        kernel_log = Path(tmp) / "kernel.log"
        try:
            papermill.execute_notebook(
                str(notebook),
                str(executed),
                kernel_manager_class=_kernel_manager_class(kernel_log),
                parameters=parameters,
                cwd=tmp,
                kernel_name=kernel_name or _kernel_name(),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
            )
        except papermill.PapermillExecutionError as exc:
            kept = _keep_failed(executed, failed_dir, target.stem)
            first = next((ln for ln in str(exc.source).splitlines() if ln.strip()), "")
            raise ReportError(
                f"{notebook.name} failed in cell {exc.cell_index} [{first.strip()[:60]}] "
                f"({exc.ename}: {exc.evalue}); the previous {target.name} is kept; executed "
                f"notebook: {kept}"
            ) from exc
        except Exception as exc:  # papermill/jupyter_client raise many kinds; name them all
            kept = _keep_failed(executed, failed_dir, target.stem)
            raise ReportError(
                f"{notebook.name} could not run ({type(exc).__name__}: {exc}); "
                f"the previous {target.name} is kept"
                + (f"; see {kept}" if kept else "")
                + _kernel_log(kernel_log)
            ) from exc
        nb = nbformat.read(executed, as_version=4)
        exporter = HTMLExporter(
            template_name="basic",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        remover = TagRemovePreprocessor(
            remove_cell_tags={"notes", "parameters", "injected-parameters"}, enabled=True
        )
        exporter.register_preprocessor(remover, enabled=True)
        body, _ = exporter.from_notebook_node(nb)
        page = PAGE.format(
            lang="zh-CN" if lang == "zh" else "en",
            version=__version__,
            title=html.escape(title),
            body=body,
        )
        with atomic_path(target) as tmp_target:
            tmp_target.write_text(page, encoding="utf-8")
    return target


def _kernel_manager_class(stderr: Path | None = None) -> type:
    """A kernel manager that asks for an encrypted channel when the kernel supports one, and
    writes the kernel's own log to ``stderr`` (a file) instead of this process's terminal.

    jupyter_client interrupts a kernel as it shuts it down, and the kernel may log that as an
    error ("KeyboardInterrupt caught in kernel") after a run that succeeded; the log is shown
    only when a run fails.
    """
    from jupyter_client.manager import AsyncKernelManager

    class _KernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.has_trait("transport_encryption"):
                self.transport_encryption = "auto"

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if stderr is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            with open(stderr, "ab") as log:
                return await super()._async_launch_kernel(kernel_cmd, stderr=log, **kw)

    return _KernelManager


def _kernel_log(path: Path) -> str:
    """The last lines of a kernel's log, for an error message ("" when it said nothing)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return ("; kernel log: " + " | ".join(lines[-5:])) if lines else ""


def _kernel_name() -> str:
    """The kernel papermill starts: this Python's, registered for the venv if needed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
        return "python3"
    except NoSuchKernel as exc:
        raise ReportError("no python3 Jupyter kernel; run `make setup`") from exc


def _keep_failed(executed: Path, failed_dir: Path, stem: str) -> Path | None:
    if not executed.exists():
        return None
    failed_dir.mkdir(parents=True, exist_ok=True)
    kept = failed_dir / f"{stem}.failed.ipynb"
    shutil.copyfile(executed, kept)
    return kept


@dataclass(frozen=True)
class Job:
    """One report to render."""

    notebook: str
    parameters: dict
    target: Path
    title: str
    lang: str


def report_jobs(
    districts: Sequence[str],
    *,
    as_of: str = "",
    progress: str = "auto",
    language: str = "zh",
    compare: bool = True,
    out_dir: Path | None = None,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
) -> list[Job]:
    """The notebooks to run for these districts (and the comparison)."""
    out = Path(out_dir or config.reports_dir())
    common = {
        "as_of": as_of,
        "progress": progress,
        "language": language,
        "raw_dir": str(raw_dir or ""),
        "store_dir": str(store_dir or ""),
    }
    # Names only: each notebook reads its own tables, so the tables are not read here.
    names = {m.slug: m.name for m in select_manifests(list(districts), raw_dir=raw_dir)}
    jobs = [
        Job(
            DISTRICT_NOTEBOOK,
            {"district": d, **common},
            out / f"{d}.html",
            text(language)["title"].format(name=names[d]),
            language,
        )
        for d in districts
    ]
    if compare:  # first: it takes longest, so the batch's last worker is not left with it
        jobs.insert(
            0,
            Job(
                COMPARE_NOTEBOOK,
                {"districts": ",".join(districts), **common},
                out / "compare.html",
                text(language)["compare_title"],
                language,
            ),
        )
    return jobs


def _run_job(job: Job, failed_dir: str) -> str:
    execute_to_html(
        notebook_path(job.notebook),
        job.parameters,
        job.target,
        title=job.title,
        lang=job.lang,
        failed_dir=Path(failed_dir),
    )
    return str(job.target)


def render_reports(
    districts: Sequence[str] | None = None,
    *,
    as_of: str = "",
    progress: str = "auto",
    language: str = "zh",
    compare: bool = True,
    jobs: int | None = None,
    out_dir: str | Path | None = None,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
    on_done: Callable[[str, str | None], None] | None = None,
) -> list[Path]:
    """Render district reports (and the comparison) to ``reports/``, in parallel.

    Args:
        districts: Slugs; default all bundled districts.
        jobs: Parallel workers; default the number of cores.
        on_done: Called with (target, error or None) as each report finishes.

    Returns:
        The reports written.

    Raises:
        ReportError: One or more reports failed; the others were written, the failed ones
            kept their previous version.
    """
    if districts is None:
        districts = [m.slug for m in select_manifests(raw_dir=raw_dir)]
    out = Path(out_dir or config.reports_dir())
    out.mkdir(parents=True, exist_ok=True)
    work = report_jobs(
        districts,
        as_of=as_of,
        progress=progress,
        language=language,
        compare=compare,
        out_dir=out,
        raw_dir=raw_dir,
        store_dir=store_dir,
    )
    workers = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    written, errors = [], []
    with exclusive(out, ".reports.lock"):
        remove_stale_temps(out)
        for job, error in _run_jobs(work, workers, str(out / "failed")):
            if on_done:
                on_done(str(job.target), error)
            if error:
                errors.append(error)
            else:
                written.append(job.target)
    if errors:
        raise ReportError(
            f"{len(errors)} of {len(work)} report(s) failed:\n"
            + "\n".join(f"  {e}" for e in errors)
        )
    return sorted(written)


def _run_jobs(work: list[Job], workers: int, failed_dir: str) -> Iterator[tuple[Job, str | None]]:
    """Run the jobs (in worker processes when there are several) and yield each with its
    error, as they finish."""
    if workers == 1:
        for job in work:
            yield job, _error_of(lambda job=job: _run_job(job, failed_dir))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_run_job, job, failed_dir): job for job in work}
        for future in as_completed(futures):
            yield futures[future], _error_of(future.result)


def _error_of(run: Callable[[], object]) -> str | None:
    try:
        run()
    except ReportError as exc:
        return str(exc)
    return None


# --- charts for meetings ---------------------------------------------------------------------


def district_figures(report: DistrictReport) -> dict[str, object]:
    """The district's charts by file stem (matplotlib Figures)."""
    from taskstats import charts

    lang = report.lang
    sim = report.simulated
    figures = {
        "leader_load": charts.leader_load_chart(report.workload_by_source, lang=lang),
        "lead_units": charts.lead_units_chart(report.units, lang=lang),
        "source_mix": charts.source_mix_chart(report.mix, lang=lang),
    }
    for key in ("leader", "unit", "source"):
        figures[f"completion_by_{key}"] = charts.completion_chart(
            report.rates[key], key, lang=lang, simulated=sim
        )
    figures["lights"] = charts.lights_chart(report.lights, lang=lang, simulated=sim)
    figures["trend"] = charts.trend_chart(report.trend, lang=lang, simulated=sim)
    return figures


def export_charts(
    district: str,
    out_dir: str | Path,
    *,
    as_of: str = "",
    progress: str = "auto",
    language: str = "zh",
    dpi: int = 200,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
) -> list[Path]:
    """Write a district's charts as PNG (16:9, ``dpi``) and SVG, and their tables as one .xlsx.

    Returns:
        The files written.
    """
    from matplotlib import pyplot as plt

    from taskstats import charts

    if dpi < 72:
        raise InputError("dpi must be at least 72 (200 or more for slides)")
    report = prepare_district(
        district,
        as_of=as_of or None,
        progress=progress,
        language=language,
        raw_dir=raw_dir,
        store_dir=store_dir,
    )
    charts.set_style("talk", slides=True)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, fig in district_figures(report).items():
        for suffix in ("png", "svg"):
            target = out / f"{district}_{stem}.{suffix}"
            with atomic_path(target) as tmp:
                charts.save_figure(fig, tmp, fmt=suffix, dpi=dpi)
            written.append(target)
        plt.close(fig)
    sheets = {
        "leader_load": report.workload_by_source,
        "lead_units": report.units,
        "source_mix": report.mix,
        "completion_by_leader": report.rates["leader"],
        "completion_by_unit": report.rates["unit"],
        "completion_by_source": report.rates["source"],
        "lights": report.lights,
        "red_list": report.red,
        "trend": report.trend,
    }
    if report.simulated:
        sheets = {"说明": pd.DataFrame({"说明": [text("zh")["simulated"]]}), **sheets}
    written.append(write_xlsx(sheets, out / f"{district}_tables.xlsx"))
    return written
