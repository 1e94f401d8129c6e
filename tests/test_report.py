"""Reports: every notebook runs, the HTML is self-contained and offline, failures keep the old."""

from __future__ import annotations

import base64
import datetime as dt
import html.parser
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import papermill
import pytest
from conftest import RAW

import taskstats
from taskstats import config, report
from taskstats.io.files import file_sha256

DISTRICTS = ["dalian-hightech", "nanjing-gulou", "qingdao-westcoast", "quanzhou-licheng"]


@pytest.mark.slow
def test_every_report_is_written(rendered):
    out, written = rendered
    assert sorted(p.name for p in written) == ["compare.html"] + [f"{d}.html" for d in DISTRICTS]
    page = (out / "dalian-hightech.html").read_text(encoding="utf-8")
    assert "<h1>大连高新区目标任务分析报告</h1>" in page
    assert "本报告的进度数据为模拟数据" in page  # no real ledger in the store: simulated, said so
    assert "2020-10-15" in page
    for slug in (
        "dalian-hightech/000_9d7f559dd9317c00.txt",
        "dalian-hightech/001_7904b49d57e0b06b.txt",
    ):
        assert slug in page
    assert file_sha256(RAW / "dalian-hightech" / "000_9d7f559dd9317c00.txt") in page
    # One chart each, drawn as SVG with its text kept as text (sharp in print, a third the bytes)
    charts = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(charts) == 6 and 'src="data:image/png' not in page
    svg = base64.b64decode(charts[1]).decode("utf-8")
    assert re.search(r"<text [^>]*font-family: 'Noto Sans CJK SC'[^>]*>牵头单位", svg)
    assert "def " not in page and "import " not in page  # no code shown
    assert "findfont" not in page and "Traceback" not in page
    compare = (out / "compare.html").read_text(encoding="utf-8")
    for name in ("大连高新区", "南京市鼓楼区", "青岛西海岸新区", "泉州市鲤城区"):
        assert name in compare


@pytest.mark.slow
def test_each_chart_stands_in_its_section(rendered):
    # The sections share one notebook cell (one round trip to the kernel): each chart is still
    # shown under its own heading, before the next section, not gathered at the end.
    out, _ = rendered
    page = (out / "dalian-hightech.html").read_text(encoding="utf-8")
    found = re.findall(r"<h2[^>]*>(.*?)</h2>|<img alt=\"([^\"]*)\"", page)
    shown = [heading or f"[{alt}]" for heading, alt in found]
    assert shown == [
        "总体情况",
        "分管领导工作量",
        "[图表]",
        "牵头单位",
        "[图表]",
        "任务来源",
        "[图表]",
        "工作量集中度",
        "目标可量化程度",
        "完成情况",
        "[图表]",
        "[图表]",
        "挂牌督办清单（红灯任务）",
        "完成率趋势",
        "[图表]",
        "位次排名（红黄榜）",
        "本期到期",
        "与上期相比",
        "政府工作报告落实覆盖",
        "数据质量",
    ]


