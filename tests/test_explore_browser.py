"""The exploration notebook in a real JupyterLab and a real browser: run it, change a filter, and
see the task table and the chart follow. Screenshots go to a temporary folder, never reports/."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings

import pytest
from PIL import Image

from taskstats import config

pytestmark = pytest.mark.slow  # a real JupyterLab in a real browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _needed() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium and chromedriver are required under CI (.ci/run installs them)")
    pytest.skip("Chromium/chromedriver not installed (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab, headless, on a free local port, serving a copy of the notebook."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(config.notebooks_dir() / "explore.ipynb", root / "explore.ipynb")
    port, token = _free_port(), secrets.token_hex(12)
    log = (root / "lab.log").open("wb")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / "runtime"), "HOME": str(root)}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}"),
            *("--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"),
            *(f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"),
            "--LabApp.news_url=",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        for _ in range(120):
            if server.poll() is not None:
                break
            try:
                direct.open(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start: " + (root / "lab.log").read_text()[-2000:])
        yield url, token, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def chrome(tmp_path_factory):
    browser, driver_path = _needed()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1400,1000",
        # Only the local JupyterLab is reachable: every other host is unresolvable.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # said if the test fails
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def _wait(driver, script: str, timeout: float = 120, what: str = ""):
    """Poll a JavaScript expression until it returns something truthy."""
    end = time.time() + timeout
    while time.time() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what or script}")


def _followed(chrome, before: dict, timeout: float) -> dict | None:
    """The page's state once its count and chart differ from ``before``, or None."""
    end = time.time() + timeout
    while time.time() < end:
        now = json.loads(chrome.execute_script(STATE))
        if now["count"] != before["count"] and now["img"] != before["img"]:
            return now
        time.sleep(0.5)
    return None


def _diagnosis(chrome, lab, before: dict) -> str:
    """What the page, the kernel, the browser's console and JupyterLab's log say now."""
    now = json.loads(chrome.execute_script(STATE))
    page = chrome.execute_script(
        "const w = window.jupyterapp.shell.currentWidget;"
        "const k = w.sessionContext.session && w.sessionContext.session.kernel;"
        "const s = document.querySelector('.widget-dropdown select');"
        "return JSON.stringify({kernel: k && [k.id, k.status, k.connectionStatus],"
        " chosen: s && s.value, panels: document.querySelectorAll('.jp-NotebookPanel').length,"
        " dialogs: [...document.querySelectorAll('.jp-Dialog')].map(d => d.textContent)});"
    )
    console = [e.get("message", "") for e in chrome.get_log("browser")][-20:]
    log = (lab[2] / "lab.log").read_text(errors="replace")[-3000:]
    return "\n".join(
        [
            f"before: count={before['count']!r} img={before['img']}",
            f"now:    count={now['count']!r} img={now['img']} rows={now['rows'][:2]}",
            f"page:   {page}",
            "console: " + "\n         ".join(console),
            "JupyterLab's log (end):\n" + log,
        ]
    )


IDLE = (
    "const w = window.jupyterapp.shell.currentWidget;"
    "const k = w.sessionContext.session.kernel;"
    "const cells = w.content.widgets.filter(c => c.model.type === 'code');"
    "return k.status === 'idle' && cells.every(c => c.model.executionCount);"
)

STATE = """
const out = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)') || document;
const count = [...out.querySelectorAll('.widget-html b')].map(b => b.textContent).join('|');
const rows = [...out.querySelectorAll('table.dataTable tbody tr')].map(
  tr => [...tr.querySelectorAll('td')].map(td => td.textContent));
const img = [...out.querySelectorAll('.jp-OutputArea-output img')].map(i => i.src.length + ':' +
  i.src.slice(-40));
const align = (() => { const td = out.querySelector('table.dataTable tbody td:nth-child(4)');
  return td ? getComputedStyle(td).textAlign : ''; })();
return JSON.stringify({count, rows, img, align});
"""


def test_explore_notebook_in_jupyterlab(lab, chrome, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, token, _root = lab
    chrome.get(f"{url}/lab/tree/explore.ipynb?token={token}")
    _wait(chrome, "return !!(window.jupyterapp && document.querySelector('.jp-Notebook'))", 120)
    _wait(
        chrome,
        "const w = window.jupyterapp.shell.currentWidget;"
        "return !!(w && w.sessionContext && w.sessionContext.session &&"
        " w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle');",
        120,
        "the kernel",
    )
    chrome.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    _wait(
        chrome,
        "return document.querySelectorAll('.widget-dropdown select').length >= 5 &&"
        " !!document.querySelector('table.dataTable tbody tr')",
        240,
        "the explorer's drop-downs and task table",
    )
    # Run-all goes on to the progress cells; a filter change waits behind them in the kernel's
    # queue, so the filter is changed only once every code cell has run and the kernel is idle.
    _wait(chrome, IDLE, 300, "every cell to run")
    before = json.loads(_wait(chrome, STATE))
    assert before["count"].startswith("共") and before["rows"] and before["img"], before
    assert before["align"] == "left"  # task text reads from the left
    chrome.save_screenshot(str(tmp_path / "explore-before.png"))

    selects = chrome.find_elements(By.CSS_SELECTOR, ".widget-dropdown select")
    labels = [s.find_element(By.XPATH, "./preceding-sibling::label").text for s in selects]
    assert labels[:5] == ["区县", "来源", "板块", "分管领导", "单位"], labels
    district = Select(selects[0])
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", selects[0])
    district.select_by_visible_text("大连高新区")
    after = _followed(chrome, before, 90)
    if after is None:
        # Once, on a loaded machine, the change did not reach the page: say what the page and
        # the kernel looked like, then choose again (all districts, then Dalian). A filter that
        # does not work fails both times; one that worked the second time is still reported.
        first = _diagnosis(chrome, lab, before)
        _wait(chrome, IDLE, 120, "the kernel to be idle again")
        district.select_by_index(0)
        time.sleep(1)
        _wait(chrome, IDLE, 120, "the kernel to be idle again")
        district.select_by_visible_text("大连高新区")
        after = _followed(chrome, before, 120)
        if after is None:
            pytest.fail(
                "the table and chart did not follow the district filter\n"
                + first
                + "\nafter choosing again:\n"
                + _diagnosis(chrome, lab, before)
            )
        warnings.warn(
            f"the district filter was followed only when chosen again:\n{first}", stacklevel=2
        )
    assert after["count"] == "共168项任务"
    assert {row[0] for row in after["rows"]} == {"大连高新区"}
    # The leader list now holds Dalian's leaders only, named first, collectives after.
    leader_options = [o.text for o in Select(selects[3]).options]
    assert any(o.startswith("赵百强") for o in leader_options)
    assert not any(o.startswith("王") and "（泛指）" in o for o in leader_options)
    chrome.save_screenshot(str(tmp_path / "explore-after.png"))
    chrome.execute_script("document.querySelector('table.dataTable').scrollIntoView()")
    chrome.save_screenshot(str(tmp_path / "explore-table.png"))
    for shot in ("explore-before.png", "explore-after.png", "explore-table.png"):
        with Image.open(tmp_path / shot) as image:  # a real page, not a blank frame
            assert image.size[0] >= 800 and len(image.convert("L").getcolors(1 << 16)) > 16, shot
