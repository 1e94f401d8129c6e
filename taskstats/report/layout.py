"""The charts' layout: margins from the measured sizes of the texts around each panel.

Matplotlib's constrained layout measures every artist of a figure twice before each drawing
(tick labels, titles, bars, value labels) and the drawing measures them again; for the
report's charts that was half of their drawing time. :class:`MarginLayout` measures only what
lies outside the panels (tick labels, axis labels, titles, the figure legend and title),
once per drawing, and sets the margins and the space between stacked panels from it. It runs
at each drawing, as constrained layout does, so a chart resized or given a title afterwards
(slides, exports) is laid out again.

It lays out one column of panels (every district chart); figures with several columns (the
comparison's small multiples) keep constrained layout.
"""

from __future__ import annotations

import itertools

import matplotlib as mpl
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import LayoutEngine
from matplotlib.transforms import Bbox

PAD_PT = 3.0  # space around each measured block, in points (as constrained layout's w_pad)

_renderers: dict[float, RendererAgg] = {}


def _renderer(dpi: float) -> RendererAgg:
    """One measuring renderer per resolution, kept: texts measured once stay measured."""
    if dpi not in _renderers:
        _renderers[dpi] = RendererAgg(8, 8, dpi)
    return _renderers[dpi]


class MarginLayout(LayoutEngine):
    """Margins and gaps between stacked panels from the measured texts (see the module)."""

    _adjust_compatible = True
    _colorbar_gridspec = True

    def execute(self, fig: Figure) -> None:
        renderer = _renderer(fig.dpi)
        pad = PAD_PT * fig.dpi / 72
        width, height = fig.bbox.width, fig.bbox.height
        panels = [_Panel.of(ax, renderer) for ax in fig.axes]
        if not panels:
            return
        left = max(p.left for p in panels) + pad
        right = max(p.right for p in panels) + pad
        top = panels[0].top + pad
        suptitle = getattr(fig, "_suptitle", None)  # what fig.suptitle() drew, if anything
        if fig.get_suptitle() and suptitle is not None:
            box = suptitle.get_window_extent(renderer)
            top += height - box.y0 + pad
        bottom = panels[-1].bottom + pad
        for legend in fig.legends:  # "outside lower center": at the foot, under the panels
            space = legend.borderaxespad * legend.prop.get_size_in_points() * fig.dpi / 72
            bottom += legend.get_window_extent(renderer).height + space
        gaps = [a.bottom + b.top + 2 * pad for a, b in itertools.pairwise(panels)]
        inner = height - top - bottom
        kwargs = {
            "left": left / width,
            "right": 1 - right / width,
            "top": 1 - top / height,
            "bottom": bottom / height,
        }
        if gaps and inner > 0:
            n = len(panels)
            gap = max(gaps)
            # hspace is the gap as a share of the mean panel height.
            kwargs["hspace"] = gap / max((inner - gap * (n - 1)) / n, 1.0)
        if kwargs["left"] < kwargs["right"] and kwargs["bottom"] < kwargs["top"]:
            fig.subplots_adjust(**kwargs)


class _Panel:
    """What one panel needs around it, in pixels: tick labels, axis labels and titles."""

    def __init__(self, left: float, right: float, top: float, bottom: float) -> None:
        self.left, self.right, self.top, self.bottom = left, right, top, bottom

    @classmethod
    def of(cls, ax, renderer: RendererAgg) -> _Panel:
        points = ax.get_figure().dpi / 72
        left = right = bottom = 0.0
        if ax.axison:
            ylabels = _boxes(ax.yaxis.get_ticklabels(), renderer)
            xlabels = _boxes(ax.xaxis.get_ticklabels(), renderer)
            ypad, xpad = _tick_offset(ax.yaxis) * points, _tick_offset(ax.xaxis) * points
            if ylabels:
                left = max(b.width for b in ylabels) + ypad
            if ax.yaxis.label.get_text():
                left += ax.yaxis.label.get_window_extent(renderer).width
                left += ax.yaxis.labelpad * points
            if xlabels:
                half = max(b.width for b in xlabels) / 2  # the end labels reach past the panel
                left, right = max(left, half), half
                bottom = max(b.height for b in xlabels) + xpad
            if ax.xaxis.label.get_text():
                bottom += ax.xaxis.label.get_window_extent(renderer).height
                bottom += ax.xaxis.labelpad * points
        titles = [ax.get_title(loc) for loc in ("left", "center", "right")]
        top = 0.0
        if any(titles):
            size = ax.title.get_fontproperties()
            shown = max(
                renderer.get_text_width_height_descent(t, size, ismath=False)[1]
                for t in titles
                if t
            )
            top = shown + mpl.rcParams["axes.titlepad"] * points
        return cls(left, right, top, bottom)


def _tick_offset(axis) -> float:
    """Points from the panel's edge to its tick labels: the ticks reaching out, then the pad."""
    return axis.get_tick_padding() + max((t.get_pad() for t in axis.majorTicks), default=0.0)


def _boxes(texts, renderer: RendererAgg) -> list[Bbox]:
    return [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]


def fix_layout(fig: Figure) -> Figure:
    """Lay a figure out now and keep that layout: no engine is left to run when it is drawn.

    Printing a figure that has a layout engine draws it twice, once to lay it out and once to
    print it; a report's charts are shown once at the size they were made, so they are laid out
    once here and printed in one drawing. Only :class:`MarginLayout` figures are fixed (the
    small multiples keep constrained layout). Returns the figure.
    """
    engine = fig.get_layout_engine()
    if isinstance(engine, MarginLayout):
        engine.execute(fig)
        fig.set_layout_engine(None)
    return fig
