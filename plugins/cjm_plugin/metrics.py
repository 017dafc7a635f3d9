"""Metrics against their targets, and the funnel chart of a persona.

A metric with a `target` and a direction (`better: higher` or `lower`) is on or off target;
its gap is `value - target`. The funnel chart shows the metrics marked `funnel: true`, stage by
stage in journey order, as bars with their target: an SVG computed here, no Graphviz.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

from .labels import ENGLISH
from .model import Metric, Stage
from .svgchart import number, svg_lines, svg_text

# Its words are in labels/<language>.yml (labels.py); functions take them, English by default.


@dataclass(frozen=True)
class MetricStatus:
    gap: float | None  # value - target; None without a target
    state: str  # "on", "off", or "" when there is no target or no direction

    @property
    def off(self) -> bool:
        return self.state == "off"


def status(metric: Metric) -> MetricStatus:
    if metric.target is None:
        return MetricStatus(None, "")
    gap = metric.value - metric.target
    if metric.better is None:
        return MetricStatus(gap, "")
    worse = gap < 0 if metric.better == "higher" else gap > 0
    return MetricStatus(gap, "off" if worse else "on")


def _measure(value: float | None, unit: str | None) -> str:
    from .pages import format_measure  # pages imports this module: import when used

    return format_measure(value, unit)


def format_gap(metric: Metric) -> str:
    """`+10%`, `−3 working days`, `0`: the signed gap to the target, in the metric's unit."""
    gap = status(metric).gap
    if gap is None:
        return ""
    if gap == 0:
        return "0"
    sign = "+" if gap > 0 else "−"
    return sign + _measure(abs(gap), metric.unit)


# -- the funnel chart ------------------------------------------------------------------------

SLOT = 160  # width of one bar's column
BAR = 56
LEFT = 16
TOP = 28  # room for the value above the tallest bar
HEIGHT = 190  # of the bars' area
LINE = 16
FONT = 14
SMALL = 12
NAME_LINES = 3
STAGE_LINES = 2


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop ends at 10


def funnel_metrics(stages: list[Stage]) -> list[tuple[Stage, Metric]]:
    return [(stage, metric) for stage in stages for metric in stage.metrics if metric.funnel]


def funnel_svg(persona_name: str, stages: list[Stage], stage_href: Callable[[str], str],
               id_prefix: str, labels: Mapping[str, str] = ENGLISH) -> str:
    """The funnel chart of one persona's map, or "" when no metric is marked `funnel`."""
    bars = funnel_metrics(stages)
    if not bars:
        return ""
    scale = {}
    for unit in dict.fromkeys(m.unit or "" for _, m in bars):
        values = [v for _, m in bars if (m.unit or "") == unit for v in (m.value, m.target) if v is not None]
        scale[unit] = _nice_ceiling(max(values))
    width = LEFT * 2 + SLOT * len(bars)
    base = TOP + HEIGHT
    height = base + 10 + LINE * (STAGE_LINES + NAME_LINES + 2) + 8
    title = labels["funnel_title"].format(persona=persona_name)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="cjm-funnel-chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="{id_prefix}title"'
        f' style="min-width:{number(width * 0.8)}px;max-width:{width}px">',
        f'<title id="{id_prefix}title">{svg_text(title)}</title>',
        f'<line class="cjm-axis" x1="{LEFT}" y1="{base}" x2="{width - LEFT}" y2="{base}"'
        ' stroke="#9e9e9e" stroke-width="1"/>',
    ]
    previous_stage = None
    for n, (stage, metric) in enumerate(bars):
        x = LEFT + n * SLOT
        if previous_stage is not None and stage is not previous_stage:
            parts.append(f'<line class="cjm-stage-rule" x1="{x}" y1="{TOP - 8}" x2="{x}"'
                         f' y2="{height - 6}" stroke="#bdbdbd" stroke-dasharray="2 4"/>')
        parts += _bar(stage, metric, x, scale[metric.unit or ""], stage_href,
                      first_of_stage=stage is not previous_stage, labels=labels)
        previous_stage = stage
    parts.append("</svg>")
    return "\n".join(parts)


