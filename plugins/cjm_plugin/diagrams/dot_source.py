"""Maps -> Graphviz DOT text: the journey, its emotion curve, and the cross-persona charts.

Every function is pure and deterministic (same maps, same bytes) and takes a URL
callback, so the caller decides where links go (relative URLs of the generated
pages). All map text goes through `text.py` before it lands in the DOT source.

Colours: every shape with text is filled with a light colour and has dark text,
so diagrams read the same on light and dark pages; lines are mid grey. Shapes
carry `class` names (`cjm-stage`, `cjm-touchpoint`, `cjm-emotion-m2` ...
`cjm-emotion-2`, `cjm-emotion-none`, `cjm-lane`, `cjm-pain`, ...) for page CSS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise

from ..load import LoadedMap
from ..model import EMOTION_WORDS, PainPoint, Stage, Touchpoint
from .text import (
    Html,
    dot_name,
    dot_string,
    dot_url,
    html_label,
    html_left_label,
    html_lines,
    one_line,
    wrap,
)

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
TEXT = "#1a1a1a"  # text on every filled shape
MUTED = "#25282d"  # secondary text (channel, owner): 4.5:1 even on the darkest fill
LINE = "#6b7079"  # borders and arrows: visible on white and on dark slate
GRID = "#9aa0a8"
NEUTRAL_FILL = "#e9ecf1"
NO_EMOTION_FILL = "#d5d7db"
PAIN_TEXT = "#ffffff"

# A diverging palette, red (bad) to blue (good): readable for red-green colour
# blindness, and dark text on every step has a contrast above 5:1.
EMOTION_FILL = {
    -2: "#e0705e",
    -1: "#f3ac74",
    0: "#ece2a6",
    1: "#a8d2ea",
    2: "#6cb0e0",
}
# Lines and markers of the personas on the comparison chart (Okabe-Ito colours),
# with a dash style and a marker shape each, so they differ without colour too.
SERIES = [
    ("#0072b2", "solid", "circle"),
    ("#d55e00", "dashed", "box"),
    ("#009e73", "solid", "diamond"),
    ("#cc79a7", "dashed", "triangle"),
    ("#e69f00", "solid", "invtriangle"),
    ("#56b4e9", "dashed", "circle"),
    ("#8c6d1f", "dotted", "box"),
    ("#7a7a7a", "dotted", "diamond"),
]
MARKER_GLYPH = {"circle": "●", "box": "■", "diamond": "◆", "triangle": "▲", "invtriangle": "▼"}

WRAP = 22  # characters per line in node labels
StageUrl = Callable[[str], str]
PersonaStageUrl = Callable[[str, str], str]


# --- small pieces ---------------------------------------------------------------------


def emotion_fill(emotion: int | None) -> str:
    return NO_EMOTION_FILL if emotion is None else EMOTION_FILL[emotion]


def emotion_class(emotion: int | None) -> str:
    """`cjm-emotion-m2` ... `cjm-emotion-2`, or `cjm-emotion-none` (CSS names can't start `-2`)."""
    if emotion is None:
        return "cjm-emotion-none"
    return f"cjm-emotion-{'m' if emotion < 0 else ''}{abs(emotion)}"


def signed(emotion: int) -> str:
    return f"−{-emotion}" if emotion < 0 else (f"+{emotion}" if emotion > 0 else "0")


def emotion_text(emotion: int | None) -> str:
    """`negative (−1)`, or `no emotion set`."""
    if emotion is None:
        return "no emotion set"
    return f"{EMOTION_WORDS[emotion]} ({signed(emotion)})"


def _attrs(values: Mapping[str, object | None]) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Html):
            parts.append(f"{key}={value}")
        elif isinstance(value, bool):
            parts.append(f"{key}={'true' if value else 'false'}")
        elif isinstance(value, int):
            parts.append(f"{key}={value}")
        elif isinstance(value, float):  # DOT numbers have no exponent: never `1e+06`
            parts.append(f"{key}={f'{value:.4f}'.rstrip('0').rstrip('.')}")
        elif key == "URL":
            parts.append(f"{key}={dot_url(value)}")
        else:
            parts.append(f"{key}={dot_string(value)}")
    return "[" + ", ".join(parts) + "]"


