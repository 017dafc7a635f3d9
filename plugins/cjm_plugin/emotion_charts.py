"""Emotion charts drawn directly as SVG: the sparkline of a persona, the emotion curve of one
or several personas (overlaid, with changed stages marked) and the personas × stages heatmap.

Fixed geometry needs no layout engine (as for the canvas and the funnel): no `dot` run, the
same bytes on every build, and colours from CSS variables (`--cjm-emo-*`, `--cjm-series-*`
in assets.py), so the charts follow the light and dark palettes. Every point and cell has a
`<title>` (a tooltip and what a screen reader says) and links to its stage page.

Attributes tests and other tools rely on: `data-cjm-chart` (`sparkline`, `curve`,
`heatmap`), `data-cjm-series` (a persona id), `data-cjm-chart-stage`, `data-cjm-changed` (not the
canvas's `data-cjm-stage`: a persona page shows both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from .canvas import emotion_slug
from .diagrams.dot_source import signed
from .labels import ENGLISH, Labels
from .model import Stage
from .svgchart import number, svg_lines, svg_text

Href = Callable[[str], str]  # stage id -> URL (already escaped for an attribute)

# Series are told apart by colour, line style and marker, so they read in grey print too.
SERIES_DASH = ("", "6 4", "2 4", "10 4 2 4")
SERIES_MARKER = ("circle", "square", "diamond", "triangle")
SERIES_COLOURS = 6


def emotion_words(emotion: int | None, labels: Labels = ENGLISH) -> str:
    return f"{signed(emotion)} {labels[f'emotion.{emotion}']}" if emotion is not None else labels["emotion.none"]


def _moment_of_truth(labels: Labels) -> str:
    return f"{labels['stage.moment_of_truth_mark']} {labels['legend.moment_of_truth']}"


def _at(labels: Labels, persona: str, stage: str) -> str:
    """`Ada at Checkout: ` in the page's language (`：` takes no space after it)."""
    colon = labels["colon"]
    return labels("diagram.persona_at", persona=persona, stage=stage) + colon + (" " if colon.endswith(":") else "")


