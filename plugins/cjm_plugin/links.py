"""Links between the items of all maps: which opportunity addresses which pain point, and
which evidence backs what.

`LinkIndex` resolves every reference once, for the pages; `check_links` reports the
references that do not resolve, and the ids that must be unique but are not, each at the
file, line and column where it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .diagnostics import Diagnostic
from .load import LoadedMap, _suggest, load_map
from .model import SEVERITY_ORDER, Evidence, Metric, Opportunity, PainPoint, Stage, Touchpoint, _short
from .research import LoadedResearch
from .slugs import slugify

Path = tuple[str | int, ...]


@dataclass(frozen=True, eq=False)  # equal when the same: comparing maps field by field is slow
class Placed:
    """An item of a map with the map and stage it belongs to, and where it was written."""

    map: LoadedMap
    stage: Stage
    item: Any  # Stage (its emotion), PainPoint, Opportunity or Metric
    kind: str  # "stage" | "pain" | "opportunity" | "metric"
    path: Path  # ("stages", 2, "pain_points", 0)

    @property
    def reference(self) -> str:
        """`persona-id/item-id`: how exports and other maps name it."""
        return f"{self.map.id}/{self.item.id}" if getattr(self.item, "id", None) else ""


def confidence(item: Stage | PainPoint) -> str | None:
    """`observed` or `assumed`: as written, else observed when evidence is cited. A stage
    without an emotion has nothing to be sure of (None)."""
    if item.confidence:
        return item.confidence
    if isinstance(item, Stage) and item.emotion is None and not item.evidence:
        return None
    return "observed" if item.evidence else "assumed"


def split_reference(reference: str, persona_id: str) -> tuple[str, str]:
    """(persona id, pain id) of an `addresses` entry written in the map `persona_id`."""
    persona, _, pain = reference.rpartition("/")
    return persona or persona_id, pain


class LinkIndex:
    """Every id and reference of a set of maps, resolved."""

    def __init__(self, maps: Iterable[LoadedMap], research: LoadedResearch | None = None):
        self.maps = {loaded.id: loaded for loaded in maps}
        self.evidence: dict[str, Evidence] = {}
        if research is not None:
            for evidence in research.research.evidence:
                self.evidence.setdefault(evidence.id, evidence)
        self.pains: dict[tuple[str, str], Placed] = {}
        self.opportunities: dict[tuple[str, str], Placed] = {}
        self.touchpoints: dict[tuple[str, str], tuple[Stage, Touchpoint]] = {}
        self.placed: list[Placed] = []  # every pain point and opportunity, in map order
        self.by_map: dict[str, list[Placed]] = {}  # the same, per persona id
        self.citations: dict[str, list[Placed]] = {}
        # By id() of the item: templates hold the items, and the index holds them alive.
        self._addresses: dict[int, list[Placed]] = {}
        self._addressed_by: dict[int, list[Placed]] = {}
        self._place: dict[int, Placed] = {}
        for loaded in self.maps.values():
            self._add(loaded)
        for placed in self.placed:
            if placed.kind == "opportunity":
                self._link(placed)

    def _add(self, loaded: LoadedMap) -> None:
        pid = loaded.id
        for s, stage in enumerate(loaded.map.stages):
            base: Path = ("stages", s)
            self._cite(Placed(loaded, stage, stage, "stage", base))
            for t, touchpoint in enumerate(stage.touchpoints):
                if touchpoint.id:
                    self.touchpoints.setdefault((pid, touchpoint.id), (stage, touchpoint))
            for kind, field, items in (("pain", "pain_points", stage.pain_points),
                                       ("opportunity", "opportunities", stage.opportunities),
                                       ("metric", "metrics", stage.metrics)):
                for i, item in enumerate(items):
                    placed = Placed(loaded, stage, item, kind, base + (field, i))
                    self._place[id(item)] = placed
                    if kind == "metric":
                        self._cite(placed)
                        continue
                    self.placed.append(placed)
                    self.by_map.setdefault(pid, []).append(placed)
                    table = self.pains if kind == "pain" else self.opportunities
                    if item.id:
                        table.setdefault((pid, item.id), placed)
                    if kind == "pain":
                        self._cite(placed)

    def _cite(self, placed: Placed) -> None:
        for evidence_id in dict.fromkeys(placed.item.evidence):
            self.citations.setdefault(evidence_id, []).append(placed)

    def _link(self, opportunity: Placed) -> None:
        found = self._addresses.setdefault(id(opportunity.item), [])
        for reference in dict.fromkeys(opportunity.item.addresses):
            pain = self.pains.get(split_reference(reference, opportunity.map.id))
            if pain is not None and pain not in found:
                found.append(pain)
                self._addressed_by.setdefault(id(pain.item), []).append(opportunity)

    # -- what pages ask ------------------------------------------------------------------

    def place(self, item: PainPoint | Opportunity | Metric) -> Placed | None:
        return self._place.get(id(item))

    def addresses(self, opportunity: Opportunity) -> list[Placed]:
        """The pain points an opportunity addresses (those that resolve), as written."""
        return self._addresses.get(id(opportunity), [])

    def addressed_by(self, pain: PainPoint) -> list[Placed]:
        """The opportunities that address a pain point, in map and stage order."""
        return self._addressed_by.get(id(pain), [])

    def evidence_of(self, item: Stage | PainPoint | Metric) -> list[tuple[str, Evidence | None]]:
        """(id, the evidence or None when it is not declared) for each id an item cites."""
        return [(eid, self.evidence.get(eid)) for eid in dict.fromkeys(item.evidence)]

    def uses_links(self, persona_id: str) -> bool:
        """Whether a map's pages show "addresses" and "addressed by": it links opportunities
        to pain points, or another map addresses its pain points."""
        return any(p.item.addresses if p.kind == "opportunity" else self.addressed_by(p.item)
                   for p in self.by_map.get(persona_id, []))

    def worst_severity(self, opportunity: Opportunity) -> str | None:
        severities = [p.item.severity for p in self.addresses(opportunity)]
        return min(severities, key=SEVERITY_ORDER.__getitem__, default=None)

    def external_key(self, persona_id: str) -> list:
        """What the pages of one map show from other maps (the opportunities of other maps that
        address its pain points, and the pain points of other maps its opportunities address):
        part of the key that tells site.py when to make those pages again."""
        shown: list = []
        for placed in self.by_map.get(persona_id, []):
            linked = (self.addressed_by(placed.item) if placed.kind == "pain"
                      else self.addresses(placed.item))
            shown += [(other.map.id, other.map.map.persona.name, other.stage.id, other.stage.name,
                       other.item.model_dump(mode="json"))
                      for other in linked if other.map.id != persona_id]
        return shown


# -- checks ---------------------------------------------------------------------------------


class _Located:
    """Maps with their positions: a map remembered by the model cache has none, and is read
    again only when one of its references needs a message."""

    def __init__(self) -> None:
        self._done: dict[str, LoadedMap] = {}

    def __call__(self, loaded: LoadedMap) -> LoadedMap:
        if loaded.positions.values:
            return loaded
        if loaded.source.display not in self._done:
            self._done[loaded.source.display] = load_map(loaded.source)[0] or loaded
        return self._done[loaded.source.display]


def _ids(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "none"


def check_links(maps: list[LoadedMap], research: LoadedResearch | None, research_file: str,
                research_broken: bool = False, complete: bool = True,
                unreadable: frozenset[str] | set[str] = frozenset()) -> list[Diagnostic]:
    """Every message about ids and references across `maps` and the research file.

    `research` is None when there is no research file (`research_file` names where it would
    be), or when it has errors of its own (`research_broken`: nothing is checked against it
    then). `complete`: every map of the folder was loaded; otherwise a reference to a map
    that was not loaded is no error, and no evidence is reported as uncited. `unreadable`:
    file names (without `.yml`) of maps that failed to load, whose ids cannot be checked."""
    index = LinkIndex(maps, research)
    located = _Located()
    found: list[Diagnostic] = []
    for loaded in maps:
        found += _unique_ids(loaded, located)
        message = _compares_message(loaded, index, complete, unreadable)
        if message:
            found.append(located(loaded).at(("compares_to",), message))
        if not research_broken:
            for placed in _cites(loaded):
                found += _check_evidence(placed, index, located, research, research_file)
        for s, stage in enumerate(loaded.map.stages):
            for i, pain in enumerate(stage.pain_points):
                if pain.touchpoint and (loaded.id, pain.touchpoint) not in index.touchpoints:
                    path = ("stages", s, "pain_points", i, "touchpoint")
                    found.append(located(loaded).at(path, _touchpoint_message(loaded, pain.touchpoint)))
            for i, opportunity in enumerate(stage.opportunities):
                for k, reference in enumerate(opportunity.addresses):
                    message = _address_message(loaded, reference, index, complete, unreadable)
                    if message:
                        path = ("stages", s, "opportunities", i, "addresses", k)
                        found.append(located(loaded).at(path, message))
    if research is not None and complete:
        for e, evidence in enumerate(research.research.evidence):
            if evidence.id not in index.citations:
                found.append(research.at(("evidence", e, "id"),
                    f"evidence `{evidence.id}` is cited by no map; cite it with"
                    f" `evidence: [{evidence.id}]` on a stage, pain point or metric, or remove it",
                    severity="warning"))
    return found


def _cites(loaded: LoadedMap) -> Iterable[Placed]:
    for s, stage in enumerate(loaded.map.stages):
        yield Placed(loaded, stage, stage, "stage", ("stages", s))
        for i, pain in enumerate(stage.pain_points):
            yield Placed(loaded, stage, pain, "pain", ("stages", s, "pain_points", i))
        for i, metric in enumerate(stage.metrics):
            yield Placed(loaded, stage, metric, "metric", ("stages", s, "metrics", i))


def _check_evidence(placed: Placed, index: LinkIndex, located: _Located,
                    research: LoadedResearch | None, research_file: str) -> list[Diagnostic]:
    found = []
    for k, evidence_id in enumerate(placed.item.evidence):
        if evidence_id in index.evidence:
            continue
        if research is None:
            message = (f"evidence `{evidence_id}` is cited, but there is no {research_file};"
                       f" create it and describe the source there (`evidence: [{{id: {evidence_id},"
                       " kind: interview, title: ...}]`)")
        else:
            message = (f"evidence `{evidence_id}` is not in {research_file}"
                       f"{_suggest(evidence_id, list(index.evidence))}; add it there or correct"
                       " the id")
        found.append(located(placed.map).at(placed.path + ("evidence", k), message))
    return found


def _touchpoint_message(loaded: LoadedMap, reference: str) -> str:
    ids = list(dict.fromkeys(t.id for s in loaded.map.stages for t in s.touchpoints if t.id))
    unnamed = next((t for s in loaded.map.stages for t in s.touchpoints
                    if not t.id and slugify(t.name) == reference), None)
    if unnamed is not None:
        return (f"touchpoint `{reference}` is not a touchpoint id of this map; give the"
                f" touchpoint `{_short(unnamed.name)}` the line `id: {reference}`")
    return (f"touchpoint `{reference}` is not a touchpoint id of this map"
            f"{_suggest(reference, ids) or f'; touchpoint ids of this map: {_ids(ids)}'}")


def _compares_message(loaded: LoadedMap, index: LinkIndex, complete: bool,
                      unreadable: set[str] | frozenset[str]) -> str | None:
    """`compares_to` names another map: its current (or other) state."""
    other = loaded.map.compares_to
    if other is None or (other in index.maps and other != loaded.id):
        return None
    if other == loaded.id:
        return (f"`compares_to: {other}` names this map itself; name the map this one is a"
                " variant of (for a future-state map, its current-state map)")
    if other in unreadable or not complete:
        return None  # that map has errors of its own, or was not part of this run
    others = [pid for pid in index.maps if pid != loaded.id]
    return (f"`compares_to: {other}` is not a map{_suggest(other, others)}; write the persona id"
            f" of the map this one is a variant of (maps: {_ids(others)})")


def _address_message(loaded: LoadedMap, reference: str, index: LinkIndex, complete: bool,
                     unreadable: set[str]) -> str | None:
    persona_id, pain_id = split_reference(reference, loaded.id)
    if (persona_id, pain_id) in index.pains:
        return None
    target = index.maps.get(persona_id)
    if target is None:
        if persona_id in unreadable or not complete:
            return None  # that map has errors of its own, or was not part of this run
        return (f"persona `{persona_id}` in `{reference}` is not a map"
                f"{_suggest(persona_id, list(index.maps))}; write `persona-id/pain-id` with the"
                f" id of another map (maps: {_ids(index.maps)})")
    ids = list(dict.fromkeys(p.id for s in target.map.stages for p in s.pain_points if p.id))
    where = "this map" if target is loaded else f"{persona_id} ({target.source.display})"
    if not ids:
        return (f"pain point `{pain_id}` is not a pain point id of {where}: none of its pain"
                f" points has an `id`; add `id: {pain_id}` to the one you mean")
    hint = ""
    if "/" not in reference:
        elsewhere = [f"{pid}/{pain}" for pid, pain in index.pains if pain == pain_id]
        hint = (f" (did you mean `{elsewhere[0]}`?)" if elsewhere and not _suggest(pain_id, ids)
                else "") + "; for a pain point of another map write `persona-id/pain-id`"
    suggestion = _suggest(pain_id, ids) or ("" if hint.startswith(" (") else f" (ids there: {_ids(ids)})")
    return f"pain point `{pain_id}` is not a pain point id of {where}{suggestion}{hint}"


def _unique_ids(loaded: LoadedMap, located: _Located) -> list[Diagnostic]:
    """Touchpoint, pain point and opportunity ids once per map: links and exports name them."""
    found: list[Diagnostic] = []
    for field, word in (("touchpoints", "touchpoint"), ("pain_points", "pain point"),
                        ("opportunities", "opportunity")):
        first: dict[str, Path] = {}
        for s, stage in enumerate(loaded.map.stages):
            for i, item in enumerate(getattr(stage, field)):
                if not item.id:
                    continue
                path = ("stages", s, field, i, "id")
                if item.id in first:
                    at = located(loaded)
                    line = at.positions.of_value(first[item.id])[0]
                    found.append(at.at(path, f"{word} id `{item.id}` is used twice in this map"
                                             f" (first at line {line}); give each {word} its own id"))
                else:
                    first[item.id] = path
    return found
