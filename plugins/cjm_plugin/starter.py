"""The starter map written by `cjm new`: every section present, valid as written."""

from __future__ import annotations

import json

from .model import Vocabulary
from .slugs import derive_id

SCHEMA_MODELINE = "# yaml-language-server: $schema=../schema/map.schema.json"

_DEFAULT_STAGES = [
    ("awareness", "Awareness", "Make the persona aware of what we offer."),
    ("consideration", "Consideration", "Help them compare us with the alternatives."),
    ("decision", "Decision", "Make choosing us easy."),
    ("purchase", "Purchase", "Make buying smooth."),
    ("retention", "Retention", "Keep them happy after the purchase."),
    ("advocacy", "Advocacy", "Turn them into people who recommend us."),
]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def starter_map(name: str, vocabulary: Vocabulary | None = None) -> tuple[str, str]:
    """(file name, YAML text) for a new persona called `name`."""
    persona_id = derive_id(name, "persona")  # short enough for a file name, whatever the name
    if vocabulary and vocabulary.stages:
        stages = [(s.id, s.name, s.objective or "") for s in vocabulary.stages]
    else:
        stages = _DEFAULT_STAGES
    channel = vocabulary.channels[0].id if vocabulary and vocabulary.channels else "web"
    lines = [
        SCHEMA_MODELINE,
        "persona:",
        f"  name: {_quoted(name)}",
        f"  id: {persona_id}",
        "  summary: Who they are, in a sentence or two.",
        '  quote: "Something they would say."',
        "  profile: {}",
        "  goals: []",
        "  frustrations: []",
        "scenario: The situation this journey covers, and what they expect.",
        "state: current",
        "stages:",
    ]
    for stage_id, stage_name, objective in stages:
        lines += [
            f"  - id: {stage_id}",
            f"    name: {_quoted(stage_name)}",
            f"    objective: {_quoted(objective)}",
            "    emotion: 0",
            "    actions: []",
            "    touchpoints:",
            f"      - name: {_quoted('First touchpoint at ' + stage_name)}",
            f"        channel: {channel}",
            "    pain_points: []",
            "    opportunities: []",
        ]
    return f"{persona_id}.yml", "\n".join(lines) + "\n"