class _Dot:
    """Lines of one DOT graph, written in the order the caller adds them."""

    def __init__(self, title: str, graph: Mapping[str, object | None]):
        self.lines = [f"digraph {dot_name(title)} {{"]
        self.indent = "  "
        self.graph(graph)

    def graph(self, values: Mapping[str, object | None]) -> None:
        self.lines.append(f"{self.indent}graph {_attrs(values)}")

    def defaults(self, kind: str, values: Mapping[str, object | None]) -> None:
        self.lines.append(f"{self.indent}{kind} {_attrs(values)}")

    def node(self, name: str, values: Mapping[str, object | None]) -> None:
        self.lines.append(f"{self.indent}{name} {_attrs(values)}")

    def edge(self, tail: str, head: str, values: Mapping[str, object | None] | None = None) -> None:
        suffix = f" {_attrs(values)}" if values else ""
        self.lines.append(f"{self.indent}{tail} -> {head}{suffix}")

    def open(self, header: str) -> None:
        self.lines.append(f"{self.indent}{header} {{")
        self.indent += "  "

    def close(self) -> None:
        self.indent = self.indent[:-2]
        self.lines.append(f"{self.indent}}}")

    def same_rank(self, names: Sequence[str]) -> None:
        if names:
            self.lines.append(f"{self.indent}{{rank=same; {'; '.join(names)}}}")

    def text(self) -> str:
        return "\n".join(self.lines + ["}"]) + "\n"


def _graph_defaults(dot: _Dot, fontsize: float = 14) -> None:
    dot.defaults("node", {"fontname": FONT, "fontsize": fontsize, "fontcolor": TEXT,
                          "color": LINE, "penwidth": 1})
    dot.defaults("edge", {"fontname": FONT, "fontsize": 11, "color": LINE, "arrowsize": 0.7})


def _common_graph(css_class: str, **extra: object) -> dict[str, object | None]:
    return {
        "label": "",
        "class": css_class,
        "bgcolor": "transparent",
        "fontname": FONT,
        "pad": 0.2,
        **extra,
    }


def _stage_summary(stage: Stage) -> str:
    """Tooltip of a stage: name, feeling, objective and counts, a line each."""
    feels = f"Feels {emotion_text(stage.emotion)}"
    if stage.feeling:
        feels += f": {one_line(stage.feeling, 120)}"
    lines = [one_line(stage.name, 120), feels]
    if stage.moment_of_truth:
        lines.append("Moment of truth: this stage decides whether the persona stays or goes")
    if stage.objective:
        lines.append(f"Objective: {one_line(stage.objective, 240)}")
    counts = [
        _count(len(stage.touchpoints), "touchpoint"),
        _count(len(stage.pain_points), "pain point"),
    ]
    lines.append(", ".join(c for c in counts if c))
    return "\n".join(line for line in lines if line)


def _count(number: int, word: str) -> str:
    if number == 0:
        return ""
    return f"{number} {word}{'' if number == 1 else 's'}"


def _touchpoint_tooltip(touchpoint: Touchpoint, channel: str | None = None) -> str:
    facts = [touchpoint.name]
    if touchpoint.channel:
        facts.append(f"channel: {channel or touchpoint.channel}")
    if touchpoint.owner:
        facts.append(f"owner: {touchpoint.owner}")
    facts.append(f"feels {emotion_text(touchpoint.emotion)}")
    text = " · ".join(one_line(f) for f in facts)
    if touchpoint.description:
        text += "\n" + one_line(touchpoint.description, 300)
    return text


def _pain_tooltip(stage: Stage, pains: Sequence[PainPoint]) -> str:
    lines = [f"{_count(len(pains), 'pain point')} at {one_line(stage.name)}:"]
    for pain in pains:
        severity = f" ({pain.severity})" if pain.severity else ""
        lines.append(f"• {one_line(pain.text, 160)}{severity}")
    return "\n".join(lines)


def _node_id(*parts: object) -> str:
    """An SVG id for a node: only ids and numbers, so always a safe slug."""
    return "-".join(str(part) for part in parts)


# --- the journey ----------------------------------------------------------------------