def _svg_open(kind: str, width: float, height: float, title: str, id_prefix: str,
              css_class: str) -> list[str]:
    """The opening tag and title; the chart keeps its size (12 px text) and scrolls sideways
    in a narrow column (svgchart.chart_block)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' class="{css_class}" data-cjm-chart="{kind}"'
        f' viewBox="0 0 {number(width)} {number(height)}" width="{number(width)}" height="{number(height)}"'
        f' role="img" aria-labelledby="{id_prefix}title"'
        f' style="min-width:{number(width)}px;max-width:{number(width)}px">',
        f'<title id="{id_prefix}title">{svg_text(title)}</title>',
    ]


# -- sparkline ----------------------------------------------------------------------------

SPARK_STEP = 14
SPARK_HEIGHT = 28


def sparkline_svg(stages: Sequence[Stage], persona_name: str, labels: Labels = ENGLISH) -> str:
    """A persona's emotion across its stages, small enough for a line of text."""
    width = max(SPARK_STEP * (len(stages) - 1) + 10, 40)
    label = labels("chart.sparkline", persona=persona_name, stages=", ".join(
        f"{stage.name} {signed(stage.emotion) if stage.emotion is not None else '–'}" for stage in stages))

    def y(emotion: int) -> float:
        return 5 + (2 - emotion) * (SPARK_HEIGHT - 10) / 4

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="cjm-spark" data-cjm-chart="sparkline"'
             f' viewBox="0 0 {width} {SPARK_HEIGHT}" width="{width}" height="{SPARK_HEIGHT}"'
             f' role="img" aria-label="{svg_text(label)}">',
             f'<line class="cjm-spark-zero" x1="0" y1="{number(y(0))}" x2="{width}" y2="{number(y(0))}"/>']
    for run in _runs([(5 + n * SPARK_STEP, s.emotion) for n, s in enumerate(stages)]):
        if len(run) > 1:
            points = " ".join(f"{number(x)},{number(y(e))}" for x, e in run)
            parts.append(f'<polyline class="cjm-spark-line" points="{points}"/>')
    for n, stage in enumerate(stages):
        if stage.emotion is not None:
            parts.append(f'<circle class="cjm-dot cjm-emo-{emotion_slug(stage.emotion)}"'
                         f' cx="{5 + n * SPARK_STEP}" cy="{number(y(stage.emotion))}" r="3.2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _runs(points: Sequence[tuple[float, int | None]]) -> list[list[tuple[float, int]]]:
    """Consecutive points that have an emotion: a stage without one breaks the line."""
    runs: list[list[tuple[float, int]]] = [[]]
    for x, emotion in points:
        if emotion is None:
            runs.append([])
        else:
            runs[-1].append((x, emotion))
    return [run for run in runs if run]


# -- emotion curves -----------------------------------------------------------------------

@dataclass
class Series:
    """One persona's line: `stages` by id; `href(stage_id)` links a point to its page."""

    key: str  # persona id
    name: str
    stages: dict[str, Stage]
    href: Href
    style: int = 0  # index into the series colours, dashes and markers
    persona_href: str = ""


@dataclass
class Column:
    id: str
    name: str
    href: str = ""  # the column's heading links here ("" for none)
    changed: str = ""  # a short note for a stage marked as changed (`-1 → +1`)


@dataclass
class CurveChart:
    title: str
    columns: list[Column]
    series: list[Series]
    id_prefix: str
    # One persona: points take their emotion's colour; several: each series its own.
    colour_by_emotion: bool = False
    notes: list[str] = field(default_factory=list)
    labels: Labels = field(default_factory=lambda: ENGLISH)  # the page's words


AXIS = 128  # width of the emotion labels on the left
STEP = 132  # between stages
LEVEL = 34  # between emotion levels
TOP = 18
NAME_LINES = 2
FONT = 12


def _level_y(emotion: float) -> float:
    return TOP + (2 - emotion) * LEVEL


def curve_svg(chart: CurveChart) -> str:
    """Emotion (−2…+2, top is positive) by stage; several series share the columns."""
    columns = chart.columns
    width = AXIS + STEP * len(columns) + 8
    base = _level_y(-2)
    height = base + 14 + (FONT + 3) * NAME_LINES + 6
    parts = _svg_open("curve", width, height, chart.title, chart.id_prefix, "cjm-curve-chart")
    for column_index, column in enumerate(columns):
        if column.changed:
            x = AXIS + column_index * STEP
            parts.append(f'<rect class="cjm-changed-band" data-cjm-changed="{svg_text(column.id)}"'
                         f' x="{x + 4}" y="2" width="{STEP - 8}" height="{number(base - 2 + 10)}" rx="6">'
                         f'<title>{svg_text(chart.labels("chart.changed", stage=column.name, change=column.changed))}</title></rect>')
    for emotion in (2, 1, 0, -1, -2):
        y = number(_level_y(emotion))
        parts.append(f'<line class="cjm-grid{" cjm-grid-zero" if emotion == 0 else ""}"'
                     f' x1="{AXIS - 6}" y1="{y}" x2="{width - 8}" y2="{y}"/>')
        parts.append(f'<text class="cjm-axis-label cjm-emo-text-{emotion_slug(emotion)}" x="{AXIS - 10}"'
                     f' y="{number(_level_y(emotion) + 4)}" text-anchor="end" font-size="{FONT}">'
                     f'{svg_text(emotion_words(emotion, chart.labels))}</text>')
    for column_index, column in enumerate(columns):
        centre = AXIS + column_index * STEP + STEP / 2
        lines = svg_lines(column.name, width=18, max_lines=NAME_LINES)
        spans = "".join(f'<tspan x="{number(centre)}" dy="{0 if n == 0 else FONT + 3}">{line}</tspan>'
                        for n, line in enumerate(lines))
        text = (f'<text class="cjm-chart-stage-name" x="{number(centre)}" y="{number(base + 24)}"'
                f' text-anchor="middle" font-size="{FONT}" data-cjm-chart-stage="{svg_text(column.id)}">{spans}</text>')
        parts.append(f'<a xlink:href="{column.href}">{text}</a>' if column.href else text)
    count = len(chart.series)
    for index, series in enumerate(chart.series):
        parts += _series(chart, series, index, count)
    parts.append("</svg>")
    return "\n".join(parts)


def _series(chart: CurveChart, series: Series, index: int, count: int) -> list[str]:
    style = series.style
    # Several series side by side within a column, so equal emotions do not hide each other.
    offset = (index - (count - 1) / 2) * min(10.0, 40.0 / max(count, 1))
    positions = []
    for column_index, column in enumerate(chart.columns):
        stage = series.stages.get(column.id)
        x = AXIS + column_index * STEP + STEP / 2 + offset
        positions.append((x, stage.emotion if stage is not None else None))
    colour = "" if chart.colour_by_emotion else f" cjm-series-{style % SERIES_COLOURS}"
    parts = [f'<g class="cjm-series{colour}" data-cjm-series="{svg_text(series.key)}">']
    dash = SERIES_DASH[style % len(SERIES_DASH)]
    for run in _runs(positions):
        if len(run) > 1:
            points = " ".join(f"{number(x)},{number(_level_y(e))}" for x, e in run)
            parts.append(f'<polyline class="cjm-series-line" points="{points}"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    marker = SERIES_MARKER[style % len(SERIES_MARKER)] if not chart.colour_by_emotion else "circle"
    for column, (x, emotion) in zip(chart.columns, positions):
        if emotion is None:
            continue
        stage = series.stages[column.id]
        words = chart.labels
        tooltip = _at(words, series.name, stage.name) + words("emotion.feels", emotion=emotion_words(emotion, words)) + (
            f", {stage.feeling}" if stage.feeling else "") + (f"; {_moment_of_truth(words)}" if stage.moment_of_truth else "")
        shape = _marker(marker, x, _level_y(emotion), emotion if chart.colour_by_emotion else None)
        parts.append(f'<a xlink:href="{series.href(column.id)}" data-cjm-chart-stage="{svg_text(column.id)}">'
                     f'<title>{svg_text(tooltip)}</title>{shape}</a>')
    parts.append("</g>")
    return parts


def _marker(kind: str, x: float, y: float, emotion: int | None) -> str:
    css = f' class="cjm-dot cjm-emo-{emotion_slug(emotion)}"' if emotion is not None else ' class="cjm-marker"'
    if kind == "square":
        return f'<rect{css} x="{number(x - 5)}" y="{number(y - 5)}" width="10" height="10"/>'
    if kind == "diamond":
        return (f'<polygon{css} points="{number(x)},{number(y - 7)} {number(x + 7)},{number(y)}'
                f' {number(x)},{number(y + 7)} {number(x - 7)},{number(y)}"/>')
    if kind == "triangle":
        return (f'<polygon{css} points="{number(x)},{number(y - 7)} {number(x + 7)},{number(y + 5)}'
                f' {number(x - 7)},{number(y + 5)}"/>')
    return f'<circle{css} cx="{number(x)}" cy="{number(y)}" r="{6 if emotion is not None else 5.5}"/>'


def series_legend(series: Sequence[Series]) -> str:
    """The personas of a curve chart in one ordered row (HTML: it wraps on a phone)."""
    items = []
    for one in series:
        style = one.style
        dash = SERIES_DASH[style % len(SERIES_DASH)]
        swatch = (f'<svg class="cjm-legend-swatch cjm-series-{style % SERIES_COLOURS}" viewBox="0 0 36 14"'
                  f' width="36" height="14" aria-hidden="true"><line class="cjm-series-line" x1="2" y1="7"'
                  f' x2="34" y2="7"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                  + _marker(SERIES_MARKER[style % len(SERIES_MARKER)], 18, 7, None) + "</svg>")
        name = svg_text(one.name)
        label = f'<a href="{one.persona_href}">{name}</a>' if one.persona_href else name
        items.append(f"<li>{swatch} {label}</li>")
    return f'<ul class="cjm-legend cjm-series-legend">{"".join(items)}</ul>'


def emotion_legend(labels: Labels = ENGLISH) -> str:
    """The emotion scale in one ordered row, from very negative to very positive."""
    items = "".join(
        f'<li><span class="cjm-legend-cell cjm-emo-{emotion_slug(e)}" aria-hidden="true"></span>'
        f"{svg_text(emotion_words(e, labels))}</li>" for e in (-2, -1, 0, 1, 2))
    return (f'<ul class="cjm-legend cjm-emotion-legend">{items}<li><span class="cjm-legend-cell'
            f' cjm-emo-none" aria-hidden="true"></span>{svg_text(labels["emotion.none"])}</li></ul>')


# -- personas × stages heatmap ------------------------------------------------------------

@dataclass
class HeatRow:
    key: str  # persona id
    name: str
    href: str
    stages: dict[str, Stage]
    stage_href: Href


NAME_WIDTH = 168
CELL_WIDTH = 126
CELL_HEIGHT = 46
HEAD_HEIGHT = 40


def heatmap_svg(rows: Sequence[HeatRow], columns: Sequence[Column], title: str, id_prefix: str,
                labels: Labels = ENGLISH) -> str:
    """A row per persona, a column per stage; a cell, tinted by the stage's emotion, where
    the persona has the stage, with its emotion and its number of pain points."""
    width = NAME_WIDTH + CELL_WIDTH * len(columns) + 2
    height = HEAD_HEIGHT + CELL_HEIGHT * len(rows) + 2
    parts = _svg_open("heatmap", width, height, title, id_prefix, "cjm-heatmap")
    for c, column in enumerate(columns):
        centre = NAME_WIDTH + c * CELL_WIDTH + CELL_WIDTH / 2
        lines = svg_lines(column.name, width=17, max_lines=2)
        first_y = HEAD_HEIGHT - 8 - (FONT + 2) * (len(lines) - 1)
        spans = "".join(f'<tspan x="{number(centre)}" y="{number(first_y + n * (FONT + 2))}">{line}</tspan>'
                        for n, line in enumerate(lines))
        text = (f'<text class="cjm-chart-stage-name" text-anchor="middle" font-size="{FONT}"'
                f' font-weight="700" data-cjm-chart-stage="{svg_text(column.id)}">{spans}</text>')
        parts.append(f'<a xlink:href="{column.href}">{text}</a>' if column.href else text)
    for r, row in enumerate(rows):
        top = HEAD_HEIGHT + r * CELL_HEIGHT
        lines = svg_lines(row.name, width=22, max_lines=2)
        first_y = top + CELL_HEIGHT / 2 + 4 - (FONT + 2) * (len(lines) - 1) / 2
        spans = "".join(f'<tspan x="6" y="{number(first_y + n * (FONT + 2))}">{line}</tspan>'
                        for n, line in enumerate(lines))
        parts.append(f'<a xlink:href="{row.href}"><text class="cjm-heat-persona" font-size="{FONT}"'
                     f' font-weight="700">{spans}</text></a>')
        parts.append(f'<g data-cjm-series="{svg_text(row.key)}">')
        for c, column in enumerate(columns):
            stage = row.stages.get(column.id)
            if stage is None:
                continue
            x = NAME_WIDTH + c * CELL_WIDTH
            pains = len(stage.pain_points)
            note = labels.plural("diagram.pain", pains) if pains else ""
            tooltip = _at(labels, row.name, stage.name) + emotion_words(stage.emotion, labels) + (
                f", {stage.feeling}" if stage.feeling else "") + (f"; {note}" if note else "") + (
                f"; {_moment_of_truth(labels)}" if stage.moment_of_truth else "")
            words = (f'<tspan font-weight="700">{signed(stage.emotion)}</tspan> {svg_text(labels[f"emotion.{stage.emotion}"])}'
                     if stage.emotion is not None else "–")
            parts.append(
                f'<a xlink:href="{row.stage_href(column.id)}" data-cjm-chart-stage="{svg_text(column.id)}">'
                f"<title>{svg_text(tooltip)}</title>"
                f'<rect class="cjm-heat-cell cjm-emo-{emotion_slug(stage.emotion)}" x="{x + 2}" y="{top + 2}"'
                f' width="{CELL_WIDTH - 4}" height="{CELL_HEIGHT - 4}" rx="5"/>'
                f'<text x="{number(x + CELL_WIDTH / 2)}" y="{number(top + (19 if note else 27))}"'
                f' text-anchor="middle" font-size="{FONT}">{words}</text>'
                + (f'<text class="cjm-heat-note" x="{number(x + CELL_WIDTH / 2)}" y="{top + 35}"'
                   f' text-anchor="middle" font-size="{FONT}">⚠ {svg_text(note)}</text>' if note else "")
                + "</a>")
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
