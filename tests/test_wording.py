"""Every word a reader sees is Chinese in a zh report: pages, chart texts, the .xlsx pack."""

from __future__ import annotations

import html.parser
import re

import matplotlib.pyplot as plt
import pytest
from conftest import RAW
from openpyxl import load_workbook

from taskstats import report
from taskstats.report import charts
from taskstats.report.exports import district_figures

# Words allowed on a Chinese page: measures known by these names, the hash, formats, the tool.
ALLOWED = {"HHI", "Gini", "SHA", "PNG", "SVG", "PDF", "taskstats"}
# File names (raw files, exports) and versions are shown as they are.
FILE_NAME = re.compile(r"[\w./-]+\.(txt|xlsx|xls|docx|pdf|html|png|svg|csv)\b|\b\d+\.\d+[\w.+-]*")


def ascii_words(text: str) -> set[str]:
    """The ASCII words of a text that are not allowed on a Chinese page."""
    text = FILE_NAME.sub(" ", text)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_]+", text) if w not in ALLOWED}


class _Visible(html.parser.HTMLParser):
    """The text a reader sees: no script, style or code (hashes), no attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.parts)


def test_the_visible_text_check_can_fail():
    page = "<p>工作量集中度 leader <code>ab12</code> HHI 0.1.0 a/b_c.txt</p><style>x{}</style>"
    assert ascii_words(visible_text(page)) == {"leader"}


def _data_words(tables) -> set[str]:
    """ASCII words inside the raw documents' own text (such as "5G" or "XX项目", and the work
    report's "GIS"): shown as written, never translated."""
    columns = [tables.tasks["text"], tables.task_units["unit"], tables.task_leaders["leader"]]
    report = (RAW / "dalian-hightech" / "001_7904b49d57e0b06b.txt").read_text(encoding="utf-8")
    documents = ascii_words(report)
    return documents.union(*(ascii_words(" ".join(c.dropna().astype(str))) for c in columns))


@pytest.mark.slow
def test_every_report_page_is_chinese(rendered, tables):
    _out, written = rendered
    data = _data_words(tables)
    found = {
        p.name: sorted(ascii_words(visible_text(p.read_text("utf-8"))) - data) for p in written
    }
    assert {k: v for k, v in found.items() if v} == {}


def _chart_words(fig) -> set[str]:
    from matplotlib.text import Text

    fig.canvas.draw()
    return set().union(*(ascii_words(t.get_text()) for t in fig.findobj(Text) if t.get_visible()))


def test_every_chart_is_chinese(tmp_path):
    charts.set_style()
    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    c = report.prepare_comparison(progress="demo", raw_dir=RAW, store_dir=tmp_path)
    figures = dict(district_figures(r))
    figures["compare_lights"] = charts.lights_chart(c.shown_rows(c.lights), simulated=True)
    figures["compare_trend"] = charts.trend_chart(c.shown_rows(c.trend), simulated=True)
    figures["compare_mix"] = charts.source_mix_chart(c.shown_rows(c.mix))
    figures["compare_grid"] = charts.leader_distribution_grid(c.workload, c.shown_names)
    figures["compare_measures"] = charts.measurability_grid(c.indicators, c.shown_names)
    found = {}
    for stem, fig in figures.items():
        words = _chart_words(fig)
        if words:
            found[stem] = sorted(words)
        plt.close(fig)
    assert found == {}


def test_the_export_is_chinese(tmp_path, tables):
    written = report.export_charts(
        "dalian-hightech",
        tmp_path / "out",
        as_of="2020-10-15",
        progress="demo",
        raw_dir=RAW,
        store_dir=tmp_path,
    )
    found = {}
    for path in written:
        if path.suffix == ".svg":  # text drawn as paths, each with its text in a comment
            comments = re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8"))
            words = set().union(set(), *(ascii_words(c) for c in comments))
        elif path.suffix == ".xlsx":
            wb = load_workbook(path)
            cells = [
                str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v
            ]
            words = set().union(ascii_words(" ".join(wb.sheetnames)), *map(ascii_words, cells))
            assert "挂牌督办清单" in wb.sheetnames and wb.sheetnames[0] == "说明"
        else:
            continue
        if words - _data_words(tables):
            found[path.name] = sorted(words - _data_words(tables))
    assert found == {}


def test_an_english_report_reads_in_english(tmp_path):
    r = report.prepare_district(
        "dalian-hightech",
        as_of="2020-12-31",
        progress="demo",
        language="en",
        raw_dir=RAW,
        store_dir=tmp_path,
    )
    assert r.name == "Dalian High-tech Zone"
    header = r.header_html()
    assert "<h1>Dalian High-tech Zone: task report</h1>" in header
    assert "District: Dalian High-tech Zone; As of: 2020-12-31; Progress data: simulated" in header
    cards = r.headline_html()
    assert "Milestones done<span" in cards and "(simulated)" in cards
    assert not re.search(r"[\u4e00-\u9fff]", visible_text(cards))