# Every node of the journey is one width, and text is wrapped to fit it, so the stage
# columns come out equally wide; 6 stages fit a full-width page at 1:1 (text >= 12 px).
NODE_WIDTH = 2.5  # inches
NAME_WRAP = 20  # characters of a 14 pt touchpoint name per line
STAGE_WRAP = 18  # characters of a bold 14 pt stage name per line
SMALL_WRAP = 24  # characters of 12 pt text per line
LINE_HEIGHT = 1.25  # of the font size, as Graphviz spaces HTML-label lines
SEVERITY_FILL = {"high": "#b3261e", "medium": "#b45309", "low": "#6b6b00", "none": "#5f6368"}
SEVERITY_WORDS = {"high": "high", "medium": "medium", "low": "low", "none": "not rated"}
MOMENT_OF_TRUTH = "\u2605 Moment of truth"
KIND_ORDER = {"evidence": 0, "frontstage": 1, "backstage": 2, "support": 3}


def worst_severity(pains: Sequence[PainPoint]) -> str | None:
    """`high` ... `low`, `none` when no pain point has a severity, None without pain points."""
    if not pains:
        return None
    ranked = [p.severity for p in pains if p.severity]
    for severity in ("high", "medium", "low"):
        if severity in ranked:
            return severity
    return "none"


def _mood(stage: Stage) -> str:
    """"Feeling (−1)", the number glued to the last word so it never wraps alone."""
    feeling = one_line(stage.feeling) if stage.feeling else ""
    if stage.emotion is None:
        return feeling
    if feeling:
        return f"{feeling}\u00a0({signed(stage.emotion)})"
    return emotion_text(stage.emotion).replace(" (", "\u00a0(")


def _pain_badge(pains: Sequence[PainPoint]) -> str:
    count = len(pains)
    return f"\u26a0 {count} pain point{'' if count == 1 else 's'}"


def _header_label(stage: Stage) -> tuple[Html, float]:
    """The stage header as an HTML-like table, and the height (pt) its text needs."""
    name = wrap(stage.name, STAGE_WRAP, 3)
    mood = wrap(_mood(stage), SMALL_WRAP, 2)
    rows = [f"<TR><TD>{html_lines(name, bold=True)}</TD></TR>"]
    height = len(name) * 14 * LINE_HEIGHT
    if stage.moment_of_truth:
        # The canvas and the curve mark it with the same star.
        rows.append(f"<TR><TD>{html_lines([MOMENT_OF_TRUTH], size=12, bold=True)}</TD></TR>")
        height += 12 * LINE_HEIGHT
    if mood:
        rows.append(f"<TR><TD>{html_lines(mood, size=12, colour=MUTED)}</TD></TR>")
        height += len(mood) * 12 * LINE_HEIGHT
    worst = worst_severity(stage.pain_points)
    if worst is not None:
        badge = html_lines([_pain_badge(stage.pain_points)], size=12, colour=PAIN_TEXT, bold=True)
        rows.append(f'<TR><TD BGCOLOR="{SEVERITY_FILL[worst]}" STYLE="rounded">{badge}</TD></TR>')
        height += 12 * LINE_HEIGHT + 6
    table = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
             + "".join(rows) + "</TABLE>>")
    return Html(table), height + 4 * len(rows)


def journey_dot(loaded: LoadedMap, stage_url: StageUrl,
                channel_names: Mapping[str, str] | None = None) -> str:
    """The journey: stages left to right, their touchpoints under them, lanes as rows.

    Stage and touchpoint shapes link to `stage_url(stage.id)`; fills show emotion, the
    header's badge the stage's pain points by their worst severity. Every cell of a lane
    sits in its stage's column (a cluster per stage). Channels show by their name from
    `channel_names` (the shared vocabulary), else by id.
    """
    journey = loaded.map
    names = channel_names or {}
    title = f"Customer journey of {one_line(journey.persona.name)}"
    if journey.state == "future" and "future state" not in journey.persona.name.lower():
        title += " (future state)"
    dot = _Dot(title, _common_graph(
        "cjm-journey", rankdir="TB", newrank=True, nodesep=0.18, ranksep=0.22,
        id=_node_id("journey", loaded.id)))
    _graph_defaults(dot)
    dot.defaults("node", {"shape": "box", "style": "rounded,filled", "margin": "0.12,0.06",
                          "width": NODE_WIDTH})

    headers = [_header_label(stage) for stage in journey.stages]
    # One height for every header (the tallest one's): the stage row lines up.
    header_height = max(height for _, height in headers) / 72 + 2 * 0.06 + 0.05
    lanes = sorted((lane for lane in journey.lanes if any(s.lanes.get(lane.id) for s in journey.stages)),
                   key=lambda lane: KIND_ORDER[lane.kind])
    most = max((len(stage.touchpoints) for stage in journey.stages), default=0)
    header_names: list[str] = []
    rows: list[list[str]] = [[] for _ in lanes]
    if lanes:
        # The lane names, in a column of their own left of the first stage: an invisible
        # cell in the header row, then a name per row (each row is one rank below).
        corner = dot_name("Lane names")
        header_names.append(corner)
        dot.node(corner, {"label": "", "style": "invis", "width": 1.3, "height": round(header_height, 3)})
        above = corner
        for row, lane in enumerate(lanes):
            label = dot_name(f"Lane {row + 1}: {lane.name}")
            tooltip = one_line(lane.name)
            if lane.description:
                tooltip += ": " + one_line(lane.description, 300)
            dot.node(label, {
                "label": html_label(html_lines(wrap(lane.name, 14, 3), bold=True)),
                "fillcolor": NEUTRAL_FILL, "shape": "box", "style": "filled", "width": 1.3,
                "class": "cjm-lane-name", "id": _node_id("lane", lane.id), "tooltip": tooltip,
            })
            dot.edge(above, label, {"style": "invis", "weight": 10, "minlen": most + 1 if row == 0 else 1})
            above = label
            rows[row].append(label)
    for number, stage in enumerate(journey.stages, start=1):
        url = stage_url(stage.id)  # type: ignore[arg-type]
        header = dot_name(f"Stage {number}: {stage.name}")
        header_names.append(header)
        dot.open(f"subgraph {dot_name(f'cluster_stage_{number}')}")
        dot.graph({"style": "rounded,dashed", "color": GRID, "margin": 8,
                   "class": "cjm-stage-column", "id": _node_id("stage-column", number)})
        dot.node(header, {
            "label": headers[number - 1][0],
            "fillcolor": emotion_fill(stage.emotion),
            "penwidth": 1.5,
            "height": round(header_height, 3),
            "class": f"cjm-stage {emotion_class(stage.emotion)}",
            "id": _node_id("stage", number),
            "URL": url,
            "tooltip": _stage_summary(stage),
        })
        previous = header
        for position, touchpoint in enumerate(stage.touchpoints, start=1):
            name = dot_name(f"Stage {number}, touchpoint {position}: {touchpoint.name}")
            channel = names.get(touchpoint.channel, touchpoint.channel) if touchpoint.channel else None
            facts = " · ".join(one_line(f) for f in (channel, touchpoint.owner) if f)
            dot.node(name, {
                "label": html_label(
                    html_lines(wrap(touchpoint.name, NAME_WRAP, 4)),
                    html_lines(wrap(facts, SMALL_WRAP, 2), size=12, colour=MUTED) if facts else "",
                ),
                "fillcolor": emotion_fill(touchpoint.emotion),
                "class": f"cjm-touchpoint {emotion_class(touchpoint.emotion)}",
                "id": _node_id("touchpoint", number, position),
                "URL": url,
                "tooltip": _touchpoint_tooltip(touchpoint, channel),
            })
            dot.edge(previous, name, {"style": "invis", "weight": 10})
            previous = name
        # The lane cells of this stage, in its column; the first row under the longest column.
        for row, lane in enumerate(lanes):
            cell = dot_name(f"Stage {number}, lane {row + 1}: {lane.name}")
            items = stage.lanes.get(lane.id, [])
            if items:
                lines = [f"• {line}" if n == 0 else f"  {line}"
                         for item in items for n, line in enumerate(wrap(item, SMALL_WRAP - 2, 4))]
                dot.node(cell, {
                    "label": html_left_label(html_lines(lines, size=12)),
                    "fillcolor": NEUTRAL_FILL, "style": "filled",
                    "class": "cjm-lane", "id": _node_id("lane", lane.id, number), "URL": url,
                    "tooltip": f"{one_line(lane.name)} at {one_line(stage.name)}:\n"
                    + "\n".join(f"• {one_line(item, 200)}" for item in items),
                })
            else:  # keeps the grid: an empty cell still holds the column
                dot.node(cell, {"label": "", "style": "invis", "height": 0.3})
            gap = (most - len(stage.touchpoints)) + 1 if row == 0 else 1
            dot.edge(previous, cell, {"style": "invis", "weight": 10, "minlen": gap})
            previous = cell
            rows[row].append(cell)
        dot.close()

    # One rank for the stage headers: the arrows between them are flat edges, which
    # keeps the stages in journey order, left to right.
    dot.same_rank(header_names)
    for tail, head in pairwise(header_names):
        if tail == header_names[0] and lanes:
            dot.edge(tail, head, {"style": "invis"})
        else:
            dot.edge(tail, head, {"class": "cjm-flow", "penwidth": 1.5, "minlen": 2})
    for cells in rows:
        dot.same_rank(cells)
        for left, right in pairwise(cells):  # keeps the row in stage order
            dot.edge(left, right, {"style": "invis"})
    bottom = rows[-1][1:] if rows else header_names
    _legend(dot, journey.stages, above=bottom)
    return dot.text()


