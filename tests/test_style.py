"""The charts' set-up in a report's kernel: each chart drawn once, as SVG with text as text."""

from __future__ import annotations

import pytest
from conftest import run_cells

# Each cell's own source; the draws are counted with matplotlib's draw event.
CELLS = [
    "from taskstats.report import charts\ncharts.set_style()",
    "import matplotlib.pyplot as plt\n"
    "draws = []\n"
    "fig, ax = plt.subplots()\n"
    "ax.barh(['甲', '乙'], [1, 2])\n"
    "ax.set_title('牵头单位任务量')\n"
    "_ = fig.canvas.mpl_connect('draw_event', lambda event: draws.append(event.name))",
    "import pandas as pd\n"
    "mix = pd.DataFrame({'district': ['甲区', '甲区'], 'source': ['city', 'self'],"
    " 'share': [0.25, 0.75]})\n"
    "chart = charts.source_mix_chart(mix)\n"
    "_ = chart.canvas.mpl_connect('draw_event', lambda event: draws.append(event.name))",
    "print(len(draws))",
]


@pytest.mark.slow
def test_a_chart_is_drawn_once_in_a_report_kernel(tmp_path):
    outputs = run_cells(tmp_path, CELLS)
    shown = [o["data"] for o in outputs[1] if o["output_type"] == "display_data"]
    assert [sorted(d) for d in shown] == [["image/svg+xml", "text/plain"]]
    # Text kept as text, not as glyph paths.
    assert "牵头单位任务量</text>" in "".join(shown[0]["image/svg+xml"])
    assert len([o for o in outputs[2] if o["output_type"] == "display_data"]) == 1
    # One drawing each (the SVG shown): no pixel drawing first by pyplot's display hook, and
    # the chart's layout was fixed when it was made (no layout drawing before printing).
    assert "".join(outputs[3][0]["text"]).strip() == "2"


@pytest.mark.slow
def test_the_draw_count_can_fail(tmp_path):
    """Without set_style the kernel draws the chart three times: to pixels by pyplot's display
    hook, then twice for the PNG shown (its tight bounding box, then the image)."""
    cells = ["import matplotlib\nmatplotlib.rcParams['figure.dpi'] = 80", *CELLS[1:2], CELLS[3]]
    outputs = run_cells(tmp_path, cells)
    assert "".join(outputs[2][0]["text"]).strip() == "3"


@pytest.mark.slow
def test_a_report_kernel_ends_without_a_last_collection(tmp_path):
    """set_style in a kernel taskstats started to run a report freezes the kernel's objects when
    it exits, so the interpreter's last collections skip them (papermill waits for them). A
    handler registered before set_style runs after its own (last in, first out) and sees them
    frozen."""
    seen = tmp_path / "frozen-at-exit"
    cell = (
        "import atexit, gc, pathlib\n"
        f"atexit.register(lambda: pathlib.Path({str(seen)!r}).write_text("
        "str(gc.get_freeze_count())))\n"
        "from taskstats.report import charts\n"
        "charts.set_style()\n"
        "charts.set_style()  # twice: still one handler\n"
        "print(gc.get_freeze_count())"
    )
    outputs = run_cells(tmp_path, [cell])
    assert "".join(outputs[0][0]["text"]).strip() == "0"  # nothing frozen while it runs
    assert int(seen.read_text()) > 100_000  # the kernel's objects, frozen at exit
    # A kernel not started to run a report (JupyterLab's) ends as any program: nothing frozen.
    seen.unlink()
    run_cells(tmp_path, ["import os\nos.environ.pop('TASKSTATS_REPORT_RUN')\n" + cell])
    assert seen.read_text() == "0"
