"""Bad input, hostile input, and nothing lost: a corpus, fuzzing, escaping, and kill trials."""

from __future__ import annotations

import ast
import io
import os
import random
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import DALIAN, GULOU, QINGDAO, QUANZHOU, RAW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import taskstats
from taskstats import config
from taskstats.io.files import write_csv, write_xlsx
from taskstats.tidy.manifest import read_manifest

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
FUZZ_EXAMPLES = int(os.environ.get("TASKSTATS_FUZZ_EXAMPLES", "500"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


# --- the corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", EXPECTED["case"], ids=lambda c: c["file"])
def test_corpus(case, monkeypatch):
    path = CORPUS / case["file"]
    if case.get("without_soffice"):
        monkeypatch.setenv("TASKSTATS_SOFFICE", str(CORPUS / "no-such-soffice"))
    if "error" in case:
        with pytest.raises(taskstats.InputError) as err:
            taskstats.read_table(path)
        assert str(err.value).startswith(f"{path}")
        assert case["error"] in str(err.value)
    elif "tasks" in case:
        assert taskstats.read_table(path).tasks["task_id"].tolist() == case["tasks"]
    else:
        quality = taskstats.read_table(path).quality
        hits = quality[quality["kind"] == case["anomaly"]]
        assert hits["line"].tolist() == [case["line"]]


@pytest.mark.parametrize("case", EXPECTED["manifest"], ids=lambda c: c["folder"])
def test_manifest_corpus(case):
    with pytest.raises(taskstats.ManifestError) as err:
        read_manifest(CORPUS / case["folder"])
    assert str(err.value).startswith(str(CORPUS / case["folder"] / "manifest.toml"))
    assert case["error"] in str(err.value)


def test_cell_of_100000_characters(tmp_path):
    path = tmp_path / "long.txt"
    text = "序号\t工作任务\t牵头单位\t分管领导\n1\t" + "推进" * 50_000 + "\t区发改局\t王五\n"
    path.write_text(text, encoding="utf-8")
    t = taskstats.read_table(path)
    assert len(t.tasks["text"].iloc[0]) == 100_000
    long = t.quality[t.quality["kind"] == "long_cell"]
    assert long["line"].tolist() == [2]
    assert "a cell of 100,000 characters" in long["message"].item()


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(50_000_000)
    with pytest.raises(taskstats.InputError, match=r"the file is 50\.0 MB; taskstats reads"):
        taskstats.read_table(path)


def test_xml_bomb_in_a_workbook_is_refused(tmp_path):
    wb = Workbook()
    wb.active.append(["序号", "工作任务", "牵头单位", "分管领导"])
    wb.active.append([1, "任务", "区发改局", "王五"])
    buf = io.BytesIO()
    wb.save(buf)
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    out = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.decode().split("?>", 1)[-1].replace("王五", "&b;")
                data = (entities + body).encode()
            zout.writestr(item, data)
    with pytest.raises(taskstats.InputError, match=r"not a readable \.xlsx workbook") as err:
        taskstats.read_table(out)
    chain, exc = [], err.value
    while exc is not None:
        chain.append(type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    assert "EntitiesForbidden" in chain  # defusedxml refused the entity declaration


# --- fuzzing ---------------------------------------------------------------------------------

SEEDS = [p.read_bytes() for p in (DALIAN, QINGDAO, QUANZHOU, GULOU)]


def _loads_or_our_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        tables = taskstats.read_table(path)
    except taskstats.TaskstatsError:
        return
    assert tables.tasks["task_id"].is_unique


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".txt", ".csv", ".xlsx", ".md"]))
def test_fuzz_random_bytes(tmp_path, data, suffix):
    _loads_or_our_error(tmp_path, data, suffix)


@pytest.mark.slow
@FUZZ
@given(
    data=st.binary(max_size=2048),
    suffix=st.sampled_from([".docx", ".pdf", ".html", ".xls", ".doc"]),
    magic=st.sampled_from([b"", b"%PDF-1.4\n", b"<html><table><tr><td>", b"PK\x03\x04"]),
)
def test_fuzz_random_documents(tmp_path, monkeypatch, data, suffix, magic):
    monkeypatch.setenv("TASKSTATS_SOFFICE", str(tmp_path / "no-soffice"))  # no slow conversions
    _loads_or_our_error(tmp_path, magic + data, suffix)


DOCUMENTS = {
    name: (CORPUS / name).read_bytes()
    for name in ("no_task_table.docx", "encrypted.pdf", "scanned.pdf", "no_table.html")
}


@pytest.mark.slow
@settings(FUZZ, max_examples=min(FUZZ_EXAMPLES, 300))
@given(
    name=st.sampled_from(sorted(DOCUMENTS)),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
    cut=st.floats(0.2, 1),
)
def test_fuzz_damaged_documents(tmp_path, name, flips, cut):
    data = bytearray(DOCUMENTS[name])
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    _loads_or_our_error(tmp_path, bytes(data[: max(1, int(len(data) * cut))]), Path(name).suffix)


@pytest.mark.slow
@FUZZ
@given(
    rows=st.lists(
        st.lists(
            st.text(alphabet="序号工作任务牵头单位领导1２3.、（）<>&;\n ", max_size=8), max_size=5
        ),
        max_size=12,
    ),
    span=st.integers(1, 4),
)
def test_fuzz_html_tables(tmp_path, rows, span):
    cells = "".join(
        "<tr>" + "".join(f'<td rowspan="{span}">{c}</td>' for c in r) + "</tr>" for r in rows
    )
    page = f"<html><body><table><tr><td>序号</td><td>工作任务</td><td>牵头单位</td></tr>{cells}"
    _loads_or_our_error(tmp_path, page.encode("utf-8"), ".html")


@pytest.mark.slow
@FUZZ
@given(seed=st.sampled_from(range(len(SEEDS))), cut=st.floats(0, 1), start=st.floats(0, 1))
def test_fuzz_truncated_tables(tmp_path, seed, cut, start):
    data = SEEDS[seed]
    a = int(len(data) * min(cut, start))
    b = int(len(data) * max(cut, start))
    _loads_or_our_error(tmp_path, data[a:b], ".txt")


@pytest.mark.slow
@FUZZ
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    shuffle_seed=st.integers(0, 2**32 - 1),
    keep=st.floats(0.05, 1),
)
def test_fuzz_shuffled_lines(tmp_path, seed, shuffle_seed, keep):
    lines = SEEDS[seed].split(b"\n")
    rng = random.Random(shuffle_seed)
    rng.shuffle(lines)
    _loads_or_our_error(tmp_path, b"\n".join(lines[: max(1, int(len(lines) * keep))]), ".txt")


@pytest.mark.slow
@FUZZ
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    codec=st.sampled_from(
        ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-32", "shift_jis", "latin-1"]
    ),
    cut=st.floats(0.01, 1),
)
def test_fuzz_encodings(tmp_path, seed, codec, cut):
    text = SEEDS[seed].decode("utf-8")
    data = text[: max(1, int(len(text) * cut))].encode(codec, errors="replace")
    _loads_or_our_error(tmp_path, data, ".txt")


# --- hostile content ---------------------------------------------------------------------------

HOSTILE_TEXT = "<script>alert(1)</script>推进任务"


def test_formulas_are_neutralised_in_csv_and_xlsx(tmp_path):
    df = pd.DataFrame(
        {"text": ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "正常文本"]}
    )
    write_csv(df, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert back["text"].tolist()[:4] == [
        '\'=HYPERLINK("http://x","点我")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
    ]
    write_xlsx({"t": df}, tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["t"]
    cells = [ws.cell(r, 1) for r in range(2, 7)]
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].value.startswith("'=") and cells[4].value == "正常文本"
    assert df["text"].iloc[0].startswith("=")  # the caller's frame is untouched


@pytest.fixture(scope="module")
def hostile_district(tmp_path_factory):
    """A district whose table carries markup in its text, units, leader and name."""
    raw = tmp_path_factory.mktemp("raw")
    folder = raw / "hostile"
    folder.mkdir()
    (folder / "table.txt").write_text(
        "序号\t工作任务\t牵头单位\t责任单位\t分管领导\n"
        f"1\t{HOSTILE_TEXT}\t<img src=x onerror=alert(2)>局\t各街道\t<b>王五</b>\n"
        '2\t=HYPERLINK("http://evil.example","点我")\t区财政局\t\t赵六\n',
        encoding="utf-8",
    )
    (folder / "manifest.toml").write_text(
        'slug = "hostile"\nname = "<script>alert(3)</script>区"\nyear = 2020\n'
        'raw_file = "table.txt"\n[schedule]\nkind = "dates"\ndates = ["2020-06-30"]\n',
        encoding="utf-8",
    )
    store = tmp_path_factory.mktemp("store")
    sheet = store / "report.csv"
    sheet.write_text("序号,节点,状态,填报日期\n1,2020-06-30,滞后,2020-06-30\n", encoding="utf-8")
    tables = taskstats.load(raw_dir=raw)
    manifests = {m.slug: m for m in taskstats.discover_manifests(raw)}
    from taskstats.progress import import_progress

    import_progress([sheet], tables, manifests, store_dir=store, district="hostile")
    out = tmp_path_factory.mktemp("reports")
    from taskstats.report import render_reports

    render_reports(
        ["hostile"],
        as_of="2020-07-10",
        compare=False,
        jobs=1,
        out_dir=out,
        raw_dir=raw,
        store_dir=store,
    )
    return raw, out / "hostile.html"


@pytest.mark.slow
def test_markup_in_input_is_escaped_in_the_report(hostile_district):
    _, page_path = hostile_district
    page = page_path.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "<b>王五</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;推进任务" in page  # the red list shows it
    assert "&lt;script&gt;alert(3)&lt;/script&gt;区" in page


@pytest.mark.slow
def test_markup_shows_as_text_in_a_real_browser(hostile_district):
    from test_report import _chromium

    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium and chromedriver are required under CI")
        pytest.skip("Chromium/chromedriver not installed")
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    try:
        driver.get(hostile_district[1].as_uri())
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018 - touching it raises when there is none
        body = driver.execute_script("return document.body.innerText")
        assert HOSTILE_TEXT in body
        assert driver.execute_script("return document.scripts.length") == 0
    finally:
        driver.quit()


def test_progress_template_neutralises_formulas(hostile_district, tmp_path):
    raw, _ = hostile_district
    from taskstats import write_template

    tables = taskstats.load(raw_dir=raw)
    manifest = taskstats.discover_manifests(raw)[0]
    path = write_template(tables, manifest, tmp_path / "sheet.xlsx")
    ws = load_workbook(path)["推进表"]
    text = ws.cell(3, 2)
    assert text.data_type == "s" and text.value.startswith("'=HYPERLINK")


# --- atomicity and concurrency -----------------------------------------------------------------

WRITER = """
import sys
from taskstats.datasets import write_processed as ingest
ingest(raw_dir=sys.argv[1], out_dir=sys.argv[2])
"""


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def test_killed_writers_never_leave_a_half_written_file(tmp_path):
    out = tmp_path / "processed"
    taskstats.write_processed(raw_dir=RAW, out_dir=out)
    reference = _snapshot(out)
    reference_sheets = pd.read_excel(out / "taskstats.xlsx", sheet_name=None, engine="openpyxl")
    assert len(reference) == 5
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", WRITER, str(RAW), str(out)], check=True)
    full = time.monotonic() - started  # one uninterrupted run: kills fall within it
    rng = random.Random(20201231)
    trials, mid_write = 24, 0
    for _ in range(trials):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(RAW), str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.4, 1.0) * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        mid_write += bool(list(out.glob(".*.tmp")))  # killed while writing a file
        now = _snapshot(out)
        assert now.keys() == reference.keys()
        for name, data in now.items():
            if name.endswith(".csv"):  # the same input gives the same bytes
                assert data == reference[name], f"{name} changed or was cut short"
        # A workbook records when it was written, so compare what it holds.
        sheets = pd.read_excel(out / "taskstats.xlsx", sheet_name=None, engine="openpyxl")
        for name, frame in sheets.items():
            pd.testing.assert_frame_equal(frame, reference_sheets[name])
        assert len(pd.read_csv(out / "tasks.csv", encoding="utf-8-sig")) == 563
    print(f"kill trials: {trials}, killed mid-write: {mid_write}")
    assert mid_write >= 1, "no trial killed a writer mid-write; the test proved nothing"
    taskstats.write_processed(raw_dir=RAW, out_dir=out)  # the next writer clears what they left
    assert not list(out.glob(".*.tmp"))


def test_two_ingests_at_once_do_not_interleave(tmp_path):
    out = tmp_path / "processed"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(RAW), str(out)]) for _ in range(3)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    assert len(pd.read_csv(out / "tasks.csv", encoding="utf-8-sig")) == 563
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_no_bare_or_silent_except_in_the_library():
    for path in (config.PROJ_ROOT / "taskstats").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler):
                assert node.type is not None, f"bare except in {path}:{node.lineno}"
                silent = len(node.body) == 1 and isinstance(node.body[0], ast.Pass)
                broad = isinstance(node.type, ast.Name) and node.type.id in (
                    "Exception",
                    "BaseException",
                )
                assert not (silent and broad), f"except Exception: pass in {path}:{node.lineno}"


def test_a_district_name_cannot_leave_the_print_footer_style_sheet():
    from taskstats.report.html import print_footer

    css = print_footer('</style><script>alert(4)</script>"区\\')
    assert css.count("<") == 2 and css.count(">") == 2  # only the style element's own tags
    assert css.startswith("<style>") and css.endswith("</style>")
    assert "\\3c /style\\3e \\3c script\\3e alert(4)\\3c /script\\3e \\22 区\\5c " in css