class _Addresses(html.parser.HTMLParser):
    """Collects every http(s) address outside plain text: attributes, scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._raw = None

    def handle_starttag(self, tag, attrs):
        self._raw = tag if tag in ("script", "style") else None
        for name, value in attrs:
            if value and re.search(r"https?://", value) and not value.startswith("data:"):
                self.found.append(f"<{tag} {name}={value[:80]}>")

    def handle_endtag(self, tag):
        self._raw = None

    def handle_data(self, data):
        if self._raw and re.search(r"https?://", data):
            self.found.append(f"<{self._raw}>: {re.search(r'https?://[^ )]*', data).group(0)}")


def _external_addresses(page: str) -> list[str]:
    parser = _Addresses()
    parser.feed(page)
    return parser.found


@pytest.mark.slow
def test_no_external_address_outside_plain_text(rendered):
    _out, written = rendered
    for path in written:
        assert _external_addresses(path.read_text(encoding="utf-8")) == [], path.name


def test_the_address_check_can_fail():
    page = (
        '<html><head><script src="https://cdn.example/x.js"></script></head>'
        "<body><p>见 https://example.gov.cn 的通知</p><style>a{background:url(http://x/y)}"
        "</style></body></html>"
    )
    assert _external_addresses(page) == [
        "<script src=https://cdn.example/x.js>",
        "<style>: http://x/y",
    ]


@pytest.mark.slow
def test_explore_notebook_runs(tmp_path):
    nb = config.notebooks_dir() / "explore.ipynb"
    papermill.execute_notebook(
        str(nb),
        str(tmp_path / "explore.ipynb"),
        parameters={"raw_dir": str(RAW)},
        cwd=str(tmp_path),
        progress_bar=False,
        kernel_name="python3",
        execution_timeout=600,  # a hung cell fails the test instead of hanging the suite
    )
    executed = json.loads((tmp_path / "explore.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in executed["cells"] for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_notebooks_are_stored_without_outputs():
    for path in config.notebooks_dir().glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
        assert len(params) == 1, path.name
        # The parameters cell holds only typed, commented defaults.
        for line in "".join(params[0]["source"]).splitlines():
            assert re.match(r"^\w+: (str|int|float|bool) = .+  # .+$", line), line


@pytest.mark.slow
def test_failure_keeps_the_previous_report(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    previous = out / "nanjing-gulou.html"
    previous.write_text("<html>yesterday's report</html>", encoding="utf-8")
    with pytest.raises(taskstats.ReportError) as err:
        report.render_reports(
            ["nanjing-gulou"], as_of="2021-13-45", compare=False, jobs=1, out_dir=out, raw_dir=RAW
        )
    message = str(err.value)
    assert (
        "district_report.ipynb failed in cell 3 [from IPython.display import HTML, display] "
        "(InputError:" in message
    )
    assert "'2021-13-45' is not a date" in message
    assert previous.read_text(encoding="utf-8") == "<html>yesterday's report</html>"
    kept = out / "failed" / "nanjing-gulou.failed.ipynb"
    assert kept.exists() and "2021-13-45" in kept.read_text(encoding="utf-8")


def test_a_kernel_that_dies_is_named_with_its_own_log(tmp_path, monkeypatch):
    # A kernel spec whose kernel writes one line to stderr and exits before it starts.
    spec = tmp_path / "kernels" / "broken"
    spec.mkdir(parents=True)
    fail = "import sys; sys.stderr.write('boom: no module named frobnicate'); sys.exit(3)"
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-c", fail, "{connection_file}"],
                "display_name": "broken",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    target = tmp_path / "r.html"
    target.write_text("yesterday", encoding="utf-8")
    with pytest.raises(taskstats.ReportError) as err:
        report.execute_to_html(
            config.notebooks_dir() / report.DISTRICT_NOTEBOOK,
            {"district": "dalian-hightech"},
            target,
            title="r",
            lang="zh",
            failed_dir=tmp_path / "failed",
            kernel_name="broken",
        )
    message = str(err.value)
    assert message.startswith("district_report.ipynb could not run (RuntimeError: Kernel died")
    assert message.endswith(
        "the previous r.html is kept; kernel log: boom: no module named frobnicate"
    )
    assert target.read_text(encoding="utf-8") == "yesterday"


@pytest.mark.slow
def test_parameters_cannot_inject_code(tmp_path):
    out = tmp_path / "reports"
    evil = 'x"; import os; os.system("touch PWNED"); "'
    with pytest.raises(taskstats.InputError, match="unknown district"):
        report.render_reports([evil], compare=False, jobs=1, out_dir=out, raw_dir=RAW)
    with pytest.raises(taskstats.ReportError, match="is not a date"):
        report.render_reports(
            ["nanjing-gulou"], as_of=evil, compare=False, jobs=1, out_dir=out, raw_dir=RAW
        )
    assert not list(tmp_path.rglob("PWNED")) and not (config.PROJ_ROOT / "PWNED").exists()


# --- a real browser ---------------------------------------------------------------------------


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium and chromedriver are required under CI (.ci/run installs them)")
        pytest.skip(
            "Chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        # Networking off: every host is unresolvable and every proxy dead.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    yield driver
    driver.quit()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["compare", *DISTRICTS])
def test_report_in_a_real_browser(rendered, browser, name):
    out, _ = rendered
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get((out / f"{name}.html").as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    events = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    # Only the page's own requests (made for its document) are judged: the browser's
    # background traffic (updates, safe browsing …) belongs to no page and can fail offline.
    page = (out / f"{name}.html").as_uri()
    urls = {
        e["params"]["requestId"]: e["params"]["request"]["url"]
        for e in events
        if e["method"] == "Network.requestWillBeSent" and e["params"].get("documentURL") == page
    }
    assert page in urls.values()  # the filter sees the page's requests
    assert [u for u in urls.values() if re.match(r"^(https?|wss?|ftp):", u)] == []
    failed = [
        (urls[e["params"]["requestId"]], e["params"].get("errorText"))
        for e in events
        if e["method"] == "Network.loadingFailed" and e["params"]["requestId"] in urls
    ]
    assert failed == [], failed
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    # Empty and one-value sections are one line of text, not a chart: Nanjing as of 2020-10-15
    # (no leader, no source stated, nothing due) draws its lead units and its lights only
    assert len(images) >= 2
    assert all(done and w > 0 and h > 0 for done, w, h in images)
    shots = config.reports_dir() / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(shots / f"{name}.png"))


def test_district_view_figures(tmp_path):
    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    rates = r.rates["district"].iloc[0]
    # At the year end every task's own deadline (2020-12-31) has passed: overdue are the 34
    # deadline nodes not reported 已完成 (the simulated ledger reports every node: no 未报送).
    assert (rates["due"], rates["done"], rates["behind"], rates["overdue"]) == (504, 398, 34, 34)
    assert rates["not_reported"] == 0
    assert len(r.red) == (r.lights["light"] == "red").sum() == 34
    assert r.lights["light"].value_counts().to_dict() == {"green": 134, "red": 34}
    assert [name for name, _ in r.files] == [
        "dalian-hightech/000_9d7f559dd9317c00.txt",
        "dalian-hightech/001_7904b49d57e0b06b.txt",
    ]
    assert r.files[0][1] == file_sha256(RAW / "dalian-hightech" / "000_9d7f559dd9317c00.txt")
    units = r.units_html()
    assert units.index("<h3>泛指单位（不计入单位排名）</h3>") > units.index("<table")
    quiet = report.prepare_district(
        "nanjing-gulou", as_of="2021-01-15", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    assert quiet.red.empty and quiet.red_list_html() == "<p>当前没有红灯任务。</p>"


def test_comparison_view_uses_the_one_as_of_rule(tmp_path):
    """Without a date each district is read at its own last milestone (today is later), so the
    comparison shows the figures of each district's own report."""
    c = report.prepare_comparison(progress="demo", raw_dir=RAW, store_dir=tmp_path, top=2)
    assert {d: day.isoformat() for d, day in c.as_of_by_district.items()} == {
        "dalian-hightech": "2020-12-31",
        "nanjing-gulou": "2021-12-31",
        "qingdao-westcoast": "2020-12-31",
        "quanzhou-licheng": "2020-12-25",
    }
    table = c.indicator_table().set_index("name")
    for slug, name in c.names.items():
        own = report.prepare_district(slug, progress="demo", raw_dir=RAW, store_dir=tmp_path)
        assert table.loc[name, "red"] == len(own.red), slug
        assert table.loc[name, "completion_rate"] == own.rates["district"]["completion_rate"][0]
    assert table["red"].to_dict() == {
        "大连高新区": 34,
        "南京市鼓楼区": 22,
        "青岛西海岸新区": 54,
        "泉州市鲤城区": 30,
    }
    assert c.shown == ["qingdao-westcoast", "dalian-hightech"]  # the two largest
    assert set(c.shown_rows(c.mix)["district"]) == {"青岛西海岸新区", "大连高新区"}
    rule = "未指定日期时，各区县取今天及以前最近的一个报送节点（年度结束后为最后一个节点）"
    assert rule in c.header_html()


