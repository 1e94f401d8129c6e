"""The commands' printed tables and words: one formatter for every table (text left-aligned and
cut, figures right-aligned, rates as percentages, counts as integers), `inspect` and `link` in
Chinese, `--csv` keeping codes and raw numbers."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import DALIAN, RAW

from taskstats.cli import main, print_table
from taskstats.io.engines import LAYOUTS
from taskstats.report.wording.cli import LAYOUT_WORDS, layout_text, place_text


def test_text_left_aligned_and_cut_figures_right_aligned():
    df = pd.DataFrame(
        {
            "district": ["dalian-hightech", "dalian-hightech"],
            "task_id": ["3", "21"],
            "text": ["继续落实减税降费政策，切实减轻企业负担。这是一段很长的任务内容", None],
            "tasks": [12.0, 3.0],
            "task_completion_rate": [0.5, 1 / 3],
            "reporting_rate": [1.0, float("nan")],
            "weighted": [1.5, 2.0],
        }
    )
    lines = print_table(df).splitlines()
    assert lines == [
        "区县        序号  目标任务                                 任务数  任务完成率  报送率  加权任务量",  # noqa: E501
        "大连高新区     3  继续落实减税降费政策，切实减轻企业负担…      12       50.0%  100.0%        1.50",  # noqa: E501
        "大连高新区    21  （原文缺失，见数据质量）                      3       33.3%       —        2.00",  # noqa: E501
    ]
    # the cut text is 19 characters and "…": 39 columns of the 40 allowed
    assert print_table(df, width=10).splitlines()[1].split()[2] == "继续落实…"


def test_every_rate_is_a_percentage():
    rates = ["completion_rate", "on_time_rate", "task_completion_rate", "done_share"]
    rates += ["on_schedule_rate", "reporting_rate", "completion_rate_before"]
    df = pd.DataFrame({"district": ["x"], **{r: [0.25] for r in rates}, "due": [4.0]})
    row = print_table(df).splitlines()[1].split()
    assert row == ["x"] + ["25.0%"] * len(rates) + ["4"]


def test_numbers_among_text_read_as_numbers():
    df = pd.DataFrame(
        {"指标": ["高新技术", "空气质量", "城镇就业"], "报告数值": [150.0, 83.6, None]}
    )
    df["报告数值"] = df["报告数值"].astype(object)
    assert print_table(df).splitlines() == [
        "指标      报告数值",
        "高新技术       150",
        "空气质量      83.6",
        "城镇就业         —",
    ]


def test_inspect_speaks_chinese():
    said = CliRunner().invoke(main, ["inspect", str(DALIAN)])
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    assert lines[1:12] == [
        "版式：每格一行的文本",
        "编码：utf-8",
        "识别栏目：序号、目标任务、牵头单位、责任单位、责任领导、来源",
        "读取行数：173",
        "任务数：168",
        "  一、重点工作任务（92项）：92项",
        "  二、重大项目（76项）：76项",
        "单位：具名单位45个，泛指分工160条",
        "分管领导：9人",
        "任务来源：自增任务86项、省任务59项、市任务23项",
        "数据质量提示：18条（目标待定6条、序号由上下文推断4条、任务内容缺失4条、单位拆分存疑3条、"
        "表尾附加内容1条）",
    ]
    assert lines[12] == "  [警告] 第179行，任务21：序号由上下文推断"
    assert "  [提示] 第1384行：表尾附加内容" in lines


def test_inspect_in_english_and_as_csv():
    said = CliRunner().invoke(main, ["inspect", str(DALIAN), "--language", "en"])
    assert "layout:    cells" in said.output and "tasks:     168" in said.output
    assert (
        "[warning] number inferred from its neighbours (line 179 task 21): row without a number"
        in said.output
    )
    csv = CliRunner().invoke(main, ["inspect", str(DALIAN), "--csv"])
    rows = csv.output.splitlines()
    assert rows[0].startswith("district,") and len(rows) == 1 + 18
    assert "number_inferred" in csv.output and "警告" not in csv.output


def test_layouts_and_places_in_words():
    assert set(LAYOUTS) - {"auto"} <= set(LAYOUT_WORDS)
    assert layout_text("docx-inline") == "DOCX文档 · 编号段落（1.任务（A牵头，B配合））"
    assert layout_text("docx-inline", "en") == "docx-inline"
    assert (place_text("table 2"), place_text("page 3"), place_text("附件1")) == (
        "表格2",
        "第3页",
        "附件1",
    )


def test_link_prints_figures_as_figures(tmp_path):
    out = tmp_path / "c.xlsx"
    said = CliRunner().invoke(
        main, ["link", "dalian-hightech", "--raw-dir", str(RAW), "--out", str(out)]
    )
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    assert lines[lines.index("总体覆盖") + 2].split() == ["69", "28", "41%", "168", "28", "17%"]
    numbers = lines.index("目标数值比对")
    assert lines[numbers + 2].split() == [
        "9",
        "27",
        "高新技术",
        "150家",
        "150家",
        "150",
        "150",
        "家",
        "一致",
    ]
    assert ".0 " not in said.output


def test_a_table_without_leaders_says_so_instead_of_an_empty_ranking(tmp_path, monkeypatch):
    """The provincial list names no 分管领导: workload (by leader, the default) says the report's
    line and exits 0, with no ranking rule under nothing (by unit it still ranks); handouts
    --by leader says why it wrote nothing."""
    from test_pages import provincial_district

    monkeypatch.setenv("TASKSTATS_RAW_DIR", str(tmp_path / "raw"))
    slug = provincial_district(tmp_path / "raw")
    said = CliRunner().invoke(main, ["workload", slug])
    assert said.exit_code == 0, said.output
    assert said.output == "本表未列分管领导，不按分管领导统计任务量和完成率。\n"
    by_source = CliRunner().invoke(main, ["workload", slug, "--by", "source"])
    assert by_source.output == said.output
    units = CliRunner().invoke(main, ["workload", slug, "--of", "unit", "--top", "1"])
    assert units.exit_code == 0 and units.output.splitlines()[2].startswith("排名规则")
    out = tmp_path / "out"
    args = ["handouts", slug, "--as-of", "2020-12-31", "--progress", "demo", "--out", str(out)]
    run = CliRunner().invoke(main, [*args, "--by", "leader"])
    assert run.exit_code == 0, run.output
    assert run.output == (
        "本表未列分管领导，不按分管领导写出提示单；可用 --by unit 按牵头单位写出。\n"
    )
    assert not out.exists()


def test_an_unforeseen_failure_is_one_line_in_chinese(monkeypatch):
    import taskstats.measures

    def broken(tables):
        raise RuntimeError("boom")

    monkeypatch.setattr(taskstats.measures, "compare_districts", broken)
    result = CliRunner().invoke(main, ["compare", "nanjing-gulou"])
    assert result.exit_code == 1
    assert result.output == (
        "错误：意外的 RuntimeError：boom。可能是 taskstats 的缺陷或输入有误；"
        "加 --debug 重新运行可看到完整的出错过程，请连同它一起报告。\n"
    )


def test_a_bad_as_of_date_stops_the_report_before_any_kernel_starts(tmp_path):
    """A date that does not exist is one line at once, not a notebook failing in its cell."""
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["report", "dalian-hightech", "--as-of", "2020-13-01", "--out-dir", str(out)]
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        "错误：'2020-13-01' is not a date: there is no month 13 (use 2020-06-30)"
    )
    assert not out.exists()  # nothing written, no failed notebook kept


@pytest.mark.parametrize(
    "command",
    [
        ["handouts", "dalian-hightech", "--out", "OUT"],
        ["progress", "status", "dalian-hightech"],
        ["progress", "due", "dalian-hightech"],
        ["progress", "changes", "dalian-hightech"],
        ["progress", "reporting", "dalian-hightech"],
    ],
)
def test_a_bad_as_of_date_stops_every_progress_command_at_once(tmp_path, monkeypatch, command):
    """The follow-up and tracking commands check their date as the report commands do: one
    line before anything is read (here there is nothing to read), nothing written."""
    monkeypatch.setenv("TASKSTATS_RAW_DIR", str(tmp_path / "nothing-here"))
    out = tmp_path / "out"
    args = [str(out) if a == "OUT" else a for a in command] + ["--as-of", "2020-02-30"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        "错误：'2020-02-30' is not a date: 2020-02 has days 1 to 29, not 30 (use 2020-06-30)"
    )
    assert not out.exists()


def test_progress_due_at_the_plans_last_node_says_there_is_no_next_period():
    """The same sentence as the report's 本期到期 section, with its date."""
    args = ["progress", "due", "dalian-hightech", "--as-of", "2020-12-31", "--progress", "demo"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output == "截至2020-12-31计划已到最后节点，没有下一期。\n"
