"""Meeting exports: a district's charts as 16:9 PNG and SVG, and the tables behind them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from taskstats.errors import InputError
from taskstats.io.files import atomic_paths, save_xlsx
from taskstats.report.shown import mark_progress
from taskstats.report.views import DistrictReport, prepare_district
from taskstats.report.wording import (
    COLUMN_LABELS,
    SHEET_NAMES,
    label_values,
    reason_text,
    text,
)


def district_figures(report: DistrictReport) -> dict[str, object]:
    """The district's charts by file stem (matplotlib Figures)."""
    from taskstats.report import charts

    lang = report.lang
    sim = report.simulated
    figures = {
        "leader_load": charts.leader_load_chart(report.workload_by_source, lang=lang),
        "lead_units": charts.lead_units_chart(report.units, lang=lang),
        "source_mix": charts.source_mix_chart(report.mix.assign(district=report.name), lang=lang),
    }
    for key in ("leader", "unit", "source"):
        figures[f"completion_by_{key}"] = charts.completion_chart(
            report.rates[key], key, lang=lang, simulated=sim
        )
    # One district: its bars are labelled with its name, not its slug.
    lights = report.lights.assign(district=report.name)
    figures["lights"] = charts.lights_chart(lights, lang=lang, simulated=sim)
    figures["trend"] = charts.trend_chart(
        report.trend.assign(district=report.name), lang=lang, simulated=sim
    )
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
    """Write a district's charts as PNG and SVG, and their tables as one .xlsx.

    Every chart is drawn at a 16:9 slide's size (13.333 × 7.5 in; 2666 × 1500 px at 200 dpi)
    and titled with the district's name and the as-of date.

    Returns:
        The files written.
    """
    from matplotlib import pyplot as plt

    from taskstats.report import charts

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
    heading = f"{report.name} · {text(language)['as_of']} {report.as_of.isoformat()}"
    figures = district_figures(report)
    targets = [out / f"{district}_{stem}.{fmt}" for stem in figures for fmt in ("png", "svg")]
    targets.append(out / f"{district}_tables.xlsx")
    # The set is replaced together: a full disk half-way leaves every previous chart.
    with atomic_paths(targets) as temps:
        slots = iter(temps)
        for fig in figures.values():
            fig.set_size_inches(*charts.SLIDE_SIZE)
            fig.suptitle(heading, fontsize="large", fontweight="bold")
            for fmt in ("png", "svg"):
                charts.save_figure(fig, next(slots), fmt=fmt, dpi=dpi)
            plt.close(fig)
        save_xlsx(table_sheets(report), next(slots))
    return targets


def table_sheets(report: DistrictReport) -> dict[str, pd.DataFrame]:
    """The tables behind a district's charts, as a reader sees them: sheets and columns named
    in the report's language, coded values as words, district names, and every row of
    progress figures saying whether it is simulated (a note sheet first when it is)."""
    lang = report.lang
    progress = {"completion_by_leader", "completion_by_unit", "completion_by_source"}
    progress |= {"lights", "red_list", "trend"}
    frames = {
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
    for name in ("lights", "red_list"):  # reason codes as the reader's words
        frame = frames[name]
        frames[name] = frame.assign(reasons=frame["reasons"].map(lambda c: reason_text(c, lang)))
    names = {report.read.manifest.slug: report.name}
    labels = COLUMN_LABELS.get(lang, {})
    sheet = SHEET_NAMES.get(lang, {})
    sheets = {}
    if report.simulated:
        note = sheet.get("notes", "notes")
        sheets[note] = pd.DataFrame({note: [text(lang)["simulated"]]})
    for stem, frame in frames.items():
        if stem in progress:
            frame = mark_progress(frame, report.progress_source, lang)
        shown = label_values(frame, lang, names).rename(columns=lambda c: labels.get(c, c))
        sheets[sheet.get(stem, stem)[:31]] = shown
    return sheets