def _legend(dot: _Dot, stages: Sequence[Stage], above: Sequence[str]) -> None:
    """The key to the colours the diagram uses (and only those), under every column."""
    emotions = {s.emotion for s in stages} | {t.emotion for s in stages for t in s.touchpoints}
    cells = "".join(f'<TD BGCOLOR="{EMOTION_FILL[e]}">{signed(e)} {EMOTION_WORDS[e]}</TD>'
                    for e in (-2, -1, 0, 1, 2) if e in emotions)
    if None in emotions:
        cells += f'<TD BGCOLOR="{NO_EMOTION_FILL}">not set</TD>'
    rows = [f'<TR><TD BORDER="0" ALIGN="LEFT"><B>Emotion</B></TD>{cells}</TR>']
    worst = {worst_severity(s.pain_points) for s in stages} - {None}
    if worst:
        badges = "".join(
            f'<TD BGCOLOR="{SEVERITY_FILL[w]}"><FONT COLOR="{PAIN_TEXT}">{SEVERITY_WORDS[w]}</FONT></TD>'
            for w in ("high", "medium", "low", "none") if w in worst)
        rows.append(f'<TR><TD BORDER="0" ALIGN="LEFT"><B>\u26a0 Pain points, worst severity</B></TD>{badges}</TR>')
    table = (
        f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="4" COLOR="{LINE}"'
        f' BGCOLOR="{NEUTRAL_FILL}">{"".join(rows)}</TABLE>>'
    )
    dot.node('"Legend"', {
        "label": Html(table), "shape": "plain", "style": "", "fontsize": 12, "width": 0,
        "class": "cjm-legend", "id": "legend",
        "tooltip": "Colours show emotion, from red (very negative) to blue (very positive);"
        " grey means no emotion is set. A stage's badge counts its pain points and takes the"
        " colour of the worst severity.",
    })
    for node in above:
        dot.edge(node, '"Legend"', {"style": "invis", "weight": 0})


# --- emotion curves (neato with pinned positions) -------------------------------------

_LEVEL = 56.0  # points between emotion levels
_STEP = 170.0  # points between stages
_AXIS_X = 70.0  # x of the emotion labels
_LEFT = 200.0  # x of the first stage
_BASE = 118.0  # y of emotion −2; stage names and pain badges sit below it


def _y(emotion: float) -> float:
    return _BASE + (emotion + 2) * _LEVEL


def _pos(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}!"


def _curve_graph(title: str, css_class: str, graph_id: str) -> _Dot:
    dot = _Dot(title, _common_graph(
        css_class, layout="neato", inputscale=72, splines="false", overlap="true",
        outputorder="edgesfirst", id=graph_id))
    _graph_defaults(dot, fontsize=12)
    dot.defaults("node", {"shape": "box", "style": "rounded,filled", "margin": "0.08,0.04"})
    return dot


