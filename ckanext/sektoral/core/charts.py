"""Server-side charts as accessible inline SVG (plain Python, no CKAN import).

No JavaScript, no CDN, no plotting library: the portal may run offline and
the charts must be readable by screen readers. Every chart is an
``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (referenced by
``aria-labelledby``), axis labels, and numbers in the UI locale's format
(Indonesian by default: ``1.234,5``). Pages always show the same figures as
a data table next to the chart (the fallback for anyone who cannot see it).

A missing value (``None``: a BPS symbol such as ``...`` or ``x`` in the
data) is drawn as *no bar* / *a gap in the line* with the text given as
``missing_text`` (or the category's own text in ``notes``), never as 0.
A value with a note (e.g. an incomplete total: a region's figure was
``...`` or ``x``) is drawn with the note next to its number.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Optional, Union
from xml.sax.saxutils import escape

from ckanext.sektoral.core import formatting

Number = Union[int, float, Decimal]

#: Colours (WCAG AA contrast on white for text and marks).
BAR_COLOUR = "#1f5f8b"
LINE_COLOUR = "#1f5f8b"
AXIS_COLOUR = "#444444"
GRID_COLOUR = "#d9d9d9"
TEXT_COLOUR = "#222222"
FONT = "font-family=\"sans-serif\""


#: Numbers for people: the one formatter (``ckanext/sektoral/core/formatting.py``).
format_number = formatting.number


def _float(value: Optional[Number]) -> Optional[float]:
    if value is None:
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (0 always included)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if raw <= step:
            break
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while True:
        ticks.append(round(value, 10))
        if value >= high - step * 1e-9:
            break
        value += step
    return ticks


def short_label(label: str, limit: int = 30) -> str:
    """A category label cut to fit the label column (the full label is in
    the chart's description and in the data table)."""
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


#: Characters of a title line (15px bold sans-serif in a 720px chart).
TITLE_CHARS = 78
TITLE_LINE = 19


def title_lines(title: str) -> list[str]:
    """The title wrapped to fit the chart's width."""
    import textwrap

    return textwrap.wrap(title, TITLE_CHARS) or [""]


def _svg_open(width: int, height: int, chart_id: str, title: str,
              desc: str) -> list[str]:
    lines = title_lines(title)
    spans = "".join(
        f'<tspan x="{width / 2:.0f}" dy="{0 if i == 0 else TITLE_LINE}">'
        f'{escape(line)}</tspan>' for i, line in enumerate(lines))
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sektoral-chart" '
        f'id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        f'<text x="{width / 2:.0f}" y="22" text-anchor="middle" {FONT} '
        f'font-size="15" font-weight="bold" fill="{TEXT_COLOUR}" '
        f'aria-hidden="true">{spans}</text>',
    ]


Notes = Optional[Sequence[Optional[str]]]
#: The note of a value that is nihil: shown instead of its 0.
NIHIL_TEXT = "-"


def _note(notes: Notes, i: int) -> Optional[str]:
    return notes[i] if notes is not None and i < len(notes) else None


def shown(value: Optional[Number], locale: str, missing_text: str,
          note: Optional[str] = None) -> str:
    """The text of one value: the number (with its note), or the note /
    ``missing_text`` when there is no number."""
    if note == NIHIL_TEXT:  # nihil is shown as "-", never as 0
        return NIHIL_TEXT
    if _float(value) is None:
        return note or missing_text
    text = format_number(value, locale)
    return f"{text} ({note})" if note else text


def describe(labels: Sequence[str], values: Sequence[Optional[Number]],
             locale: str, missing_text: str, notes: Notes = None) -> str:
    """``label: value`` pairs for the ``<desc>`` of a chart."""
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        parts.append(f"{label}: "
                     f"{shown(value, locale, missing_text, _note(notes, i))}")
    return "; ".join(parts)