@pytest.mark.slow
def test_a_kernel_whose_port_was_taken_is_started_again(tmp_path, monkeypatch):
    """Kernels started at the same moment can pick the same port; the one that loses dies at
    once ("Address already in use"). The run starts it again instead of failing the report."""
    calls = []

    def flaky(source, output, **kw):
        calls.append(kw["cwd"])
        if len(calls) == 1:
            (Path(kw["cwd"]) / "kernel.log").write_text(
                "zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:33001')"
            )
            raise RuntimeError("Kernel died before replying to kernel_info")
        shutil.copyfile(source, output)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    target = report.execute_to_html(
        config.notebooks_dir() / report.DISTRICT_NOTEBOOK,
        {},
        tmp_path / "out.html",
        title="测试",
        lang="zh",
        failed_dir=tmp_path / "failed",
    )
    assert len(calls) == 2 and target.exists()

    def dead(source, output, **kw):
        (Path(kw["cwd"]) / "kernel.log").write_text("ModuleNotFoundError: No module named 'x'")
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", dead)
    with pytest.raises(taskstats.ReportError, match="No module named 'x'"):
        report.execute_to_html(
            config.notebooks_dir() / report.DISTRICT_NOTEBOOK,
            {},
            tmp_path / "out2.html",
            title="测试",
            lang="zh",
            failed_dir=tmp_path / "failed",
        )