def _bar(stage: Stage, metric: Metric, x: int, top: float, stage_href: Callable[[str], str],
         first_of_stage: bool, labels: Mapping[str, str] = ENGLISH) -> list[str]:
    state = status(metric).state or "neutral"
    base = TOP + HEIGHT
    shown = max(metric.value, 0.0)
    bar_height = HEIGHT * min(shown / top, 1.0)
    bar_x = x + 22
    centre = bar_x + BAR / 2
    y = base - bar_height
    direction = f"{labels['better_' + metric.better]}" if metric.better else ""
    tooltip = ", ".join(p for p in (
        f"{metric.name}: {_measure(metric.value, metric.unit)}",
        f"{labels['chart_target']} {_measure(metric.target, metric.unit)}" if metric.target is not None else "",
        direction, labels["off_target"] if state == "off" else "") if p)
    target_y = None if metric.target is None else base - HEIGHT * min(max(metric.target, 0.0) / top, 1.0)
    value = svg_text(_measure(metric.value, metric.unit))
    parts = [
        f'<g class="cjm-funnel-bar cjm-metric-{state}">',
        f"<title>{svg_text(tooltip)}</title>",
        f'<rect x="{number(bar_x)}" y="{number(y)}" width="{BAR}" height="{number(bar_height)}"'
        f' rx="2" fill="{_FILL[state]}"/>',
    ]
    if target_y is not None:
        parts += [
            f'<line class="cjm-chart-target" x1="{number(bar_x - 8)}" y1="{number(target_y)}"'
            f' x2="{number(bar_x + BAR + 8)}" y2="{number(target_y)}" stroke="#424242"'
            ' stroke-width="2" stroke-dasharray="5 3"/>',
            f'<text class="cjm-chart-note" x="{number(bar_x + BAR + 11)}" y="{number(target_y - 2)}"'
            f' font-size="{SMALL}">{svg_text(labels["chart_target"])}</text>',
            f'<text class="cjm-chart-note" x="{number(bar_x + BAR + 11)}" y="{number(target_y + SMALL + 1)}"'
            f' font-size="{SMALL}">{svg_text(_measure(metric.target, metric.unit))}</text>',
        ]
    # The value sits inside the top of its bar; above a bar too short to hold it, and then
    # above the target line too when that is just over the bar.
    inside = bar_height >= FONT + 10
    label_y = y + FONT + 4 if inside else y - 6
    if not inside and target_y is not None and target_y < y + 4 and label_y > target_y - 6:
        label_y = target_y - 6
    fill = ' fill="#ffffff"' if inside else ""
    parts.append(f'<text class="cjm-chart-value{" cjm-chart-inside" if inside else ""}"'
                 f' x="{number(centre)}" y="{number(label_y)}" text-anchor="middle"'
                 f' font-size="{FONT}" font-weight="700"{fill}>{value}</text>')
    y_text = base + 10 + LINE
    if first_of_stage:
        mark = labels["moment_of_truth_mark"] + " " if stage.moment_of_truth else ""
        lines = svg_lines(mark + stage.name, width=16, max_lines=STAGE_LINES)
        parts.append(f'<a xlink:href="{stage_href(stage.id)}">')  # as in portfolio.matrix_svg
        for line in lines:
            parts.append(f'<text class="cjm-chart-stage" x="{x + 8}" y="{y_text}" font-size="{FONT}"'
                         f' font-weight="700">{line}</text>')
            y_text += LINE
        parts.append("</a>")
        y_text += LINE * (STAGE_LINES - len(lines))
    else:
        y_text += LINE * STAGE_LINES
    for line in svg_lines(metric.name, width=18, max_lines=NAME_LINES):
        parts.append(f'<text class="cjm-chart-label" x="{x + 8}" y="{y_text}" font-size="{SMALL + 1}">{line}</text>')
        y_text += LINE
    if direction:
        arrow = labels["arrow_" + metric.better]
        parts.append(f'<text class="cjm-chart-note" x="{x + 8}" y="{y_text}" font-size="{SMALL}">'
                     f"{svg_text(arrow + ' ' + direction)}</text>")
        y_text += LINE
    if state == "off":
        parts.append(f'<text class="cjm-chart-flag" x="{x + 8}" y="{y_text}" font-size="{SMALL}"'
                     f' font-weight="700" fill="{_FILL["off"]}">{svg_text(labels["off_target"])}</text>')
    parts.append("</g>")
    return parts


# Fills as presentation attributes (the chart reads without the stylesheet too); the
# stylesheet adjusts them for the dark scheme.
_FILL = {"off": "#c62828", "on": "#2e7d32", "neutral": "#3949ab"}
