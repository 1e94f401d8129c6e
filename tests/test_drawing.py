"""Charts drawn ahead in a second process (report/drawing.py), in a real report kernel: each
chart lands where it was shown, drawn exactly as the kernel would draw it; what the copy does
not deliver (it failed, hung) is drawn in the kernel; its warnings are said in the cell."""

from __future__ import annotations

import os
import re
import sys

import matplotlib.pyplot as plt
import pytest
from conftest import run_cells

from taskstats.report import cores, drawing

SETUP = """
import gc, os, pathlib, time, warnings
import matplotlib.pyplot as plt
from IPython.display import HTML, display
from taskstats.report import charts, drawing
charts.set_style()
plt.rcParams["svg.hashsalt"] = "taskstats"  # the same ids in every drawing of a chart
os.environ["SOURCE_DATE_EPOCH"] = "0"  # and the same date
KERNEL = os.getpid()

def where():
    return "kernel" if os.getpid() == KERNEL else "copy"

def chart(name, before=lambda: None):
    def make():
        before()
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.bar(["甲", "乙"], [1, 2])
        ax.set_title(f"{name} {where()}")
        return fig
    return make
"""

AHEAD = """
go = pathlib.Path("go")
def wait_for_go():  # chart b waits in the copy until the kernel has shown its placeholder
    while where() == "copy" and not go.exists():
        time.sleep(0.05)
drawn = drawing.draw_ahead(
    {"a": chart("a"), "b": chart("b", wait_for_go), "c": chart("c")}, ahead=True
)
end = time.monotonic() + 60
while "a" not in drawn._drawn and time.monotonic() < end:  # a arrives: shown at once
    time.sleep(0.05)
display(HTML("<h2>A</h2>"))
drawn.show("a")
display(HTML("<h2>B</h2>"))
drawn.show("b")  # not drawn yet: a placeholder
drawn.show("b")  # shown twice: a placeholder each
print("waiting for", sorted(drawn._waiting), len(drawn._waiting["b"]))
go.touch()
display(HTML("<h2>C</h2>"))
drawn.show("c")
drawn.finish()
"""

HERE = """
drawn = drawing.draw_ahead({"a": chart("a")}, ahead=False)
drawn.show("a")
drawn.finish()
"""


def _charts(outputs: list[dict]) -> list[str]:
    """Each output in order: a heading's text, a chart's title, the placeholder's text or
    what was printed."""
    shown = []
    for out in outputs:
        data = out.get("data", {})
        if "image/svg+xml" in data:
            svg = "".join(data["image/svg+xml"])
            shown.append(re.search(r">([a-z] (?:kernel|copy))</text>", svg).group(1))
        elif "text/html" in data:
            shown.append(re.sub(r"<[^>]+>", "", "".join(data["text/html"])))
        elif "text/plain" in data:
            shown.append("".join(data["text/plain"]))
        elif out.get("name") == "stdout":
            shown.append("".join(out["text"]))
    return shown


def _svg(outputs: list[dict], title: str) -> str:
    for out in outputs:
        svg = "".join(out.get("data", {}).get("image/svg+xml", ""))
        if f">{title}</text>" in svg:
            return svg
    raise AssertionError(f"no chart titled {title}")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="drawing ahead forks the kernel")
