"""Charts: Chinese renders on a fresh machine, no missing glyph, exports sized for slides."""

from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from openpyxl import load_workbook
from PIL import Image

import taskstats
from taskstats.report import charts, export_charts


def test_cjk_font_is_registered_at_run_time():
    family = charts.set_style()
    # The family resolves to a font file that really has the Chinese glyphs a chart draws.
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    font = TTFont(path, fontNumber=0, lazy=True)
    assert all(ord(ch) in font.getBestCmap() for ch in "分管领导目标任务牵头单位亮灯")
    # seaborn's set_theme resets fonts; set_style puts the CJK family back after it.
    assert plt.rcParams["font.sans-serif"][0] == family


def test_chinese_chart_has_no_missing_glyph(tables):
    charts.set_style()
    fig = charts.leader_load_chart(
        taskstats.leader_workload(tables, by="source", district="qingdao-westcoast")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning, "Glyph missing" included, fails the test
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def test_missing_glyph_check_can_fail():
    """The check is real: DejaVu Sans alone has no Chinese, and that is raised."""
    with plt.rc_context({"font.family": "DejaVu Sans", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("分管领导")
        with pytest.raises(UserWarning, match="missing from font"), charts.glyphs_checked():
            fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)


def test_export_charts_for_slides(tmp_path):
    written = export_charts("dalian-hightech", tmp_path, progress="demo", as_of="2020-10-15")
    names = sorted(p.name for p in written)
    assert len(names) == 17
    assert "dalian-hightech_leader_load.png" in names
    assert "dalian-hightech_leader_load.svg" in names
    assert written[-1].name == "dalian-hightech_tables.xlsx"
    with Image.open(tmp_path / "dalian-hightech_leader_load.png") as png:
        width, height = png.size
        dpi = png.info["dpi"]
    assert round(dpi[0]) >= 200
    assert (width, height) == (2666, 1500)  # 13.33 x 7.5 inches: a 16:9 slide
    svg = (tmp_path / "dalian-hightech_leader_load.svg").read_text(encoding="utf-8")
    assert "NotoSansCJK" in svg  # the Chinese labels are drawn from the CJK font
    wb = load_workbook(tmp_path / "dalian-hightech_tables.xlsx")
    assert wb.sheetnames[0] == "说明"  # simulated data says so first
    sheet = wb["分管领导任务量"]  # sheets, headers and values in Chinese
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["区县", "分管领导", "来源"]
    assert "赵百强" in [c.value for c in sheet["B"]]
    assert {c.value for c in sheet["A"][1:]} == {"大连高新区"}