def test_tables_are_written_as_pandas_writes_them():
    """The report's tables are written directly (not through DataFrame.to_html), cell for cell
    the same: text escaped and stripped, double spaces non-breaking, missing values a dash,
    shares as percentages; columns it does not write itself go through pandas."""
    import pandas as pd

    from taskstats.report.html import html_table

    table = pd.DataFrame(
        {
            "unit": ["原  驰", "A&B <b>", None],
            "tasks": [3, 12, 0],
            "completion_rate": [0.5, float("nan"), 1.0],
        }
    )
    rows = [
        ["原&nbsp;&nbsp;驰", "3", "50.0%"],
        ["A&amp;B &lt;b&gt;", "12", "—"],
        ["—", "0", "100.0%"],
    ]
    # The page marks its short columns to keep them on one line; the table is pandas' own
    marked = html_table(table, "zh")
    assert marked.startswith('<table class="dataframe ts-table ts-n1 ts-n2 ts-n3">')
    assert re.sub(r" ts-n\d+", "", marked) == (
        '<table class="dataframe ts-table">\n  <thead>\n    <tr style="text-align: right;">\n'
        "      <th>单位</th>\n      <th>任务数</th>\n      <th>完成率</th>\n    </tr>\n"
        "  </thead>\n  <tbody>\n"
        + "".join(
            "    <tr>\n" + "".join(f"      <td>{c}</td>\n" for c in row) + "    </tr>\n"
            for row in rows
        )
        + "  </tbody>\n</table>"
    )
    odd = pd.DataFrame(
        {
            "c1": ["a\tb\n", " padded ", "x"],
            "c2": pd.Series([1, "二", None], dtype=object),
            "c3": pd.Series([1.5, "x", 2], dtype=object),  # pandas' own float format
            "c4": pd.to_datetime(["2020-01-01", "2020-06-30", None]),
        }
    )
    # Two columns under one label (区县 for both district and name): pandas writes it, unmarked
    twice = pd.DataFrame([["dalian-hightech", "大连高新区"]], columns=["district", "name"])
    assert html_table(twice) == twice.rename(columns={"district": "区县", "name": "区县"}).to_html(
        index=False, escape=True, na_rep="—", border=0, classes="ts-table"
    )
    for frame in (odd, odd[["c1", "c2"]], odd.head(0)):
        expected = frame.to_html(index=False, escape=True, na_rep="—", border=0, classes="ts-table")
        assert re.sub(r" ts-n\d+", "", html_table(frame, "zh")) == expected


def test_the_english_coverage_section_reads_in_english(english_dalian):
    """The coverage tables in an English report: English headers and values, shares as
    percentages (the shares, already worded, were formatted a second time and failed)."""
    r = english_dalian
    page = r.coverage_html()
    assert "<th>Report section</th>" in page and "<th>Share with a task</th>" in page
    assert re.search(r"<td>\d+%</td>", page)
    assert "分解率" not in page and "报告部分" not in page