def test_charts_drawn_ahead_land_where_they_were_shown(tmp_path):
    copy_fails = """
def fail_in_copy():
    if where() == "copy":
        raise RuntimeError("the copy fails")
drawn = drawing.draw_ahead({"x": chart("x", fail_in_copy), "y": chart("y")}, ahead=True)
drawn.show("x")
drawn.show("y")
drawn.finish()
"""
    warns = """
def warn():
    warnings.warn("来自副本的警告")
    print("画图时打印")
drawn = drawing.draw_ahead({"w": chart("w", warn), "v": chart("v", warn)}, ahead=True)
drawn.show("w")
drawn.show("v")
drawn.finish()
"""
    no_fork = """
def no_fork():
    raise BlockingIOError(11, "Resource temporarily unavailable")
real_fork, os.fork = os.fork, no_fork
try:
    drawn = drawing.draw_ahead({"n": chart("n")}, ahead=True)
finally:
    os.fork = real_fork
drawn.show("n")
drawn.finish()
print("frozen", gc.get_freeze_count())
"""
    cannot_draw_in_copy = """
from matplotlib.artist import Artist
class Fussy(Artist):  # fails to draw in the copy only: the formatter says so to the log alone
    def draw(self, renderer):
        if where() == "copy":
            raise RuntimeError("draws only in the kernel")
def fussy():
    figure = chart("f")()
    figure.add_artist(Fussy())
    return figure
drawn = drawing.draw_ahead({"f": fussy}, ahead=True)
drawn.show("f")
drawn.finish()
"""
    stopped = """
go.unlink()
drawn = drawing.draw_ahead({"s": chart("s", wait_for_go)}, ahead=True)
copy = drawn._pid
drawn.show("s")
print("frozen while drawing", gc.get_freeze_count() > 0)
raise RuntimeError("the cell stops before finish()")
"""
    after_stop = """
go.touch()
end = time.monotonic() + 60
while gc.get_freeze_count() and time.monotonic() < end:
    time.sleep(0.05)
print("frozen", gc.get_freeze_count())
try:
    os.waitpid(copy, os.WNOHANG)
    print("the copy is not collected")
except ChildProcessError:
    print("the copy is collected")
"""
    hangs = """
drawing.TIMEOUT_S = 3
def hang():
    while where() == "copy":
        time.sleep(1)
drawn = drawing.draw_ahead({"h": chart("h", hang)}, ahead=True)
copy = drawn._pid
start = time.monotonic()
drawn.show("h")
drawn.finish()
try:
    os.kill(copy, 0)
    print("the copy is still there")
except ProcessLookupError:
    print(f"the copy was ended after {round(time.monotonic() - start)} s")
"""
    fails = """
def fail():
    raise ValueError("坏图")
drawn = drawing.draw_ahead({"v": chart("v", fail)}, ahead=True)
drawn.show("v")
try:
    drawn.finish()
except ValueError as error:
    print("raised here:", error)
"""
    cells = [SETUP, AHEAD, HERE, copy_fails, warns, hangs, fails, no_fork, cannot_draw_in_copy]
    out = run_cells(tmp_path, [*cells, stopped, after_stop], allow_errors=True)
    ahead, here, copy_failed, warned, hung, failed, unforked, fussy, stopped, after = out[1:]

    # In page order, each drawn by the copy; each placeholder of b filled in place; a, which
    # had arrived, shown at once.
    assert _charts(ahead) == [
        *("A", "a copy", "B", "b copy", "b copy", "waiting for ['b'] 2\n", "C", "c copy")
    ]
    # The copy draws a chart exactly as the kernel draws it (the same formatter, the same SVG).
    assert _charts(here) == ["a kernel"]
    assert _svg(ahead, "a copy").replace("a copy", "a kernel") == _svg(here, "a kernel")
    # What the copy did not deliver is drawn in the kernel: the chart it failed on, the rest.
    assert _charts(copy_failed) == ["x kernel", "y kernel"]
    # The copy's warning is said in the cell, once for the two charts, as in the kernel; what
    # it printed is printed, once for each chart.
    said = "".join("".join(o.get("text", "")) for o in warned if o.get("name") == "stderr")
    assert said.count("UserWarning: 来自副本的警告") == 1, said
    printed = "".join("".join(o.get("text", "")) for o in warned if o.get("name") == "stdout")
    assert printed == "画图时打印\n画图时打印\n"
    assert _charts(warned)[:2] == ["w copy", "v copy"]
    # A copy that hangs is ended after the time allowed and the chart drawn in the kernel.
    assert _charts(hung)[0] == "h kernel"
    printed = "".join("".join(o.get("text", "")) for o in hung if o.get("name") == "stdout")
    assert re.fullmatch(r"the copy was ended after [3-9] s\n", printed), printed
    # A chart that fails everywhere fails in the kernel, with its own error.
    printed = "".join("".join(o.get("text", "")) for o in failed if o.get("name") == "stdout")
    assert printed == "raised here: 坏图\n"
    assert "图表绘制中" in _charts(failed)[0]  # its placeholder stays: nothing was drawn
    # No process to fork: drawn in the kernel, and the garbage collector given back.
    assert _charts(unforked) == ["n kernel", "frozen 0\n"]
    # A chart the copy's formatter could not draw (it gave text only) is drawn in the kernel.
    assert _charts(fussy) == ["f kernel"]
    # A cell stopped before finish(): once the copy ends, it is collected and the garbage
    # collector given back.
    assert [o.get("ename") for o in stopped if o["output_type"] == "error"] == ["RuntimeError"]
    assert _charts(stopped)[1:] == ["frozen while drawing True\n"]
    assert _charts(after) == ["frozen 0\nthe copy is collected\n"]


