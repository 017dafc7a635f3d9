"""Generated files kept between builds, in the plugin's cache folder.

MkDocs reads generated pages from here like hand-written ones, and `--dirty` builds compare
their modification times with the built pages: a file is only written when its bytes change.
"""

from __future__ import annotations

import json
import os
import posixpath
import threading
from dataclasses import dataclass
from pathlib import Path

from .load import LoadedMap

STORE_FORMAT = 1


@dataclass(frozen=True)
class StoredFile:
    """A generated page or asset as a file in the store; MkDocs reads it from there."""

    src: str
    path: Path
    source: LoadedMap | None = None  # the map whose YAML the "edit" link opens

    @property
    def content(self) -> str:
        return self.path.read_text(encoding="utf-8")


class FileStore:
    """Generated files in a folder (the plugin's cache), in groups: the pages of one map, or
    the pages across maps. A group is generated again only when the key of everything it is
    made from changes, and a file is written only when its bytes change: unchanged files keep
    their modification time, which is how `mkdocs build --dirty` (and serve's `--dirty`) tell
    which pages to rebuild. A 200-persona site spent 90% of the plugin's time regenerating
    pages that had not changed (bench/README.md)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.manifest = self.folder / "manifest.json"
        try:
            data = json.loads(self.manifest.read_text("utf-8"))
            self.groups: dict[str, dict] = data["groups"] if data.get("format") == STORE_FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.groups = {}
        self.seen: dict[str, dict] = {}
        self.root = (self.folder / "files").resolve()

    def path(self, src: str) -> Path:
        # Ids are checked slugs, so this never fails; it is cheaper than resolving each path.
        if posixpath.normpath(src) != src or src.startswith(("/", "../")) or "\\" in src:
            raise ValueError(f"generated file `{src}` would be written outside {self.folder}")
        return self.root / src

    def reuse(self, group: str, key: str) -> list[str] | None:
        """The files of `group` if they were made from the same `key` and are all there."""
        known = self.groups.get(group)
        if not isinstance(known, dict) or known.get("key") != key or not isinstance(known.get("files"), list):
            return None
        try:
            if not all(isinstance(src, str) and self.path(src).is_file() for src in known["files"]):
                return None
        except ValueError:  # a manifest edited by hand
            return None
        self.seen[group] = known
        return list(known["files"])

    def put(self, group: str, key: str | None, files: dict[str, str | bytes]) -> None:
        """Write a group's files (only those whose bytes change); `key` None: never reuse them."""
        for src, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            target = self.path(src)
            try:
                if target.read_bytes() == data:
                    continue  # keep its modification time
            except OSError:
                pass
            write_atomic(target, data)
        self.seen[group] = {"key": key, "files": list(files)}

    def save(self) -> None:
        """Write the manifest; delete the files no group of this build has (a map was removed)."""
        if self.seen == self.groups and self.manifest.is_file():
            return
        keep = {self.path(src) for group in self.seen.values() for src in group["files"]}
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name)
                if path not in keep:
                    path.unlink(missing_ok=True)
        data = json.dumps({"format": STORE_FORMAT, "groups": self.seen}, sort_keys=True, indent=1)
        write_atomic(self.manifest, data.encode("utf-8"))
        self.groups = dict(self.seen)


def write_atomic(target: Path, data: bytes) -> None:
    """A reader (a build running at the same time) sees the old file or the new one.

    The temporary name is unique per process and thread; `open` (unlike `mkstemp`, which
    makes private files) gives the file the permissions the user's umask allows."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise