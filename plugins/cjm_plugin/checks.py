"""Checks that need a whole map, or the shared vocabulary, rather than one value."""

from __future__ import annotations

from .diagnostics import Diagnostic
from .labels import LANGUAGES, has_words, suggest_language
from .load import LoadedMap, _suggest
from .model import Vocabulary, _short
from .urls import RESERVED_PERSONA_IDS, RESERVED_STAGE_IDS


def _stage_id_path(loaded: LoadedMap, index: int) -> tuple[tuple[str | int, ...], bool]:
    """Where a stage's id was written, or its name when the id was derived from it."""
    if ("stages", index, "id") in loaded.positions.keys:
        return ("stages", index, "id"), False
    return ("stages", index, "name"), False


def check_map(loaded: LoadedMap, vocabulary: Vocabulary | None, vocabulary_file: str,
              languages: list[str] | tuple[str, ...] = LANGUAGES) -> list[Diagnostic]:
    """`languages`: those with label files (the shipped ones and the team's, labels.py)."""
    journey = loaded.map
    found: list[Diagnostic] = []

    lang = getattr(journey, "lang", None)
    if lang and not has_words(lang, languages):
        near = suggest_language(lang, languages)
        hint = f" (did you mean `{near}`?)" if near else ""
        found.append(loaded.at(("lang",),
            f"`lang: {lang}`: cjm has no words in this language, so the map's pages show English"
            f" ones{hint}; use one of {', '.join(languages)}, or add `{lang}.yml` to the site's"
            " `labels_dir` (docs/languages.md)", severity="warning"))

    lane_lines: dict[str, int] = {}
    for index, lane in enumerate(journey.lanes):
        if lane.id in lane_lines:
            found.append(loaded.at(("lanes", index, "id"),
                f"lane id `{lane.id}` is declared twice (first at line {lane_lines[lane.id]});"
                " give each lane its own id"))
        else:
            lane_lines[lane.id] = loaded.positions.of_value(("lanes", index, "id"))[0]

    if loaded.id in RESERVED_PERSONA_IDS:
        key = ("persona", "id") in loaded.positions.keys
        found.append(loaded.at(("persona", "id") if key else ("persona",),
            f"persona id `{loaded.id}` is reserved for a generated page; set another"
            f" `persona.id` (reserved: {', '.join(sorted(RESERVED_PERSONA_IDS))})", key=key))

    stage_lines: dict[str, int] = {}
    for index, stage in enumerate(journey.stages):
        where, _ = _stage_id_path(loaded, index)
        if stage.id in RESERVED_STAGE_IDS:
            found.append(loaded.at(where,
                f"stage id `{stage.id}` is reserved for the persona page; set another `id`"))
        if stage.id in stage_lines:
            found.append(loaded.at(where,
                f"stage id `{stage.id}` is used twice in this map (first at line"
                f" {stage_lines[stage.id]}); give one of them another `id`"))
        else:
            stage_lines[stage.id] = loaded.positions.of_value(where)[0]
        for lane_id in stage.lanes:
            if lane_id not in lane_lines:
                declared = ", ".join(f"`{k}`" for k in lane_lines) or "none"
                # The key is any text the writer typed (newlines, control characters):
                # show it escaped so the message stays on one line.
                found.append(loaded.at(("stages", index, "lanes", lane_id),
                    f"lane `{_short(lane_id)}` is not declared{_suggest(lane_id, list(lane_lines))};"
                    f" declare it under the top-level `lanes:` (declared: {declared})", key=True))

    if vocabulary is not None:
        found.extend(_check_vocabulary(loaded, vocabulary, vocabulary_file))
    return found


def _check_vocabulary(loaded: LoadedMap, vocabulary: Vocabulary, vocabulary_file: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    shared_stages = [stage.id for stage in vocabulary.stages]
    channels = [channel.id for channel in vocabulary.channels]
    for index, stage in enumerate(loaded.map.stages):
        if shared_stages and stage.id not in shared_stages:
            where, _ = _stage_id_path(loaded, index)
            found.append(loaded.at(where,
                f"stage `{stage.id}` is not a shared stage of {vocabulary_file}"
                f"{_suggest(stage.id, shared_stages)}; set `id:` to one of"
                f" {', '.join(shared_stages)}, or add it there"))
        for position, touchpoint in enumerate(stage.touchpoints):
            if channels and touchpoint.channel is not None and touchpoint.channel not in channels:
                found.append(loaded.at(("stages", index, "touchpoints", position, "channel"),
                    f"channel `{_short(touchpoint.channel)}` is not a channel of {vocabulary_file}"
                    f"{_suggest(touchpoint.channel, channels)}; use one of {', '.join(channels)},"
                    " or add it there"))
    order = [shared_stages.index(s.id) for s in loaded.map.stages if s.id in shared_stages]
    if order != sorted(order):
        found.append(loaded.at(("stages",),
            f"stages are not in the order of {vocabulary_file}; cross-persona pages follow"
            " that order, so reorder them here if this journey goes the same way",
            severity="warning"))
    return found


def check_vocabulary(vocabulary: Vocabulary, positions, source) -> list[Diagnostic]:
    """Each shared stage and channel id once."""
    found = []
    for key, items in (("stages", vocabulary.stages), ("channels", vocabulary.channels)):
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            line, column = positions.of_value((key, index, "id"))
            if item.id in seen:
                found.append(source.diagnostic(line, column,
                    f"`{item.id}` is listed twice in `{key}` (first at line {seen[item.id]});"
                    " remove one"))
            seen.setdefault(item.id, line)
    return found