def test_outside_a_kernel_each_chart_is_drawn_where_it_is_shown(monkeypatch):
    made, shown = [], []
    monkeypatch.setattr(plt, "show", lambda: shown.append(len(made)))

    def make():
        made.append(1)
        return plt.figure()

    drawn = drawing.draw_ahead({"a": make, "b": make}, ahead=True)  # no kernel: no copy
    assert not drawing.can_draw_ahead()
    assert made == []  # nothing drawn before it is shown
    drawn.show("b")
    assert made == [1] and shown == [1]
    drawn.finish()
    with pytest.raises(KeyError, match="no chart 'z'; the charts are a, b"):
        drawn.show("z")
    plt.close("all")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sched_getaffinity")
def test_one_core_draws_in_the_kernel(monkeypatch, tmp_path):
    monkeypatch.setenv(cores.CORES_ENV, "")  # not given (and put back as it was after)
    monkeypatch.setattr(drawing, "kernel_shell", lambda: object())
    monkeypatch.setattr(
        "matplotlib.get_backend", lambda: "module://matplotlib_inline.backend_inline"
    )
    monkeypatch.setattr(cores, "CGROUP_ROOT", tmp_path / "no-cgroups")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not drawing.can_draw_ahead()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert drawing.can_draw_ahead()
    monkeypatch.setattr("matplotlib.get_backend", lambda: "module://ipympl.backend_nbagg")
    assert not drawing.can_draw_ahead()  # an interactive backend draws its own figures
    monkeypatch.setattr(
        "matplotlib.get_backend", lambda: "module://matplotlib_inline.backend_inline"
    )
    # A batch of two reports at once on two cores: each worker's kernels get one.
    assert [cores.cores_for(n) for n in (1, 2, 3)] == [2, 1, 1]
    monkeypatch.setenv(cores.CORES_ENV, str(cores.cores_for(2)))
    assert cores.kernel_cores() == 1 and not drawing.can_draw_ahead()
    # A container that shows two cores but whose quota allows one and a half: two; one: one.
    monkeypatch.setenv(cores.CORES_ENV, "")
    root, own = tmp_path / "cgroup", tmp_path / "cgroup" / "system.slice" / "report.service"
    own.mkdir(parents=True)
    (tmp_path / "self").write_text("0::/system.slice/report.service\n")
    monkeypatch.setattr(cores, "CGROUP_ROOT", root)
    monkeypatch.setattr(cores, "SELF_CGROUP", tmp_path / "self")
    (own / "cpu.max").write_text("150000 100000\n")
    assert cores.usable_cores() == 2 and drawing.can_draw_ahead()
    (own / "cpu.max").write_text("max 100000\n")  # none on its own cgroup …
    assert cores.usable_cores() == 2
    (root / "system.slice" / "cpu.max").write_text("100000 100000\n")  # … one on its parent's
    assert cores.usable_cores() == 1 and not drawing.can_draw_ahead()
    assert [cores.cores_for(n) for n in (1, 2)] == [1, 1]


@pytest.mark.parametrize(
    ("line", "expected"),
    [("200000 100000", 2), ("50000 100000", 1), ("max 100000", None), ("", None), ("2 0", None)],
)
def test_a_containers_cpu_quota(tmp_path, line, expected):
    (tmp_path / "cpu.max").write_text(line + "\n")
    assert cores.cpu_quota(tmp_path / "cpu.max") == expected
    assert cores.cpu_quota(tmp_path / "none") is None
