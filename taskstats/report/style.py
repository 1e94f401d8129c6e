"""The look of every chart: the seaborn theme, a CJK font registered at run time, the size
charts are drawn at (report or slide), and saving with a check for missing glyphs."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

from taskstats.errors import ReportError

# Families tried in order; the first one installed wins. Noto Sans CJK ships with taskstats
# (the noto-cjk-sans-otc package, SIL Open Font License); system fonts are used when present.
CJK_FAMILIES = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans CJK JP",
]
SLIDE_SIZE = (13.333, 7.5)  # inches: a 16:9 slide
REPORT_SIZE = (10.5, 5.6)  # inches: a chart in an HTML report
# The size charts are drawn at (set_style switches it), and whether their layout is fixed when
# they are made (in a report's kernel, where each is shown once at that size).
FIGURE = {"size": REPORT_SIZE, "fixed": False}

_font_family: str | None = None


def find_cjk_font() -> str:
    """Register a CJK font with matplotlib (at run time, nothing written to site-packages).

    Returns:
        The family name to use.

    Raises:
        ReportError: No CJK font is available.
    """
    global _font_family
    if _font_family:
        return _font_family
    with contextlib.suppress(ImportError):
        import noto_cjk_sans_otc

        font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            _font_family = family
            return family
    raise ReportError(
        "no Chinese font found: install taskstats with its dependencies (noto-cjk-sans-otc) or "
        "a system font such as fonts-noto-cjk"
    )


def set_style(context: str = "notebook", *, slides: bool = False) -> str:
    """Apply the seaborn theme, then the CJK font (after it: ``set_theme`` resets fonts).

    Args:
        context: seaborn context (``notebook``, ``talk`` …).
        slides: Draw 16:9 slide-sized figures (for export) instead of report-sized ones.

    Returns:
        The CJK family in use.
    """
    import logging

    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid")
    # The bundled font has one weight; say so once instead of logging it on every bold title.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    family = find_cjk_font()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "path"
    plt.rcParams["text.parse_math"] = False  # a unit named "$x$" is data, not mathtext
    plt.rcParams["text.usetex"] = False
    # Titles sit just above the panel: none of the charts puts tick labels above it, so the
    # search for decorations to lift a title over (at every drawing, every panel) is skipped.
    plt.rcParams["axes.titley"] = 1.0
    FIGURE["size"] = SLIDE_SIZE if slides else REPORT_SIZE
    FIGURE["fixed"] = False
    _inline_without_tight_bbox()
    return family


def kernel_shell():
    """The IPython shell of the notebook kernel this runs in, or None (a script, a terminal)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and "IPKernelApp" in shell.config else None


def _inline_without_tight_bbox() -> None:
    """In a notebook, draw each figure once: charts lay themselves out, so the inline backend's
    tight bounding box (a second rendering pass) is not needed, and their layout is fixed when
    they are made (``FIGURE["fixed"]``, see :func:`taskstats.report.layout.fix_layout`), so
    printing them takes no layout pass either. Figures are shown as
    SVG with their text kept as text (``svg.fonttype = "none"``): sharp at any print size,
    searchable, a third of the bytes of a twice-the-pixels PNG, and about half its drawing time
    (no glyphs rasterised); the page names the same Chinese fonts the charts were measured in.
    Saved charts (:func:`save_figure`) still draw their text as paths."""
    shell = kernel_shell()
    if shell is not None:
        shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")
        shell.run_line_magic("config", "InlineBackend.figure_formats = ['svg']")
        plt.rcParams["svg.fonttype"] = "none"
        plt.rcParams["figure.dpi"] = 80
        FIGURE["fixed"] = True
        _draw_once_per_cell()
        _end_without_a_last_collection()


def _end_without_a_last_collection() -> None:
    """In a kernel taskstats started to run a report (``TASKSTATS_REPORT_RUN``, set by
    :func:`taskstats.report.render.kernel_manager_class`): when it ends, Python's last garbage
    collections walk every object it holds, the district's frames and the charts' artists with
    the imported libraries, 0.3–0.4 s while papermill waits for the kernel to end. Its objects
    are frozen out of their reach at exit instead: the exit handlers still run and objects
    outside reference cycles are still finalised, but objects in cycles are not (their
    ``__del__``, a generator's ``finally``, an unclosed file's buffer). A report's notebook
    leaves none of those; a kernel a person works in (JupyterLab) is never told it runs a
    report, and ends as Python ends any program."""
    import atexit
    import gc
    import os

    from taskstats.report.render import REPORT_RUN_ENV

    if os.environ.get(REPORT_RUN_ENV) != "1":
        return
    atexit.unregister(gc.freeze)  # once, however often set_style runs
    atexit.register(gc.freeze)


def _draw_once_per_cell() -> None:
    """After each cell, pyplot's display hook draws every changed figure to pixels (Agg), and
    then the inline backend draws it again as the SVG it shows: the first drawing is thrown
    away. The backend is loaded now (it sets up the inline display) and pyplot's hook is
    removed, so each chart is drawn once, as SVG. Figures are still shown at the end of their
    cell (the inline backend's own hook) and closed after it."""
    backend = matplotlib.get_backend()
    if "inline" not in backend:  # an interactive backend (ipympl …) needs the hook to redraw
        return
    plt.switch_backend(backend)
    plt.uninstall_repl_displayhook()


@contextlib.contextmanager
def glyphs_checked() -> Iterator[None]:
    """Turn matplotlib's "Glyph … missing from font" warning into an error in the block."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from.*")
        yield


def save_figure(fig: Figure, target: str | Path, *, fmt: str | None = None, dpi: int = 200) -> Path:
    """Save a figure (format from ``fmt`` or the suffix), raising on any missing glyph. An SVG
    draws its text as paths, so it shows the same on a machine without a Chinese font."""
    target = Path(target)
    with glyphs_checked(), plt.rc_context({"svg.fonttype": "path"}):
        fig.savefig(target, dpi=dpi, format=fmt)
    return target
