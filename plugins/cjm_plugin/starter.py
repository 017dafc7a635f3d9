"""The starter files `cjm new` and `cjm init` write: every section present, valid as written."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .model import Vocabulary
from .slugs import derive_id

MAP_SCHEMA = "map.schema.json"
VOCABULARY_SCHEMA = "vocabulary.schema.json"
SCHEMA_FOLDER = "schema"  # beside the maps folder, as `cjm init` lays a project out

_DEFAULT_STAGES = [
    ("awareness", "Awareness", "Make the persona aware of what we offer."),
    ("consideration", "Consideration", "Help them compare us with the alternatives."),
    ("decision", "Decision", "Make choosing us easy."),
    ("purchase", "Purchase", "Make buying smooth."),
    ("retention", "Retention", "Keep them happy after the purchase."),
    ("advocacy", "Advocacy", "Turn them into people who recommend us."),
]


# A few common channels for a new vocabulary; teams rename and add their own.
_DEFAULT_CHANNELS = [
    ("web", "Website", "Our site, landing pages, help centre and online shop."),
    ("email", "Email", ""),
    ("social", "Social media", "Posts, ads, messages and communities on social platforms."),
    ("advertising", "Advertising", "Paid media, online and offline."),
    ("phone", "Phone", "Calls with sales or support."),
    ("in-person", "In person", "Shops, branches, events and visits."),
    ("word-of-mouth", "Word of mouth", "Recommendations between people, outside our control."),
]


def find_schema(maps_folder: Path, name: str = MAP_SCHEMA) -> Path | None:
    """The project's copy of a JSON Schema for the files in `maps_folder`: in `schema/` of
    the folder above it, or of a folder further up to the project's top (the first folder
    with mkdocs.yml or .git)."""
    above = maps_folder.resolve().parents
    tops = [i for i, folder in enumerate(above) if any(
        (folder / marker).exists() for marker in ("mkdocs.yml", "mkdocs.yaml", ".git"))]
    for folder in above[: tops[0] + 1 if tops else 1]:
        if (folder / SCHEMA_FOLDER / name).is_file():
            return folder / SCHEMA_FOLDER / name
    return None


def modeline(schema: Path, written_in: Path) -> str:
    """The comment that points YAML editors (the YAML language server: VS Code, JetBrains,
    Neovim...) at `schema`, as a path relative to the file in folder `written_in`."""
    relative = Path(os.path.relpath(schema.resolve(), written_in.resolve())).as_posix()
    return f"# yaml-language-server: $schema={relative}"


def schema_line(maps_folder: Path, name: str = MAP_SCHEMA) -> str | None:
    """The `$schema` line for a file written into `maps_folder`, or None when the project
    has no copy of the schema: a line pointing at no file would silently do nothing."""
    schema = find_schema(maps_folder, name)
    return modeline(schema, maps_folder) if schema else None


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def starter_map(
    name: str, vocabulary: Vocabulary | None = None, schema_line: str | None = None
) -> tuple[str, str]:
    """(file name, YAML text) for a new persona called `name`; `schema_line` is the first
    line (see `modeline`), left out when the project has no schema to point at."""
    persona_id = derive_id(name, "persona")  # short enough for a file name, whatever the name
    if vocabulary and vocabulary.stages:
        stages = [(s.id, s.name, s.objective or "") for s in vocabulary.stages]
    else:
        stages = _DEFAULT_STAGES
    channel = vocabulary.channels[0].id if vocabulary and vocabulary.channels else "web"
    lines = [schema_line] if schema_line else []
    lines += [
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


def starter_vocabulary(schema_line: str | None = None) -> str:
    """`_vocabulary.yml` for a new project: the six stages of the classic customer journey
    and a few channels."""
    lines = [schema_line] if schema_line else []
    lines += [
        "# Shared terms for every map in this folder. Maps may skip stages but must keep",
        "# this order, and every touchpoint channel must be one of the ids below.",
        "# Rename, add or remove stages and channels to match how your team works.",
        "stages:",
    ]
    for stage_id, stage_name, objective in _DEFAULT_STAGES:
        lines += [f"  - id: {stage_id}", f"    name: {_quoted(stage_name)}",
                  f"    objective: {_quoted(objective)}"]
    lines.append("channels:")
    for channel_id, channel_name, description in _DEFAULT_CHANNELS:
        lines += [f"  - id: {channel_id}", f"    name: {_quoted(channel_name)}"]
        if description:
            lines.append(f"    description: {_quoted(description)}")
    return "\n".join(lines) + "\n"
