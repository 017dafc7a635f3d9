"""Two versions of a site's maps -> what changed, by meaning rather than by line.

Items are matched across versions by their ids; items without an id by their name (their
text for pain points and opportunities), first in the same stage, then anywhere in the map
(which is how a touchpoint moved between stages is recognised). Both versions are loaded by
the real loader (catalog.load_project), so each side is exactly what `cjm validate` and the
site see: a revision is written to a temporary folder first (`load_revision`).

`cjm diff` prints the result (diffreport.py); the site's "What changed" page shows the same
changes for the last commits (changes.py).
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .catalog import Project, load_project
from .history import Repository, is_map_path, read_blobs, tree
from .links import LinkIndex
from .load import LoadedMap
from .slugs import slugify


@dataclass(frozen=True)
class Change:
    """One change of meaning. `kind` says what changed (see KINDS); `subject` is the name of
    the thing (a stage, touchpoint, pain point...), `stage` the stage it is in."""

    kind: str
    persona: str  # persona id
    persona_name: str
    file: str  # the map file, as messages name it
    subject: str = ""
    stage: str = ""
    before: Any = None
    after: Any = None
    severity: str | None = None  # of a pain point
    direction: str | None = None  # "better" | "worse" | None (not judged)
    unit: str | None = None  # of a metric
    by: tuple[str, ...] = ()  # the opportunities that now address a pain point

    def to_json(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()
                if v not in (None, "", ())}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Change":
        return cls(**{**data, "by": tuple(data.get("by", ()))})


# Every kind of change, in the order a map's changes are listed.
KINDS = (
    "persona-added", "persona-removed", "persona-renamed", "owner", "reviewed",
    "stage-added", "stage-removed", "stage-renamed", "stages-reordered",
    "emotion",
    "touchpoint-added", "touchpoint-removed", "touchpoint-renamed", "touchpoint-moved",
    "touchpoint-channel", "touchpoint-owner", "touchpoint-emotion",
    "pain-added", "pain-resolved", "pain-addressed", "pain-unaddressed", "pain-severity",
    "opportunity-added", "opportunity-removed", "opportunity-status", "opportunity-owner",
    "metric-added", "metric-removed", "metric-value", "metric-target",
)


@dataclass(frozen=True)
class FindingChange:
    """A rule finding that a change introduced or fixed."""

    rule: str
    level: str
    file: str
    line: int  # in the version that has it
    column: int
    message: str


@dataclass
class MapDiff:
    changes: list[Change] = field(default_factory=list)
    introduced: list[FindingChange] = field(default_factory=list)
    fixed: list[FindingChange] = field(default_factory=list)
    # Maps that could not be compared: (side label, the first message about the file).
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.introduced or self.fixed or self.unreadable)


@dataclass
class Side:
    """One version of the maps: the project, what to call it, and its maps folder."""

    project: Project
    label: str
    folder: Path

    def relative(self, path: Path) -> str:
        """A map's path inside the maps folder: the same file on both sides has the same."""
        try:
            return Path(path).resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return Path(path).name

    def unreadable(self) -> dict[str, str]:
        """{path inside the maps folder: its first error} for each map that did not load."""
        loaded = {m.source.display for m in self.project.maps}
        errors = [d for d in self.project.errors if d.rule is None]
        found: dict[str, str] = {}
        for source in self.project.files:
            if source.display not in loaded:
                first = next((d for d in errors if d.file == source.display), None)
                found[self.relative(source.path)] = str(first) if first else source.display
        return found


def compare(old: Side, new: Side) -> MapDiff:
    """`diff_projects`, leaving out the maps that are broken on either side: a map that does
    not load would otherwise look removed (or added)."""
    old_broken, new_broken = old.unreadable(), new.unreadable()
    skip = set(old_broken) | set(new_broken)

    def kept(side: Side) -> Project:
        project = Project(maps=[m for m in side.project.maps if side.relative(m.source.path) not in skip],
                          research=side.project.research, rules=side.project.rules,
                          today=side.project.today)
        ids = {m.id for m in project.maps}
        project.findings = [f for f in side.project.findings
                            if f.persona_id is None or f.persona_id in ids]
        return project

    result = diff_projects(kept(old), kept(new))
    result.unreadable = [(old.label, m) for m in old_broken.values()] + \
                        [(new.label, m) for m in new_broken.values()]
    return result