def bar_chart(labels: Sequence[str], values: Sequence[Optional[Number]], *,
              title: str, value_label: str, category_label: str,
              chart_id: str, locale: str = "id",
              missing_text: str = "n/a", width: int = 720,
              notes: Notes = None) -> str:
    """Horizontal bar chart (one bar per category, e.g. kabupaten/kota).

    Returns the SVG markup; categories without a value get no bar and the
    text ``notes[i]`` or ``missing_text`` instead.
    """
    numbers = [_float(v) for v in values]
    present = [v for v in numbers if v is not None]
    label_width = 210
    left, right = label_width + 10, 70
    top = 44 + TITLE_LINE * (len(title_lines(title)) - 1)
    bar_h, gap = 22, 8
    plot_h = max(len(labels), 1) * (bar_h + gap)
    height = top + plot_h + 62
    plot_w = width - left - right
    ticks = nice_ticks(min(present, default=0.0), max(present, default=1.0))
    lo, hi = ticks[0], ticks[-1]

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    out = _svg_open(width, height, chart_id, title,
                    describe(labels, values, locale, missing_text, notes))
    out.append('<g aria-hidden="true">')
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="{top}" x2="{x(t):.1f}" '
                   f'y2="{top + plot_h}" stroke="{GRID_COLOUR}"/>')
        out.append(f'<text x="{x(t):.1f}" y="{top + plot_h + 16}" '
                   f'text-anchor="middle" {FONT} font-size="11" '
                   f'fill="{TEXT_COLOUR}">{escape(format_number(t, locale))}'
                   f'</text>')
    zero = x(0.0)
    for i, (label, value, raw) in enumerate(zip(labels, numbers, values, strict=False)):
        y = top + i * (bar_h + gap) + gap / 2
        out.append(f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" '
                   f'text-anchor="end" {FONT} font-size="12" '
                   f'fill="{TEXT_COLOUR}">{escape(short_label(label))}'
                   f'</text>')
        if value is None:
            out.append(f'<text x="{zero + 4:.1f}" y="{y + bar_h * 0.7:.1f}" '
                       f'{FONT} font-size="12" font-style="italic" '
                       f'fill="{AXIS_COLOUR}" class="sektoral-chart-missing">'
                       f'{escape(_note(notes, i) or missing_text)}</text>')
            continue
        x0, x1 = sorted((zero, x(value)))
        out.append(f'<rect class="sektoral-chart-bar" x="{x0:.1f}" '
                   f'y="{y:.1f}" width="{max(x1 - x0, 1):.1f}" '
                   f'height="{bar_h}" fill="{BAR_COLOUR}"/>')
        out.append(f'<text x="{x1 + 4:.1f}" y="{y + bar_h * 0.7:.1f}" '
                   f'{FONT} font-size="11" fill="{TEXT_COLOUR}">'
                   f'{escape(shown(raw, locale, missing_text, _note(notes, i)))}'
                   f'</text>')
    out.append(f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" '
               f'y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
               f'y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>')
    out.append(f'<text x="{left + plot_w / 2:.0f}" y="{top + plot_h + 40}" '
               f'text-anchor="middle" {FONT} font-size="12" '
               f'fill="{TEXT_COLOUR}" class="sektoral-chart-axis">'
               f'{escape(value_label)}</text>')
    out.append(f'<text x="{left - 8}" y="{top - 8}" text-anchor="end" '
               f'{FONT} font-size="12" font-weight="bold" '
               f'fill="{TEXT_COLOUR}" class="sektoral-chart-axis">'
               f'{escape(category_label)}</text>')
    out.append("</g></svg>")
    return "\n".join(out)


