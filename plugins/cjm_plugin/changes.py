"""The "What changed" page's content: the changes by meaning of the last commits that touched
the maps, made by the same diff as `cjm diff` (mapdiff.py).

Each commit is compared with its first parent (a merged branch is one change), loading only
the maps it changed and the maps they link to. The result of each commit is kept in the
plugin's cache by commit id: a commit never changes, so a warm build runs no diff at all.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .catalog import code_version, load_project
from .history import Commit, GitError, Repository, commits, is_map_path, read_blobs
from .links import split_reference
from .mapdiff import Change, Side, compare
from .store import write_atomic

CACHE_FILE = "history.json"


@dataclass(frozen=True)
class CommitChanges:
    """One commit and what it changed in the maps."""

    id: str
    date: str
    author: str
    subject: str
    changes: tuple[Change, ...]
    unreadable: int = 0  # maps it left (or found) broken, whose changes are not shown

    def to_json(self) -> dict:
        return {"id": self.id, "date": self.date, "author": self.author, "subject": self.subject,
                "changes": [c.to_json() for c in self.changes], "unreadable": self.unreadable}

    @classmethod
    def from_json(cls, data: dict) -> "CommitChanges":
        return cls(data["id"], data["date"], data["author"], data["subject"],
                   tuple(Change.from_json(c) for c in data["changes"]), data.get("unreadable", 0))


def recent_changes(repository: Repository, folder: Path, limit: int,
                   cache_dir: Path | None) -> list[CommitChanges]:
    """The last `limit` commits that changed a map under `folder`, newest first, each with its
    changes (commits that changed only files other than maps are left out)."""
    walked = commits(repository, folder, limit)
    cache = _Cache(cache_dir / CACHE_FILE if cache_dir is not None else None)
    found: list[CommitChanges] = []
    for commit in walked:
        entry = cache.get(commit.id)
        if entry is None:
            entry = _diff_commit(repository, folder, commit)
            cache.put(commit.id, entry)
        if entry.changes or entry.unreadable:
            found.append(entry)
    cache.save()
    return found


def _diff_commit(repository: Repository, folder: Path, commit: Commit) -> CommitChanges:
    inside = repository.relative(folder)
    prefix = "" if inside == "." else inside + "/"
    # Map files only: `_vocabulary.yml` and the like are not maps, and a change to them shows
    # in the maps' pages, not as a change of a map.
    changed = [c for c in commit.files if c.path.startswith(prefix) and is_map_path(c.path)
               and not any(part.startswith(("_", ".")) for part in PurePosixPath(c.path[len(prefix):]).parts)]
    old = {c.path: c.old for c in changed if c.old}
    new = {c.path: c.new for c in changed if c.new}
    blobs = read_blobs(repository, [*old.values(), *new.values()])
    old_files = {path: blobs.get(blob, b"") for path, blob in old.items()}
    new_files = {path: blobs.get(blob, b"") for path, blob in new.items()}
    old_side = _side(old_files, inside)
    new_side = _side(new_files, inside)
    # Maps the changed ones link to (`addresses: [other-map/pain]`), unchanged by the commit:
    # a pain point of theirs may now be addressed, or an opportunity there may address one
    # of the changed maps.
    linked = _linked(repository, commit, prefix, [old_side, new_side], set(old) | set(new))
    if linked:
        old_side = _side({**old_files, **linked}, inside)
        new_side = _side({**new_files, **linked}, inside)
    diff = compare(old_side, new_side)
    return CommitChanges(commit.id, commit.date, commit.author, commit.subject,
                         tuple(diff.changes), len(diff.unreadable))


def _side(files: dict[str, bytes], inside: str) -> Side:
    with tempfile.TemporaryDirectory(prefix="cjm-history-") as temporary:
        root = Path(temporary)
        for path, data in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        maps = root / inside
        maps.mkdir(parents=True, exist_ok=True)
        return Side(load_project([maps], base=root), "", maps)


def _linked(repository: Repository, commit: Commit, prefix: str, sides: list[Side],
            loaded_paths: set[str]) -> dict[str, bytes]:
    """{path: bytes at `commit`} of the maps that the loaded maps name in `addresses`."""
    loaded = {m.id for side in sides for m in side.project.maps}
    wanted = set()
    for side in sides:
        for loaded_map in side.project.maps:
            for stage in loaded_map.map.stages:
                for opportunity in stage.opportunities:
                    for reference in opportunity.addresses:
                        persona, _ = split_reference(reference, loaded_map.id)
                        if persona not in loaded:
                            wanted.add(persona)
    # A map's file is usually named by its persona id; others are not looked for.
    names = {f"{commit.id}:{prefix}{pid}{suffix}": f"{prefix}{pid}{suffix}"
             for pid in sorted(wanted) for suffix in (".yml", ".yaml")}
    names = {k: v for k, v in names.items() if v not in loaded_paths}
    try:
        blobs = read_blobs(repository, list(names))
    except GitError:
        return {}
    return {names[name]: data for name, data in blobs.items()}


class _Cache:
    """The changes of each commit, by commit id, made by this version of cjm."""

    def __init__(self, file: Path | None):
        self.file = file
        self.known: dict[str, dict] = {}
        if file is not None:
            try:
                data = json.loads(file.read_text("utf-8"))
                if data.get("code") == code_version():
                    self.known = data["commits"]
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                pass
        self.used: dict[str, dict] = {}

    def get(self, commit: str) -> CommitChanges | None:
        data = self.known.get(commit)
        if data is None:
            return None
        try:
            entry = CommitChanges.from_json(data)
        except (KeyError, TypeError, ValueError):
            return None
        self.used[commit] = data
        return entry

    def put(self, commit: str, entry: CommitChanges) -> None:
        self.used[commit] = entry.to_json()

    def save(self) -> None:
        if self.file is None or self.used == self.known:
            return
        data = json.dumps({"code": code_version(), "commits": self.used}, sort_keys=True)
        try:
            write_atomic(self.file, data.encode("utf-8"))
        except OSError:
            pass  # a cache we cannot write only costs time on the next build


def changes_key(entries: list[CommitChanges]) -> str:
    """What the "What changed" page shows, as one hash (for site.py's keys)."""
    data = json.dumps([e.to_json() for e in entries], sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
