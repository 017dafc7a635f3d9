"""A journey map -> the journey canvas: one HTML grid, stages as columns, lanes as rows.

What a journey-mapping team draws on the wall (UXPressia, Smaply, TheyDo, the Nielsen
Norman Group format): the stages across the top, then actions, touchpoints, thoughts, the
emotion curve, pain points, opportunities and metrics, and under a line of interaction the
service blueprint lanes (Shostack; Bitner, Ostrom and Morgan).

No layout engine: one CSS grid places every cell in its stage's column, so the lanes, the
curve and the headers line up at every width; it costs no `dot` run, prints, and reads
without JavaScript. The curve's points sit at 50% of their stage's cell, and its line is
an SVG spanning the stage columns with x in column units (`preserveAspectRatio="none"`),
so line and points cannot drift apart. The stylesheet is in `assets.py`.

Map text goes through `text.py` (the same escaping as the rest of a generated page), so
the canvas is safe inside a Markdown page and as a standalone HTML file (`render.py`).

Attributes other tools and tests rely on (a public contract, keep them stable):
`data-cjm-canvas`, `data-cjm-stage`, `data-cjm-lane`, `data-cjm-point`, `data-cjm-line`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import jinja2
from markupsafe import Markup

from .diagrams.dot_source import signed, worst_severity
from .labels import ENGLISH
from .links import confidence
from .load import LoadedMap
from .metrics import status as metric_status
from .model import Lane, Metric, Stage
from .pages import format_measure, status_word
from .text import MarkdownRenderer, escape, escape_url

# Every word of the canvas a reader sees is in labels/<language>.yml (keys `canvas.*`,
# `lane.*`, ...; see labels.py). `{…}` fields are filled in with `str.format`.
LABELS = ENGLISH  # the English words, for callers that want no other language

SEVERITIES = ("high", "medium", "low")
STATUSES = ("idea", "planned", "in progress", "done")


def emotion_slug(emotion: int | None) -> str:
    """`m2` ... `2`, or `none`: class names (`cjm-emo-m2`) can't start with `-`."""
    if emotion is None:
        return "none"
    return f"m{-emotion}" if emotion < 0 else str(emotion)


@dataclass(frozen=True)
class MetricCell:
    """What the canvas shows for one metric; `better` is `higher`, `lower` or None."""

    name: str
    value: str
    target: str | None
    gap: str | None  # the distance to the target, as text with the unit
    better: str | None
    status: str  # met | missed | unknown (no target, or no direction to judge by)
    verdict: str | None  # "on target", "13% short of target", "gap 13%"


def metric_cell(metric: Metric, labels: Mapping[str, str] = ENGLISH) -> MetricCell:
    """Value against target, and which way is better (`metric.better`, when the map says:
    `higher` or `lower`); without a direction nothing is inferred: value, target and gap.
    The judgement is metrics.status, as on the stage and persona pages."""
    value = format_measure(metric.value, metric.unit)
    better = getattr(metric, "better", None)
    judged = metric_status(metric)
    if judged.gap is None:
        return MetricCell(metric.name, value, None, None, better, "unknown", None)
    target = format_measure(metric.target, metric.unit)
    gap = format_measure(round(abs(judged.gap), 6), metric.unit)
    if judged.gap == 0:
        verdict = labels["metric.on_target"]
    elif not judged.state:
        verdict = labels["metric.gap"].format(gap=gap)
    else:
        verdict = labels["metric.ahead" if judged.state == "on" else "metric.short"].format(gap=gap)
    state = {"on": "met", "off": "missed"}.get(judged.state, "unknown")
    return MetricCell(metric.name, value, target, gap, better if judged.state else None, state, verdict)


@dataclass(frozen=True)
class Column:
    stage: Stage
    number: int
    url: str | None
    pains: int
    worst: str | None  # high | medium | low | none (pain points without severity), or None

    @property
    def id(self) -> str:
        return self.stage.id  # type: ignore[return-value]  # resolved on load


@dataclass(frozen=True)
class BlueprintRow:
    """A lane of the map, or one of the blueprint's lines (`line` set, `lane` None)."""

    lane: Lane | None = None
    line: str | None = None


@dataclass
class Curve:
    """The emotion line in column units: x = stage index + 0.5, y = 2 - emotion (0 at top)."""

    solid: list[str] = field(default_factory=list)  # polyline point lists
    dashed: list[tuple[float, float, float, float]] = field(default_factory=list)  # gaps


