"""Every word a reader sees is Chinese in a zh report: pages, chart texts, the .xlsx pack, the
deck, the bulletin, the printed PDF and every command's table."""

from __future__ import annotations

import html.parser
import re
import shutil
import subprocess

import matplotlib.pyplot as plt
import pytest
from click.testing import CliRunner
from conftest import RAW
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation

from taskstats import report
from taskstats.cli import main
from taskstats.report import charts
from taskstats.report.exports import district_figures

# Words allowed on a Chinese page: file formats only (the hash is in <code>, the version a number).
ALLOWED = {"PNG", "SVG", "PDF"}
# A file's SHA-256 hash, shown as it is (in <code> on a page, in a cell of a slide).
HASH = re.compile(r"[0-9a-f]{64}")
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
    assert ascii_words(visible_text(page)) == {"leader", "HHI"}


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


def test_an_english_report_reads_in_english(english_dalian):
    r = english_dalian
    assert r.name == "Dalian High-tech Zone"
    header = r.header_html()
    assert "<h1>Dalian High-tech Zone: task report</h1>" in header
    assert "District: Dalian High-tech Zone; As of: 2020-12-31; Progress data: simulated" in header
    cards = r.headline_html()
    assert "Milestones done<span" in cards and "(simulated)" in cards
    assert not re.search(r"[\u4e00-\u9fff]", visible_text(cards))
    # The rule sets say what they do in English (their description_en).
    assert "Red: past its deadline and not done, latest report behind schedule" in header
    ranking = r.ranking_html()
    assert "Completion rate 60 points, on-time rate 40" in ranking
    rule_line = re.search(r'<p class="ts-note">([^<]*)</p>', ranking).group(1)
    assert not re.search(r"[\u4e00-\u9fff]", visible_text(header) + rule_line)


# --- the deck, the bulletin, the printed page, the commands -------------------------------------