def line_chart(labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[Optional[Number]]]], *,
               title: str, value_label: str, category_label: str,
               chart_id: str, locale: str = "id", missing_text: str = "n/a",
               width: int = 720, height: int = 340,
               notes: Notes = None) -> str:
    """Line chart over ordered categories (e.g. years), one line per series
    (name, values). A missing value breaks the line (no point, no 0);
    ``notes`` (of the first series) mark values, e.g. incomplete totals
    (a hollow point and the note next to the number)."""
    palette = (LINE_COLOUR, "#b35900", "#2e7d32", "#6a1b9a", "#c62828")
    left, right, bottom = 80, 30, 70
    extra = TITLE_LINE * (len(title_lines(title)) - 1)
    top, height = 44 + extra, height + extra
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [_float(v) for _, vals in series for v in vals]
    present = [v for v in numbers if v is not None]
    ticks = nice_ticks(min(present, default=0.0), max(present, default=1.0))
    lo, hi = ticks[0], ticks[-1]
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    desc = " | ".join(
        (name + ": " if len(series) > 1 else "")
        + describe(labels, vals, locale, missing_text,
                   notes if s == 0 else None)
        for s, (name, vals) in enumerate(series))
    out = _svg_open(width, height, chart_id, title, desc)
    out.append('<g aria-hidden="true">')
    for t in ticks:
        out.append(f'<line x1="{left}" y1="{y(t):.1f}" x2="{left + plot_w}" '
                   f'y2="{y(t):.1f}" stroke="{GRID_COLOUR}"/>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" '
                   f'text-anchor="end" {FONT} font-size="11" '
                   f'fill="{TEXT_COLOUR}">{escape(format_number(t, locale))}'
                   f'</text>')
    for i, label in enumerate(labels):
        out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" '
                   f'text-anchor="middle" {FONT} font-size="11" '
                   f'fill="{TEXT_COLOUR}">{escape(label)}</text>')
    for s, (_name, vals) in enumerate(series):
        colour = palette[s % len(palette)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, raw in enumerate(vals):
            v = _float(raw)
            note = _note(notes, i) if s == 0 else None
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                out.append(f'<text x="{x(i):.1f}" y="{top + plot_h - 6}" '
                           f'text-anchor="middle" {FONT} font-size="10" '
                           f'font-style="italic" fill="{AXIS_COLOUR}" '
                           f'class="sektoral-chart-missing">'
                           f'{escape(note or missing_text)}</text>')
                continue
            segment.append(f"{x(i):.1f},{y(v):.1f}")
            if note:  # e.g. an incomplete total: a hollow point
                out.append(f'<circle class="sektoral-chart-point '
                           f'sektoral-chart-incomplete" cx="{x(i):.1f}" '
                           f'cy="{y(v):.1f}" r="4" fill="#ffffff" '
                           f'stroke="{colour}" stroke-width="2"/>')
            else:
                out.append(f'<circle class="sektoral-chart-point" '
                           f'cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" '
                           f'fill="{colour}"/>')
            if len(series) == 1:
                out.append(f'<text x="{x(i):.1f}" y="{y(v) - 9:.1f}" '
                           f'text-anchor="middle" {FONT} font-size="11" '
                           f'fill="{TEXT_COLOUR}">'
                           f'{escape(shown(raw, locale, missing_text, note))}'
                           f'</text>')
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                out.append(f'<polyline class="sektoral-chart-line" fill="none" '
                           f'stroke="{colour}" stroke-width="2.5" '
                           f'points="{" ".join(seg)}"/>')
    if len(series) > 1:
        for s, (name, _vals) in enumerate(series):
            lx = left + s * 160
            ly = height - 14
            out.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="12" '
                       f'fill="{palette[s % len(palette)]}"/>')
            out.append(f'<text x="{lx + 16}" y="{ly + 1}" {FONT} '
                       f'font-size="11" fill="{TEXT_COLOUR}">{escape(name)}'
                       f'</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
               f'y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" '
               f'y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>')
    out.append(f'<text x="{left + plot_w / 2:.0f}" y="{top + plot_h + 36}" '
               f'text-anchor="middle" {FONT} font-size="12" '
               f'fill="{TEXT_COLOUR}" class="sektoral-chart-axis">'
               f'{escape(category_label)}</text>')
    out.append(f'<text x="16" y="{top + plot_h / 2:.0f}" text-anchor="middle" '
               f'{FONT} font-size="12" fill="{TEXT_COLOUR}" '
               f'transform="rotate(-90 16 {top + plot_h / 2:.0f})" '
               f'class="sektoral-chart-axis">{escape(value_label)}</text>')
    out.append("</g></svg>")
    return "\n".join(out)
