"""The report's charts: one bar chart per data file of the first measure
per year (matplotlib, one reused figure)."""
from __future__ import annotations

import io
from typing import Any, Optional

from ckanext.sektoral.core.series import year_series
from ckanext.sektoral.core import formatting


_FIGURE: Any = None


def _figure() -> Any:
    """One reusable figure and axes (creating a figure per chart and
    ``tight_layout`` cost most of the chart time)."""
    global _FIGURE
    if _FIGURE is None:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter

        fig = Figure(figsize=(6.0, 2.2), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.13, 0.14, 0.85, 0.74))
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _p: formatting.number(float(v))))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        _FIGURE = (fig, ax)
    return _FIGURE


def chart(analysis: dict[str, Any], title: str,
           additive: bool = True) -> Optional[bytes]:
    """PNG bar chart of :func:`year_series`, or None without data; an
    incomplete total is a hatched, lighter bar with its year marked
    ``*`` (explained in the caption)."""
    points = year_series(analysis, additive)
    if not points:
        return None
    if not additive:
        title = f"{title} (rata-rata kabupaten/kota)"
    fig, ax = _figure()
    for patch in list(ax.patches):  # reuse the axes: clear() rebuilds ticks
        patch.remove()
    xs = list(range(len(points)))
    bars = ax.bar(xs, [p[1] for p in points], color="#1f4e78", width=0.7)
    for bar, point in zip(bars, points, strict=False):
        if not point[2]:
            bar.set_facecolor("#9db7d1")
            bar.set_hatch("//")
    ax.set_xticks(xs, [str(p[0]) + ("" if p[2] else "*") for p in points])
    ax.set_xlim(-0.6, len(points) - 0.4)
    ax.relim()
    ax.autoscale_view(scalex=False)
    ax.set_title(title[:90], fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