# -- loading a version ---------------------------------------------------------------------


def load_revision(repository: Repository, commit: str, folder: Path,
                  only: Iterable[str] | None = None) -> Project:
    """The maps under `folder` as they are at `commit`, loaded like the work tree's.

    They are written to a temporary folder that mirrors the repository (so messages name
    `maps/x.yml` as for the work tree) and removed once loaded. `only`: paths (relative to the
    top) of the map files to load, besides the `_` files; default every file."""
    files = tree(repository, commit, folder)
    wanted = set(only) if only is not None else None
    chosen = {path: blob for path, blob in files.items() if is_map_path(path) and (
        wanted is None or path in wanted or Path(path).name.startswith("_"))}
    blobs = read_blobs(repository, list(chosen.values()))
    with tempfile.TemporaryDirectory(prefix="cjm-revision-") as temporary:
        root = Path(temporary)
        for path, blob in chosen.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blobs.get(blob, b""))
        maps = root / repository.relative(folder)
        maps.mkdir(parents=True, exist_ok=True)
        return load_project([maps], base=root)


# -- matching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    stage_id: str
    stage_name: str
    item: Any
    id: str | None
    name: str


def _entries(loaded: LoadedMap, field_name: str, name: Callable[[Any], str]) -> list[_Entry]:
    return [_Entry(stage.id, stage.name, item, getattr(item, "id", None), name(item))
            for stage in loaded.map.stages for item in getattr(stage, field_name)]


def _match(old: list[_Entry], new: list[_Entry]) -> tuple[list[tuple[_Entry, _Entry]], list[_Entry], list[_Entry]]:
    """(pairs, removed, added): by id, then by name in the same stage, then by name anywhere
    in the map (a move between stages)."""
    pairs: list[tuple[_Entry, _Entry]] = []
    old_left, new_left = list(old), list(new)

    def take(key: Callable[[_Entry], Any]) -> None:
        waiting: dict[Any, list[_Entry]] = {}
        for entry in new_left:
            k = key(entry)
            if k is not None:
                waiting.setdefault(k, []).append(entry)
        for entry in list(old_left):
            k = key(entry)
            if k is not None and waiting.get(k):
                partner = waiting[k].pop(0)
                pairs.append((entry, partner))
                old_left.remove(entry)
                new_left.remove(partner)

    take(lambda e: ("id", e.id) if e.id else None)
    take(lambda e: ("name", e.stage_id, _norm(e.name)) if not e.id else None)
    take(lambda e: ("name", _norm(e.name)) if not e.id else None)
    # An id added to (or removed from) an item that kept its name.
    take(lambda e: ("name", e.stage_id, _norm(e.name)))
    return pairs, old_left, new_left


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


# -- comparing -----------------------------------------------------------------------------


def diff_projects(old: Project, new: Project) -> MapDiff:
    """Every change from `old` to `new`: personas by id, then each map's stages and items;
    and the rule findings one has and the other has not."""
    result = MapDiff()
    old_links = LinkIndex(old.maps, old.research)
    new_links = LinkIndex(new.maps, new.research)
    old_maps = {m.id: m for m in old.maps}
    new_maps = {m.id: m for m in new.maps}
    for pid in sorted(set(old_maps) | set(new_maps)):
        before, after = old_maps.get(pid), new_maps.get(pid)
        if before is None:
            result.changes.append(_persona_change("persona-added", after, after=len(after.map.stages)))
        elif after is None:
            result.changes.append(_persona_change("persona-removed", before))
        else:
            result.changes += _MapComparison(before, after, old_links, new_links).changes()
    result.introduced, result.fixed = _findings(old, new)
    return result


def _persona_change(kind: str, loaded: LoadedMap, **values: Any) -> Change:
    return Change(kind, loaded.id, loaded.map.persona.name, loaded.source.display,
                  subject=loaded.map.persona.name, **values)


def _direction(before: float | None, after: float | None, better: str | None) -> str | None:
    if before is None or after is None or before == after or better not in ("higher", "lower"):
        return None
    up = after > before
    return "better" if up == (better == "higher") else "worse"