def test_the_as_of_rule_of_one_district_names_no_other():
    """A page of one district (a province's list too) does not speak of 各区县."""
    from taskstats.report.wording import as_of_label

    one = {"fujian": dt.date(2020, 12, 31)}
    assert as_of_label(one, {}, given=True) == "2020-12-31（指定日期）"
    assert as_of_label(one, {}) == (
        "2020-12-31（未指定日期，取今天及以前最近的一个报送节点，年度结束后取最后一个节点）"
    )
    two = {**one, "gulou": dt.date(2020, 12, 31)}
    assert as_of_label(two, {}, given=True) == "2020-12-31（指定日期，各区县相同）"
    assert as_of_label(one, {}, "en", given=True) == "2020-12-31 (the date given)"


def test_printed_tables_keep_short_cells_and_dates_on_one_line():
    """A column of lights, dates or counts (and its header) is marked to stay on one line; a
    date inside a longer cell is kept whole; long text still wraps."""
    from taskstats.report.html import PAGE, html_table

    frame = pd.DataFrame(
        {
            "task_id": ["1", "12"],
            "text": ["推进某项重点工作，" * 3, "短"],
            "light": ["red", "green"],
            "reasons": ["超过完成时限2020-12-25未完成", ""],
        }
    )
    table = html_table(frame)
    assert table.startswith('<table class="dataframe ts-table ts-n1 ts-n3">')
    assert '<td>超过完成时限<span class="ts-d">2020-12-25</span>未完成</td>' in table
    assert ".ts-n3 th:nth-child(3), .ts-n3 td:nth-child(3) { white-space: nowrap; }" in (
        PAGE.format(lang="zh", version="", title="", body="")
    )


def test_the_quality_section_lists_the_lines_to_check(tmp_path):
    """见数据质量 (a task whose text the copy lost) points somewhere: the section lists each
    note and warning with its task and source line, a line not read included."""
    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    rows = r.quality_rows()
    lost = rows[rows["kind"] == "missing_text"]
    assert lost["task_id"].tolist() == ["21", "63", "76", "88"]
    assert lost["line"].tolist() == [179, 512, 629, 735]
    assert len(rows) == 18 and rows["line"].iloc[-1] == 1384  # the annex after the table
    section = re.sub(r"\s+", "", r.quality_html())
    assert "<tr><td>21</td><td>179</td><td>任务内容缺失</td><td>警告</td></tr>" in section
    quiet = report.prepare_district(
        "nanjing-gulou", as_of="2021-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    # Its one line not read (a web page's "推荐访问" after the list) is listed, not denied
    assert quiet.quality_rows()[["line", "kind"]].values.tolist() == [[92, "unparsed_row"]]
    assert "<td>92</td><td>无法识别的行</td><td>提示</td>" in re.sub(
        r"\s+", "", quiet.quality_html()
    )


def test_a_column_of_whole_numbers_reads_as_counts():
    """最多任务 46 (a column with a gap is float), 人均任务 20.33 beside it."""
    from taskstats.report.html import html_table

    frame = pd.DataFrame(
        {"tasks_per_leader_max": [46.0, float("nan")], "tasks_per_leader_mean": [20.333, 9.8]}
    )
    cells = re.findall(r"<td>(.*?)</td>", html_table(frame))
    assert cells == ["46", "20.33", "—", "9.80"]


def test_a_table_is_cut_short_only_when_that_hides_a_few_rows():
    from taskstats.report.html import html_table

    rows = pd.DataFrame({"task_id": [str(i) for i in range(1, 46)]})
    whole = html_table(rows.head(44), max_rows=40)  # would hide 4: shown whole
    assert whole.count("<tr>") == 44 and "前40行" not in whole
    cut = html_table(rows, max_rows=40)  # hides 5
    assert cut.count("<tr>") == 40 and cut.startswith('<p class="ts-note">前40行，共45行</p>')