def _curve(stages: Sequence[Stage]) -> Curve:
    curve = Curve()
    run: list[str] = []
    previous: tuple[int, int] | None = None
    for index, stage in enumerate(stages):
        if stage.emotion is None:
            continue
        point = f"{index + 0.5:g},{2 - stage.emotion}"
        if previous is not None and previous[0] != index - 1:
            curve.dashed.append((previous[0] + 0.5, 2 - previous[1], index + 0.5, 2 - stage.emotion))
            if len(run) > 1:
                curve.solid.append(" ".join(run))
            run = []
        run.append(point)
        previous = (index, stage.emotion)
    if len(run) > 1:
        curve.solid.append(" ".join(run))
    return curve


# The service blueprint's skeleton: each line, then the lanes of the zone under it.
ZONES = (("interaction", "frontstage"), ("visibility", "backstage"), ("internal-interaction", "support"))


def blueprint_rows(lanes: Sequence[Lane], stages: Sequence[Stage]) -> tuple[list[Lane], list[BlueprintRow]]:
    """(evidence lanes, rows under the customer's lanes): lanes with data in blueprint order.

    As the convention draws it, a blueprint has all three lines, each above its zone:
    interaction, frontstage lanes, visibility, backstage lanes (and lanes without a kind),
    internal interaction, support lanes. A zone with no lane stays empty between its lines,
    which says that part is not mapped. A map without blueprint lanes has no lines."""
    used = [lane for lane in lanes if any(stage.lanes.get(lane.id) for stage in stages)]
    evidence = [lane for lane in used if lane.kind == "evidence"]
    rows: list[BlueprintRow] = []
    if any(lane.kind != "evidence" for lane in used):
        for line, kind in ZONES:
            rows.append(BlueprintRow(line=line))
            rows += [BlueprintRow(lane=lane) for lane in used if lane.kind == kind]
    return evidence, rows


def status_class(status: str) -> str:
    """`cjm-status-in-progress` for the statuses a backlog knows, else nothing."""
    known = " ".join(str(status).lower().split())
    return f"cjm-status-{known.replace(' ', '-')}" if known in STATUSES else ""


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cjm_plugin", "templates"),
        # As pages.py: whatever a template prints is escaped for Markdown and HTML.
        autoescape=True,
        finalize=lambda value: value if isinstance(value, Markup) else Markup(escape(value)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = lambda url: Markup(escape_url(url))
    env.filters["attr"] = lambda text: Markup(escape(" ".join(str(text).split())))
    env.globals.update(emotion_slug=emotion_slug, signed=signed)
    return env


def render_canvas(loaded: LoadedMap, markdown: MarkdownRenderer,
                  channel_names: Mapping[str, str] | None = None,
                  stage_url: Callable[[str], str | None] | None = None,
                  labels: Mapping[str, str] = ENGLISH, page: bool = False, wide: bool = False,
                  follow: Callable[[str], str | None] | None = None) -> str:
    """The canvas of one map as one block of HTML (no blank line: safe in a Markdown page).

    `stage_url(stage id)` links the stage headers (None: no links, as in a standalone file);
    `page` marks the canvas of a persona page (printed as a poster), `wide` one whose page
    uses the full window width (the stylesheet widens that page only). `follow(link)` gives
    the address a touchpoint's or opportunity's link opens, or None for no link (default:
    the link as written)."""
    journey = loaded.map
    stages = journey.stages
    names = channel_names or {}
    columns = [Column(stage, number, stage_url(stage.id) if stage_url else None,  # type: ignore[arg-type]
                      len(stage.pain_points), worst_severity(stage.pain_points))
               for number, stage in enumerate(stages, start=1)]
    evidence, blueprint = blueprint_rows(journey.lanes, stages)
    worst_used = [s for s in (*SEVERITIES, "none") if any(c.worst == s for c in columns)]
    html = _environment().get_template("canvas.html.j2").render(
        pid=loaded.id, journey=journey, columns=columns, count=len(columns),
        curve=_curve(stages), evidence=evidence, blueprint=blueprint,
        has=lambda attribute: any(getattr(stage, attribute) for stage in stages),
        has_emotion=any(stage.emotion is not None for stage in stages),
        confidence=confidence,
        has_assumed=any(confidence(stage) == "assumed" for stage in stages),
        has_moment=any(getattr(stage, "moment_of_truth", False) for stage in stages),
        worst_used=worst_used, labels=labels, L=lambda key, **values: labels[key].format(**values),
        emotion_word=lambda e: labels["emotion.none"] if e is None else labels[f"emotion.{e}"],
        channel=lambda cid: names.get(cid, cid),
        metric=lambda m: metric_cell(m, labels),
        mdi=lambda text: Markup(markdown.inline(text)),
        status_class=status_class, status_word=status_word, page=page, wide=wide,
        follow=lambda link: None if not link else (follow(link) if follow else link),
    )
    # One raw HTML block for Markdown: no blank line may end it early.
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"