class _MapComparison:
    def __init__(self, old: LoadedMap, new: LoadedMap, old_links: LinkIndex, new_links: LinkIndex):
        self.old, self.new = old, new
        self.old_links, self.new_links = old_links, new_links
        self.found: list[Change] = []

    def add(self, kind: str, subject: str = "", stage: str = "", **values: Any) -> None:
        self.found.append(Change(kind, self.new.id, self.new.map.persona.name, self.new.source.display,
                                 subject=subject, stage=stage, **values))

    def changes(self) -> list[Change]:
        old, new = self.old.map, self.new.map
        if old.persona.name != new.persona.name:
            self.add("persona-renamed", new.persona.name, before=old.persona.name, after=new.persona.name)
        if (old.owner or None) != (new.owner or None):
            self.add("owner", before=old.owner, after=new.owner)
        if (old.reviewed or None) != (new.reviewed or None):
            self.add("reviewed", before=old.reviewed, after=new.reviewed)
        self._stages()
        self._touchpoints()
        self._pains()
        self._opportunities()
        self._metrics()
        order = {kind: rank for rank, kind in enumerate(KINDS)}
        stages: dict[str, int] = {}
        for n, stage in enumerate(new.stages):
            stages.setdefault(stage.name, n)

        def key(change: Change) -> tuple:
            place = stages.get(change.stage, len(stages))  # a removed stage's items: last
            if change.kind in _MAP_KINDS:  # the map's own changes first
                return (0, order[change.kind], place)
            return (1, place, order[change.kind])

        return sorted(self.found, key=key)

    def _stages(self) -> None:
        old = {s.id: s for s in self.old.map.stages}
        new = {s.id: s for s in self.new.map.stages}
        removed = [s for s in self.old.map.stages if s.id not in new]
        added = [s for s in self.new.map.stages if s.id not in old]
        renamed: dict[str, str] = {}  # new id -> old id
        # A stage without an id takes its id from its name, so renaming it changes its id:
        # one stage gone and one come at the same place, neither with its own id, is a rename.
        if len(removed) == 1 == len(added):
            before, after = removed[0], added[0]
            if before.id == slugify(before.name) and after.id == slugify(after.name) and \
                    self.old.map.stages.index(before) == self.new.map.stages.index(after):
                renamed[after.id] = before.id
                removed, added = [], []
        for stage in added:
            self.add("stage-added", stage.name, stage.name, after=stage.emotion)
        for stage in removed:
            self.add("stage-removed", stage.name, before=stage.emotion)
        self.pairs = [(old[i], new[i]) for i in new if i in old] + \
                     [(old[o], new[n]) for n, o in renamed.items()]
        for before, after in self.pairs:
            if before.name != after.name:
                self.add("stage-renamed", after.name, before=before.name, after=after.name)
            if before.emotion != after.emotion:
                self.add("emotion", after.name, after.name, before=before.emotion, after=after.emotion,
                         direction=_direction(before.emotion, after.emotion, "higher"))
        kept_old = [s.id for s in self.old.map.stages if s.id in new or s.id in renamed.values()]
        kept_new = [renamed.get(s.id, s.id) for s in self.new.map.stages
                    if s.id in old or s.id in renamed]
        if kept_old != kept_new:
            names = {s.id: s.name for s in self.new.map.stages}
            inverse = {o: n for n, o in renamed.items()}
            self.add("stages-reordered", before=[names[inverse.get(i, i)] for i in kept_old],
                     after=[names[inverse.get(i, i)] for i in kept_new])
        self.stage_ids = {**{i: i for i in new}, **{o: n for n, o in renamed.items()}}

    def _moved(self, before: _Entry, after: _Entry) -> bool:
        return self.stage_ids.get(before.stage_id) != after.stage_id

    def _stage_now(self, entry: _Entry) -> str:
        """The name of a removed item's stage: as it is called now, if it is still there."""
        now = self.stage_ids.get(entry.stage_id)
        return next((s.name for s in self.new.map.stages if s.id == now), entry.stage_name)

    def _touchpoints(self) -> None:
        pairs, removed, added = _match(_entries(self.old, "touchpoints", lambda t: t.name),
                                       _entries(self.new, "touchpoints", lambda t: t.name))
        for entry in added:
            self.add("touchpoint-added", entry.name, entry.stage_name,
                     after=entry.item.channel)
        for entry in removed:
            self.add("touchpoint-removed", entry.name, self._stage_now(entry))
        for before, after in pairs:
            old, new, stage = before.item, after.item, after.stage_name
            if old.name != new.name:
                self.add("touchpoint-renamed", new.name, stage, before=old.name, after=new.name)
            if self._moved(before, after):
                self.add("touchpoint-moved", new.name, stage, before=before.stage_name, after=stage)
            if (old.channel or None) != (new.channel or None):
                self.add("touchpoint-channel", new.name, stage, before=old.channel, after=new.channel)
            if (old.owner or None) != (new.owner or None):
                self.add("touchpoint-owner", new.name, stage, before=old.owner, after=new.owner)
            if old.emotion != new.emotion:
                self.add("touchpoint-emotion", new.name, stage, before=old.emotion, after=new.emotion,
                         direction=_direction(old.emotion, new.emotion, "higher"))

    def _pains(self) -> None:
        pairs, removed, added = _match(_entries(self.old, "pain_points", lambda p: p.text),
                                       _entries(self.new, "pain_points", lambda p: p.text))
        for entry in added:
            self.add("pain-added", entry.name, entry.stage_name, severity=entry.item.severity)
        for entry in removed:
            self.add("pain-resolved", entry.name, self._stage_now(entry), severity=entry.item.severity)
        for before, after in pairs:
            old, new, stage = before.item, after.item, after.stage_name
            was = self.old_links.addressed_by(old)
            now = self.new_links.addressed_by(new)
            if now and not was:
                self.add("pain-addressed", new.text, stage, severity=new.severity,
                         by=tuple(o.item.text for o in now))
            elif was and not now:
                self.add("pain-unaddressed", new.text, stage, severity=new.severity)
            if old.severity != new.severity:
                self.add("pain-severity", new.text, stage, before=old.severity, after=new.severity,
                         severity=new.severity)

    def _opportunities(self) -> None:
        pairs, removed, added = _match(_entries(self.old, "opportunities", lambda o: o.text),
                                       _entries(self.new, "opportunities", lambda o: o.text))
        for entry in added:
            self.add("opportunity-added", entry.name, entry.stage_name,
                     after=entry.item.status, before=entry.item.owner)
        for entry in removed:
            self.add("opportunity-removed", entry.name, self._stage_now(entry), before=entry.item.status)
        for before, after in pairs:
            old, new, stage = before.item, after.item, after.stage_name
            if (old.status or None) != (new.status or None):
                self.add("opportunity-status", new.text, stage, before=old.status, after=new.status)
            if (old.owner or None) != (new.owner or None):
                self.add("opportunity-owner", new.text, stage, before=old.owner, after=new.owner)

    def _metrics(self) -> None:
        pairs, removed, added = _match(_entries(self.old, "metrics", lambda m: m.name),
                                       _entries(self.new, "metrics", lambda m: m.name))
        for entry in added:
            self.add("metric-added", entry.name, entry.stage_name, after=entry.item.value,
                     unit=entry.item.unit)
        for entry in removed:
            self.add("metric-removed", entry.name, self._stage_now(entry), before=entry.item.value,
                     unit=entry.item.unit)
        for before, after in pairs:
            old, new, stage = before.item, after.item, after.stage_name
            if old.value != new.value:
                self.add("metric-value", new.name, stage, before=old.value, after=new.value,
                         unit=new.unit, direction=_direction(old.value, new.value, new.better))
            if old.target != new.target:
                self.add("metric-target", new.name, stage, before=old.target, after=new.target,
                         unit=new.unit)


# Changes about the whole map: listed first, whatever stage they name.
_MAP_KINDS = {"persona-renamed", "owner", "reviewed", "stage-added", "stage-removed",
              "stage-renamed", "stages-reordered"}


def _findings(old: Project, new: Project) -> tuple[list[FindingChange], list[FindingChange]]:
    """Rule findings in `new` and not in `old` (introduced), and the other way (fixed).
    Findings are the same when rule, map and message are: line numbers move with every edit
    above them."""
    def index(project: Project) -> dict[tuple[str, str, str], FindingChange]:
        found: dict[tuple[str, str, str], FindingChange] = {}
        for finding in project.findings:
            d = finding.diagnostic
            # The same map may be in another folder on the other side (`cjm diff old/ new/`).
            where = finding.persona_id or Path(d.file).name
            found.setdefault((d.rule or "", where, d.message),
                             FindingChange(d.rule or "", d.severity, d.file, d.line, d.column, d.message))
        return found

    before, after = index(old), index(new)
    return ([v for k, v in after.items() if k not in before],
            [v for k, v in before.items() if k not in after])
