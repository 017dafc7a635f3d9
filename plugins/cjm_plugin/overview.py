"""What the journeys index and the current/future comparison show, from the maps.

A map names the map it is a variant of with `compares_to` (a future-state map names its
current-state map). Each variant is shown with its base: side by side in the index, and on
both persona pages as two emotion curves overlaid, with the stages whose emotion changed
marked. The charts themselves are drawn by emotion_charts.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .diagrams.dot_source import signed
from .load import LoadedMap

# The end of a sentence: `.`, `!` or `?` before a space or the end, or a CJK full stop.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？]")
FIRST_SENTENCE_LIMIT = 220


def first_sentence(text: str | None) -> str:
    """The summary's first sentence (cut at a word near the limit when it runs on)."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    found = _SENTENCE_END.search(text)
    sentence = text[:found.end()] if found else text
    if len(sentence) > FIRST_SENTENCE_LIMIT:
        cut = sentence[:FIRST_SENTENCE_LIMIT].rsplit(" ", 1)[0]
        sentence = cut.rstrip(",;:") + "…"
    return sentence


def variants(maps: Sequence[LoadedMap]) -> dict[str, list[LoadedMap]]:
    """For each map id, the maps it is compared with: the one it names, then those naming it."""
    by_id = {m.id: m for m in maps}
    found: dict[str, list[LoadedMap]] = {m.id: [] for m in maps}
    for loaded in maps:
        base = by_id.get(loaded.map.compares_to or "")
        if base is not None and base is not loaded:
            found[loaded.id].insert(0, base)
            found[base.id].append(loaded)
    return found


def groups(maps: Sequence[LoadedMap]) -> list[list[LoadedMap]]:
    """The maps in index order: each base map followed by the maps that compare to it."""
    by_id = {m.id: m for m in maps}

    def base_of(loaded: LoadedMap) -> LoadedMap:
        seen = {loaded.id}
        while loaded.map.compares_to in by_id and loaded.map.compares_to not in seen:
            loaded = by_id[loaded.map.compares_to]  # type: ignore[index]
            seen.add(loaded.id)
        return loaded

    grouped: dict[str, list[LoadedMap]] = {}
    for loaded in maps:
        grouped.setdefault(base_of(loaded).id, []).append(loaded)
    result = []
    for base_id, members in grouped.items():
        base = by_id[base_id]
        result.append([base] + [m for m in members if m is not base])
    return result


@dataclass(frozen=True)
class Change:
    stage_id: str
    stage_name: str
    before: int
    after: int

    @property
    def note(self) -> str:
        return f"{signed(self.before)} → {signed(self.after)}"


def changed_stages(base: LoadedMap, variant: LoadedMap) -> list[Change]:
    """Stages both maps have whose emotion differs, in the variant's order."""
    before = {s.id: s for s in base.map.stages}
    changes = []
    for stage in variant.map.stages:
        old = before.get(stage.id)
        if old is not None and old.emotion is not None and stage.emotion is not None \
                and old.emotion != stage.emotion:
            changes.append(Change(stage.id, stage.name, old.emotion, stage.emotion))
    return changes


def ordered_stage_ids(first: Sequence[str], maps: Sequence[LoadedMap]) -> list[str]:
    """The stage ids of `maps` in the site's order `first`, then any other after its predecessor."""
    order = [sid for sid in first if any(s.id == sid for m in maps for s in m.map.stages)]
    for loaded in maps:
        previous = None
        for stage in loaded.map.stages:
            if stage.id not in order:
                order.insert(order.index(previous) + 1 if previous in order else len(order), stage.id)
            previous = stage.id
    return order