def _meeting_document(kind: str, tmp_path):
    out = tmp_path / f"d.{'pptx' if kind == 'deck' else 'docx'}"
    args = [kind, "dalian-hightech", "--as-of", "2020-10-15", "--raw-dir", str(RAW)]
    result = CliRunner().invoke(main, [*args, "--store", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _deck_texts(path) -> list[str]:
    """Every text on every slide: text boxes and table cells."""
    texts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
    return texts


def _bulletin_texts(path) -> list[str]:
    """Every paragraph and every table cell of a bulletin."""
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    return texts + [c.text for table in doc.tables for row in table.rows for c in row.cells]


def test_the_deck_is_chinese(tmp_path, tables):
    texts = _deck_texts(_meeting_document("deck", tmp_path))
    text = HASH.sub(" ", " ".join(texts))  # the files' hashes are shown as they are
    assert ascii_words(text) - _data_words(tables) == set()
    assert not RAW_FLOAT.search(text)
    assert "原始文件" in text  # the provenance slide was read


def test_the_bulletin_is_chinese(tmp_path, tables):
    texts = _bulletin_texts(_meeting_document("bulletin", tmp_path))
    assert set().union(*map(ascii_words, texts)) - _data_words(tables) == set()
    assert not RAW_FLOAT.search(" ".join(texts))


@pytest.mark.parametrize("kind", ["deck", "bulletin"])
def test_a_new_provincial_district_reads_in_chinese(kind, tmp_path, tables):
    """A new district with no leaders and no source column, a province's list: its deck and
    its bulletin say so in Chinese, without a raw figure."""
    from test_pages import provincial_district

    raw = tmp_path / "raw"
    slug = provincial_district(raw)
    out = tmp_path / f"d.{'pptx' if kind == 'deck' else 'docx'}"
    args = [kind, slug, "--as-of", "2020-10-15", "--raw-dir", str(raw), "--store", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    texts = _deck_texts(out) if kind == "deck" else _bulletin_texts(out)
    text = HASH.sub(" ", " ".join(texts)).replace(f"{slug}/table.csv", " ")
    assert ascii_words(text) - _data_words(tables) == set()
    assert not RAW_FLOAT.search(text)
    assert "某省" in text and "全区" not in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_the_printed_report_is_chinese(rendered, tables, tmp_path):
    from taskstats.report.printing import find_chromium, print_pdf

    if not find_chromium():
        pytest.skip("needs Chromium")
    out, _ = rendered
    pdf = print_pdf(out / "dalian-hightech.html", tmp_path / "r.pdf")
    said = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    text = said.stdout.decode("utf-8")
    assert "原始文件" in text and "文件校验值" in text  # the provenance is printed
    # The files' names (dalian-hightech/000_….txt) and hashes wrap in their narrow cells and
    # come out of the PDF in pieces: a piece made only of them is set aside
    pieces = re.compile(r"(dalian|hightech|txt|[0-9a-f])+")
    words = ascii_words(HASH.sub(" ", text)) - _data_words(tables)
    assert {w for w in words if not pieces.fullmatch(w)} == set()
    assert not RAW_FLOAT.search(HASH.sub(" ", text))


# A command may also name the text encoding it read (utf-8, gbk) and a file's format.
CLI_ALLOWED = {"utf", "gbk", "gb", "OCR", "XLSX", "DOCX"}
RAW_FLOAT = re.compile(r"\d\.\d{3,}")  # 0.551587, 168.000000: a figure printed raw


@pytest.mark.parametrize(
    "args",
    [
        ["compare"],
        ["workload", "dalian-hightech"],
        ["workload", "dalian-hightech", "--of", "unit"],
        ["workload", "dalian-hightech", "--by", "section"],
        ["workload", "dalian-hightech", "--by", "source"],
        ["progress", "status", "dalian-hightech", "--as-of", "2020-10-15"],
        ["progress", "status", "dalian-hightech", "--as-of", "2020-10-15", "--by", "leader"],
        ["progress", "status", "dalian-hightech", "--as-of", "2020-10-15", "--by", "unit"],
        ["progress", "status", "dalian-hightech", "--as-of", "2020-10-15", "--by", "source"],
        ["progress", "status", "dalian-hightech", "--as-of", "2020-10-15", "--by", "section"],
        ["progress", "due", "dalian-hightech", "--as-of", "2020-10-15"],
        ["progress", "changes", "dalian-hightech", "--as-of", "2020-10-15"],
    ],
)
def test_every_command_table_is_chinese(args, tables, tmp_path):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert ascii_words(result.output) - _data_words(tables) - CLI_ALLOWED == set(), result.output
    assert not RAW_FLOAT.search(result.output)
    assert "dalian-hightech" not in result.output


def test_inspect_and_link_are_chinese(tables, tmp_path):
    from conftest import DALIAN

    inspect = CliRunner().invoke(main, ["inspect", str(DALIAN)]).output
    inspect = inspect.replace(str(DALIAN), " ")  # the file is named as it is
    link = (
        CliRunner()
        .invoke(
            main,
            ["link", "dalian-hightech", "--raw-dir", str(RAW), "--out", str(tmp_path / "c.xlsx")],
        )
        .output
    )
    link = link.replace(str(tmp_path), " ")
    for said in (inspect, link):
        assert ascii_words(said) - _data_words(tables) - CLI_ALLOWED == set(), said
        assert not RAW_FLOAT.search(said) and not re.search(r"\d\.0\b", said)


def test_the_ingest_summary_is_chinese(tables, tmp_path):
    result = CliRunner().invoke(main, ["ingest", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    said = result.output.replace(str(tmp_path), " ")  # the folder is named as it is
    assert ascii_words(said) - _data_words(tables) == set(), result.output
    assert "读取行数" in result.output and "大连高新区" in result.output


def test_command_figures_are_formatted():
    import pandas as pd

    from taskstats.report.wording import cli_frame

    df = pd.DataFrame(
        {
            "district": ["dalian-hightech", "x"],
            "tasks": [168.0, 72.0],
            "weighted": [44.0, 32.5],
            "top_leader_share": [0.273810, float("nan")],
            "collective": [False, True],
        }
    )
    shown = cli_frame(df, "zh", {"dalian-hightech": "大连高新区"})
    assert shown.to_dict("list") == {
        "区县": ["大连高新区", "x"],
        "任务数": ["168", "72"],
        "加权任务量": ["44.00", "32.50"],
        "最忙领导占比": ["27.4%", "—"],
        "泛指": ["否", "是"],
    }
    side = cli_frame(df, "zh", {"dalian-hightech": "大连高新区"}, transpose=True)
    assert list(side.columns) == ["大连高新区", "x"] and side.loc["任务数", "x"] == "72"


def test_numbers_among_words_keep_what_tells_them_apart():
    """A target of 12.001 is not printed as 12 beside a disagreeing 12; a rate of NA is a dash."""
    import pandas as pd

    from taskstats.report.wording import pct
    from taskstats.report.wording.cli import number_text

    assert [number_text(v) for v in (150.0, 83.6, 12.001, 0.004, 1 / 3)] == [
        "150",
        "83.6",
        "12.001",
        "0.004",
        "0.333333",
    ]
    assert number_text(float("nan")) == "—" and pct(pd.NA) == "—" and pct(0.048) == "4.8%"
