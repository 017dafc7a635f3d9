"""A map on its way in: what an importer read, with where each part came from, before it
becomes YAML. Spreadsheets and Mermaid both produce a `MapDraft`; `importer` finishes it
(ids, shared stages, stage emotions) and writes it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from ..model import JourneyMap
from .yaml_writer import Commented, in_model_order


@dataclass(frozen=True)
class Spot:
    """Where a value was read: a cell (row, column) or a line of Mermaid (line, column)."""

    file: str
    line: int
    column: int
    prefix: str = ""  # `cell C7: ` for workbooks

    def error(self, message: str) -> Diagnostic:
        return Diagnostic(self.file, self.line, self.column, self.prefix + message)


class Problems(Exception):
    """Messages that stop an import; nothing is written."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(map(str, diagnostics)))
        self.diagnostics = diagnostics


# --- emotions ---------------------------------------------------------------------------


def round_half_away(value: float) -> int:
    """2.5 -> 3, -0.5 -> -1: how people round a score, not Python's banker's rounding."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@dataclass(frozen=True)
class Scale:
    """An emotion scale LOW..HIGH that maps linearly onto cjm's -2..2."""

    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> "Scale":
        match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*\.\.\s*([-+]?\d+(?:\.\d+)?)\s*", text)
        if not match or float(match.group(1)) >= float(match.group(2)):
            raise ValueError(f"--scale {text}: write LOW..HIGH with LOW below HIGH, for example 1..5")
        return cls(float(match.group(1)), float(match.group(2)))

    @property
    def is_identity(self) -> bool:
        return (self.low, self.high) == (-2, 2)

    def exact(self, value: float) -> float:
        return -2 + (value - self.low) * 4 / (self.high - self.low)

    def to_cjm(self, value: float) -> int:
        return round_half_away(self.exact(value))

    def __str__(self) -> str:
        return f"{_num(self.low)}..{_num(self.high)}"

    def rule(self) -> str:
        """The conversion in words, printed by `cjm import`."""
        span = self.high - self.low
        formula = (f"-2 + (score {'-' if self.low >= 0 else '+'} {_num(abs(self.low))}) × 4 / {_num(span)}"
                   if self.low else f"-2 + score × 4 / {_num(span)}")
        whole = [v for v in range(math.ceil(self.low), math.floor(self.high) + 1)]
        table = ", ".join(f"{v} → {self.to_cjm(v)}" for v in whole) if len(whole) <= 11 else (
            f"{_num(self.low)} → -2, {_num((self.low + self.high) / 2)} → 0, {_num(self.high)} → 2")
        return (f"emotions on the scale {self} are mapped linearly onto -2..2: {formula},"
                f" rounded to the nearest whole number, halves away from zero ({table})")


MERMAID_SCALE = Scale(1, 5)
CJM_SCALE = Scale(-2, 2)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- the draft --------------------------------------------------------------------------


@dataclass
class TouchpointDraft:
    name: str
    spot: Spot
    channel: str | None = None
    channel_spot: Spot | None = None
    owner: str | None = None
    description: str | None = None
    emotion: int | None = None
    link: str | None = None
    comments: list[str] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {"channel": self.channel, "owner": self.owner, "description": self.description,
                "emotion": self.emotion, "link": self.link}

    def data(self) -> Commented:
        return Commented({"name": self.name, **self.fields()}, comments=self.comments)


@dataclass
class StageDraft:
    name: str
    spot: Spot
    id: str | None = None
    id_spot: Spot | None = None
    objective: str | None = None
    description: str | None = None
    emotion: int | None = None
    feeling: str | None = None
    actions: list[str] = field(default_factory=list)
    thoughts: list[str] = field(default_factory=list)
    touchpoints: list[TouchpointDraft] = field(default_factory=list)
    pain_points: list[Any] = field(default_factory=list)  # text, or {text, severity}
    opportunities: list[Any] = field(default_factory=list)  # text, or {text, status}
    metrics: list[dict[str, Any]] = field(default_factory=list)
    lanes: dict[str, list[str]] = field(default_factory=dict)
    emotion_samples: list[float] = field(default_factory=list)  # on -2..2, before rounding
    comments: list[str] = field(default_factory=list)

    def data(self) -> Commented:
        return Commented({
            "name": self.name, "id": self.id, "objective": self.objective,
            "description": self.description, "emotion": self.emotion, "feeling": self.feeling,
            "actions": self.actions, "thoughts": self.thoughts,
            "touchpoints": [t.data() for t in self.touchpoints],
            "pain_points": self.pain_points, "opportunities": self.opportunities,
            "metrics": self.metrics, "lanes": self.lanes,
        }, comments=self.comments)


@dataclass
class LaneDraft:
    id: str
    name: str


@dataclass
class MapDraft:
    source: str  # the file name messages and the header comment use
    stages: list[StageDraft] = field(default_factory=list)
    persona_name: str | None = None
    persona_id: str | None = None
    scenario: str | None = None
    state: str | None = None
    lanes: list[LaneDraft] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # under the modeline
    notes: list[str] = field(default_factory=list)  # printed by `cjm import`

    def document(self) -> dict[str, Any]:
        """The map as data in the order of the docs (the model's field order)."""
        data = {
            "persona": {"name": self.persona_name, "id": self.persona_id},
            "scenario": self.scenario,
            "state": self.state,
            "lanes": [{"id": lane.id, "name": lane.name} for lane in self.lanes],
            "stages": [stage.data() for stage in self.stages],
        }
        return in_model_order(JourneyMap, data)
