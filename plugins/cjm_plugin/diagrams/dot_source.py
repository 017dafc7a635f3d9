"""Maps -> Graphviz DOT text: the journey flow diagram (the emotion charts are drawn without
Graphviz, in emotion_charts.py).

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

from ..labels import ENGLISH
from ..load import LoadedMap
from ..model import EMOTION_WORDS, PainPoint, Stage, Touchpoint
from .text import (
    Html,
    dot_name,
    dot_string,
    dot_url,
    html_label,
    html_left_label,
    html_text,
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
StageUrl = Callable[[str], str]


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


def emotion_text(emotion: int | None, labels: Mapping[str, str] = ENGLISH) -> str:
    """`negative (−1)`, or `no emotion set`."""
    if emotion is None:
        return labels["emotion.none"]
    return f"{labels[f'emotion.{emotion}']} ({signed(emotion)})"


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


def _feels(emotion: int | None, labels: Mapping[str, str]) -> str:
    """`feels negative (−1)`."""
    return labels["emotion.feels"].format(emotion=emotion_text(emotion, labels))


def _stage_summary(stage: Stage, labels: Mapping[str, str] = ENGLISH) -> str:
    """Tooltip of a stage: name, feeling, objective and counts, a line each."""
    feels = _feels(stage.emotion, labels)
    feels = feels[:1].upper() + feels[1:]
    if stage.feeling:
        feels += f": {one_line(stage.feeling, 120)}"
    lines = [one_line(stage.name, 120), feels]
    if stage.moment_of_truth:
        lines.append(labels["stage.moment_of_truth"])
    if stage.objective:
        lines.append(f"{labels['stage.objective']}{labels['colon']} {one_line(stage.objective, 240)}")
    lines.append(_counts(stage, labels))
    return "\n".join(line for line in lines if line)


def _count(number: int, kind: str, labels: Mapping[str, str] = ENGLISH) -> str:
    """`3 touchpoints`, `1 pain point` (`kind`: touchpoint or pain), "" for none."""
    if number == 0:
        return ""
    return labels[f"diagram.{kind}_{'one' if number == 1 else 'many'}"].format(count=number)


def _counts(stage: Stage, labels: Mapping[str, str]) -> str:
    return ", ".join(c for c in (_count(len(stage.touchpoints), "touchpoint", labels),
                                 _count(len(stage.pain_points), "pain", labels)) if c)


def _touchpoint_tooltip(touchpoint: Touchpoint, channel: str | None = None,
                        labels: Mapping[str, str] = ENGLISH) -> str:
    facts = [touchpoint.name]
    if touchpoint.channel:
        facts.append(labels["diagram.channel"].format(channel=channel or touchpoint.channel))
    if touchpoint.owner:
        facts.append(labels["diagram.owner"].format(owner=touchpoint.owner))
    facts.append(_feels(touchpoint.emotion, labels))
    text = " · ".join(one_line(f) for f in facts)
    if touchpoint.description:
        text += "\n" + one_line(touchpoint.description, 300)
    return text


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


def _mood(stage: Stage, labels: Mapping[str, str] = ENGLISH) -> str:
    """"Feeling (−1)", the number glued to the last word so it never wraps alone."""
    feeling = one_line(stage.feeling) if stage.feeling else labels[f"emotion.{stage.emotion}"] \
        if stage.emotion is not None else ""
    if stage.emotion is None:
        return feeling
    return f"{feeling}\u00a0({signed(stage.emotion)})"


def _pain_badge(pains: Sequence[PainPoint], labels: Mapping[str, str] = ENGLISH) -> str:
    count = len(pains)
    return "\u26a0 " + labels["diagram.pain_one" if count == 1 else "diagram.pain_many"].format(count=count)


def _header_label(stage: Stage, labels: Mapping[str, str] = ENGLISH) -> tuple[Html, float]:
    """The stage header as an HTML-like table, and the height (pt) its text needs."""
    name = wrap(stage.name, STAGE_WRAP, 3)
    mood = wrap(_mood(stage, labels), SMALL_WRAP, 2)
    rows = [f"<TR><TD>{html_lines(name, bold=True)}</TD></TR>"]
    height = len(name) * 14 * LINE_HEIGHT
    if stage.moment_of_truth:
        # The canvas and the curve mark it with the same star.
        rows.append(f"<TR><TD>{html_lines([chr(0x2605) + ' ' + labels['moment_of_truth']], size=12, bold=True)}</TD></TR>")
        height += 12 * LINE_HEIGHT
    if mood:
        rows.append(f"<TR><TD>{html_lines(mood, size=12, colour=MUTED)}</TD></TR>")
        height += len(mood) * 12 * LINE_HEIGHT
    worst = worst_severity(stage.pain_points)
    if worst is not None:
        badge = html_lines([_pain_badge(stage.pain_points, labels)], size=12, colour=PAIN_TEXT, bold=True)
        rows.append(f'<TR><TD BGCOLOR="{SEVERITY_FILL[worst]}" STYLE="rounded">{badge}</TD></TR>')
        height += 12 * LINE_HEIGHT + 6
    table = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
             + "".join(rows) + "</TABLE>>")
    return Html(table), height + 4 * len(rows)


def journey_dot(loaded: LoadedMap, stage_url: StageUrl,
                channel_names: Mapping[str, str] | None = None,
                labels: Mapping[str, str] = ENGLISH) -> str:
    """The journey: stages left to right, their touchpoints under them, lanes as rows.

    Stage and touchpoint shapes link to `stage_url(stage.id)`; fills show emotion, the
    header's badge the stage's pain points by their worst severity. Every cell of a lane
    sits in its stage's column (a cluster per stage). Channels show by their name from
    `channel_names` (the shared vocabulary), else by id.
    """
    journey = loaded.map
    names = channel_names or {}
    title = labels["diagram.journey_title"].format(persona=one_line(journey.persona.name))
    if journey.state == "future" and "future state" not in journey.persona.name.lower():
        title += labels["diagram.future_suffix"]
    dot = _Dot(title, _common_graph(
        "cjm-journey", rankdir="TB", newrank=True, nodesep=0.18, ranksep=0.22,
        id=_node_id("journey", loaded.id)))
    _graph_defaults(dot)
    dot.defaults("node", {"shape": "box", "style": "rounded,filled", "margin": "0.12,0.06",
                          "width": NODE_WIDTH})

    headers = [_header_label(stage, labels) for stage in journey.stages]
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
        corner = dot_name(labels["diagram.lane_names"])
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
            "tooltip": _stage_summary(stage, labels),
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
                "tooltip": _touchpoint_tooltip(touchpoint, channel, labels),
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
    _legend(dot, journey.stages, above=bottom, labels=labels)
    return dot.text()


def _legend(dot: _Dot, stages: Sequence[Stage], above: Sequence[str],
            labels: Mapping[str, str] = ENGLISH) -> None:
    """The key to the colours the diagram uses (and only those), under every column."""
    emotions = {s.emotion for s in stages} | {t.emotion for s in stages for t in s.touchpoints}
    cells = "".join(f'<TD BGCOLOR="{EMOTION_FILL[e]}">{signed(e)} {html_text(labels[f"emotion.{e}"])}</TD>'
                    for e in (-2, -1, 0, 1, 2) if e in emotions)
    if None in emotions:
        cells += f'<TD BGCOLOR="{NO_EMOTION_FILL}">{html_text(labels["diagram.not_set"])}</TD>'
    rows = [f'<TR><TD BORDER="0" ALIGN="LEFT"><B>{html_text(labels["lane.emotion"])}</B></TD>{cells}</TR>']
    worst = {worst_severity(s.pain_points) for s in stages} - {None}
    if worst:
        badges = "".join(
            f'<TD BGCOLOR="{SEVERITY_FILL[w]}"><FONT COLOR="{PAIN_TEXT}">{html_text(labels[f"severity.{w}"])}</FONT></TD>'
            for w in ("high", "medium", "low", "none") if w in worst)
        rows.append(f'<TR><TD BORDER="0" ALIGN="LEFT"><B>\u26a0 {html_text(labels["diagram.pain_legend"])}</B></TD>{badges}</TR>')
    table = (
        f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="4" COLOR="{LINE}"'
        f' BGCOLOR="{NEUTRAL_FILL}">{"".join(rows)}</TABLE>>'
    )
    dot.node('"Legend"', {
        "label": Html(table), "shape": "plain", "style": "", "fontsize": 12, "width": 0,
        "class": "cjm-legend", "id": "legend",
        "tooltip": labels["diagram.legend_tooltip"],
    })
    for node in above:
        dot.edge(node, '"Legend"', {"style": "invis", "weight": 0})