def _axes(dot: _Dot, count: int, top: float) -> float:
    """Emotion labels on the left and a grid line per level; returns the right edge."""
    right = _LEFT + (count - 1) * _STEP + _STEP / 2
    for emotion in (-2, -1, 0, 1, 2):
        y = _y(emotion)
        dot.node(dot_name(f"Emotion {signed(emotion)}"), {
            "label": html_label(html_lines([f"{signed(emotion)} {EMOTION_WORDS[emotion]}"], size=11)),
            "fillcolor": EMOTION_FILL[emotion], "pos": _pos(_AXIS_X, y), "width": 1.45,
            "class": f"cjm-axis {emotion_class(emotion)}", "id": _node_id("axis", emotion + 2),
            "tooltip": f"Emotion {emotion_text(emotion)}",
        })
        ends = [dot_name(f"grid {emotion + 2} {side}") for side in ("start", "end")]
        for end, x in zip(ends, (_AXIS_X + 58, right)):
            dot.node(end, {"shape": "point", "width": 0.01, "style": "invis", "pos": _pos(x, y)})
        dot.edge(*ends, {"arrowhead": "none", "color": GRID, "class": "cjm-grid",
                         "style": "solid" if emotion == 0 else "dashed",
                         "penwidth": 1 if emotion == 0 else 0.6})
    dot.node('"top"', {"shape": "point", "width": 0.01, "style": "invis", "pos": _pos(_AXIS_X, top)})
    return right


def _stage_label(dot: _Dot, name: str, stage_name: str, x: float, node_id: str,
                 url: str | None, tooltip: str) -> None:
    dot.node(name, {
        "label": html_label(html_lines(wrap(stage_name, 20, 3), bold=True)),
        "fillcolor": NEUTRAL_FILL, "pos": _pos(x, 34), "width": 1.9,
        "class": "cjm-stage", "id": node_id, "URL": url, "tooltip": tooltip,
    })


def emotion_curve_dot(loaded: LoadedMap, stage_url: StageUrl) -> str:
    """One persona's emotion, stage by stage, as a line; pain points as red badges.

    Stages without an emotion have no point (the line is dashed across the gap).
    Render with any engine: the graph sets `layout=neato` and pins every node.
    """
    journey = loaded.map
    title = f"Emotion curve of {one_line(journey.persona.name)}"
    dot = _curve_graph(title, "cjm-emotion-curve", _node_id("curve", loaded.id))
    _axes(dot, len(journey.stages), _y(2) + 24)
    points: list[tuple[int, str]] = []
    for number, stage in enumerate(journey.stages, start=1):
        x = _LEFT + (number - 1) * _STEP
        url = stage_url(stage.id)  # type: ignore[arg-type]
        _stage_label(dot, dot_name(f"Stage {number}: {stage.name}"), stage.name, x,
                     _node_id("stage", number), url, _stage_summary(stage))
        if stage.pain_points:
            count = len(stage.pain_points)
            fill = SEVERITY_FILL[worst_severity(stage.pain_points) or "none"]
            dot.node(dot_name(f"Stage {number}, pain points"), {
                "label": html_label(html_lines([f"⚠ {count}"], size=12, colour=PAIN_TEXT, bold=True)),
                "fillcolor": fill, "color": fill, "pos": _pos(x, 84),
                "margin": "0.05,0.02", "height": 0.3,
                "class": "cjm-pain", "id": _node_id("pain", number), "URL": url,
                "tooltip": _pain_tooltip(stage, stage.pain_points),
            })
        if stage.emotion is None:
            continue
        name = dot_name(f"Stage {number}, emotion: {stage.feeling or EMOTION_WORDS[stage.emotion]}")
        words = stage.feeling or EMOTION_WORDS[stage.emotion]
        dot.node(name, {
            "label": html_label(html_lines(wrap(words, 18, 2))),
            "fillcolor": emotion_fill(stage.emotion), "pos": _pos(x, _y(stage.emotion)),
            "penwidth": 1.5, "class": f"cjm-point {emotion_class(stage.emotion)}",
            "id": _node_id("point", number), "URL": url,
            "tooltip": f"{one_line(stage.name)}: feels {emotion_text(stage.emotion)}"
            + (f", {one_line(stage.feeling)}" if stage.feeling else ""),
        })
        points.append((number, name))
    for (first, tail), (second, head) in pairwise(points):
        dot.edge(tail, head, {"class": "cjm-curve", "penwidth": 3, "arrowhead": "none",
                              "style": "solid" if second == first + 1 else "dashed"})
    return dot.text()


def _stage_order(maps: Sequence[LoadedMap], first: Sequence[str] = ()) -> list[str]:
    """Stage ids: `first` in its order, then every other stage after its predecessor."""
    order = list(dict.fromkeys(first))
    for loaded in maps:
        previous = None
        for stage in loaded.map.stages:
            if stage.id not in order:
                at = order.index(previous) + 1 if previous in order else len(order)
                order.insert(at, stage.id)  # type: ignore[arg-type]
            previous = stage.id
    return order


class _Names(dict):
    """Stage names by id; an id nobody names shows as itself."""

    def __missing__(self, key: str) -> str:
        return key


def _stage_names(maps: Sequence[LoadedMap], names: Mapping[str, str] | None) -> dict[str, str]:
    found: dict[str, str] = _Names()
    for loaded in maps:
        for stage in loaded.map.stages:
            found.setdefault(stage.id, stage.name)  # type: ignore[arg-type]
    found.update(names or {})
    return found


def emotion_comparison_dot(
    maps: Sequence[LoadedMap],
    url: PersonaStageUrl,
    stage_ids_in_order: Sequence[str] = (),
    stage_names: Mapping[str, str] | None = None,
    persona_url: StageUrl | None = None,
) -> str:
    """Several personas' emotion curves on one chart, one line style per persona.

    Points link to `url(persona_id, stage_id)`; legend entries to `persona_url(persona_id)`
    when given. Stages follow `stage_ids_in_order` (for example the shared vocabulary),
    then any other stage after the one it follows in its map.
    """
    order = _stage_order(maps, stage_ids_in_order)
    order = [s for s in order if any(st.id == s for m in maps for st in m.map.stages)]
    names = _stage_names(maps, stage_names)
    title = "Emotion by stage, all personas"
    dot = _curve_graph(title, "cjm-emotion-comparison", "emotion-comparison")
    legend_y = _y(2) + 50
    _axes(dot, max(len(order), 1), legend_y + 20)
    for number, stage_id in enumerate(order, start=1):
        x = _LEFT + (number - 1) * _STEP
        _stage_label(dot, dot_name(f"Stage {number}: {names[stage_id]}"), names[stage_id], x,
                     _node_id("stage", stage_id), None, one_line(names[stage_id]))
    count = len(maps)
    for index, loaded in enumerate(maps):
        colour, style, shape = SERIES[index % len(SERIES)]
        persona = one_line(loaded.map.persona.name)
        offset = (index - (count - 1) / 2) * min(10.0, 60.0 / max(count, 1))
        entry = dot_name(f"Persona {index + 1}: {persona}")
        per_row = 4
        dot.node(entry, {
            "label": html_label(html_lines([MARKER_GLYPH[shape] + "\u00a0"], colour=colour)
                                + html_lines(wrap(persona, 24, 2))),
            "fillcolor": NEUTRAL_FILL, "color": colour, "penwidth": 3,
            "style": "rounded,filled" + (f",{style}" if style != "solid" else ""),
            "pos": _pos(_LEFT - 20 + (index % per_row) * 190 + 60,
                        legend_y + (index // per_row) * 40),
            "width": 2.4, "class": "cjm-persona", "id": _node_id("persona", loaded.id),
            "URL": persona_url(loaded.id) if persona_url else None,
            "tooltip": f"{persona}: {style} line, {shape} markers",
        })
        points: list[tuple[int, str]] = []
        for stage in loaded.map.stages:
            if stage.emotion is None or stage.id not in order:
                continue
            position = order.index(stage.id)  # type: ignore[arg-type]
            name = dot_name(f"Persona {index + 1}: {persona} at {names[stage.id]}")  # type: ignore[index]
            dot.node(name, {
                "label": "", "shape": shape, "style": "filled", "fillcolor": colour,
                "color": LINE, "width": 0.16, "height": 0.16, "fixedsize": True,
                "pos": _pos(_LEFT + position * _STEP + offset, _y(stage.emotion)),
                "class": f"cjm-point {emotion_class(stage.emotion)}",
                "id": _node_id("point", loaded.id, stage.id),
                "URL": url(loaded.id, stage.id),  # type: ignore[arg-type]
                "tooltip": f"{persona} at {one_line(stage.name)}: feels"
                f" {emotion_text(stage.emotion)}"
                + (f", {one_line(stage.feeling)}" if stage.feeling else ""),
            })
            points.append((position, name))
        for (first, tail), (second, head) in pairwise(points):
            dot.edge(tail, head, {"color": colour, "penwidth": 2, "arrowhead": "none",
                                  "style": "dashed" if style == "dashed" or second != first + 1
                                  else style,
                                  "class": f"cjm-curve cjm-persona-{loaded.id}"})
    return dot.text()


# --- the personas × stages overview ---------------------------------------------------

_CELL_W = 180.0
_CELL_H = 64.0


def overview_dot(
    maps: Sequence[LoadedMap],
    stage_ids_in_order: Sequence[str],
    url: PersonaStageUrl,
    stage_names: Mapping[str, str] | None = None,
    persona_url: StageUrl | None = None,
    stage_url: StageUrl | None = None,
) -> str:
    """A grid: a row per persona, a column per stage, a cell where the persona has it.

    Cells are filled by the stage's emotion and link to `url(persona_id, stage_id)`;
    row and column headings link to `persona_url` / `stage_url` when given.
    """
    order = _stage_order(maps, stage_ids_in_order)
    names = _stage_names(maps, stage_names)
    title = "Personas and stages"
    dot = _Dot(title, _common_graph("cjm-overview", layout="neato", inputscale=72,
                                    overlap="true", id="overview"))
    _graph_defaults(dot, fontsize=12)
    dot.defaults("node", {"shape": "box", "style": "rounded,filled", "fixedsize": True,
                          "width": (_CELL_W - 10) / 72, "height": (_CELL_H - 8) / 72,
                          "margin": "0.06,0.03"})
    rows = len(maps)
    top = rows * _CELL_H  # y grows upwards: the header row is at the top
    for column, stage_id in enumerate(order, start=1):
        x = column * _CELL_W
        dot.node(dot_name(f"Stage {column}: {names[stage_id]}"), {
            "label": html_label(html_lines(wrap(names[stage_id], 20, 2), bold=True)),
            "fillcolor": NEUTRAL_FILL, "pos": _pos(x, top), "class": "cjm-stage",
            "id": _node_id("stage", stage_id), "tooltip": one_line(names[stage_id]),
            "URL": stage_url(stage_id) if stage_url else None,
        })
    for row, loaded in enumerate(maps, start=1):
        y = top - row * _CELL_H
        persona = one_line(loaded.map.persona.name)
        dot.node(dot_name(f"Persona {row}: {persona}"), {
            "label": html_label(html_lines(wrap(persona, 20, 2), bold=True)),
            "fillcolor": NEUTRAL_FILL, "pos": _pos(0, y), "class": "cjm-persona",
            "id": _node_id("persona", loaded.id), "tooltip": persona,
            "URL": persona_url(loaded.id) if persona_url else None,
        })
        stages = {stage.id: stage for stage in loaded.map.stages}
        for column, stage_id in enumerate(order, start=1):
            stage = stages.get(stage_id)
            if stage is None:
                continue
            words = (one_line(stage.feeling) if stage.feeling
                     else EMOTION_WORDS.get(stage.emotion, "")  # type: ignore[arg-type]
                     if stage.emotion is not None else "no emotion set")
            counts = ", ".join(c for c in (_count(len(stage.touchpoints), "touchpoint"),
                                           _count(len(stage.pain_points), "pain point")) if c)
            dot.node(dot_name(f"Persona {row}: {persona} at {names[stage_id]}"), {
                "label": html_label(
                    html_lines(wrap(words, 22, 2)),
                    html_lines([counts], size=10, colour=MUTED) if counts else "",
                ),
                "fillcolor": emotion_fill(stage.emotion), "pos": _pos(column * _CELL_W, y),
                "class": f"cjm-cell {emotion_class(stage.emotion)}",
                "id": _node_id("cell", loaded.id, stage_id),
                "URL": url(loaded.id, stage_id),
                "tooltip": f"{persona} at {_stage_summary(stage)}",
            })
    return dot.text()
